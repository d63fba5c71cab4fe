package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.app.Reconciler;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Notice;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The periodic sweep as template.yaml deploys it ({@code ReconcilerFunction} on a rate schedule):
 * a code stored without its queue message (a lost send) reaches its lock; a code whose job the
 * worker is retrying is not sent twice.
 */
class ReconcilerTest {
  @RegisterExtension
  static final ClockedStack s = ClockedStack.of(Map.of("RetryBaseSeconds", "1", "RetryMaxSeconds", "2"));

  /** The sweep with an input from events/reconciler/ (what its schedules send). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> sweep(String eventFile) {
    var h = s.stack.mapHandler("ReconcilerFunction");
    return h.handleRequest(input(eventFile), new LocalContext("keyrack-ReconcilerFunction", 512, 300));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> input(String eventFile) {
    try {
      return dev.keyrack.json.Json.MAPPER.readValue(TestStack.event("reconciler/" + eventFile).toFile(), Map.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theTemplateRunsAFrequentSweepOfRecentCodesAndADailySweepOfAll() {
    Template.Function f = s.stack.template().function("ReconcilerFunction");
    assertThat(f.schedules()).hasSize(2);
    assertThat(f.schedules()).anySatisfy(sch -> {
      assertThat(sch.every()).isLessThanOrEqualTo(Duration.ofMinutes(15));
      assertThat(sch.every()).isLessThan(Reconciler.RECENT_WINDOW); // a failed run is covered by the next
      assertThat(sch.input()).isEqualTo(input("sweep.json")).containsEntry("scope", "RECENT");
    });
    assertThat(f.schedules()).anySatisfy(sch -> {
      assertThat(sch.every()).isLessThanOrEqualTo(Duration.ofDays(1));
      assertThat(sch.input()).isEqualTo(input("daily-sweep.json")).containsEntry("scope", "LOST_SENDS");
    });
  }

  /**
   * PIN claims a stopped writer left behind (a delete that stopped before releasing its claim, a
   * claim naming a code that holds another PIN) count as used slots of their lock until the daily
   * sweep releases them; the claim of a code created within the grace (a create under way) and the
   * claims codes hold are kept.
   */
  @Test
  void theDailySweepReleasesPinClaimsLeftBehind() {
    Device lock = s.stack.seedExtraLocks("kwikset_lock", 1).get(0);
    var wiring = s.stack.wiring("ReconcilerFunction");
    var ddb = wiring.dynamo();
    String table = wiring.require("TABLE_NAME");
    java.time.Instant old = s.clock.instant().minus(Reconciler.CLAIM_GRACE).minusSeconds(60);
    AccessCode kept = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.set, old);
    AccessCode gone = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.set, old);
    AccessCode young = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting, s.clock.instant());
    AccessCode moved = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.set, old);
    List.of(kept, gone, young, moved).forEach(c -> s.store.create(c, List.of()));
    // What stopped writers leave: codes gone with their claims still there, and a claim of a PIN `moved` does not hold.
    for (AccessCode c : List.of(gone, young)) {
      ddb.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("WS#" + s.ws),
          "sk", AttributeValue.fromS("CODE#" + c.accessCodeId()))));
    }
    String stray = DynamoStore.pinKey(moved.withCode(Codes.randomPin()));
    ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("WS#" + s.ws), "sk", AttributeValue.fromS(stray),
        "access_code_id", AttributeValue.fromS(moved.accessCodeId().toString()),
        "created_ms", AttributeValue.fromN(String.valueOf(old.toEpochMilli())))));
    assertThat(claims(ddb, table, lock)).hasSize(5);
    assertThat(s.store.slots(s.ws, lock.deviceId()).used()).as("the gone code still counts").isEqualTo(4);

    sweep("daily-sweep.json");

    assertThat(claims(ddb, table, lock)).containsOnly(
        Map.entry(DynamoStore.pinKey(kept), kept.accessCodeId().toString()),
        Map.entry(DynamoStore.pinKey(young), young.accessCodeId().toString()),
        Map.entry(DynamoStore.pinKey(moved), moved.accessCodeId().toString()));
    assertThat(s.store.slots(s.ws, lock.deviceId()).used()).isEqualTo(3);
    for (AccessCode c : List.of(kept, moved)) s.store.delete(s.code(c.accessCodeId()), List.of());
  }

  /**
   * A claim whose window is not its code's (an update that stopped between the code's write and
   * its claim's, or a claim written before claims carried windows) counts the lock's slots by the
   * old window until the daily sweep, which reads the claims anyway, gives it the code's; a copy of
   * the code older than the stored one does not overwrite the claim.
   */
  @Test
  void theDailySweepGivesAClaimItsCodesWindow() {
    Device lock = s.stack.seedExtraLocks("smartthings_lock", 1).get(0);
    var wiring = s.stack.wiring("ReconcilerFunction");
    var ddb = wiring.dynamo();
    String table = wiring.require("TABLE_NAME");
    java.time.Instant now = s.clock.instant();
    java.time.Instant night1 = now.plus(Duration.ofDays(10)), night2 = now.plus(Duration.ofDays(20));
    AccessCode stay = Codes.timeBoundCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), night1, night1.plus(Duration.ofDays(1)), now);
    s.store.create(stay, List.of());
    AccessCode moved = stay.withWindow(stay.type(), night2, night2.plus(Duration.ofDays(1))).withVersion(stay.version() + 1);
    s.store.update(stay, moved, List.of());
    // What an update that stopped after the code's write leaves: the claim with the old window.
    var claimKey = Map.of("pk", AttributeValue.fromS("WS#" + s.ws), "sk", AttributeValue.fromS(DynamoStore.pinKey(moved)));
    ddb.updateItem(b -> b.tableName(table).key(claimKey).updateExpression("SET starts_ms = :s, ends_ms = :e")
        .expressionAttributeValues(Map.of(":s", AttributeValue.fromN(String.valueOf(night1.toEpochMilli())),
            ":e", AttributeValue.fromN(String.valueOf(night1.plus(Duration.ofDays(1)).toEpochMilli())))));
    var lead = dev.keyrack.domain.SlotUse.lead(lock.profile());
    var onNight1 = new dev.keyrack.domain.SlotUse.Hold(night1, night1.plus(Duration.ofHours(12)));
    var onNight2 = new dev.keyrack.domain.SlotUse.Hold(night2, night2.plus(Duration.ofHours(12)));
    assertThat(s.store.slots(s.ws, lock.deviceId()).busiest(lead, onNight1, now)).as("counted by the old window").isEqualTo(1);

    // A sweep holding a copy older than the stored code leaves the claim to the code's own writes.
    AccessCode olderCopy = stay.withWindow(stay.type(), night2.plus(Duration.ofDays(5)), night2.plus(Duration.ofDays(6)));
    s.store.releaseAbandonedClaims(s.ws, List.of(olderCopy), now.minus(Reconciler.CLAIM_GRACE));
    assertThat(s.store.slots(s.ws, lock.deviceId()).busiest(lead, onNight1, now)).as("not written from a stale copy").isEqualTo(1);

    sweep("daily-sweep.json");

    var slots = s.store.slots(s.ws, lock.deviceId());
    assertThat(slots.busiest(lead, onNight1, now)).as("night 1 is free").isZero();
    assertThat(slots.busiest(lead, onNight2, now)).as("the stay is counted on its own night").isEqualTo(1);
    assertThat(claims(ddb, table, lock)).containsExactly(Map.entry(DynamoStore.pinKey(moved), moved.accessCodeId().toString()));
    s.store.delete(s.code(moved.accessCodeId()), List.of());
  }

  /** The lock's PIN claims, read consistently: claim key to the code it names. */
  private static Map<String, String> claims(software.amazon.awssdk.services.dynamodb.DynamoDbClient ddb, String table, Device lock) {
    Map<String, String> out = new java.util.HashMap<>();
    ddb.query(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#" + s.ws), ":p",
            AttributeValue.fromS("PIN#" + lock.deviceId() + "#")))).items()
        .forEach(i -> out.put(i.get("sk").s(), i.get("access_code_id").s()));
    return out;
  }

  @Test
  void aNewCodeStoredWithoutItsQueueMessageReachesItsLock() {
    Device lock = s.lock("schlage_lock");
    String pin = Codes.randomPin();
    AccessCode lost = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), pin, CodeStatus.setting, s.clock.instant());
    s.store.create(lost, List.of()); // stored, no message sent: what a failed SendMessage leaves behind
    assertThat(s.locks.memory(lock.deviceId()).slots()).doesNotContainKey(lost.accessCodeId());

    Map<String, Object> out = sweep("sweep.json");

    assertThat(((Number) out.get("resent")).intValue()).isGreaterThanOrEqualTo(1);
    TestStack.await("the swept code is set", Duration.ofSeconds(20),
        () -> s.code(lost.accessCodeId()).status() == CodeStatus.set);
    assertThat(s.locks.memory(lock.deviceId()).slots().get(lost.accessCodeId()).pin()).isEqualTo(pin);
  }

  /** What each sweep reads, on the stack's real store, with a queue that records what it is given. */
  @Test
  void theFrequentSweepReadsOnlyRecentCodesAndTheDailySweepReadsThemAll() {
    Device lock = s.lock("kwikset_lock");
    AccessCode recent = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting,
        s.clock.instant().minus(Reconciler.RECENT_WINDOW).plusSeconds(60));
    AccessCode older = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting,
        s.clock.instant().minus(Reconciler.RECENT_WINDOW).minusSeconds(120));
    s.store.create(recent, List.of());
    s.store.create(older, List.of());
    List<java.util.UUID> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.keyrack.ports.JobQueue recording = op -> sent.add(op.accessCodeId());
    Reconciler sweeps = new Reconciler(s.store, recording, s.clock);

    try {
      sweeps.reconcile(s.ws, Reconciler.Scope.RECENT);
      assertThat(sent).contains(recent.accessCodeId()).doesNotContain(older.accessCodeId());
      assertThat(s.store.sweepCodes(s.ws, s.clock.instant().minus(Reconciler.RECENT_WINDOW), s.clock.instant(), s.clock.instant()))
          .extracting(AccessCode::accessCodeId).contains(recent.accessCodeId()).doesNotContain(older.accessCodeId());

      sent.clear();
      sweeps.reconcile(s.ws, Reconciler.Scope.LOST_SENDS);
      assertThat(sent).contains(recent.accessCodeId(), older.accessCodeId());
    } finally { // nothing of this test is left pending for the others
      s.store.delete(s.code(recent.accessCodeId()), List.of());
      s.store.delete(s.code(older.accessCodeId()), List.of());
    }
  }

  /** A code on its lock whose start moved later: its UNLOAD was lost; the daily sweep sends it. */
  @Test
  void aLostUnloadIsSentByTheDailySweep() {
    Device lock = s.lock("kwikset_lock");
    java.time.Instant start = s.clock.instant().plus(Duration.ofDays(10));
    AccessCode moved = new AccessCode(new dev.keyrack.domain.Ids().timeOrdered(s.clock.instant().minus(Duration.ofDays(2))),
        s.ws, lock.deviceId(), "Moved stay", Codes.randomPin(), null, dev.keyrack.domain.CodeType.time_bound, CodeStatus.unset,
        start, start.plus(Duration.ofDays(2)), s.clock.instant().minus(Duration.ofDays(2)), List.of(), List.of(), List.of(),
        false, false, false, false, true, false, 1).withOnLock(true, false);
    s.store.create(moved, List.of());
    List<dev.keyrack.domain.DeviceOperation> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      new Reconciler(s.store, sent::add, s.clock).reconcile(s.ws, Reconciler.Scope.LOST_SENDS);
      assertThat(sent).filteredOn(op -> op.accessCodeId().equals(moved.accessCodeId()))
          .extracting(dev.keyrack.domain.DeviceOperation::kind).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.UNLOAD);
    } finally {
      s.store.delete(s.code(moved.accessCodeId()), List.of());
    }
  }

  /**
   * A code the lock refused, being removed since (a retired backup, or a refused code deleted): its
   * notices are of its set, so they say nothing of its removal, which the sweeps re-send.
   */
  @Test
  void aRefusedCodeWaitingForItsRemovalIsSentItsRemoval() {
    Device lock = s.lock("kwikset_lock");
    java.time.Instant then = s.clock.instant().minus(Duration.ofDays(2));
    AccessCode refused = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.removing, then)
        .withNotices(List.of(new Notice("duplicate_code_on_device", "The lock holds this PIN for another entry.", then)), List.of());
    s.store.create(refused, List.of());
    List<dev.keyrack.domain.DeviceOperation> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    UUID id = refused.accessCodeId();
    try {
      new Reconciler(s.store, sent::add, s.clock).reconcile(s.ws, Reconciler.Scope.LOST_SENDS);
      assertThat(sent).filteredOn(op -> op.accessCodeId().equals(id))
          .extracting(dev.keyrack.domain.DeviceOperation::kind).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.REMOVE);
      // being removed behind a set the worker still retries: the removal is in the lock's queue behind it
      AccessCode refusedNow = s.code(id);
      AccessCode retrying = refusedNow.withNotices(List.of(), List.of(new Notice("delay_in_setting_on_device", "Delayed.", then)))
          .withVersion(refusedNow.version() + 1);
      s.store.update(refusedNow, retrying, List.of());
      sent.clear();
      new Reconciler(s.store, sent::add, s.clock).reconcile(s.ws, Reconciler.Scope.LOST_SENDS);
      assertThat(sent).noneMatch(op -> op.accessCodeId().equals(id));
      // the same code still being set (its refusal stands): left alone
      AccessCode back = s.code(id);
      AccessCode refusedAgain = back.withNotices(refused.errors(), List.of()).withVersion(back.version() + 1);
      s.store.update(back, refusedAgain, List.of());
      AccessCode stillSetting = s.code(id);
      AccessCode setting = stillSetting.withStatus(CodeStatus.setting).withVersion(stillSetting.version() + 1);
      s.store.update(stillSetting, setting, List.of());
      sent.clear();
      new Reconciler(s.store, sent::add, s.clock).reconcile(s.ws, Reconciler.Scope.LOST_SENDS);
      assertThat(sent).noneMatch(op -> op.accessCodeId().equals(id));
    } finally {
      s.store.delete(s.code(id), List.of());
    }
  }

  /**
   * A code its lock refused for want of a slot a day ago: the daily sweep tries it once more (a
   * slot may have come free at the keypad, unseen), the oldest such code of its lock only; one
   * refused an hour ago, or another refusal, is left alone.
   */
  @Test
  void theDailySweepTriesAgainACodeRefusedForWantOfASlotADayAgo() {
    Device lock = s.lock("kwikset_lock");
    java.time.Instant then = s.clock.instant().minus(Duration.ofDays(2));
    java.time.Instant refusedAt = s.clock.instant().minus(Reconciler.SPACE_RETRY).minus(Duration.ofMinutes(1));
    AccessCode full = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting, then)
        .withNotices(List.of(new Notice("no_space_for_access_code_on_device", "The lock has no free slot.", refusedAt)), List.of());
    AccessCode fullLately = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting, then)
        .withNotices(List.of(new Notice("no_space_for_access_code_on_device", "The lock has no free slot.",
            s.clock.instant().minus(Duration.ofHours(1)))), List.of());
    AccessCode fullToo = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting, then.plusSeconds(5))
        .withNotices(List.of(new Notice("no_space_for_access_code_on_device", "The lock has no free slot.", refusedAt)), List.of());
    AccessCode duplicate = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting, then)
        .withNotices(List.of(new Notice("duplicate_code_on_device", "The lock holds this PIN for another entry.", refusedAt)),
            List.of());
    List<AccessCode> codes = List.of(full, fullLately, fullToo, duplicate);
    codes.forEach(c -> s.store.create(c, List.of()));
    List<dev.keyrack.domain.DeviceOperation> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      new Reconciler(s.store, sent::add, s.clock).reconcile(s.ws, Reconciler.Scope.LOST_SENDS);
      assertThat(sent).filteredOn(op -> codes.stream().anyMatch(c -> c.accessCodeId().equals(op.accessCodeId())))
          .singleElement().satisfies(op -> {
            assertThat(op.accessCodeId()).isEqualTo(full.accessCodeId());
            assertThat(op.kind()).isEqualTo(dev.keyrack.domain.DeviceOperation.Kind.SET);
          });
    } finally {
      codes.forEach(c -> s.store.delete(s.code(c.accessCodeId()), List.of()));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCodeWhoseJobIsRetryingIsLeftToTheWorkerUnlessTheQueueWasEmptied() {
    Device lock = s.lock("yale_lock");
    AccessCode retrying = Codes.ongoingCreatedAt(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting, s.clock.instant())
        .withNotices(List.of(), List.of(new Notice("delay_in_setting_on_device", "Delayed.", s.clock.instant())));
    s.store.create(retrying, List.of());
    s.locks.configure(lock.deviceId(), m -> m.withOnline(false)); // stays pending whatever is sent

    // Nothing else in this stack is pending once the other tests' codes are set: every re-send counted is this code's.
    TestStack.await("no other code pending", Duration.ofSeconds(20), () -> s.store.accessCodes(s.ws, null).stream()
        .allMatch(c -> c.accessCodeId().equals(retrying.accessCodeId()) || c.status() != CodeStatus.setting));
    int recent = ((Number) sweep("sweep.json").get("resent")).intValue();
    int daily = ((Number) sweep("daily-sweep.json").get("resent")).intValue();

    assertThat(recent).as("re-sent by the frequent sweep while the worker retries the code").isZero();
    assertThat(daily).as("re-sent by the daily sweep while the worker retries the code").isZero();
    var h = s.stack.mapHandler("ReconcilerFunction");
    int afterEmptied = ((Number) h.handleRequest(Map.of("scope", "EMPTY_QUEUE"),
        new LocalContext("keyrack-ReconcilerFunction", 512, 300)).get("resent")).intValue();
    assertThat(afterEmptied).as("re-sent by an EMPTY_QUEUE sweep").isEqualTo(1);
    s.locks.configure(lock.deviceId(), m -> m.withOnline(true));
  }

  /**
   * What a create leaves that stopped between storing its code and reading its PIN claim back (here:
   * the read fails), while another create of the same PIN on the lock took the claim over in that
   * moment: both codes stored, the claim naming the other. Returns {stopped, other}.
   */
  private static AccessCode[] halfWayCreate(Device lock, String pin) {
    return halfWayCreate(Codes.ongoingCreatedAt(s.ws, lock.deviceId(), pin, CodeStatus.setting, s.clock.instant()),
        Codes.ongoingCreatedAt(s.ws, lock.deviceId(), pin, CodeStatus.setting, s.clock.instant()));
  }

  /** {@link #halfWayCreate(Device, String)} of two given codes of one lock and PIN. */
  private static AccessCode[] halfWayCreate(AccessCode stopped, AccessCode other) {
    java.util.concurrent.atomic.AtomicBoolean readBackFails = new java.util.concurrent.atomic.AtomicBoolean(true);
    var failReadBack = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
      @Override
      public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                  software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
        // the create's read of its lock's claims, after storing its code
        if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.QueryRequest q
            && q.hasExpressionAttributeValues() && q.expressionAttributeValues().containsKey(":p")
            && q.expressionAttributeValues().get(":p").s().startsWith("PIN#") && readBackFails.getAndSet(false)) {
          throw software.amazon.awssdk.core.exception.SdkClientException.create("simulated: the api stopped before reading its claim back");
        }
      }
    };
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean(true);
    try (var ddb = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
        .endpointOverride(s.stack.engines().dynamoEndpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
        .overrideConfiguration(o -> o.addExecutionInterceptor(failReadBack)).build()) {
      var halfWay = new dev.keyrack.adapters.dynamodb.DynamoStore(ddb,
          s.stack.wiring("ApiFunction").require(dev.keyrack.adapters.AwsWiring.TABLE_NAME), s.clock);
      // between its claim and its code, the other create takes the claim over (its owner's code does not exist yet)
      halfWay.raceHooks(() -> { if (once.getAndSet(false)) s.store.create(other, List.of()); }, () -> { });
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> halfWay.create(stopped, List.of()))
          .isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
    }
    assertThat(s.code(stopped.accessCodeId())).as("the stopped create's code").isNotNull();
    assertThat(s.code(other.accessCodeId())).as("the other create's code").isNotNull();
    assertThat(s.store.pinHolder(stopped)).contains(other.accessCodeId());
    return new AccessCode[] {stopped, other};
  }

  /** The frequent sweep, sending to the stack's queue and recording what it sends. */
  private static List<dev.keyrack.domain.DeviceOperation> recentSweep() {
    List<dev.keyrack.domain.DeviceOperation> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.keyrack.ports.JobQueue queue = s.stack.wiring("ApiFunction").jobQueue();
    new Reconciler(s.store, op -> { sent.add(op); queue.enqueue(op); }, s.clock).reconcile(s.ws, Reconciler.Scope.RECENT);
    return sent;
  }

  private static List<dev.keyrack.domain.DeviceOperation.Kind> sentFor(List<dev.keyrack.domain.DeviceOperation> sent, AccessCode c) {
    return sent.stream().filter(op -> op.accessCodeId().equals(c.accessCodeId())).map(dev.keyrack.domain.DeviceOperation::kind).toList();
  }

  /** Cleans up a test's code; the worker may be removing it meanwhile (a sweep sent its removal): read again then. */
  private static void deleteIfStored(AccessCode c) {
    for (int attempt = 1; ; attempt++) {
      AccessCode now = s.code(c.accessCodeId());
      if (now == null) return;
      try {
        s.store.delete(now, List.of());
        return;
      } catch (dev.keyrack.ports.Conflict.StaleVersion changedMeanwhile) {
        if (attempt == 10) throw changedMeanwhile;
      }
    }
  }

  /**
   * The frequent sweep withdraws the code whose claim was taken, through the lock (it may be
   * there), and sends the other its lost job; the duplicate is never sent to the lock. The same
   * PIN on another lock is another claim, left alone.
   */
  @Test
  void aDuplicateLeftByACreateThatStoppedHalfWayIsWithdrawn() {
    Device lock = s.lock("kwikset_lock"), elsewhere = s.lock("schlage_lock");
    String pin = Codes.randomPin();
    AccessCode[] pair = halfWayCreate(lock, pin);
    AccessCode stopped = pair[0], other = pair[1];
    AccessCode sameElsewhere = Codes.ongoingCreatedAt(s.ws, elsewhere.deviceId(), pin, CodeStatus.setting, s.clock.instant());
    s.store.create(sameElsewhere, List.of());
    try {
      List<dev.keyrack.domain.DeviceOperation> sent = recentSweep();

      assertThat(sentFor(sent, stopped)).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.REMOVE);
      assertThat(sentFor(sent, other)).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.SET);
      assertThat(sentFor(sent, sameElsewhere)).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.SET);
      TestStack.await("the duplicate is deleted and the others set", Duration.ofSeconds(20),
          () -> s.code(stopped.accessCodeId()) == null && s.code(other.accessCodeId()).status() == CodeStatus.set
              && s.code(sameElsewhere.accessCodeId()).status() == CodeStatus.set);
      assertThat(s.locks.memory(lock.deviceId()).slots()).doesNotContainKey(stopped.accessCodeId());
      assertThat(s.locks.memory(lock.deviceId()).slots().get(other.accessCodeId()).pin()).isEqualTo(pin);
      assertThat(s.locks.memory(elsewhere.deviceId()).slots().get(sameElsewhere.accessCodeId()).pin()).isEqualTo(pin);
    } finally {
      for (AccessCode c : List.of(stopped, other, sameElsewhere)) deleteIfStored(c);
    }
  }

  /**
   * The other code is gone (deleted) or going (being removed) before the sweep: the stray code is
   * still withdrawn, never set: alone in its group, its re-send reads the claim, which names no code
   * or another; with a holder
   * being removed, the group still names the holder.
   */
  @Test
  void aDuplicateIsWithdrawnEvenWhenTheOtherCodeIsGoneOrGoing() {
    Device lock = s.lock("yale_lock");
    AccessCode[] deleted = halfWayCreate(lock, Codes.randomPin());
    s.store.delete(s.code(deleted[1].accessCodeId()), List.of()); // the other code deleted, and its claim with it
    AccessCode[] going = halfWayCreate(lock, Codes.randomPin());
    AccessCode holder = s.code(going[1].accessCodeId());
    s.store.update(holder, holder.withStatus(CodeStatus.removing).withVersion(holder.version() + 1), List.of());
    try {
      List<dev.keyrack.domain.DeviceOperation> sent = recentSweep();

      assertThat(sentFor(sent, deleted[0])).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.REMOVE);
      assertThat(sentFor(sent, going[0])).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.REMOVE);
      TestStack.await("both strays deleted", Duration.ofSeconds(20),
          () -> s.code(deleted[0].accessCodeId()) == null && s.code(going[0].accessCodeId()) == null);
      assertThat(s.locks.memory(lock.deviceId()).slots()).doesNotContainKeys(deleted[0].accessCodeId(), going[0].accessCodeId());
    } finally {
      for (AccessCode c : List.of(deleted[0], going[0], going[1])) deleteIfStored(c);
    }
  }

  /**
   * A time-bound stray whose programming fire comes before any sweep has looked at it (its stay
   * starts an hour after its create): the fire reads the new code's claim and withdraws the stray
   * instead of sending it to its lock, so the lock never refuses the code that holds the PIN, which
   * its own fire programs.
   */
  @SuppressWarnings("unchecked")
  @Test
  void aProgrammingFireBeforeAnySweepWithdrawsAStrayInsteadOfSettingIt() {
    Device lock = s.lock("lockly_lock"); // no native scheduling: programmed 60 minutes before its start
    java.time.Instant now = s.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    java.time.Instant start = now.plus(Duration.ofMinutes(60)), end = start.plus(Duration.ofHours(3));
    String pin = Codes.randomPin();
    AccessCode[] pair = halfWayCreate(Codes.timeBoundCreatedAt(s.ws, lock.deviceId(), pin, start, end, now),
        Codes.timeBoundCreatedAt(s.ws, lock.deviceId(), pin, start, end, now));
    AccessCode stray = pair[0], holder = pair[1];
    var programmer = s.stack.mapHandler("ProgrammerFunction");
    java.util.function.Function<AccessCode, Object> fire = c -> programmer.handleRequest(dev.keyrack.json.Json.MAPPER.convertValue(
        new dev.keyrack.domain.Fire(s.ws, lock.deviceId(), c.accessCodeId(), dev.keyrack.domain.SchedulePolicy.Transition.PROGRAM,
            start.minus(Duration.ofMinutes(60)), dev.keyrack.domain.Fire.planOf(c, lock.profile())), Map.class),
        new LocalContext("keyrack-ProgrammerFunction", 512, 30)).get("outcome");
    try {
      assertThat(fire.apply(stray)).isEqualTo("withdrawn");
      assertThat(fire.apply(holder)).isEqualTo("enqueued");
      TestStack.await("the stray deleted and the holder set", Duration.ofSeconds(20),
          () -> s.code(stray.accessCodeId()) == null && s.code(holder.accessCodeId()).status() == CodeStatus.set);
      assertThat(s.locks.memory(lock.deviceId()).slots()).doesNotContainKey(stray.accessCodeId());
      assertThat(s.locks.memory(lock.deviceId()).slots().get(holder.accessCodeId()).pin()).isEqualTo(pin);
      assertThat(s.code(holder.accessCodeId()).errors()).isEmpty();
      assertThat(s.events(stray.accessCodeId())).contains("access_code.deleted").doesNotContain("access_code.set_on_device");
    } finally {
      for (AccessCode c : pair) deleteIfStored(c);
    }
  }

  /**
   * Should a stray reach its lock first after all (no sweep ran between its create and its first
   * set), the lock refuses the code that holds the PIN as a duplicate; the sweep that withdraws the
   * stray sends the holder's set again, behind the stray's removal in the lock's queue, and the
   * holder reaches the lock with its refusal cleared.
   */
  @Test
  void aHolderRefusedBecauseItsStrayReachedTheLockFirstIsSetOnceTheStrayIsWithdrawn() {
    Device lock = s.lock("ttlock_lock");
    String pin = Codes.randomPin();
    AccessCode[] pair = halfWayCreate(lock, pin);
    AccessCode stray = pair[0], holder = pair[1];
    dev.keyrack.ports.JobQueue queue = s.stack.wiring("ApiFunction").jobQueue();
    try {
      queue.enqueue(new dev.keyrack.domain.DeviceOperation(dev.keyrack.domain.DeviceOperation.Kind.SET, s.ws, lock.deviceId(),
          stray.accessCodeId(), stray.version()));
      TestStack.await("the stray on the lock", Duration.ofSeconds(20), () -> s.code(stray.accessCodeId()).status() == CodeStatus.set);
      queue.enqueue(new dev.keyrack.domain.DeviceOperation(dev.keyrack.domain.DeviceOperation.Kind.SET, s.ws, lock.deviceId(),
          holder.accessCodeId(), holder.version()));
      TestStack.await("the holder refused as a duplicate", Duration.ofSeconds(20), () -> s.code(holder.accessCodeId()).errors()
          .stream().anyMatch(n -> n.code().equals("duplicate_code_on_device")));

      List<dev.keyrack.domain.DeviceOperation> sent = recentSweep();

      assertThat(sentFor(sent, stray)).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.REMOVE);
      assertThat(sentFor(sent, holder)).containsExactly(dev.keyrack.domain.DeviceOperation.Kind.SET);
      TestStack.await("the stray deleted and the holder set", Duration.ofSeconds(20),
          () -> s.code(stray.accessCodeId()) == null && s.code(holder.accessCodeId()).status() == CodeStatus.set);
      assertThat(s.locks.memory(lock.deviceId()).slots()).doesNotContainKey(stray.accessCodeId());
      assertThat(s.locks.memory(lock.deviceId()).slots().get(holder.accessCodeId()).pin()).isEqualTo(pin);
      assertThat(s.code(holder.accessCodeId()).errors()).isEmpty();
      assertThat(recentSweep()).as("a second sweep sends nothing more").noneMatch(op -> op.accessCodeId().equals(holder.accessCodeId())
          || op.accessCodeId().equals(stray.accessCodeId()));
    } finally {
      for (AccessCode c : pair) deleteIfStored(c);
    }
  }
}
