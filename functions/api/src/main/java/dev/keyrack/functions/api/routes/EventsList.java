package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.domain.Event;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import dev.keyrack.ports.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** GET|POST /events/list: newest first, by device, access code, type and time; {@code unstable_offset} skips that many. */
public final class EventsList implements Route {
  public static final int DEFAULT_LIMIT = 500;

  @Override public String path() { return "/events/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID deviceId = p.uuid("device_id");
    UUID accessCodeId = p.uuid("access_code_id");
    List<UUID> accessCodeIds = p.uuids("access_code_ids", 500);
    List<UUID> deviceIds = p.uuids("device_ids", 500);
    List<UUID> eventIds = p.uuids("event_ids", 500);
    String type = p.string("event_type", 100);
    if (type != null && !EventTypes.ALL.contains(type)) {
      throw dev.keyrack.app.ApiError.invalidField("event_type", "event_type must be a Seam event type, such as access_code.set_on_device.");
    }
    List<String> types = p.strings("event_types", 100, 100);
    if (types != null && !EventTypes.ALL.containsAll(types)) {
      throw dev.keyrack.app.ApiError.invalidField("event_types", "event_types must list Seam event types, such as access_code.set_on_device.");
    }
    UUID connectedAccountId = p.uuid("connected_account_id");
    Instant since = p.instant("since");
    List<Instant> between = p.instants("between", 2);
    Integer limit = p.integer("limit", 1, 10_000);
    Double offsetGiven = p.number("unstable_offset", 0, 10_000); // (one request reads at most limit + offset events)
    int offset = offsetGiven == null ? 0 : (int) Math.floor(offsetGiven);
    p.rejectUnknown();
    Instant until = null;
    if (between != null) {
      since = between.get(0);
      until = between.get(1);
    }
    List<String> allTypes = new ArrayList<>();
    if (type != null) allTypes.add(type);
    if (types != null) allTypes.addAll(types);
    int max = limit == null ? DEFAULT_LIMIT : limit;
    boolean extraFilters = accessCodeIds != null || deviceIds != null || eventIds != null || connectedAccountId != null;
    List<Event> events = req.services().store().events(req.workspaceId(), new Store.EventQuery(deviceId, accessCodeId,
        allTypes, since, until, extraFilters ? Integer.MAX_VALUE : max + offset));
    var s = events.stream();
    if (accessCodeIds != null) s = s.filter(e -> accessCodeIds.contains(e.accessCodeId()));
    if (deviceIds != null) s = s.filter(e -> deviceIds.contains(e.deviceId()));
    if (eventIds != null) s = s.filter(e -> eventIds.contains(e.eventId()));
    if (connectedAccountId != null) s = s.filter(e -> connectedAccountId.equals(e.connectedAccountId()));
    ObjectNode body = Request.body();
    body.set("events", Wire.array(s.skip(offset).limit(max).map(Wire::event).toList()));
    return body;
  }
}
