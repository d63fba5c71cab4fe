package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.ActionAttempt;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** GET|POST /action_attempts/list: by action_attempt_ids (unknown ids are left out). */
public final class ActionAttemptsList implements Route {
  @Override public String path() { return "/action_attempts/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    List<UUID> ids = p.uuids("action_attempt_ids", 100);
    p.rejectUnknown();
    if (ids == null) throw ApiError.invalidField("action_attempt_ids", "action_attempt_ids is required.");
    List<ObjectNode> found = ids.stream().map(id -> dev.keyrack.domain.ActionAttempts.read(req.workspaceId(), id))
        .flatMap(Optional::stream).map(Wire::actionAttempt).toList();
    ObjectNode body = Request.body();
    body.set("action_attempts", Wire.array(found));
    body.set("pagination", Wire.singlePage());
    return body;
  }
}
