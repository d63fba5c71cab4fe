package dev.keyrack.functions.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.domain.Workspace;
import java.util.UUID;

/** An authenticated request: the caller's workspace, its parameters, and the services. */
public record Request(Workspace workspace, Params params, Services services) {
  public UUID workspaceId() {
    return workspace.workspaceId();
  }

  public static ObjectNode body() {
    return JsonNodeFactory.instance.objectNode();
  }
}
