package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Pages;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;

/** GET|POST /devices/list: in pages of limit devices (OpenAPI's default 500). */
public final class DevicesList implements Route {
  @Override public String path() { return "/devices/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Pages.Page<Device> page = DeviceListing.list(req, path());
    ObjectNode body = Request.body();
    body.set("devices", Wire.array(page.items().stream().map(d -> DeviceListing.render(req, d)).toList()));
    body.set("pagination", page.pagination());
    return body;
  }
}
