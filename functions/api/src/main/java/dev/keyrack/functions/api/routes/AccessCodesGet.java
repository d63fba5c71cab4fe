package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;
import java.util.UUID;

/** GET|POST /access_codes/get: by access_code_id, or by device_id and code. */
public final class AccessCodesGet implements Route {
  @Override public String path() { return "/access_codes/get"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.uuid("access_code_id");
    UUID deviceId = p.uuid("device_id");
    String code = p.string("code", 64);
    p.rejectUnknown();
    AccessCode found;
    if (id != null) {
      found = req.services().accessCodes().get(req.workspaceId(), id);
      if (deviceId != null && !deviceId.equals(found.deviceId())) throw ApiError.accessCodeNotFound();
    } else if (deviceId != null && code != null) {
      found = req.services().accessCodes().list(req.workspaceId(), deviceId).stream()
          .filter(c -> code.equals(c.code())).findFirst().orElseThrow(ApiError::accessCodeNotFound);
    } else {
      throw ApiError.invalid("Give access_code_id, or device_id together with code.");
    }
    found = found.shownAt(req.services().clock().instant(),
        req.services().accessCodes().deviceOnline(req.workspaceId()).test(found.deviceId()));
    ObjectNode body = Request.body();
    body.set("access_code", Wire.accessCode(found,
        req.services().accessCodes().backupAvailable(req.workspaceId(), found.deviceId())));
    return body;
  }
}
