package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;

/** GET|POST /locks/get: answered as both {@code lock} and {@code device}. */
public final class LocksGet implements Route {
  @Override public String path() { return "/locks/get"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    ObjectNode d = DeviceListing.render(req, DevicesGet.find(req));
    ObjectNode body = Request.body();
    body.set("lock", d);
    body.set("device", d.deepCopy());
    return body;
  }
}
