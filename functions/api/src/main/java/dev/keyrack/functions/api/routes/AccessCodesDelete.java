package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.ActionAttempt;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;
import java.util.UUID;

/** POST|DELETE /access_codes/delete */
public final class AccessCodesDelete implements Route {
  @Override public String path() { return "/access_codes/delete"; }

  @Override public Set<String> methods() { return Set.of("POST", "DELETE"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.requiredUuid("access_code_id");
    UUID deviceId = p.uuid("device_id");
    p.bool("sync");
    p.rejectUnknown();
    if (deviceId != null && !deviceId.equals(req.services().accessCodes().get(req.workspaceId(), id).deviceId())) {
      throw ApiError.accessCodeNotFound();
    }
    ActionAttempt a = req.services().accessCodes().delete(req.workspaceId(), id);
    ObjectNode body = Request.body();
    body.set("action_attempt", Wire.actionAttempt(a));
    return body;
  }
}
