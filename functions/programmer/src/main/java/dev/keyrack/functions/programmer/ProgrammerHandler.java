package dev.keyrack.functions.programmer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.adapters.lambda.Priming;
import dev.keyrack.app.ProgrammingService;
import dev.keyrack.domain.Fire;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Telemetry;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge Scheduler target. The schedule's input is a {@link Fire} (code, transition,
 * plan version); {@link ProgrammingService} drops stale and duplicate fires, records the activation
 * of a preloaded code, and enqueues the rest on the device's FIFO message group. A fire that cannot be read is logged and dropped (retrying
 * it cannot help); a failure to reach DynamoDB or SQS throws, so Scheduler retries and finally
 * dead-letters it.
 *
 * <p>SnapStart: the no-argument constructor registers the handler as a CRaC {@link Resource};
 * before the snapshot it handles a fire for a code that does not exist (parsing, two DynamoDB
 * reads, dropped as deleted; nothing is written or enqueued), round-trips an access code through
 * JSON in memory and reads the queue's attributes.
 */
public final class ProgrammerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>>, Resource {
  private static final Logger LOG = LoggerFactory.getLogger(ProgrammerHandler.class);

  private final ProgrammingService programming;
  private final Telemetry telemetry;
  private final Runnable primeClients;

  public ProgrammerHandler() {
    this(AwsWiring.fromEnvironment());
    Core.getGlobalContext().register(this);
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ProgrammerHandler(AwsWiring aws) {
    this(new ProgrammingService(aws.store(), aws.jobQueue(), aws.clock()), aws.telemetry(), aws::primeClients);
  }

  public ProgrammerHandler(ProgrammingService programming, Telemetry telemetry) {
    this(programming, telemetry, () -> { });
  }

  private ProgrammerHandler(ProgrammingService programming, Telemetry telemetry, Runnable primeClients) {
    this.programming = programming;
    this.telemetry = telemetry;
    this.primeClients = primeClients;
  }

  /** A program fire for a code and device that do not exist: read, then dropped. */
  static Map<String, Object> primingFire() {
    return Map.of("workspaceId", Priming.absentId().toString(), "deviceId", Priming.absentId().toString(),
        "accessCodeId", Priming.absentId().toString(), "transition", "PROGRAM", "at", "2026-01-01T00:00:00Z",
        "plan", "ongoing/null/null/native");
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    handleRequest(primingFire(), Priming.context());
    Priming.warmJson();
    primeClients.run();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing time- or randomness-sensitive is kept between invocations.
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    return Observability.around(context, telemetry, () -> Map.of("outcome", fire(input)));
  }

  private String fire(Map<String, Object> input) {
    Fire f;
    try {
      f = Json.MAPPER.convertValue(input, Fire.class);
    } catch (IllegalArgumentException e) {
      LOG.error("unreadable schedule input dropped: {}", e.getClass().getSimpleName());
      return "dropped_unreadable";
    }
    if (f.workspaceId() == null || f.accessCodeId() == null || f.deviceId() == null || f.transition() == null || f.plan() == null) {
      LOG.error("incomplete schedule input dropped");
      return "dropped_unreadable";
    }
    String outcome = programming.fire(f).name().toLowerCase(java.util.Locale.ROOT);
    if (outcome.equals("enqueued")) telemetry.count("ScheduleFiresEnqueued");
    if (outcome.equals("activated")) telemetry.count("AccessCodesActivated");
    return outcome;
  }
}
