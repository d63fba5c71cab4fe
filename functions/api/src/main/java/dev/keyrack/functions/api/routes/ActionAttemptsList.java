package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.ActionAttempt;
import dev.keyrack.functions.api.Pages;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** GET|POST /action_attempts/list: by action_attempt_ids (unknown ids are left out), in pages of limit attempts. */
public final class ActionAttemptsList implements Route {
  /** The OpenAPI document's default limit. */
  public static final int DEFAULT_LIMIT = 500;

  @Override public String path() { return "/action_attempts/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    List<UUID> ids = p.uuids("action_attempt_ids", 100);
    Pages pages = Pages.read(p, path(), req.workspaceId(), DEFAULT_LIMIT, 1, ids);
    p.rejectUnknown();
    if (ids == null) throw ApiError.invalidField("action_attempt_ids", "action_attempt_ids is required.");
    // In the order of the ids asked for: an attempt's key is its id's position.
    List<Map.Entry<Integer, ActionAttempt>> found = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      Optional<ActionAttempt> a = dev.keyrack.domain.ActionAttempts.read(req.workspaceId(), ids.get(i));
      if (a.isPresent()) found.add(Map.entry(i, a.get()));
    }
    Pages.Page<Map.Entry<Integer, ActionAttempt>> page = pages.page(found, e -> List.of(Pages.key(e.getKey())));
    ObjectNode body = Request.body();
    body.set("action_attempts", Wire.array(page.items().stream().map(e -> Wire.actionAttempt(e.getValue())).toList()));
    body.set("pagination", page.pagination());
    return body;
  }
}
