package dev.keyrack.adapters.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.keyrack.adapters.lambda.logging.JsonLogger;
import dev.keyrack.ports.Telemetry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Powertools logging through its functional API (no AspectJ weaving): each invocation runs inside
 * {@link PowertoolsLogging#withLogging}, which puts the request id and cold-start flag on every log
 * line; and the invocation's counters, flushed as one CloudWatch EMF record on standard output.
 *
 * <p>The EMF record is written here rather than through Powertools metrics: the record is one small
 * JSON object, and Powertools metrics (with the EMF library under it) loaded about 150 classes on a
 * cold start and built Jackson bean serializers for its model by reflection in the first request's
 * flush (some 40-60 ms of the api's first request on the benchmark machine), plus an SDK interceptor
 * on every client and about 1 MB of jars (keyrack-bench, part cold_start). The record
 * has the shape Powertools wrote: namespace {@code POWERTOOLS_METRICS_NAMESPACE}, the one dimension
 * {@code Service} ({@code POWERTOOLS_SERVICE_NAME}), unit Count, a value per metric (an array when a
 * metric was counted more than once in the invocation, as the EMF library writes it).
 */
public final class Observability {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Observability.class);
  /** Powertools' service name when POWERTOOLS_SERVICE_NAME is not set. */
  static final String SERVICE_UNDEFINED = "service_undefined";

  private Observability() {}

  public static <T> T around(Context context, Telemetry telemetry, Supplier<T> work) {
    if (telemetry instanceof EmfTelemetry emf) emf.begin();
    try {
      return PowertoolsLogging.withLogging(context, work);
    } finally {
      if (telemetry instanceof EmfTelemetry emf) emf.flush();
    }
  }

  /**
   * Counters written as CloudWatch EMF, in the namespace and service the function's environment
   * names ({@code POWERTOOLS_METRICS_NAMESPACE}, {@code POWERTOOLS_SERVICE_NAME}); none when
   * {@code POWERTOOLS_METRICS_DISABLED} is true (the local stack, tests).
   */
  public static Telemetry emf(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.get("POWERTOOLS_METRICS_DISABLED"))) return Telemetry.NONE;
    String service = env.getOrDefault("POWERTOOLS_SERVICE_NAME", System.getenv("POWERTOOLS_SERVICE_NAME"));
    return new EmfTelemetry(env.get("POWERTOOLS_METRICS_NAMESPACE"),
        service == null || service.isBlank() ? SERVICE_UNDEFINED : service);
  }

  static final class EmfTelemetry implements Telemetry {
    private final String namespace;
    private final String service;
    /**
     * This thread's invocation's counts, by metric, in the order first counted. Threads the
     * invocation starts (the provider worker's, one per lock of a batch) inherit the same map, so
     * their counts go into the invocation's record; it is locked while counted and flushed.
     */
    private final InheritableThreadLocal<Map<String, List<Integer>>> counts = new InheritableThreadLocal<>() {
      @Override
      protected Map<String, List<Integer>> initialValue() {
        return new LinkedHashMap<>();
      }
    };

    EmfTelemetry(String namespace, String service) {
      this.namespace = namespace;
      this.service = service;
    }

    @Override
    public void count(String metric) {
      count(metric, 1);
    }

    @Override
    public void count(String metric, int n) {
      Map<String, List<Integer>> pending = counts.get();
      synchronized (pending) {
        pending.computeIfAbsent(metric, k -> new ArrayList<>(1)).add(n);
      }
    }

    /** Makes this thread's map before the invocation starts threads of its own, so they share it. */
    void begin() {
      counts.get();
    }

    /** Writes the invocation's record, if it counted anything; metrics never fail a request. */
    void flush() {
      Map<String, List<Integer>> pending = counts.get();
      synchronized (pending) {
        flush(pending);
      }
    }

    private void flush(Map<String, List<Integer>> pending) {
      if (pending.isEmpty()) return;
      try {
        if (namespace == null || namespace.isBlank()) {
          LOG.warn("metrics not flushed: POWERTOOLS_METRICS_NAMESPACE is not set");
          return;
        }
        PrintStream out = System.out;
        out.println(record(namespace, service, pending, System.currentTimeMillis()));
      } catch (RuntimeException e) {
        LOG.warn("metrics not flushed: {}", e.getClass().getSimpleName());
      } finally {
        pending.clear();
      }
    }
  }

  /** One EMF record: the {@code _aws} metadata, the Service dimension, and each metric's value(s). */
  static String record(String namespace, String service, Map<String, List<Integer>> counts, long epochMillis) {
    StringBuilder sb = new StringBuilder(256).append("{\"_aws\":{\"Timestamp\":").append(epochMillis)
        .append(",\"CloudWatchMetrics\":[{\"Namespace\":");
    JsonLogger.string(sb, namespace);
    sb.append(",\"Metrics\":[");
    boolean first = true;
    for (String name : counts.keySet()) {
      if (!first) sb.append(',');
      first = false;
      sb.append("{\"Name\":");
      JsonLogger.string(sb, name);
      sb.append(",\"Unit\":\"Count\"}");
    }
    sb.append("],\"Dimensions\":[[\"Service\"]]}]},\"Service\":");
    JsonLogger.string(sb, service);
    counts.forEach((name, values) -> {
      sb.append(',');
      JsonLogger.string(sb, name);
      sb.append(':');
      if (values.size() == 1) {
        sb.append((double) values.get(0));
      } else {
        sb.append('[');
        for (int i = 0; i < values.size(); i++) sb.append(i > 0 ? "," : "").append((double) values.get(i));
        sb.append(']');
      }
    });
    return sb.append('}').toString();
  }
}
