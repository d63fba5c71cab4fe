package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.Event;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import dev.keyrack.ports.Store;
import java.util.Set;
import java.util.UUID;

/** GET|POST /events/get: by event_id, or the latest event of a type for a device. */
public final class EventsGet implements Route {
  @Override public String path() { return "/events/get"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.uuid("event_id");
    String type = p.string("event_type", 100);
    UUID deviceId = p.uuid("device_id");
    p.rejectUnknown();
    Event e;
    if (id != null) {
      e = req.services().store().event(req.workspaceId(), id).orElseThrow(EventsGet::notFound);
    } else if (type != null || deviceId != null) {
      e = req.services().store().events(req.workspaceId(), new Store.EventQuery(deviceId, null,
          type == null ? null : java.util.List.of(type), null, null, 1)).stream().findFirst().orElseThrow(EventsGet::notFound);
    } else {
      throw ApiError.invalid("Give event_id, or event_type and/or device_id.");
    }
    ObjectNode body = Request.body();
    body.set("event", Wire.event(e));
    return body;
  }

  private static ApiError notFound() {
    return new ApiError(404, "event_not_found", "Event not found.");
  }
}
