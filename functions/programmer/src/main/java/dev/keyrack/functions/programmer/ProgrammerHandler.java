package dev.keyrack.functions.programmer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.adapters.lambda.Payloads;
import dev.keyrack.adapters.lambda.Priming;
import dev.keyrack.app.ProgrammingService;
import dev.keyrack.domain.Fire;
import dev.keyrack.ports.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The EventBridge Scheduler target. The schedule's input is a {@link Fire} (code, transition,
 * plan version); {@link ProgrammingService} drops stale and duplicate fires, records the activation
 * of a preloaded code, and enqueues the rest on the device's FIFO message group. A schedule input
 * that is not a complete fire is logged (its field names only, never its values) and thrown as
 * {@link UnreadableFire}, like a failure to reach DynamoDB or SQS: the invocation fails, so the
 * input is retried and finally dead-lettered (Scheduler invokes the function asynchronously, so
 * Lambda's retries and the function's dead-letter queue take it; template.yaml points that at the
 * Scheduler dead-letter queue) instead of vanishing. While a fire is handled, {@code workspace_id}
 * and {@code access_code_id} are in the logging MDC, so every line of it names the code.
 *
 * <p>SnapStart: the no-argument constructor registers the handler as a CRaC {@link Resource};
 * before the snapshot it handles a fire for a code that does not exist (parsing, two DynamoDB
 * reads, dropped as deleted; nothing is written or enqueued), round-trips an access code through
 * JSON in memory, reads the queue's attributes, and programs and removes a code on a stand-in of
 * AWS in memory ({@link #primeFires}).
 */
public final class ProgrammerHandler implements RequestStreamHandler, Resource {
  private static final Logger LOG = LoggerFactory.getLogger(ProgrammerHandler.class);
  private static final List<String> REQUIRED = List.of("workspaceId", "deviceId", "accessCodeId", "transition", "plan");

  /**
   * A schedule input that is not a fire. Its message names what is wrong, never a value of the
   * input, and it carries no cause (a parser's message quotes the input).
   */
  public static final class UnreadableFire extends RuntimeException {
    public UnreadableFire(String message) {
      super(message, null, false, false);
    }
  }

  private final ProgrammingService programming;
  private final Telemetry telemetry;
  private final Runnable primeClients;
  private final Runnable primeFires;

  public ProgrammerHandler() {
    this(AwsWiring.fromEnvironment());
    Core.getGlobalContext().register(this);
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ProgrammerHandler(AwsWiring aws) {
    this(new ProgrammingService(aws.store(), aws.jobQueue(), aws.clock()), aws.telemetry(), aws::primeClients,
        () -> Priming.onStandIn(aws, ProgrammerHandler::primeFires));
  }

  public ProgrammerHandler(ProgrammingService programming, Telemetry telemetry) {
    this(programming, telemetry, () -> { }, () -> { });
  }

  private ProgrammerHandler(ProgrammingService programming, Telemetry telemetry, Runnable primeClients, Runnable primeFires) {
    this.programming = programming;
    this.telemetry = telemetry;
    this.primeClients = primeClients;
    this.primeFires = primeFires;
  }

  /** A program fire for a code and device that do not exist: read, then dropped. */
  static Map<String, Object> primingFire() {
    return Map.of("workspaceId", Priming.absentId().toString(), "deviceId", Priming.absentId().toString(),
        "accessCodeId", Priming.absentId().toString(), "transition", "PROGRAM", "at", "2026-01-01T00:00:00Z",
        "plan", "ongoing/null/null/native");
  }

  /**
   * The programmer's representative fires, on a stand-in of AWS ({@link AwsWiring#standIn}: nothing
   * leaves the process): for a time-bound code on a sandbox lock, its programming (the SET
   * enqueued) and its removal (stored as removing, the REMOVE enqueued), through the same service,
   * adapters and SDK clients' code as real fires.
   *
   * @return how many were enqueued (the others are logged)
   */
  static int primeFires(AwsWiring standIn) {
    var store = standIn.store();
    var lock = Priming.seedLock(store, "priming");
    java.time.Instant now = java.time.Instant.now();
    var code = Priming.code(lock.workspaceId(), lock.deviceId(), dev.keyrack.domain.CodeType.time_bound,
        dev.keyrack.domain.CodeStatus.unset, now.plus(java.time.Duration.ofMinutes(30)), now.plus(java.time.Duration.ofDays(2)));
    store.create(code, List.of());
    ProgrammerHandler primed = new ProgrammerHandler(standIn);
    int enqueued = 0;
    for (String transition : List.of("PROGRAM", "REMOVE")) {
      Map<String, Object> outcome = primed.handle(Map.of("workspaceId", lock.workspaceId().toString(),
          "deviceId", lock.deviceId().toString(), "accessCodeId", code.accessCodeId().toString(), "transition", transition,
          "at", now.toString(), "plan", Fire.planOf(code, lock.profile())), Priming.context());
      if ("enqueued".equals(outcome.get("outcome"))) enqueued++;
      else LOG.warn("priming fire {} ended {}", transition, outcome.get("outcome"));
    }
    return enqueued;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws java.io.IOException {
    handleRequest(new java.io.ByteArrayInputStream(dev.keyrack.json.Json.write(primingFire()).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        java.io.OutputStream.nullOutputStream(), Priming.context());
    Priming.warmJson();
    primeClients.run();
    primeFires.run();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing time- or randomness-sensitive is kept between invocations.
  }

  /** An invocation as Lambda makes it: the schedule's input as bytes in, the outcome's out ({@link Payloads}). */
  @Override
  public void handleRequest(java.io.InputStream input, java.io.OutputStream output, Context context) throws java.io.IOException {
    Payloads.write(handle(Payloads.readMap(input), context), output);
  }

  /** One fire, read. */
  public Map<String, Object> handle(Map<String, Object> input, Context context) {
    return Observability.around(context, telemetry, () -> Map.of("outcome", fire(input)));
  }

  private String fire(Map<String, Object> input) {
    Fire f;
    try {
      f = dev.keyrack.json.Docs.fire(input);
    } catch (IllegalArgumentException e) {
      // the parser's message quotes the input: log its type and the input's field names only
      LOG.error("unreadable schedule input (fields {}): {}; failing the invocation so it is retried and dead-lettered",
          fieldNames(input), e.getClass().getSimpleName());
      telemetry.count("ScheduleFiresUnreadable");
      throw new UnreadableFire("unreadable schedule input: " + e.getClass().getSimpleName() + ", fields " + fieldNames(input));
    }
    if (f == null) f = new Fire(null, null, null, null, null, null);
    List<String> missing = new ArrayList<>();
    if (f.workspaceId() == null) missing.add("workspaceId");
    if (f.deviceId() == null) missing.add("deviceId");
    if (f.accessCodeId() == null) missing.add("accessCodeId");
    if (f.transition() == null) missing.add("transition");
    if (f.plan() == null) missing.add("plan");
    if (!missing.isEmpty()) {
      LOG.error("incomplete schedule input, missing {}; failing the invocation so it is retried and dead-lettered", missing);
      telemetry.count("ScheduleFiresUnreadable");
      throw new UnreadableFire("incomplete schedule input, missing " + missing);
    }
    MDC.put("workspace_id", f.workspaceId().toString());
    MDC.put("access_code_id", f.accessCodeId().toString());
    try {
      String outcome = programming.fire(f).name().toLowerCase(java.util.Locale.ROOT);
      if (outcome.equals("enqueued")) telemetry.count("ScheduleFiresEnqueued");
      if (outcome.equals("activated")) telemetry.count("AccessCodesActivated");
      return outcome;
    } finally {
      MDC.remove("workspace_id");
      MDC.remove("access_code_id");
    }
  }

  /** The input's known field names (an unknown name is counted, not echoed: it is caller data too). */
  private static List<String> fieldNames(Map<String, Object> input) {
    if (input == null) return List.of();
    List<String> names = new ArrayList<>();
    int unknown = 0;
    for (String k : new java.util.TreeSet<>(input.keySet())) {
      if (REQUIRED.contains(k) || k.equals("at")) names.add(k);
      else unknown++;
    }
    if (unknown > 0) names.add(unknown + " other");
    return names;
  }
}
