package dev.keyrack.functions.programmer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.app.ProgrammingService;
import dev.keyrack.domain.Fire;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Telemetry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge Scheduler target. The schedule's input is a {@link Fire} (code, transition,
 * plan version); {@link ProgrammingService} drops stale and duplicate fires, records the activation
 * of a preloaded code, and enqueues the rest on the device's FIFO message group. A fire that cannot be read is logged and dropped (retrying
 * it cannot help); a failure to reach DynamoDB or SQS throws, so Scheduler retries and finally
 * dead-letters it.
 */
public final class ProgrammerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(ProgrammerHandler.class);

  private final ProgrammingService programming;
  private final Telemetry telemetry;

  public ProgrammerHandler() {
    this(AwsWiring.fromEnvironment());
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ProgrammerHandler(AwsWiring aws) {
    this(new ProgrammingService(aws.store(), aws.jobQueue(), aws.clock()), aws.telemetry());
  }

  public ProgrammerHandler(ProgrammingService programming, Telemetry telemetry) {
    this.programming = programming;
    this.telemetry = telemetry;
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
