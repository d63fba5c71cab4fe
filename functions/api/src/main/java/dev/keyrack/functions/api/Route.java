package dev.keyrack.functions.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** One API path (one file per path, with its parameters read next to its behaviour). */
public interface Route {
  String path();

  /** HTTP methods the OpenAPI document lists for the path. */
  Set<String> methods();

  /** The success body without {@code ok}; throws {@link dev.keyrack.app.ApiError} for a 4xx. */
  ObjectNode handle(Request request);
}
