package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * GET|POST /access_codes/generate_code: a PIN that fits the device's rules and is not used on it
 * yet, answered as an (unsaved) access code object as the contract shapes it. Nothing is stored.
 */
public final class AccessCodesGenerateCode implements Route {
  @Override public String path() { return "/access_codes/generate_code"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID deviceId = p.requiredUuid("device_id");
    p.rejectUnknown();
    String code = req.services().accessCodes().generateCode(req.workspaceId(), deviceId, null);
    AccessCode preview = new AccessCode(UUID.randomUUID(), req.workspaceId(), deviceId, null, code, null, CodeType.ongoing,
        CodeStatus.unset, null, null, dev.keyrack.app.Clocks.now(req.services().clock()), List.of(), List.of(), List.of(),
        false, false, false, false, true, false, 0);
    ObjectNode body = Request.body();
    body.set("generated_code", Wire.accessCode(preview));
    return body;
  }
}
