package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.app.DeviceWorker;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.Notice;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.LockProvider.ProviderException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * How a slot freed on a lock is handed to a code the lock refused for want of one, driven through
 * a worker of the test's own whose sends are recorded, not carried out: one waiting code per freed
 * slot, oldest first, even when the waiting list is read from a replica that lags (DynamoDB Local
 * is always consistent, so the lag is simulated below the store: eventually consistent Queries
 * see a device's #SPACE item as it was when {@link Lag#freeze} was called; strongly consistent
 * reads are not affected); a freed slot is handed on when the code sent it is deleted first, and
 * when the send failed (on the operation's next delivery); a deleted code is not sent.
 */
class SlotHandoffTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of("RetryBaseSeconds", "1", "RetryMaxSeconds", "2"));

  /** Eventually consistent Queries return the #SPACE item frozen at {@link #freeze}. */
  static final class Lag implements InvocationHandler {
    final DynamoDbClient real;
    final String table;
    volatile String frozenSk;
    volatile Map<String, AttributeValue> frozenItem; // null: the item did not exist yet

    Lag(DynamoDbClient real, String table) {
      this.real = real;
      this.table = table;
    }

    void freeze(UUID ws, UUID deviceId) {
      String sk = "DEVICE#" + deviceId + "#SPACE";
      var r = real.getItem(b -> b.tableName(table).consistentRead(true)
          .key(Map.of("pk", AttributeValue.fromS("WS#" + ws), "sk", AttributeValue.fromS(sk))));
      frozenItem = r.hasItem() && !r.item().isEmpty() ? r.item() : null;
      frozenSk = sk;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      if (m.getName().equals("query") && args != null && args.length == 1 && args[0] instanceof QueryRequest q0) {
        QueryRequest q = q0;
        QueryResponse r = real.query(q);
        if (frozenSk == null || Boolean.TRUE.equals(q.consistentRead())) return r;
        String prefix = q.expressionAttributeValues().containsKey(":p") ? q.expressionAttributeValues().get(":p").s() : null;
        if (prefix == null || !frozenSk.startsWith(prefix)) return r;
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (var i : r.items()) if (!i.get("sk").s().equals(frozenSk)) items.add(i);
        if (frozenItem != null) items.add(frozenItem);
        return r.toBuilder().items(items).count(items.size()).build();
      }
      if (m.isDefault() && args != null && args.length == 1 && args[0] instanceof java.util.function.Consumer) {
        return InvocationHandler.invokeDefault(proxy, m, args);
      }
      if (m.getName().equals("close")) return null;
      try {
        return m.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  static final List<DeviceOperation> sent = new CopyOnWriteArrayList<>();
  /** How many of the next sends fail (a queue that cannot be reached). */
  static final java.util.concurrent.atomic.AtomicInteger failingSends = new java.util.concurrent.atomic.AtomicInteger();

  static DeviceWorker laggingWorker(Lag lag) {
    DynamoDbClient client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, lag);
    DynamoStore store = new DynamoStore(client, lag.table, env.clock);
    DeviceWorker w = new DeviceWorker(store, env.locks, env.clock, Ids.shared());
    w.resendThrough(new JobQueue() {
      @Override
      public void enqueue(DeviceOperation op) {
        if (failingSends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new IllegalStateException("queue unreachable");
        sent.add(op);
      }
    });
    return w;
  }

  static Lag lag() {
    var wiring = env.stack.wiring("ProviderWorkerFunction");
    return new Lag(wiring.dynamo(), wiring.require("TABLE_NAME"));
  }

  static JsonNode ok(String path, String body) throws Exception {
    ClockedStack.Answer a = env.call(path, body);
    assertThat(a.status()).as(path + " " + body + " -> " + a.body()).isEqualTo(200);
    return a.body();
  }

  static UUID create(Device d, String pin) throws Exception {
    JsonNode r = ok("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"R\",\"code\":\"" + pin + "\"}");
    return UUID.fromString(r.at("/access_code/access_code_id").asText());
  }

  static boolean refused(UUID id) {
    AccessCode c = env.code(id);
    return c != null && c.errors().stream().map(Notice::code).anyMatch("no_space_for_access_code_on_device"::equals);
  }

  static List<UUID> listed(Device d) {
    return env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().waitingForSpace();
  }

  /** Stores the code as the API's delete does, without sending its removal (this test's worker carries it out). */
  static DeviceOperation markRemoving(UUID id) {
    AccessCode c = env.code(id);
    AccessCode next = c.withStatus(CodeStatus.removing).withVersion(c.version() + 1);
    env.store.update(c, next, List.of());
    return new DeviceOperation(DeviceOperation.Kind.REMOVE, env.ws, c.deviceId(), id, next.version());
  }

  /** The code's window moved days ahead, as the API's update stores it (unset; the API would send an UNLOAD). */
  static AccessCode moveLater(UUID id) {
    AccessCode c = env.code(id);
    java.time.Instant later = env.clock.instant().plus(Duration.ofDays(10));
    AccessCode moved = c.withWindow(dev.keyrack.domain.CodeType.time_bound, later, later.plusSeconds(7200))
        .withStatus(CodeStatus.unset).withVersion(c.version() + 1);
    env.store.update(c, moved, List.of());
    return moved;
  }

  static void await(String what, java.util.function.BooleanSupplier ok) {
    TestStack.await(what, Duration.ofSeconds(45), ok);
  }

  @Test
  void aRemovalRightAfterTheRefusalSendsTheRefusedCodeAgain() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 1).get(0);
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"slot_limit\":1}");
    UUID resident = create(d, "7101");
    await("resident set", () -> env.code(resident).status() == CodeStatus.set);

    Lag lag = lag();
    lag.freeze(env.ws, d.deviceId()); // a replica that has not yet seen the refusal's ADD
    UUID waiting = create(d, "7202");
    await("refused and listed", () -> refused(waiting) && listed(d).contains(waiting));

    sent.clear();
    DeviceOperation removal = markRemoving(resident);
    assertThat(laggingWorker(lag).process(removal)).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(env.locks.memory(d.deviceId()).slots()).isEmpty(); // the slot is free
    assertThat(sent).as("the refused code is sent again once the slot is free")
        .anyMatch(op -> op.kind() == DeviceOperation.Kind.SET && op.accessCodeId().equals(waiting));
  }

  @Test
  void twoRemovalsInARowGiveTheirTwoSlotsToTwoDifferentWaitingCodes() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 2).get(1);
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"slot_limit\":2}");
    UUID r1 = create(d, "8101"), r2 = create(d, "8102");
    await("residents set", () -> env.code(r1).status() == CodeStatus.set && env.code(r2).status() == CodeStatus.set);
    UUID w1 = create(d, "8201");
    await("w1 refused and listed", () -> refused(w1) && listed(d).contains(w1));
    UUID w2 = create(d, "8202");
    await("w2 refused and listed", () -> refused(w2) && listed(d).contains(w2));

    Lag lag = lag();
    lag.freeze(env.ws, d.deviceId()); // a replica that will not yet have seen the first removal's DELETE
    DeviceWorker worker = laggingWorker(lag);
    sent.clear();
    assertThat(worker.process(markRemoving(r1))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(worker.process(markRemoving(r2))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(env.locks.memory(d.deviceId()).slots()).isEmpty(); // two slots free
    List<String> dedupIds = sent.stream().map(DeviceOperation::deduplicationId).toList();
    assertThat(sent.stream().map(DeviceOperation::accessCodeId)).as("each freed slot goes to a different waiting code; "
        + "sent: " + dedupIds).containsExactly(w1, w2);
  }

  /**
   * A code waiting for a slot is tried again (by the daily sweep, or an update reprogramming it) and
   * refused again: its error's time is renewed (the sweep's next try is a day later), and the failure
   * it already told is not told again, so a full lock does not send a failure a day. A refusal of
   * another kind after it is news.
   */
  @Test
  void aCodeRefusedAgainForWantOfASlotIsNotReportedFailedAgain() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 18).get(17);
    List<UUID> codes = fullLockWithWaiting(d, 1, 1, "93");
    UUID waiting = codes.get(1);
    String failed = "access_code.failed_to_set_on_device";
    TestStack.eventually(() -> assertThat(env.events(waiting)).filteredOn(failed::equals).hasSize(1));
    java.time.Instant firstRefusal = env.code(waiting).errors().get(0).createdAt();

    env.clock.advance(Duration.ofSeconds(5));
    DeviceWorker worker = new DeviceWorker(env.store, env.locks, env.clock, Ids.shared());
    AccessCode before = env.code(waiting);
    assertThat(worker.process(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(), waiting, before.version())))
        .isEqualTo(DeviceWorker.Outcome.FAILED_PERMANENTLY);
    AccessCode after = env.code(waiting);
    assertThat(after.errors()).singleElement().satisfies(n -> {
      assertThat(n.code()).isEqualTo("no_space_for_access_code_on_device");
      assertThat(n.createdAt()).as("renewed: the next daily try is a day from now").isAfter(firstRefusal);
    });
    assertThat(env.events(waiting)).filteredOn(failed::equals).as("told once").hasSize(1);

    // Now the lock refuses it for its PIN: that is news.
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"slot_limit\":5,\"external_codes\":[\""
        + after.code() + "\"]}");
    assertThat(worker.process(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(), waiting, after.version())))
        .isEqualTo(DeviceWorker.Outcome.FAILED_PERMANENTLY);
    assertThat(env.code(waiting).errors()).extracting(Notice::code).containsExactly("duplicate_code_on_device");
    assertThat(env.events(waiting)).filteredOn(failed::equals).hasSize(2);
  }

  /**
   * The lock takes a newer code while an older one waits for a slot: it had room after all (here its
   * slot limit was raised; at a keypad, a code deleted there), which Keyrack does not see. The
   * waiting code is sent again, and set, rather than passed over until the daily sweep.
   */
  @Test
  void aWaitingCodeIsSentAgainWhenTheLockTakesANewerOne() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 19).get(18);
    List<UUID> codes = fullLockWithWaiting(d, 1, 1, "94");
    UUID waiting = codes.get(1);
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"slot_limit\":5}");
    UUID newer = create(d, "9431");
    // (the worker stores the code as set, then takes it off the lock's waiting list: awaited together)
    await("the newer code set, and the waiting one after it, off the waiting list", () -> env.code(newer).status()
        == CodeStatus.set && env.code(waiting).status() == CodeStatus.set && !listed(d).contains(waiting));
    assertThat(env.code(waiting).errors()).isEmpty();
  }

  static List<UUID> setsSent() {
    return sent.stream().filter(op -> op.kind() == DeviceOperation.Kind.SET).map(DeviceOperation::accessCodeId).toList();
  }

  /** A lock of its own, full at {@code slots} codes, holding that many residents, and {@code n} codes refused and listed. */
  static List<UUID> fullLockWithWaiting(Device d, int slots, int n, String pinPrefix) throws Exception {
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"slot_limit\":" + slots + "}");
    List<UUID> all = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      UUID r = create(d, pinPrefix + "1" + i);
      await("resident set", () -> env.code(r).status() == CodeStatus.set);
      all.add(r);
    }
    for (int i = 0; i < n; i++) {
      UUID w = create(d, pinPrefix + "2" + i);
      await("refused and listed", () -> refused(w) && listed(d).contains(w));
      all.add(w);
    }
    return all;
  }

  @Test
  void aRefusedCodeDeletedWhileItWaitsIsNotSentWhenASlotFrees() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 3).get(2);
    List<UUID> codes = fullLockWithWaiting(d, 1, 1, "91");
    UUID resident = codes.get(0), waiting = codes.get(1);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(waiting))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(listed(d)).isEmpty();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(env.locks.memory(d.deviceId()).slots()).isEmpty();
    assertThat(sent).as("nothing waits: nothing is sent").isEmpty();
  }

  @Test
  void aCodeSentAFreedSlotButDeletedBeforeTakingItHandsItOn() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 4).get(3);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "92");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w1);
    assertThat(listed(d)).containsExactly(w2);
    // w1 is deleted before its set ran (the set was only recorded here): the slot goes on to w2
    assertThat(worker.process(markRemoving(w1))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w1, w2);
    assertThat(listed(d)).isEmpty();
  }

  @Test
  void aHandoffWhoseSendFailedIsMadeOnTheRemovalsNextDelivery() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 5).get(4);
    List<UUID> codes = fullLockWithWaiting(d, 1, 1, "93");
    UUID resident = codes.get(0), waiting = codes.get(1);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    failingSends.set(1);
    DeviceOperation removal = markRemoving(resident);
    assertThat(worker.process(removal, 1)).as("removed, but the slot not handed on: tried again").isEqualTo(DeviceWorker.Outcome.RETRY);
    assertThat(env.code(resident)).isNull();
    assertThat(sent).isEmpty();
    assertThat(listed(d)).containsExactly(waiting);
    assertThat(worker.process(removal, 2)).as("the removal's work is finished now").isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(waiting);
    assertThat(listed(d)).isEmpty();
  }

  @Test
  void aWaitingCodeRefusedSinceForAnotherReasonNoLongerWaitsForASlot() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 6).get(5);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "95");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    // w1's PIN changed, bypassing the API's checks, to one the lock's own rules refuse
    AccessCode c = env.code(w1);
    AccessCode badPin = c.withCode("12").withVersion(c.version() + 1);
    env.store.update(c, badPin, List.of());
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(), w1, badPin.version())))
        .isEqualTo(DeviceWorker.Outcome.FAILED_PERMANENTLY);
    assertThat(env.code(w1).errors().stream().map(Notice::code)).as("the latest refusal replaces the earlier one")
        .containsExactly("provider_issue");
    // the freed slot goes to w2, which still waits for one, not to w1, which the lock would refuse again
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w2);
  }

  @Test
  void aRemovalDeliveredAgainAfterHandingItsSlotOnHandsOnNoSecondSlot() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 7).get(6);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "96");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    DeviceOperation removal = markRemoving(resident);
    assertThat(worker.process(removal, 1)).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w1);
    // SQS delivers the same message again (ApproximateReceiveCount 2): its DeleteMessageBatch was
    // lost, the invocation timed out after the work, or it is a copy (a repeated delete, the
    // frequent sweep's re-send of a noted removal) that waited behind a retrying job of its lock.
    assertThat(worker.process(removal, 2)).isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    assertThat(setsSent()).as("one slot came free: one waiting code sent").containsExactly(w1);
    assertThat(listed(d)).containsExactly(w2);
  }

  @Test
  void anUnloadOfACodeNeverOnItsLockHandsOnNoSlotEvenOnALaterReceive() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 8).get(7);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "97");
    UUID w1 = codes.get(1), w2 = codes.get(2);
    // w1 (refused, listed) has its window moved days ahead, as the API's update stores it (unset, an UNLOAD sent)
    AccessCode moved = moveLater(w1);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    // its UNLOAD waited behind a retrying job of the lock: its receive count is 3 on its first try
    assertThat(worker.process(new DeviceOperation(DeviceOperation.Kind.UNLOAD, env.ws, d.deviceId(), w1, moved.version()), 3))
        .isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    assertThat(setsSent()).as("no code left the lock: no slot to hand on").isEmpty();
  }

  @Test
  void aSlotSentToACodeThatNoLongerTakesItIsHandedOn() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 9).get(8);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "98");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w1);
    // before w1's set runs, its window is moved days ahead (as the API's update stores it)
    AccessCode moved = moveLater(w1);
    DeviceOperation handed = sent.get(sent.size() - 1);
    assertThat(worker.process(handed)).isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    assertThat(worker.process(new DeviceOperation(DeviceOperation.Kind.UNLOAD, env.ws, d.deviceId(), w1, moved.version())))
        .isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    assertThat(env.locks.memory(d.deviceId()).slots()).isEmpty(); // the slot is free
    assertThat(setsSent()).as("the free slot goes on to w2, which still waits").containsExactly(w1, w2);
  }

  @Test
  void aRemovalThatStoppedAfterItsDeleteHandsItsSlotOnAtItsNextDelivery() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 10).get(9);
    List<UUID> codes = fullLockWithWaiting(d, 1, 1, "99");
    UUID resident = codes.get(0), waiting = codes.get(1);
    DeviceOperation removal = markRemoving(resident);
    // the run that stopped: the slot was marked as owed, the code removed and deleted, nothing handed on
    env.store.changeSlots(env.ws, d.deviceId(), new dev.keyrack.ports.Store.SlotChange(null, null, resident, null));
    env.locks.remove(d, resident);
    env.store.delete(env.code(resident), List.of());
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(removal, 2)).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(waiting);
    var work = env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow();
    assertThat(work.waitingForSpace()).isEmpty();
    assertThat(work.holdingSlot()).as("the slot is now held by the code it was handed to").containsExactly(waiting);
  }

  @Test
  void aHandedCodeRefusedOnceMoreWaitsAgainAndTheSetOfAHandedCodeSettlesItsSlot() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 11).get(10);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "90");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    DeviceOperation handed = sent.get(0);
    assertThat(handed.accessCodeId()).isEqualTo(w1);
    // a code set at the keypad took the slot first: w1 is refused again and waits again
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"external_codes\":[\"4444\"]}");
    assertThat(worker.process(handed)).isEqualTo(DeviceWorker.Outcome.FAILED_PERMANENTLY);
    var work = env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow();
    assertThat(work.waitingForSpace()).containsExactly(w1, w2);
    assertThat(work.holdingSlot()).isEmpty();
    // the lock turns out to hold one more, and the next hand-on's set takes the slot for good
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"slot_limit\":2}");
    AccessCode w1Now = env.code(w1);
    env.store.changeSlots(env.ws, d.deviceId(), new dev.keyrack.ports.Store.SlotChange(null, w1, w1, null));
    assertThat(worker.process(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(), w1, w1Now.version())))
        .isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(env.code(w1).status()).isEqualTo(CodeStatus.set);
    work = env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow();
    assertThat(work.waitingForSpace()).containsExactly(w2);
    assertThat(work.holdingSlot()).isEmpty();
  }

  @Test
  void aHandedCodeMovedLaterThenDeletedOutrightHandsItsSlotOn() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 12).get(11);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "81");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w1);
    DeviceOperation handed = sent.get(sent.size() - 1);
    // before w1's set runs, its window is moved days ahead (the API's update: unset, an UNLOAD sent) ...
    AccessCode moved = moveLater(w1);
    // ... and then it is deleted: not on its lock and not due, Deletion.store deletes it outright (no REMOVE)
    env.store.delete(env.code(w1), List.of());
    assertThat(worker.process(handed)).isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    worker.process(new DeviceOperation(DeviceOperation.Kind.UNLOAD, env.ws, d.deviceId(), w1, moved.version()));
    assertThat(env.locks.memory(d.deviceId()).slots()).isEmpty(); // the slot is free
    assertThat(env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().holdingSlot())
        .as("no deleted code holds a slot").doesNotContain(w1);
    assertThat(setsSent()).as("the free slot goes on to w2, which still waits").containsExactly(w1, w2);
  }

  @Test
  void aHandedCodeRefusedForItsPinWhosePassOnFailedPassesItOnWhenRetried() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 13).get(12);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "82");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w1);
    // w1's PIN changed (bypassing the API's checks) to one the lock's own rules refuse
    AccessCode c = env.code(w1);
    AccessCode badPin = c.withCode("12").withVersion(c.version() + 1);
    env.store.update(c, badPin, List.of());
    DeviceOperation set = new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(), w1, badPin.version());
    failingSends.set(1); // the pass-on's send fails once
    assertThat(worker.process(set, 1)).isEqualTo(DeviceWorker.Outcome.RETRY);
    // its next delivery: the lock refuses the PIN again
    assertThat(worker.process(set, 2)).isEqualTo(DeviceWorker.Outcome.FAILED_PERMANENTLY);
    assertThat(env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().holdingSlot())
        .as("w1 refused for its PIN holds no slot").doesNotContain(w1);
    assertThat(setsSent()).as("the slot w1 will not take goes on to w2").containsExactly(w1, w2);
  }

  @Test
  void aHandOnToNobodyClearsTheHoldWithAnUpdateWithoutValues() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 14).get(13);
    List<UUID> codes = fullLockWithWaiting(d, 1, 1, "83");
    UUID resident = codes.get(0), w1 = codes.get(1);
    // w1 (listed) no longer waits: its window moved days ahead
    moveLater(w1);
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    var work = env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow();
    assertThat(work.holdingSlot()).isEmpty();
    assertThat(work.waitingForSpace()).isEmpty();
    assertThat(sent).isEmpty();
  }

  @Test
  void aHandedCodeWhoseSetAnswersLateAsItsWindowEndsKeepsItsSlotForItsRemovalToHandOn() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 15).get(14);
    List<UUID> codes = fullLockWithWaiting(d, 1, 2, "84");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2);
    // w1 is a guest's code whose stay ends in a minute
    AccessCode c = env.code(w1);
    java.time.Instant now = env.clock.instant();
    env.store.update(c, c.withWindow(dev.keyrack.domain.CodeType.time_bound, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofMinutes(1))).withVersion(c.version() + 1), List.of());
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).containsExactly(w1);
    // the lock takes w1's code but answers too late, after the stay's end: the slot is w1's until its removal
    DeviceWorker late = new DeviceWorker(new DynamoStore(env.stack.wiring("ProviderWorkerFunction").dynamo(),
        env.stack.wiring("ProviderWorkerFunction").require("TABLE_NAME"), env.clock), new dev.keyrack.ports.LockProvider() {
          @Override
          public void set(Device device, Programming p) throws ProviderException {
            env.locks.set(device, p);
            env.clock.advance(Duration.ofMinutes(2));
            throw new ProviderException(ProviderException.Kind.TRANSIENT, "The lock's cloud answered too late.");
          }

          @Override
          public void remove(Device device, UUID accessCodeId) throws ProviderException {
            env.locks.remove(device, accessCodeId);
          }
        }, env.clock, Ids.shared());
    late.resendThrough(op -> sent.add(op));
    assertThat(late.process(sent.get(0))).isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    assertThat(setsSent()).as("no slot handed on while w1 may be on the lock").containsExactly(w1);
    assertThat(env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().holdingSlot()).containsExactly(w1);
    // w1's removal at the end of its stay takes it off the lock and hands the slot to w2
    assertThat(worker.process(new DeviceOperation(DeviceOperation.Kind.REMOVE, env.ws, d.deviceId(), w1,
        env.code(w1).version()))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(env.locks.memory(d.deviceId()).slots()).doesNotContainKey(w1);
    assertThat(setsSent()).containsExactly(w1, w2);
  }

  @Test
  void aCodeSetWhileHoldingASlotAfterAnotherRefusalLetsGoOfIt() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 16).get(15);
    List<UUID> codes = fullLockWithWaiting(d, 2, 1, "85");
    UUID w1 = codes.get(2);
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\",\"slot_limit\":3}");
    // w1 holds a slot it was handed, and its latest refusal was for its PIN, not for space
    AccessCode c = env.code(w1);
    AccessCode refusedPin = c.withNotices(List.of(new Notice("provider_issue", "The lock refused the PIN.", env.clock.instant())),
        List.of()).withVersion(c.version() + 1);
    env.store.update(c, refusedPin, List.of());
    env.store.changeSlots(env.ws, d.deviceId(), new dev.keyrack.ports.Store.SlotChange(null, w1, w1, null));
    assertThat(laggingWorker(lag()).process(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(), w1,
        refusedPin.version()))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(env.code(w1).status()).isEqualTo(CodeStatus.set);
    assertThat(env.store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().holdingSlot())
        .as("on the lock, it holds its slot as any code does, not in trust").isEmpty();
  }

  @Test
  void aFreedSlotGoesFirstToAWaitingCodeWithoutAPulledBackup() throws Exception {
    Device d = env.stack.seedExtraLocks("schlage_lock", 17).get(16);
    List<UUID> codes = fullLockWithWaiting(d, 1, 3, "86");
    UUID resident = codes.get(0), w1 = codes.get(1), w2 = codes.get(2), w3 = codes.get(3);
    // w1's guest already got in with a backup code pulled when its set failed
    AccessCode c = env.code(w1);
    env.store.update(c, c.withBackup(null, UUID.randomUUID()).withVersion(c.version() + 1), List.of());
    DeviceWorker worker = laggingWorker(lag());
    sent.clear();
    assertThat(worker.process(markRemoving(resident))).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(setsSent()).as("the oldest code without a backup in use").containsExactly(w2);
    assertThat(listed(d)).containsExactly(w1, w3);
  }
}
