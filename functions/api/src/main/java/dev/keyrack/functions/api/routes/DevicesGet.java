package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;
import java.util.UUID;

/** GET|POST /devices/get: by device_id or name. */
public final class DevicesGet implements Route {
  @Override public String path() { return "/devices/get"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  static Device find(Request req) {
    Params p = req.params();
    UUID id = p.uuid("device_id");
    String name = p.string("name", 200);
    p.rejectUnknown();
    if (id != null) return req.services().accessCodes().device(req.workspaceId(), id);
    if (name != null) {
      return req.services().store().devices(req.workspaceId()).stream().filter(d -> d.displayName().equals(name))
          .findFirst().orElseThrow(ApiError::deviceNotFound);
    }
    throw ApiError.invalid("Give device_id or name.");
  }

  @Override
  public ObjectNode handle(Request req) {
    ObjectNode body = Request.body();
    body.set("device", DeviceListing.render(req, find(req)));
    return body;
  }
}
