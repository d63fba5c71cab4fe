package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.ports.Store;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider worker handler, built from template.yaml, fed by the sample SQS batches in
 * events/provider-worker: it programs the sandbox lock, is idempotent under duplicate delivery,
 * and reports partial batch failures without letting a lock's later operations overtake.
 */
class ProviderWorkerEventsTest {
  static RequestHandler<SQSEvent, SQSBatchResponse> handler;
  static Store store;
  static SandboxLockProvider locks;
  static UUID workspace;
  static final UUID AUGUST = UUID.fromString(TestStack.AUGUST_1);

  @BeforeAll
  static void setUp() {
    LocalStack stack = TestStack.get();
    handler = stack.sqsHandler("ProviderWorkerFunction");
    store = stack.wiring("ProviderWorkerFunction").store();
    locks = stack.wiring("ProviderWorkerFunction").sandboxProvider();
    workspace = stack.devices().get(0).workspaceId();
  }

  static SQSBatchResponse invoke(String file, UUID codeId) {
    return invoke(EventFixtures.sqs(file, codeId));
  }

  static SQSBatchResponse invoke(SQSEvent event) {
    return handler.handleRequest(event, new LocalContext("keyrack-ProviderWorkerFunction", 512, 30));
  }

  static List<String> eventTypes(UUID codeId) {
    return store.events(workspace, new Store.EventQuery(null, codeId, null, null, null, 100)).stream()
        .map(Event::eventType).toList().reversed();
  }

  AccessCode storedSettingCode() {
    AccessCode c = Codes.ongoing(workspace, AUGUST, Codes.randomPin(), CodeStatus.setting);
    store.create(c, List.of());
    return c;
  }

  @Test
  void setsTheCodeOnTheLockAndADuplicateDeliveryChangesNothing() {
    AccessCode c = storedSettingCode();
    assertThat(invoke("set-access-code.json", c.accessCodeId()).getBatchItemFailures()).isEmpty();
    AccessCode after = store.accessCode(workspace, c.accessCodeId()).orElseThrow();
    assertThat(after.status()).isEqualTo(CodeStatus.set);
    assertThat(locks.memory(AUGUST).slots().get(c.accessCodeId()).pin()).isEqualTo(c.code());
    assertThat(eventTypes(c.accessCodeId())).containsExactly("access_code.set_on_device");

    assertThat(invoke("set-access-code-delivered-twice.json", c.accessCodeId()).getBatchItemFailures()).isEmpty();
    assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().version()).isEqualTo(after.version());
    assertThat(eventTypes(c.accessCodeId())).containsExactly("access_code.set_on_device");
    assertThat(locks.memory(AUGUST).slots().keySet().stream().filter(c.accessCodeId()::equals)).hasSize(1);
  }

  @Test
  void removesTheCodeFromTheLockThenDeletesIt() {
    AccessCode c = storedSettingCode();
    invoke("set-access-code.json", c.accessCodeId());
    AccessCode set = store.accessCode(workspace, c.accessCodeId()).orElseThrow();
    AccessCode removing = set.withStatus(CodeStatus.removing).withVersion(set.version() + 1);
    store.update(set, removing, List.of());

    assertThat(invoke("remove-access-code.json", c.accessCodeId()).getBatchItemFailures()).isEmpty();
    assertThat(store.accessCode(workspace, c.accessCodeId())).isEmpty();
    assertThat(locks.memory(AUGUST).slots()).doesNotContainKey(c.accessCodeId());
    assertThat(eventTypes(c.accessCodeId())).containsExactly("access_code.set_on_device",
        "access_code.removed_from_device", "access_code.deleted");
    // delivered again after the code is gone: nothing to do, nothing left on the lock
    assertThat(invoke("remove-access-code.json", c.accessCodeId()).getBatchItemFailures()).isEmpty();
    assertThat(eventTypes(c.accessCodeId())).hasSize(3);
  }

  @Test
  void aSetForADeletedCodeMakesSureItIsNotLeftOnTheLock() throws Exception {
    // An interrupted earlier run of this job put the code on the lock; the code was deleted since.
    UUID gone = UUID.randomUUID();
    dev.keyrack.domain.Device august = store.device(workspace, AUGUST).orElseThrow();
    locks.set(august, new dev.keyrack.ports.LockProvider.Programming(gone, Codes.randomPin(), "interrupted", null, null));
    assertThat(locks.memory(AUGUST).slots()).containsKey(gone);

    assertThat(invoke("set-access-code.json", gone).getBatchItemFailures()).isEmpty();
    assertThat(locks.memory(AUGUST).slots()).doesNotContainKey(gone);
    assertThat(store.accessCode(workspace, gone)).isEmpty();
  }

  @Test
  void anUnreadableMessageIsParkedInTheDeadLetterQueueAndTheLockMovesOn() {
    AccessCode c = storedSettingCode();
    String dlq = TestStack.get().resources().queueUrl("DeviceJobsDeadLetterQueue");
    var sqs = TestStack.get().engines().sqs();
    SQSBatchResponse r = invoke("malformed-message.json", c.accessCodeId());
    assertThat(r.getBatchItemFailures()).isEmpty();
    assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.set);
    var parked = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    assertThat(parked).extracting(software.amazon.awssdk.services.sqs.model.Message::body).contains("not json");
  }

  @Test
  void aTransientFailureIsRetriedLaterAndHoldsBackTheRestOfItsLock() {
    AccessCode c = storedSettingCode();
    locks.configure(AUGUST, m -> m.withOnline(false));
    try {
      SQSBatchResponse r = invoke("set-access-code-delivered-twice.json", c.accessCodeId());
      // the first failed and will come back after its backoff; the second was not tried, so it cannot overtake
      assertThat(r.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
          .containsExactly("0a1b2c3d-0000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-000000000002");
      assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.setting);
    } finally {
      locks.configure(AUGUST, m -> m.withOnline(true));
    }
  }

  @Test
  void aLockThatRefusesThePinGetsAnErrorOnTheCodeNotEndlessRetries() throws Exception {
    // The lock already holds this PIN for an entry Keyrack does not manage (set at the keypad, say).
    String pin = Codes.randomPin();
    dev.keyrack.domain.Device august = store.device(workspace, AUGUST).orElseThrow();
    locks.set(august, new dev.keyrack.ports.LockProvider.Programming(UUID.randomUUID(), pin, "keypad entry", null, null));
    AccessCode c = Codes.ongoing(workspace, AUGUST, pin, CodeStatus.setting);
    store.create(c, List.of());

    SQSBatchResponse r = invoke("set-access-code.json", c.accessCodeId());
    assertThat(r.getBatchItemFailures()).isEmpty(); // a permanent refusal is not retried
    AccessCode after = store.accessCode(workspace, c.accessCodeId()).orElseThrow();
    assertThat(after.errors()).extracting(dev.keyrack.domain.Notice::code).containsExactly("duplicate_code_on_device");
    assertThat(after.errors().get(0).message()).doesNotContain(pin);
    assertThat(after.status()).isEqualTo(CodeStatus.setting);
    assertThat(eventTypes(c.accessCodeId())).containsExactly("access_code.failed_to_set_on_device");
  }

  @Test
  void aJobReceivedManyTimesIsReplacedByAFreshCopyInsteadOfRetriedUntilTheQueueDropsIt() {
    AccessCode c = storedSettingCode();
    // The worker as the stack wires it, with a queue that records the copy instead of sending it.
    List<DeviceOperation> copies = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.keyrack.ports.JobQueue recording = new dev.keyrack.ports.JobQueue() {
      @Override public void enqueue(DeviceOperation op) { throw new AssertionError("a retry is no new job"); }
      @Override public void enqueueFreshCopy(DeviceOperation op, String copyOf) { copies.add(op); }
    };
    var worker = new dev.keyrack.app.DeviceWorker(store, locks, java.time.Clock.systemUTC(), dev.keyrack.domain.Ids.shared(),
        dev.keyrack.domain.RetryPolicy.DEFAULT);
    var refreshing = new dev.keyrack.functions.worker.ProviderWorkerHandler(worker, recording, dev.keyrack.ports.Telemetry.NONE);
    locks.configure(AUGUST, m -> m.withOnline(false));
    SQSBatchResponse r;
    try {
      SQSEvent event = EventFixtures.sqs("set-access-code.json", c.accessCodeId());
      event.getRecords().forEach(m -> {
        var attributes = new java.util.HashMap<>(m.getAttributes());
        attributes.put("ApproximateReceiveCount", "100"); // a day of retries at the longest backoff
        m.setAttributes(attributes);
      });
      r = LocalStack.asSqsHandler(refreshing).handleRequest(event, new LocalContext("keyrack-ProviderWorkerFunction", 512, 30));
      assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.setting);
    } finally {
      locks.configure(AUGUST, m -> m.withOnline(true));
    }
    // The old message is done with: a fresh copy of the same job carries the retry on, with the
    // attempts so far, so the retry policy's pace goes on (the long haul, past a hundred failures).
    assertThat(r.getBatchItemFailures()).isEmpty();
    assertThat(copies).singleElement().satisfies(copy -> {
      assertThat(copy.deduplicationId()).isEqualTo(new DeviceOperation(DeviceOperation.Kind.SET, workspace, AUGUST,
          c.accessCodeId(), copy.codeVersion()).deduplicationId());
      assertThat(copy.failedBefore()).isEqualTo(100);
    });
    // Delivered (its first receive) to the stack's worker with the lock back, the copy sets the code.
    SQSEvent delivered = EventFixtures.sqs("set-access-code.json", c.accessCodeId());
    delivered.getRecords().forEach(m -> m.setBody(dev.keyrack.json.Json.write(copies.get(0))));
    assertThat(invoke(delivered)).satisfies(b -> assertThat(b.getBatchItemFailures()).isEmpty());
    assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.set);
    assertThat(locks.memory(AUGUST).slots().get(c.accessCodeId()).pin()).isEqualTo(c.code());
  }

  @Test
  void theWorkerCountsDelaysFailuresAndSetsOnceEach() {
    List<String> counted = new java.util.concurrent.CopyOnWriteArrayList<>();
    var worker = new dev.keyrack.app.DeviceWorker(store, locks, java.time.Clock.systemUTC(), dev.keyrack.domain.Ids.shared(),
        new dev.keyrack.domain.RetryPolicy(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), 3, 6));
    worker.telemetry(counted::add);
    AccessCode c = storedSettingCode();
    var op = new dev.keyrack.domain.DeviceOperation(dev.keyrack.domain.DeviceOperation.Kind.SET, workspace, AUGUST,
        c.accessCodeId(), c.version());
    locks.configure(AUGUST, m -> m.withOnline(false));
    try {
      assertThat(worker.process(op, 3)).isEqualTo(dev.keyrack.app.DeviceWorker.Outcome.RETRY);
      assertThat(worker.process(op, 6)).isEqualTo(dev.keyrack.app.DeviceWorker.Outcome.RETRY);
      assertThat(worker.process(op, 7)).isEqualTo(dev.keyrack.app.DeviceWorker.Outcome.RETRY); // already reported
    } finally {
      locks.configure(AUGUST, m -> m.withOnline(true));
    }
    assertThat(counted).containsExactly("AccessCodesDelayed", "AccessCodesFailed");
    assertThat(worker.process(op, 8)).isEqualTo(dev.keyrack.app.DeviceWorker.Outcome.DONE);
    assertThat(counted).containsExactly("AccessCodesDelayed", "AccessCodesFailed", "AccessCodesSet");
  }


  /** A SET of the code, as the queue delivers it (its lock is its message group). */
  static SQSEvent.SQSMessage setMessage(AccessCode c) {
    SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
    m.setMessageId(UUID.randomUUID().toString());
    m.setReceiptHandle("handle-" + m.getMessageId());
    m.setBody(dev.keyrack.json.Json.write(new DeviceOperation(DeviceOperation.Kind.SET, c.workspaceId(), c.deviceId(),
        c.accessCodeId(), c.version())));
    m.setAttributes(java.util.Map.of("ApproximateReceiveCount", "1", "MessageGroupId", c.deviceId().toString()));
    return m;
  }

  static SQSEvent batchOf(List<SQSEvent.SQSMessage> records) {
    SQSEvent batch = new SQSEvent();
    batch.setRecords(records);
    return batch;
  }

  @Test
  void theLocksOfOneBatchAreProgrammedAtTheSameTimeAndEachLocksJobsInOrder() {
    List<dev.keyrack.domain.Device> devices = TestStack.get().devices().stream()
        .filter(d -> d.workspaceId().equals(workspace)).limit(4).toList();
    assertThat(devices).as("the stack seeds several locks in workspace 1").hasSizeGreaterThanOrEqualTo(3);
    // Each lock's first set waits until every lock of the batch is being set: done one lock after
    // another, the first would wait in vain and fail.
    var together = new java.util.concurrent.CyclicBarrier(devices.size());
    java.util.Set<UUID> met = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.Map<UUID, List<UUID>> setOrder = new java.util.concurrent.ConcurrentHashMap<>();
    dev.keyrack.ports.LockProvider meeting = new dev.keyrack.ports.LockProvider() {
      @Override
      public void set(dev.keyrack.domain.Device device, Programming p) throws ProviderException {
        if (met.add(device.deviceId())) {
          try {
            together.await(20, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new ProviderException(ProviderException.Kind.TRANSIENT, "the other locks were not set meanwhile");
          }
        }
        setOrder.computeIfAbsent(device.deviceId(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(p.accessCodeId());
        locks.set(device, p);
      }

      @Override
      public void remove(dev.keyrack.domain.Device device, UUID accessCodeId) throws ProviderException {
        locks.remove(device, accessCodeId);
      }
    };
    var wiring = TestStack.get().wiring("ProviderWorkerFunction");
    var worker = new dev.keyrack.app.DeviceWorker(store, meeting, java.time.Clock.systemUTC(), dev.keyrack.domain.Ids.shared(),
        wiring.retryPolicy());
    var batchHandler = new dev.keyrack.functions.worker.ProviderWorkerHandler(worker, wiring.jobQueue(),
        dev.keyrack.ports.Telemetry.NONE);

    List<SQSEvent.SQSMessage> records = new java.util.ArrayList<>();
    java.util.Map<UUID, List<UUID>> sent = new java.util.LinkedHashMap<>();
    for (dev.keyrack.domain.Device d : devices) {
      // two codes for the first lock, one for each other lock, as one receive can bring them
      int codes = sent.isEmpty() ? 2 : 1;
      for (int i = 0; i < codes; i++) {
        AccessCode c = Codes.ongoing(workspace, d.deviceId(), Codes.randomPin(), CodeStatus.setting);
        store.create(c, List.of());
        sent.computeIfAbsent(d.deviceId(), k -> new java.util.ArrayList<>()).add(c.accessCodeId());
        records.add(setMessage(c));
      }
    }

    SQSBatchResponse r = LocalStack.asSqsHandler(batchHandler).handleRequest(batchOf(records), new LocalContext("keyrack-ProviderWorkerFunction", 512, 30));
    assertThat(r.getBatchItemFailures()).isEmpty();
    assertThat(setOrder).isEqualTo(sent);
    sent.values().stream().flatMap(List::stream).forEach(id ->
        assertThat(store.accessCode(workspace, id).orElseThrow().status()).as(id.toString()).isEqualTo(CodeStatus.set));
  }

  @Test
  void inABatchOnlyTheFailingLocksJobsComeBackAndTheOtherLocksAreSet() {
    List<dev.keyrack.domain.Device> devices = TestStack.get().devices().stream()
        .filter(d -> d.workspaceId().equals(workspace)).limit(3).toList();
    assertThat(devices).hasSize(3);
    UUID offline = devices.get(0).deviceId();
    List<SQSEvent.SQSMessage> records = new java.util.ArrayList<>();
    List<String> offlineMessages = new java.util.ArrayList<>();
    List<AccessCode> others = new java.util.ArrayList<>();
    for (dev.keyrack.domain.Device d : devices) {
      for (int i = 0; i < (d.deviceId().equals(offline) ? 2 : 1); i++) {
        AccessCode c = Codes.ongoing(workspace, d.deviceId(), Codes.randomPin(), CodeStatus.setting);
        store.create(c, List.of());
        SQSEvent.SQSMessage m = setMessage(c);
        records.add(m);
        if (d.deviceId().equals(offline)) offlineMessages.add(m.getMessageId());
        else others.add(c);
      }
    }
    locks.configure(offline, m -> m.withOnline(false));
    try {
      SQSBatchResponse r = invoke(batchOf(records));
      // the offline lock's first job waits for its retry, its second behind it; the other locks go on
      assertThat(r.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
          .containsExactlyInAnyOrderElementsOf(offlineMessages);
    } finally {
      locks.configure(offline, m -> m.withOnline(true));
    }
    others.forEach(c -> assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().status())
        .as(c.deviceId().toString()).isEqualTo(CodeStatus.set));
  }
}
