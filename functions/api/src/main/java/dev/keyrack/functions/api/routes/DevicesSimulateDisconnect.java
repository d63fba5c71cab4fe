package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import java.util.Set;

/** POST /devices/simulate/disconnect: a sandbox lock goes offline; operations on it fail and are retried. */
public final class DevicesSimulateDisconnect implements Route {
  @Override public String path() { return "/devices/simulate/disconnect"; }

  @Override public Set<String> methods() { return Set.of("POST"); }

  @Override
  public ObjectNode handle(Request req) {
    SandboxRoutes.setOnline(req, false);
    return Request.body();
  }
}
