package dev.keyrack.bench.launch;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a child JVM of the cold-start part reports, as one line {@value #MARKER} + JSON on stdout.
 * Times are counted from the moment the parent started the process (system property
 * {@value #T0_PROPERTY}, epoch microseconds), so JVM boot is included. Plain JDK only: it runs on
 * the class path of a bare hello world too.
 */
public final class LaunchReport {
  public static final String MARKER = "KEYRACK_COLD_START ";
  public static final String T0_PROPERTY = "keyrack.launch.t0";

  private final long t0Micros = Long.parseLong(System.getProperty(T0_PROPERTY, String.valueOf(nowMicros())));
  private final Map<String, Object> fields = new LinkedHashMap<>();

  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** Milliseconds since the parent started this process. */
  public double sinceStartMillis() {
    return (nowMicros() - t0Micros) / 1000.0;
  }

  public LaunchReport put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  /** Adds the loaded-class count and prints the line. */
  public void print() {
    fields.put("classes_loaded", ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      fields.put("process_cpu_ms", os.getProcessCpuTime() / 1_000_000);
    }
    StringBuilder sb = new StringBuilder(MARKER).append('{');
    fields.forEach((k, v) -> {
      if (sb.charAt(sb.length() - 1) != '{') sb.append(',');
      sb.append('"').append(k).append("\":");
      if (v instanceof Number n) sb.append(n);
      else sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ")).append('"');
    });
    System.out.println(sb.append('}'));
    System.out.flush();
  }
}
