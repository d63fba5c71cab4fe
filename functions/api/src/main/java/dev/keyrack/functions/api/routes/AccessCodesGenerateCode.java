package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import java.util.Set;
import java.util.UUID;

/** GET|POST /access_codes/generate_code: a PIN that fits the device, not yet used on it. */
public final class AccessCodesGenerateCode implements Route {
  @Override public String path() { return "/access_codes/generate_code"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID deviceId = p.requiredUuid("device_id");
    p.rejectUnknown();
    String code = req.services().accessCodes().generateCode(req.workspaceId(), deviceId, null);
    ObjectNode body = Request.body();
    body.putObject("generated_code").put("device_id", deviceId.toString()).put("code", code);
    return body;
  }
}
