package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;

/** GET|POST /devices/list */
public final class DevicesList implements Route {
  @Override public String path() { return "/devices/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    ObjectNode body = Request.body();
    body.set("devices", Wire.array(DeviceListing.list(req).stream().map(d -> DeviceListing.render(req, d)).toList()));
    body.set("pagination", Wire.singlePage());
    return body;
  }
}
