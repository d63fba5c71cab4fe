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
  private Observability() {}

  public static <T> T around(Context context, Telemetry telemetry, Supplier<T> work) {
    try {
      return PowertoolsLogging.withLogging(context, work);
    } finally {
      if (telemetry instanceof EmfTelemetry emf) emf.flush();
    }
  }

  /** Counters written as CloudWatch EMF by Powertools metrics (namespace from POWERTOOLS_METRICS_NAMESPACE). */
  public static Telemetry emf() {
    return new EmfTelemetry(MetricsFactory.getMetricsInstance());
  }

  static final class EmfTelemetry implements Telemetry {
    private final Metrics metrics;
    private final ThreadLocal<Boolean> dirty = ThreadLocal.withInitial(() -> false);

    EmfTelemetry(Metrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void count(String metric) {
      metrics.addMetric(metric, 1, MetricUnit.COUNT);
      dirty.set(true);
    }

    void flush() {
      if (dirty.get()) {
        metrics.flush();
        dirty.set(false);
      }
    }
  }
}
