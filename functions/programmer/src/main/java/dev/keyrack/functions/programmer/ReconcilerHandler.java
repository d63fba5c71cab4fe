package dev.keyrack.functions.programmer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.adapters.lambda.Payloads;
import dev.keyrack.app.Reconciler;
import dev.keyrack.ports.Telemetry;
import java.util.Map;

/**
 * The periodic sweep (template.yaml's {@code ReconcilerFunction}, on an EventBridge Scheduler rate
 * schedule): re-sends the device operations that stored codes wait for but whose queue message may
 * never have been sent (the queue was unreachable after the code was stored, or the api function
 * stopped between the two). Stored state is the truth and the worker is idempotent, so a re-send is
 * always safe. It ships in the programmer's package: same dependencies, no extra artifact.
 *
 * <p>The input names the sweep's scope: {@code {"scope": "RECENT"}} (codes created in the last half
 * hour, every ten minutes), {@code "LOST_SENDS"} (every code, once a day; also what an input without
 * a scope means) or {@code "EMPTY_QUEUE"} (every pending code, after a queue was purged or recreated).
 */
public final class ReconcilerHandler implements RequestStreamHandler {
  private final Reconciler reconciler;
  private final Telemetry telemetry;

  public ReconcilerHandler() {
    this(AwsWiring.fromEnvironment());
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ReconcilerHandler(AwsWiring aws) {
    this(new Reconciler(aws.store(), aws.jobQueue(), aws.clock()), aws.telemetry());
  }

  public ReconcilerHandler(Reconciler reconciler, Telemetry telemetry) {
    this.reconciler = reconciler;
    this.telemetry = telemetry;
  }

  /** An invocation as Lambda makes it: the schedule's input as bytes in, the outcome's out ({@link Payloads}). */
  @Override
  public void handleRequest(java.io.InputStream input, java.io.OutputStream output, Context context) throws java.io.IOException {
    Payloads.write(handle(Payloads.readMap(input), context), output);
  }

  /** One sweep, its input read. */
  public Map<String, Object> handle(Map<String, Object> input, Context context) {
    Reconciler.Scope scope = Reconciler.Scope.named(input == null ? null : input.get("scope"));
    return Observability.around(context, telemetry, () -> {
      int sent = reconciler.reconcileAll(scope);
      telemetry.count("DeviceJobsResent", sent);
      return Map.of("resent", sent, "scope", scope.name());
    });
  }
}
