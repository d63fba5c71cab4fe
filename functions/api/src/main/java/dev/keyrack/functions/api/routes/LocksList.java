package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Pages;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;

/**
 * GET|POST /locks/list: every sandbox device is a lock; answered as both {@code locks} and {@code
 * devices}, in pages as /devices/list.
 */
public final class LocksList implements Route {
  @Override public String path() { return "/locks/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Pages.Page<Device> page = DeviceListing.list(req, path());
    ArrayNode locks = Wire.array(page.items().stream().map(d -> DeviceListing.render(req, d)).toList());
    ObjectNode body = Request.body();
    body.set("locks", locks);
    body.set("devices", locks.deepCopy());
    // Not in the OpenAPI response (nor followed by the SDK), which takes limit and page_cursor all the same.
    body.set("pagination", page.pagination());
    return body;
  }
}
