package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Fire;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The programmer (Scheduler target), built from template.yaml and fed by events/programmer: each
 * sample fire is delivered at its own moment on a clock the test sets (the samples carry fixed
 * instants, as Scheduler would deliver them), against codes stored with the window the sample's
 * plan names. What the programmer sends to the device-jobs queue is captured on the SQS client,
 * and the stack's worker carries it out on the sandbox locks.
 */
class ProgrammerEventsTest {
  /** The window the time-bound samples' plan versions name (events/programmer/*.json). */
  static final Instant STARTS = Instant.parse("2026-12-01T15:00:00Z");
  static final Instant ENDS = Instant.parse("2026-12-03T11:00:00Z");
  /** The window of fire-duplicate.json (the Yale lock). */
  static final Instant DUP_STARTS = Instant.parse("2026-12-05T16:00:00Z");
  static final Instant DUP_ENDS = Instant.parse("2026-12-07T10:00:00Z");
  /** Workspace 1's sandbox locks the samples name (stable ids, see events/README.md). */
  static final UUID AUGUST = UUID.fromString(TestStack.AUGUST_1);
  static final UUID LOCKLY = UUID.fromString("1438f3ad-1beb-39dd-88f4-2fa0e00eda1b");
  static final UUID YALE = UUID.fromString("e64484c1-1dd8-37bc-9d4d-7fda0287bb51");

  /** A message the programmer sent to SQS. */
  record Sent(String queueUrl, String groupId, String deduplicationId, DeviceOperation op) {}

  static final List<Sent> SENT = new CopyOnWriteArrayList<>();
  static LocalStack stack;
  static MutableClock clock;
  static RequestHandler<Map<String, Object>, Map<String, Object>> handler;
  static Store store;
  static SandboxLockProvider locks;
  static UUID workspace;
  static String deviceJobs;

  @SuppressWarnings("unchecked")
  @BeforeAll
  static void setUp() throws Exception {
    ExecutionInterceptor capture = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageRequest r && r.queueUrl().equals(deviceJobs)) {
          try {
            SENT.add(new Sent(r.queueUrl(), r.messageGroupId(), r.messageDeduplicationId(),
                Json.read(r.messageBody(), DeviceOperation.class)));
          } catch (RuntimeException notAnOperation) {
            // another kind of message
          }
        }
      }
    };
    clock = new MutableClock(Instant.parse("2026-11-20T00:00:00Z"));
    stack = LocalStack.start(LocalStack.Options.defaults().withKeys(TestStack.KEY_1, TestStack.KEY_2).withClock(clock)
        .withParameters(Map.of("RetryBaseSeconds", "1", "RetryMaxSeconds", "2"))
        .withInstrumentation(new Instrumentation(List.of(capture), Instrumentation.InvocationObserver.NONE)));
    handler = stack.mapHandler("ProgrammerFunction");
    store = stack.wiring("ProgrammerFunction").store();
    locks = stack.wiring("ProviderWorkerFunction").sandboxProvider();
    workspace = stack.devices().get(0).workspaceId();
    deviceJobs = stack.resources().queueUrl("DeviceJobsQueue");
  }

  @AfterAll
  static void tearDown() {
    if (stack != null) stack.close();
  }

  static void clockAt(Instant t) {
    clock.advance(Duration.between(clock.instant(), t));
  }

  @SuppressWarnings("unchecked")
  static Object fire(String file, UUID codeId) throws Exception {
    Map<String, Object> event = Json.MAPPER.readValue(EventFixtures.text("programmer/" + file, codeId), Map.class);
    return handler.handleRequest(event, new LocalContext("keyrack-ProgrammerFunction", 512, 30)).get("outcome");
  }

  /** The sample fire as the handler reads it (the code id re-pointed at a test's code). */
  static Fire sample(String file, UUID codeId) {
    return Json.read(EventFixtures.text("programmer/" + file, codeId), Fire.class);
  }

  static List<Sent> sentFor(UUID codeId) {
    return SENT.stream().filter(s -> s.op().accessCodeId().equals(codeId)).toList();
  }

  static AccessCode code(UUID id) {
    return store.accessCode(workspace, id).orElse(null);
  }

  static List<String> eventTypes(UUID codeId) {
    return store.events(workspace, new Store.EventQuery(null, codeId, null, null, null, 100)).stream()
        .map(Event::eventType).toList().reversed();
  }

  static Device device(UUID id) {
    return store.device(workspace, id).orElseThrow();
  }

  /** A time-bound code stored as the API stores it at creation (unset, nothing scheduled on the lock). */
  static AccessCode timeBound(UUID device, Instant starts, Instant ends, String fireFile) {
    AccessCode c = new AccessCode(UUID.randomUUID(), workspace, device, "Guest", Codes.randomPin(), null,
        CodeType.time_bound, CodeStatus.unset, starts, ends, clock.instant().truncatedTo(ChronoUnit.MILLIS), List.of(),
        List.of(), List.of(), false, false, false, false, true, false, 1);
    store.create(c, List.of());
    // the sample's plan version is the one the real code computes for this code
    assertThat(sample(fireFile, c.accessCodeId()).plan()).isEqualTo(Fire.planOf(c, device(device).profile()));
    return c;
  }

  @Test
  void theSamplesNameWorkspaceOnesLocks() {
    assertThat(stack.devices()).extracting(Device::deviceId).contains(AUGUST, LOCKLY, YALE);
    assertThat(device(LOCKLY).deviceType()).isEqualTo("lockly_lock");
    assertThat(device(YALE).deviceType()).isEqualTo("yale_lock");
    assertThat(device(AUGUST).deviceType()).isEqualTo("august_lock");
  }

  @Test
  void aJustInTimeProgramFireSetsTheCodeAnHourBeforeItsStart() throws Exception {
    AccessCode c = timeBound(LOCKLY, STARTS, ENDS, "fire-program-jit.json");
    clockAt(sample("fire-program-jit.json", c.accessCodeId()).at()); // starts_at - 60 min
    assertThat(fire("fire-program-jit.json", c.accessCodeId())).isEqualTo("enqueued");
    assertThat(sentFor(c.accessCodeId())).singleElement().satisfies(s -> {
      assertThat(s.queueUrl()).isEqualTo(deviceJobs);
      assertThat(s.groupId()).isEqualTo(LOCKLY.toString());
      assertThat(s.op().kind()).isEqualTo(DeviceOperation.Kind.SET);
      assertThat(s.op().codeVersion()).isEqualTo(c.version()); // the fire stores nothing: the worker does
      assertThat(code(c.accessCodeId()).version()).isLessThanOrEqualTo(c.version() + 1);
      assertThat(s.deduplicationId()).isEqualTo(s.op().deduplicationId());
    });
    TestStack.await("the code set on the Lockly", Duration.ofSeconds(20), () -> code(c.accessCodeId()).status() == CodeStatus.set);
    assertThat(locks.memory(LOCKLY).slots().get(c.accessCodeId()).pin()).isEqualTo(c.code());
    assertThat(code(c.accessCodeId()).scheduledOnDevice()).isFalse();
    TestStack.eventually(() -> assertThat(eventTypes(c.accessCodeId())).containsExactly("access_code.set_on_device"));
  }

  /** The fire stores nothing; the worker shows a code it could not set at once as setting, on its way. */
  @Test
  void aJustInTimeCodeTheLockDoesNotTakeAtOnceShowsSettingUntilItIsSet() throws Exception {
    AccessCode c = timeBound(LOCKLY, STARTS, ENDS, "fire-program-jit.json");
    locks.configure(LOCKLY, m -> m.withOnline(false));
    try {
      clockAt(sample("fire-program-jit.json", c.accessCodeId()).at());
      assertThat(fire("fire-program-jit.json", c.accessCodeId())).isEqualTo("enqueued");
      TestStack.await("setting after the first failed attempt", Duration.ofSeconds(20),
          () -> code(c.accessCodeId()).status() == CodeStatus.setting);
      assertThat(code(c.accessCodeId()).pendingMutations()).extracting(dev.keyrack.domain.PendingMutation::mutationCode)
          .containsExactly("creating");
      assertThat(locks.memory(LOCKLY).slots()).doesNotContainKey(c.accessCodeId());
    } finally {
      locks.configure(LOCKLY, m -> m.withOnline(true));
    }
    TestStack.await("set once the lock is back", Duration.ofSeconds(20), () -> code(c.accessCodeId()).status() == CodeStatus.set);
    assertThat(code(c.accessCodeId()).pendingMutations()).isEmpty();
  }

  @Test
  void aNativeCodeIsPreloadedThenActivatedThenRemoved() throws Exception {
    AccessCode c = timeBound(AUGUST, STARTS, ENDS, "fire-preload.json");
    UUID id = c.accessCodeId();

    clockAt(sample("fire-preload.json", id).at()); // starts_at - 72 h
    assertThat(fire("fire-preload.json", id)).isEqualTo("enqueued");
    assertThat(sentFor(id)).extracting(s -> s.op().kind(), s -> s.op().codeVersion(), Sent::groupId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(DeviceOperation.Kind.SET, 1L, AUGUST.toString()));
    TestStack.await("the preload", Duration.ofSeconds(20), () -> code(id).scheduledOnDevice());
    assertThat(code(id).status()).isEqualTo(CodeStatus.unset); // on the lock, inactive until its start
    var slot = locks.memory(AUGUST).slots().get(id);
    assertThat(slot.startsAt()).isEqualTo(STARTS);
    assertThat(slot.endsAt()).isEqualTo(ENDS);

    clockAt(sample("fire-activate.json", id).at()); // starts_at
    assertThat(fire("fire-activate.json", id)).isEqualTo("activated");
    assertThat(sentFor(id)).as("an activation needs nothing from the lock").hasSize(1);
    assertThat(code(id).status()).isEqualTo(CodeStatus.set);
    long setVersion = code(id).version();
    assertThat(fire("fire-activate.json", id)).isEqualTo("dropped_duplicate");
    assertThat(code(id).version()).isEqualTo(setVersion);

    clockAt(sample("fire-remove.json", id).at()); // ends_at
    assertThat(fire("fire-remove.json", id)).isEqualTo("enqueued");
    assertThat(sentFor(id)).extracting(s -> s.op().kind())
        .containsExactly(DeviceOperation.Kind.SET, DeviceOperation.Kind.REMOVE);
    TestStack.await("the code gone", Duration.ofSeconds(20), () -> code(id) == null);
    assertThat(locks.memory(AUGUST).slots()).doesNotContainKey(id);
    TestStack.eventually(() -> assertThat(eventTypes(id)).containsExactly("access_code.scheduled_on_device", "access_code.set_on_device",
        "access_code.removed_from_device", "access_code.deleted"));
    // the removal delivered again after the code is gone: dropped, nothing sent
    assertThat(fire("fire-remove.json", id)).isEqualTo("dropped_deleted");
    assertThat(sentFor(id)).hasSize(2);
  }

  @Test
  void aDuplicatedFireIsCarriedOutOnce() throws Exception {
    AccessCode c = timeBound(YALE, DUP_STARTS, DUP_ENDS, "fire-duplicate.json");
    UUID id = c.accessCodeId();
    clockAt(sample("fire-duplicate.json", id).at());
    assertThat(fire("fire-duplicate.json", id)).isEqualTo("enqueued");
    TestStack.await("the preload", Duration.ofSeconds(20), () -> code(id).scheduledOnDevice());
    AccessCode after = code(id);
    // Scheduler delivers the same fire a second time
    assertThat(fire("fire-duplicate.json", id)).isEqualTo("dropped_duplicate");
    assertThat(sentFor(id)).hasSize(1);
    assertThat(code(id).version()).isEqualTo(after.version());
    assertThat(code(id).status()).isEqualTo(CodeStatus.unset);
    TestStack.eventually(() -> assertThat(eventTypes(id)).containsExactly("access_code.scheduled_on_device"));
    assertThat(locks.memory(YALE).slots().keySet().stream().filter(id::equals)).hasSize(1);
  }

  @Test
  void aFireFromAnEarlierPlanIsStaleAndChangesNothing() throws Exception {
    // The code was created for 28-30 November, then moved to 1-3 December; its old preload still fires.
    AccessCode c = timeBound(AUGUST, STARTS, ENDS, "fire-preload.json");
    Fire stale = sample("fire-stale.json", c.accessCodeId());
    assertThat(stale.plan()).isNotEqualTo(Fire.planOf(c, device(AUGUST).profile()));
    clockAt(stale.at());
    assertThat(fire("fire-stale.json", c.accessCodeId())).isEqualTo("dropped_stale");
    assertThat(sentFor(c.accessCodeId())).isEmpty();
    AccessCode after = code(c.accessCodeId());
    assertThat(after.version()).isEqualTo(c.version());
    assertThat(after.scheduledOnDevice()).isFalse();
    assertThat(locks.memory(AUGUST).slots()).doesNotContainKey(c.accessCodeId());
  }

  /**
   * A removal fire of a code that never reached its lock reports the failure to set (so the events
   * tell the whole story), once: a code the worker already reported as failed gets no second event.
   */
  @Test
  void aRemovalOfACodeNeverSetReportsTheFailureOnce() throws Exception {
    AccessCode unreported = timeBound(AUGUST, STARTS, ENDS, "fire-remove.json");
    // reported by the worker: failed for good after its retries, or refused by the lock at once
    List<AccessCode> reported = new java.util.ArrayList<>();
    for (String error : List.of("failed_to_set_on_device", "no_space_for_access_code_on_device")) {
      AccessCode stored = timeBound(AUGUST, STARTS, ENDS, "fire-remove.json");
      AccessCode r = stored.withNotices(List.of(new dev.keyrack.domain.Notice(error, "The device did not take the access code.",
          STARTS)), List.of()).withVersion(stored.version() + 1);
      store.update(stored, r, List.of());
      reported.add(r);
    }
    clockAt(ENDS);
    assertThat(fire("fire-remove.json", unreported.accessCodeId())).isEqualTo("enqueued");
    for (AccessCode c : reported) assertThat(fire("fire-remove.json", c.accessCodeId())).isEqualTo("enqueued");
    assertThat(eventTypes(unreported.accessCodeId())).filteredOn("access_code.failed_to_set_on_device"::equals).hasSize(1);
    for (AccessCode c : reported) {
      assertThat(eventTypes(c.accessCodeId())).doesNotContain("access_code.failed_to_set_on_device");
      AccessCode after = code(c.accessCodeId());
      if (after != null) { // (the stack's worker may have removed it already) the error that says why, alone
        assertThat(after.errors()).extracting(dev.keyrack.domain.Notice::code).containsExactly(c.errors().get(0).code());
      }
    }
  }

  @Test
  void aFireForADeletedCodeIsDropped() throws Exception {
    UUID gone = UUID.randomUUID();
    clockAt(sample("fire-program-jit.json", gone).at());
    assertThat(fire("fire-program-jit.json", gone)).isEqualTo("dropped_deleted");
    assertThat(sentFor(gone)).isEmpty();
  }

  @Test
  void aRemovalDeliveredLongBeforeItsMomentIsDroppedAndTheCodeStays() throws Exception {
    AccessCode c = timeBound(LOCKLY, STARTS, ENDS, "fire-early.json");
    clockAt(STARTS.plus(Duration.ofHours(1))); // inside the window, long before ends_at
    assertThat(fire("fire-early.json", c.accessCodeId())).isEqualTo("dropped_early");
    assertThat(sentFor(c.accessCodeId())).isEmpty();
    AccessCode after = code(c.accessCodeId());
    assertThat(after.status()).isEqualTo(CodeStatus.unset);
    assertThat(after.version()).isEqualTo(c.version());
  }

  @Test
  void anOngoingCodesProgramFireEnqueuesAndTheWorkerSetsTheCode() throws Exception {
    // fire-program.json is the programmer's smallest input (the cold-start benchmark's): an ongoing code.
    AccessCode c = Codes.ongoing(workspace, AUGUST, Codes.randomPin(), CodeStatus.setting);
    store.create(c, List.of());
    assertThat(fire("fire-program.json", c.accessCodeId())).isEqualTo("enqueued");
    assertThat(sentFor(c.accessCodeId())).extracting(s -> s.op().kind()).containsExactly(DeviceOperation.Kind.SET);
    TestStack.await("the queued operation to set the code", Duration.ofSeconds(20),
        () -> code(c.accessCodeId()).status() == CodeStatus.set);
    long version = code(c.accessCodeId()).version();
    assertThat(fire("fire-program.json", c.accessCodeId())).isEqualTo("dropped_duplicate");
    assertThat(code(c.accessCodeId()).version()).isEqualTo(version);
    assertThat(sentFor(c.accessCodeId())).hasSize(1);
  }

  @Test
  void anUnreadableOrIncompleteInputFailsTheInvocationWithoutEchoingIt() {
    var ctx = new LocalContext("keyrack-ProgrammerFunction", 512, 30);
    UUID code = UUID.randomUUID();
    Map<String, Object> noPlan = new java.util.HashMap<>(Map.of("workspaceId", workspace.toString(),
        "deviceId", AUGUST.toString(), "accessCodeId", code.toString(), "transition", "PROGRAM", "at", "2026-12-01T14:00:00Z"));
    assertThatThrownBy(() -> handler.handleRequest(noPlan, ctx))
        .isInstanceOf(dev.keyrack.functions.programmer.ProgrammerHandler.UnreadableFire.class)
        .hasMessageContaining("missing [plan]").hasMessageNotContaining(code.toString());
    Map<String, Object> garbled = Map.of("workspaceId", "not-a-uuid-4821", "transition", "EXPLODE", "pin", "4821");
    assertThatThrownBy(() -> handler.handleRequest(garbled, ctx))
        .isInstanceOf(dev.keyrack.functions.programmer.ProgrammerHandler.UnreadableFire.class)
        .hasMessageNotContaining("4821").hasMessageNotContaining("EXPLODE").hasMessageNotContaining("pin")
        .hasNoCause();
    assertThat(org.slf4j.MDC.get("workspace_id")).isNull();
  }

  @Test
  void anUnreadableScheduleIsRetriedThenDeadLetteredNotLost() throws Exception {
    // A schedule whose input is not a complete fire (no plan), made through the real adapter and SDK.
    UUID id = UUID.randomUUID();
    Instant due = clock.instant().plusSeconds(5);
    stack.wiring("ApiFunction").scheduler().schedule(new Fire(workspace, AUGUST, id,
        dev.keyrack.domain.SchedulePolicy.Transition.PROGRAM, due, null));
    String name = Fire.scheduleName(id, dev.keyrack.domain.SchedulePolicy.Transition.PROGRAM);
    clock.advance(Duration.ofSeconds(5));
    TestStack.await("a first failed try", Duration.ofSeconds(10),
        () -> stack.scheduler().schedules().values().stream().anyMatch(s -> s.name().equals(name) && s.attempts() > 0));
    assertThat(stack.scheduler().deadLettered()).noneMatch(d -> d.schedule().equals(name));
    clock.advance(Duration.ofDays(1)); // past the schedules' MaximumEventAgeInSeconds (one day)
    TestStack.await("the dead letter", Duration.ofSeconds(10),
        () -> stack.scheduler().deadLettered().stream().anyMatch(d -> d.schedule().equals(name)));
    assertThat(stack.scheduler().schedules().keySet()).noneMatch(k -> k.endsWith(name));
    var sqs = stack.engines().sqs();
    String dlq = stack.resources().queueUrl("SchedulerDeadLetterQueue");
    List<software.amazon.awssdk.services.sqs.model.Message> parked = new java.util.ArrayList<>();
    TestStack.await("the fire in the Scheduler dead-letter queue", Duration.ofSeconds(10), () -> {
      parked.addAll(sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).messageAttributeNames("All")
          .waitTimeSeconds(1)).messages());
      return parked.stream().anyMatch(m -> m.body().contains(id.toString()));
    });
    var m = parked.stream().filter(x -> x.body().contains(id.toString())).findFirst().orElseThrow();
    assertThat(m.messageAttributes().get("ERROR_CODE").stringValue()).isEqualTo("UnreadableFire");
    assertThat(sentFor(id)).isEmpty();
  }

  @Test
  void aFireRunsWithItsWorkspaceAndCodeInTheLoggingContext() throws Exception {
    AccessCode c = timeBound(LOCKLY, STARTS, ENDS, "fire-program-jit.json");
    List<String> seen = new CopyOnWriteArrayList<>();
    Store spying = (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          if (method.getName().equals("accessCode")) {
            seen.add(org.slf4j.MDC.get("workspace_id") + " " + org.slf4j.MDC.get("access_code_id"));
          }
          try {
            return method.invoke(store, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    var wiring = stack.wiring("ProgrammerFunction");
    var programmer = new dev.keyrack.functions.programmer.ProgrammerHandler(
        new dev.keyrack.app.ProgrammingService(spying, wiring.jobQueue(), clock), dev.keyrack.ports.Telemetry.NONE);
    clockAt(sample("fire-program-jit.json", c.accessCodeId()).at());
    @SuppressWarnings("unchecked")
    Map<String, Object> event = Json.MAPPER.readValue(EventFixtures.text("programmer/fire-program-jit.json", c.accessCodeId()), Map.class);
    assertThat(LocalStack.asMapHandler(programmer).handleRequest(event, new LocalContext("keyrack-ProgrammerFunction", 512, 30)).get("outcome"))
        .isEqualTo("enqueued");
    assertThat(seen).isNotEmpty().allMatch((workspace + " " + c.accessCodeId())::equals);
    assertThat(org.slf4j.MDC.get("workspace_id")).isNull();
    assertThat(org.slf4j.MDC.get("access_code_id")).isNull();
  }
}
