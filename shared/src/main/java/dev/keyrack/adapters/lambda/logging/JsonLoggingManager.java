package dev.keyrack.adapters.lambda.logging;

import org.slf4j.event.Level;
import software.amazon.lambda.powertools.logging.internal.LoggingManager;

/**
 * Powertools' hook into the log backend (found by its ServiceLoader; registered with
 * {@link JsonLogs} in functions/lambda-root): {@code POWERTOOLS_LOG_LEVEL} and log sampling set
 * the root level of the {@link JsonLogger}s.
 */
public final class JsonLoggingManager implements LoggingManager {
  @Override
  public void setLogLevel(Level level) {
    JsonLogs.rootLevel(level);
  }

  @Override
  public Level getLogLevel(org.slf4j.Logger logger) {
    return logger == null ? JsonLogs.rootLevel() : JsonLogs.threshold(logger.getName());
  }
}
