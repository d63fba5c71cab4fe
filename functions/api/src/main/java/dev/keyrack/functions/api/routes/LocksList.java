package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;

/** GET|POST /locks/list: every sandbox device is a lock; answered as both {@code locks} and {@code devices}. */
public final class LocksList implements Route {
  @Override public String path() { return "/locks/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    ArrayNode locks = Wire.array(DeviceListing.list(req).stream().map(d -> DeviceListing.render(req, d)).toList());
    ObjectNode body = Request.body();
    body.set("locks", locks);
    body.set("devices", locks.deepCopy());
    body.set("pagination", Wire.singlePage());
    return body;
  }
}
