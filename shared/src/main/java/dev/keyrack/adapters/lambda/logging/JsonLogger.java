package dev.keyrack.adapters.lambda.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One JSON object per line, the fields in the order of Powertools' {@code LambdaJsonLayout}:
 * {@code level}, {@code message}, {@code error} ({@code message}, {@code name}, {@code stack}) when
 * an exception is logged, the Powertools fields of the MDC ({@code cold_start} as a boolean,
 * {@code function_memory_size} and {@code sampling_rate} as numbers, the rate only above 0), {@code timestamp} (UTC,
 * milliseconds), {@code xray_trace_id}, {@code correlation_id}, then every other MDC entry (such as
 * {@code workspace_id}) in name order. Absent fields are left out, as the layout leaves them.
 */
public final class JsonLogger extends LegacyAbstractLogger {
  /** The Powertools fields that come before {@code timestamp}, in the layout's order. */
  private static final List<String> BEFORE_TIMESTAMP = List.of("cold_start", "function_arn", "function_memory_size",
      "function_name", "function_request_id", "function_version", "sampling_rate", "service");
  private static final List<String> AFTER_TIMESTAMP = List.of("xray_trace_id", "correlation_id");
  private static final long serialVersionUID = 1L;

  /** Where lines go; null: standard output as it is at each event (Lambda's runtime sets its own). */
  private final transient PrintStream out;

  JsonLogger(String name, PrintStream out) {
    this.name = name;
    this.out = out;
  }

  private boolean enabled(Level level) {
    return level.toInt() >= JsonLogs.threshold(name).toInt();
  }

  @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
  @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
  @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
  @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
  @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
    String message = MessageFormatter.basicArrayFormat(pattern, args);
    (out != null ? out : System.out).println(line(level, message, thrown, MDC.getCopyOfContextMap(), System.currentTimeMillis()));
  }

  /** The JSON line of one event. */
  static String line(Level level, String message, Throwable thrown, Map<String, String> mdc, long epochMillis) {
    Map<String, String> context = mdc == null ? Map.of() : mdc;
    StringBuilder sb = new StringBuilder(256).append('{');
    field(sb, "level", level.name());
    if (message != null) field(sb, "message", message);
    if (thrown != null) {
      sb.append(",\"error\":{");
      if (thrown.getMessage() != null) {
        sb.append("\"message\":");
        string(sb, thrown.getMessage());
        sb.append(',');
      }
      sb.append("\"name\":");
      string(sb, thrown.getClass().getName());
      sb.append(",\"stack\":");
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      string(sb, trace.toString());
      sb.append('}');
    }
    for (String key : BEFORE_TIMESTAMP) powertools(sb, key, context.get(key));
    field(sb, "timestamp", timestamp(epochMillis));
    for (String key : AFTER_TIMESTAMP) powertools(sb, key, context.get(key));
    new TreeMap<>(context).forEach((k, v) -> {
      if (!BEFORE_TIMESTAMP.contains(k) && !AFTER_TIMESTAMP.contains(k) && v != null) field(sb, k, v);
    });
    return sb.append('}').toString();
  }

  /** A Powertools field, typed as the layout's resolver types it. */
  private static void powertools(StringBuilder sb, String key, String value) {
    if (value == null) return;
    switch (key) {
      case "cold_start" -> raw(sb, key, String.valueOf(Boolean.parseBoolean(value)));
      case "function_memory_size" -> {
        try {
          raw(sb, key, String.valueOf(Integer.parseInt(value)));
        } catch (NumberFormatException e) {
          field(sb, key, value);
        }
      }
      case "sampling_rate" -> { // as the layout: only a rate above 0
        try {
          float rate = Float.parseFloat(value);
          if (rate > 0) raw(sb, key, String.valueOf(rate));
        } catch (NumberFormatException e) {
          field(sb, key, value);
        }
      }
      default -> field(sb, key, value);
    }
  }

  /** {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC. */
  static String timestamp(long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), (int) Math.floorMod(epochMillis, 1000) * 1_000_000,
        ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(24);
    pad(sb, t.getYear(), 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2).append('.');
    return pad(sb, t.getNano() / 1_000_000, 3).append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String s = String.valueOf(value);
    for (int i = s.length(); i < width; i++) sb.append('0');
    return sb.append(s);
  }

  private static void field(StringBuilder sb, String key, String value) {
    if (sb.length() > 1) sb.append(',');
    string(sb, key);
    sb.append(':');
    string(sb, value);
  }

  private static void raw(StringBuilder sb, String key, String json) {
    if (sb.length() > 1) sb.append(',');
    string(sb, key);
    sb.append(':').append(json);
  }

  /** A JSON string: quotes, backslashes and control characters escaped. */
  public static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00");
            sb.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
