package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import java.util.Set;

/** POST /devices/simulate/connect: a sandbox lock comes back online (its queued operations then go through). */
public final class DevicesSimulateConnect implements Route {
  @Override public String path() { return "/devices/simulate/connect"; }

  @Override public Set<String> methods() { return Set.of("POST"); }

  @Override
  public ObjectNode handle(Request req) {
    SandboxRoutes.setOnline(req, true);
    return Request.body();
  }
}
