package dev.keyrack.adapters.lambda.logging;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J provider of the deployment packages (registered by functions/lambda-root's service file):
 * {@link JsonLogger}s writing to standard output, the root level from {@code POWERTOOLS_LOG_LEVEL}
 * (INFO by default; Powertools may change it per invocation through {@link JsonLoggingManager}),
 * and the AWS SDK, Apache and {@code com.amazonaws} loggers at WARN, as log4j2.xml sets them.
 */
public final class JsonLogs implements SLF4JServiceProvider, ILoggerFactory {
  /** Loggers under these names log WARN and above whatever the root level. */
  static final java.util.List<String> QUIET = java.util.List.of("software.amazon.awssdk", "org.apache", "com.amazonaws");
  private static volatile Level root = parse(System.getenv("POWERTOOLS_LOG_LEVEL"), Level.INFO);

  private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
  private final BasicMarkerFactory markers = new BasicMarkerFactory();
  private final BasicMDCAdapter mdc = new BasicMDCAdapter();

  /** The level a logger of this name logs at: WARN for the quiet libraries, the root level otherwise. */
  static Level threshold(String name) {
    for (String q : QUIET) {
      if (name.startsWith(q) && (name.length() == q.length() || name.charAt(q.length()) == '.')) {
        return root.toInt() > Level.WARN.toInt() ? root : Level.WARN;
      }
    }
    return root;
  }

  static Level rootLevel() {
    return root;
  }

  static void rootLevel(Level level) {
    root = level;
  }

  /** The level named by the text (as POWERTOOLS_LOG_LEVEL spells it), or the fallback. */
  static Level parse(String text, Level fallback) {
    if (text == null || text.isBlank()) return fallback;
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.equals("WARNING")) return Level.WARN;
    if (t.equals("FATAL")) return Level.ERROR;
    try {
      return Level.valueOf(t);
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, n -> new JsonLogger(n, null));
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return this;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    // Nothing to set up: no configuration file, no plugins, no background threads.
  }
}
