package dev.keyrack.functions.programmer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.json.Json;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Store;
import dev.keyrack.ports.Telemetry;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge Scheduler target: a schedule fires with the code, the transition and the code
 * version it was planned from. The programmer re-reads the code, drops a fire that is stale (code
 * changed or deleted since) and otherwise hands the operation to the device's FIFO queue.
 *
 * <p>Issue 2 ships the re-read-and-enqueue path; the schedules themselves come with the scheduling
 * work (time-bound codes).
 */
public final class ProgrammerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(ProgrammerHandler.class);

  /** The schedule's payload. */
  public record Fire(UUID workspaceId, UUID deviceId, UUID accessCodeId, String transition, long codeVersion) {}

  private final Store store;
  private final JobQueue queue;
  private final Telemetry telemetry;

  public ProgrammerHandler() {
    this(AwsWiring.fromEnvironment());
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ProgrammerHandler(AwsWiring aws) {
    this(aws.store(), aws.jobQueue(), aws.telemetry());
  }

  public ProgrammerHandler(Store store, JobQueue queue, Telemetry telemetry) {
    this.store = store;
    this.queue = queue;
    this.telemetry = telemetry;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    return Observability.around(context, telemetry, () -> Map.of("outcome", fire(Json.MAPPER.convertValue(input, Fire.class))));
  }

  public String fire(Fire f) {
    if (f.workspaceId() == null || f.accessCodeId() == null || f.transition() == null) {
      throw ApiError.invalid("a schedule fire needs workspaceId, accessCodeId and transition");
    }
    Optional<AccessCode> code = store.accessCode(f.workspaceId(), f.accessCodeId());
    if (code.isEmpty()) {
      LOG.info("fire for deleted code {} dropped", f.accessCodeId());
      return "dropped_deleted";
    }
    AccessCode c = code.get();
    if (c.version() != f.codeVersion()) {
      LOG.info("stale fire for code {} (planned at v{}, now v{}) dropped", c.accessCodeId(), f.codeVersion(), c.version());
      return "dropped_stale";
    }
    DeviceOperation.Kind kind = "REMOVE".equals(f.transition()) ? DeviceOperation.Kind.REMOVE : DeviceOperation.Kind.SET;
    if (kind == DeviceOperation.Kind.SET && c.status() == CodeStatus.set) return "dropped_duplicate";
    queue.enqueue(new DeviceOperation(kind, c.workspaceId(), c.deviceId(), c.accessCodeId(), c.version()));
    return "enqueued";
  }
}
