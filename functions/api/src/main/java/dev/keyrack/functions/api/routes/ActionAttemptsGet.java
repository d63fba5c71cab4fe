package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;
import java.util.UUID;

/** GET|POST /action_attempts/get */
public final class ActionAttemptsGet implements Route {
  @Override public String path() { return "/action_attempts/get"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.requiredUuid("action_attempt_id");
    p.rejectUnknown();
    ObjectNode body = Request.body();
    body.set("action_attempt", Wire.actionAttempt(dev.keyrack.domain.ActionAttempts.read(req.workspaceId(), id)
        .orElseThrow(() -> new ApiError(404, "action_attempt_not_found", "Action attempt not found."))));
    return body;
  }
}
