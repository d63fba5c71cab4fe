package dev.keyrack.adapters.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.keyrack.ports.Telemetry;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Powertools logging and metrics through their functional API (no AspectJ weaving): each
 * invocation runs inside {@link PowertoolsLogging#withLogging}, which puts the request id and
 * cold-start flag on every log line, and counted metrics are flushed as one EMF record.
 */
public final class Observability {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Observability.class);
  private Observability() {}

  public static <T> T around(Context context, Telemetry telemetry, Supplier<T> work) {
    try {
      return PowertoolsLogging.withLogging(context, work);
    } finally {
      if (telemetry instanceof EmfTelemetry emf) emf.flush();
    }
  }

  /**
   * Counters written as CloudWatch EMF by Powertools metrics, in the namespace and service the
   * function's environment names ({@code POWERTOOLS_METRICS_NAMESPACE}, {@code POWERTOOLS_SERVICE_NAME});
   * none when {@code POWERTOOLS_METRICS_DISABLED} is true (the local stack, tests).
   */
  public static Telemetry emf(java.util.Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.get("POWERTOOLS_METRICS_DISABLED"))) return Telemetry.NONE;
    Metrics metrics = MetricsFactory.getMetricsInstance();
    String namespace = env.get("POWERTOOLS_METRICS_NAMESPACE");
    if (namespace != null) metrics.setNamespace(namespace);
    return new EmfTelemetry(metrics);
  }

  static final class EmfTelemetry implements Telemetry {
    private final Metrics metrics;
    private final ThreadLocal<Boolean> dirty = ThreadLocal.withInitial(() -> false);

    EmfTelemetry(Metrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void count(String metric) {
      count(metric, 1);
    }

    @Override
    public void count(String metric, int n) {
      try {
        metrics.addMetric(metric, n, MetricUnit.COUNT);
        dirty.set(true);
      } catch (RuntimeException e) {
        LOG.warn("metric {} not recorded: {}", metric, e.getClass().getSimpleName());
      }
    }

    /** Metrics never fail a request: a broken metrics setup is logged, not thrown. */
    void flush() {
      if (!dirty.get()) return;
      dirty.set(false);
      try {
        metrics.flush();
      } catch (RuntimeException e) {
        LOG.warn("metrics not flushed: {}", e.getClass().getSimpleName());
      }
    }
  }
}
