package dev.keyrack.local.adapters;

import static dev.keyrack.local.adapters.Fixtures.T0;
import static dev.keyrack.local.adapters.Fixtures.code;
import static dev.keyrack.local.adapters.Fixtures.device;
import static dev.keyrack.local.adapters.Fixtures.event;
import static dev.keyrack.local.adapters.Fixtures.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.ApiKeys;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.Workspace;
import dev.keyrack.ports.Conflict;
import dev.keyrack.ports.Store;
import dev.keyrack.ports.Store.EventQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link DynamoStore} on the table that template.yaml declares, against each {@link Backend}: one
 * subclass per backend ({@link DynamoStoreTest} in process, {@link LocalstackDynamoStoreTest} in
 * LocalStack), the same tests for both.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class AbstractDynamoStoreTest {
  Backend backend;
  String table;
  DynamoStore store;

  /** Starts (or connects to) the services these tests run against; closed after the last test. */
  abstract Backend startBackend();

  @BeforeAll
  void start() {
    backend = startBackend();
    table = backend.resources().tableName("KeyrackTable");
    assertThat(table).isNotBlank();
    // the fixtures' time: a write judges the age of the outbox it replaces by it
    store = new DynamoStore(backend.dynamo(), table, java.time.Clock.fixed(T0.plusSeconds(60), java.time.ZoneOffset.UTC));
  }

  @AfterAll
  void stop() throws Exception {
    if (backend != null) backend.close();
  }

  /** Every raw item in a workspace's partition (codes, PIN claims, events, devices...). */
  List<Map<String, AttributeValue>> items(UUID workspaceId) {
    return backend.dynamo().query(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#" + workspaceId)))).items();
  }

  List<String> sortKeys(UUID workspaceId) {
    return items(workspaceId).stream().map(i -> i.get("sk").s()).toList();
  }

  static EventQuery all(int limit) {
    return new EventQuery(null, null, null, null, null, limit);
  }

  // --------------------------------------------------------------------------------- workspaces

  @Test
  void workspaceIsFoundByTheHashOfItsKey() {
    Workspace w = workspace();
    String key = ApiKeys.generate();
    store.putWorkspace(w, ApiKeys.hash(key));

    assertThat(store.workspaceForKeyHash(ApiKeys.hash(key))).contains(w);
    assertThat(store.workspaceForKeyHash(ApiKeys.hash(ApiKeys.generate()))).isEmpty();
    assertThat(store.workspaceForKeyHash(key)).as("the raw key is not a lookup key").isEmpty();
  }

  // ------------------------------------------------------------------------------------ devices

  @Test
  void devicesAreScopedToTheirWorkspace() {
    Workspace w = workspace(), other = workspace();
    Device late = device(w, "schlage_lock", T0.plusSeconds(10), "Back door");
    Device early = device(w, "nuki_lock", T0, "Front door");
    store.putDevice(late);
    store.putDevice(early);
    Device foreign = device(other);
    store.putDevice(foreign);

    assertThat(store.device(w.workspaceId(), early.deviceId())).contains(early);
    assertThat(store.device(w.workspaceId(), late.deviceId())).contains(late);
    assertThat(store.devices(w.workspaceId())).containsExactly(early, late);

    assertThat(store.device(other.workspaceId(), early.deviceId())).isEmpty();
    assertThat(store.device(w.workspaceId(), foreign.deviceId())).isEmpty();
    assertThat(store.devices(other.workspaceId())).containsExactly(foreign);
    assertThat(store.devices(UUID.randomUUID())).isEmpty();
  }

  @Test
  void putDeviceReplacesTheDevice() {
    Workspace w = workspace();
    Device d = device(w);
    store.putDevice(d);
    store.putDevice(d.withOnline(false));
    assertThat(store.device(w.workspaceId(), d.deviceId())).contains(d.withOnline(false));
    assertThat(store.devices(w.workspaceId())).hasSize(1);
  }

  @Test
  void theCodesWaitingForASlotAreReadWithTheirDeviceOldestFirstAndSurviveItsUpdates() {
    Workspace w = workspace(), other = workspace();
    Device d = device(w), next = device(w);
    store.putDevice(d);
    store.putDevice(next);
    Ids ids = Ids.shared();
    UUID older = ids.timeOrdered(T0), newer = ids.timeOrdered(T0.plusSeconds(1));
    assertThat(store.deviceAtWork(w.workspaceId(), d.deviceId(), true).orElseThrow().waitingForSpace()).isEmpty();

    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(newer, null, null, null));
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(older, null, null, null));
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(older, null, null, null)); // noted twice: listed once
    store.putDevice(d.withOnline(false)); // the device's own record is replaced, its waiting list kept
    var work = store.deviceAtWork(w.workspaceId(), d.deviceId(), true).orElseThrow();
    assertThat(work.device()).isEqualTo(d.withOnline(false));
    assertThat(work.waitingForSpace()).containsExactly(older, newer);
    // the list is not a device, and belongs to its device and workspace only
    assertThat(store.devices(w.workspaceId())).hasSize(2);
    assertThat(store.deviceAtWork(w.workspaceId(), next.deviceId(), false).orElseThrow().waitingForSpace()).isEmpty();
    assertThat(store.deviceAtWork(other.workspaceId(), d.deviceId(), true)).isEmpty();

    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(null, older, null, null));
    assertThat(store.deviceAtWork(w.workspaceId(), d.deviceId(), true).orElseThrow().waitingForSpace()).containsExactly(newer);
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(null, newer, null, null));
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(null, newer, null, null)); // forgetting twice is harmless
    assertThat(store.deviceAtWork(w.workspaceId(), d.deviceId(), true).orElseThrow().waitingForSpace()).isEmpty();
    assertThat(store.devices(w.workspaceId())).hasSize(2);
  }

  @Test
  void aSlotMovesFromOneHolderToTheNextWaitingCodeInOneWrite() {
    Workspace w = workspace();
    Device d = device(w);
    store.putDevice(d);
    Ids ids = Ids.shared();
    UUID leaving = ids.timeOrdered(T0), first = ids.timeOrdered(T0.plusSeconds(1)), second = ids.timeOrdered(T0.plusSeconds(2));
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(first, null, null, null));
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(second, null, leaving, null));
    var before = store.deviceAtWork(w.workspaceId(), d.deviceId(), true).orElseThrow();
    assertThat(before.waitingForSpace()).containsExactly(first, second);
    assertThat(before.holdingSlot()).containsExactly(leaving);

    // the hand-on: first leaves the waiting list and holds the slot, which leaving no longer does
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(null, first, first, leaving));
    var after = store.deviceAtWork(w.workspaceId(), d.deviceId(), false).orElseThrow();
    assertThat(after.waitingForSpace()).containsExactly(second);
    assertThat(after.holdingSlot()).containsExactly(first);
    assertThat(after.device()).isEqualTo(d);

    // refused again: waiting once more, holding nothing; the change of nothing writes nothing
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(first, null, null, first));
    store.changeSlots(w.workspaceId(), d.deviceId(), new Store.SlotChange(null, null, null, null));
    var again = store.deviceAtWork(w.workspaceId(), d.deviceId(), true).orElseThrow();
    assertThat(again.waitingForSpace()).containsExactly(first, second);
    assertThat(again.holdingSlot()).isEmpty();
    assertThatThrownBy(() -> new Store.SlotChange(first, first, null, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWaitingListWithoutItsDeviceIsNoDevice() {
    Workspace w = workspace();
    UUID gone = UUID.randomUUID();
    store.changeSlots(w.workspaceId(), gone, new Store.SlotChange(Ids.shared().timeOrdered(T0), null, null, null));
    assertThat(store.deviceAtWork(w.workspaceId(), gone, true)).isEmpty();
    assertThat(store.devices(w.workspaceId())).isEmpty();
  }

  // ------------------------------------------------------------------------------ send notes

  @Test
  void notedSendsAreFoundByTimeOncePerCodeAndOnlyInTheirWorkspace() {
    Workspace w = workspace(), other = workspace();
    UUID early = UUID.randomUUID(), late = UUID.randomUUID();
    store.noteSending(w.workspaceId(), early, T0);
    store.noteSending(w.workspaceId(), late, T0.plusSeconds(600));
    store.noteSending(w.workspaceId(), late, T0.plusSeconds(601)); // a second change of the same code
    store.noteSending(other.workspaceId(), UUID.randomUUID(), T0.plusSeconds(600));

    assertThat(store.sentSince(w.workspaceId(), T0)).containsExactlyInAnyOrder(early, late);
    assertThat(store.sentSince(w.workspaceId(), T0.plusSeconds(300))).containsExactly(late);
    assertThat(store.sentSince(w.workspaceId(), T0.plusSeconds(602))).isEmpty();
    assertThat(store.sentSince(UUID.randomUUID(), T0)).isEmpty();
    // a note is a key and its expiry: it carries no code, no PIN, and goes by itself
    Map<String, AttributeValue> note = items(w.workspaceId()).stream().filter(i -> i.get("sk").s().startsWith("SEND#"))
        .findFirst().orElseThrow();
    assertThat(note.keySet()).containsExactlyInAnyOrder("pk", "sk", "expires_at");
    assertThat(Long.parseLong(note.get("expires_at").n())).isGreaterThan(T0.getEpochSecond());
    // the other sweeps' key ranges do not see notes
    assertThat(store.sweepCodes(w.workspaceId(), null, T0, T0.plusSeconds(900))).isEmpty();
  }

  // ------------------------------------------------------------------------------ access codes

  @Test
  void createdCodeAndItsEventsReadBackEqual() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    Event created = event(c, "access_code.created");
    Event scheduled = event(c, "access_code.scheduled_on_device", T0.plusMillis(5));
    store.create(c, List.of(created, scheduled));

    assertThat(store.accessCode(w.workspaceId(), c.accessCodeId())).contains(c);
    assertThat(store.event(w.workspaceId(), created.eventId())).contains(created);
    assertThat(store.event(w.workspaceId(), scheduled.eventId())).contains(scheduled);
    assertThat(store.events(w.workspaceId(), all(100))).containsExactly(scheduled, created);

    assertThat(store.accessCode(UUID.randomUUID(), c.accessCodeId())).isEmpty();
    assertThat(store.accessCode(w.workspaceId(), UUID.randomUUID())).isEmpty();
    // the sweep's read of one code (eventually consistent) sees the same, in its workspace only
    assertThat(store.sweepCode(w.workspaceId(), c.accessCodeId())).contains(c);
    assertThat(store.sweepCode(UUID.randomUUID(), c.accessCodeId())).isEmpty();
    store.delete(c, List.of());
    assertThat(store.sweepCode(w.workspaceId(), c.accessCodeId())).as("a tombstone is no code").isEmpty();
  }

  @Test
  void creatingTheSameCodeIdTwiceIsRefused() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    store.create(c, List.of());
    assertThatThrownBy(() -> store.create(c.withCode("5932"), List.of())).isInstanceOf(Conflict.class);
    assertThat(store.accessCode(w.workspaceId(), c.accessCodeId())).contains(c);
  }

  @Test
  void noPinAppearsInAnyKey() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "97531864");
    store.create(c, List.of(event(c, "access_code.created")));
    List<Map<String, AttributeValue>> items = items(w.workspaceId());
    assertThat(items).hasSizeGreaterThanOrEqualTo(3); // code, PIN claim, event
    assertThat(items).allSatisfy(i -> assertThat(i.get("pk").s() + i.get("sk").s()).doesNotContain("97531864"));
  }

  @Test
  void accessCodesAreFilteredByDeviceAndListedOldestFirst() {
    Workspace w = workspace();
    Device d1 = device(w), d2 = device(w);
    AccessCode a = code(d1, "1111", T0.plusSeconds(30));
    AccessCode b = code(d1, "2222", T0);
    AccessCode c = code(d2, "3333", T0.plusSeconds(10));
    store.create(a, List.of());
    store.create(b, List.of());
    store.create(c, List.of());
    // another workspace's code on a device id that does not matter
    store.create(code(device(workspace()), "4444"), List.of());

    assertThat(store.accessCodes(w.workspaceId(), d1.deviceId())).containsExactly(b, a);
    assertThat(store.accessCodes(w.workspaceId(), d2.deviceId())).containsExactly(c);
    assertThat(store.accessCodes(w.workspaceId(), null)).containsExactly(b, c, a);
    assertThat(store.accessCodes(w.workspaceId(), UUID.randomUUID())).isEmpty();
    assertThat(store.accessCodes(UUID.randomUUID(), d1.deviceId())).isEmpty();
  }

  @Test
  void duplicatePinOnTheSameDeviceIsRefusedAndWritesNothing() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode first = code(d, "4821");
    store.create(first, List.of(event(first, "access_code.created")));
    List<Map<String, AttributeValue>> before = items(w.workspaceId());

    AccessCode second = code(d, "4821");
    Event secondEvent = event(second, "access_code.created");
    assertThatThrownBy(() -> store.create(second, List.of(secondEvent))).isInstanceOf(Conflict.DuplicatePin.class);

    assertThat(store.accessCode(w.workspaceId(), second.accessCodeId())).isEmpty();
    assertThat(store.event(w.workspaceId(), secondEvent.eventId())).isEmpty();
    assertThat(store.events(w.workspaceId(), new EventQuery(null, second.accessCodeId(), null, null, null, 10))).isEmpty();
    assertThat(items(w.workspaceId())).containsExactlyInAnyOrderElementsOf(before);
    assertThat(store.accessCode(w.workspaceId(), first.accessCodeId())).contains(first);
  }

  /**
   * Creates the codes from as many threads, all released at once: for each, "created" or the
   * simple name of what it threw.
   */
  private List<Object> createAllAtOnce(List<AccessCode> codes, java.util.function.Function<AccessCode, List<Event>> eventsOf)
      throws Exception {
    return createAllAtOnce(codes, eventsOf, dev.keyrack.ports.Store.Limits.NONE);
  }

  private List<Object> createAllAtOnce(List<AccessCode> codes, java.util.function.Function<AccessCode, List<Event>> eventsOf,
                                       dev.keyrack.ports.Store.Limits limits) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(codes.size());
    List<Object> outcomes = new ArrayList<>();
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Object>> futures = new ArrayList<>();
      for (AccessCode c : codes) {
        futures.add(pool.submit(() -> {
          go.await();
          try {
            store.create(c, eventsOf.apply(c), false, limits);
            return "created";
          } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
          }
        }));
      }
      go.countDown();
      for (var f : futures) outcomes.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    return outcomes;
  }

  @Test
  void concurrentCreatesOfOnePinLetExactlyOneWin() throws Exception {
    Workspace w = workspace();
    Device d = device(w);
    List<AccessCode> codes = new ArrayList<>();
    for (int i = 0; i < 8; i++) codes.add(code(d, "7531"));
    List<Object> outcomes = createAllAtOnce(codes, c -> List.of(event(c, "access_code.created")));
    assertThat(outcomes).containsOnly("created", "DuplicatePin");
    assertThat(outcomes).filteredOn("created"::equals).hasSize(1);
    assertThat(store.accessCodes(w.workspaceId(), d.deviceId())).hasSize(1);
    assertThat(store.events(w.workspaceId(), all(100))).hasSize(1);
  }

  /**
   * Creates racing for a device's last free slots never take it beyond its slots, though each
   * alone found room before writing: a create that finds the device over after its write withdraws
   * itself, code and claim, and writes no event.
   */
  @Test
  void concurrentCreatesNeverTakeADeviceBeyondItsSlots() throws Exception {
    Workspace w = workspace();
    Device d = device(w);
    store.create(code(d, "1001"), List.of());
    store.create(code(d, "1002"), List.of());
    List<AccessCode> codes = new ArrayList<>();
    for (int i = 0; i < 10; i++) codes.add(code(d, String.valueOf(2000 + i)));
    List<Object> outcomes = createAllAtOnce(codes, c -> List.of(event(c, "access_code.created")),
        new dev.keyrack.ports.Store.Limits(5, Integer.MAX_VALUE));
    assertThat(outcomes).isSubsetOf("created", "NoSpace");
    long created = outcomes.stream().filter("created"::equals).count();
    assertThat(created).as("at most the free slots; racers that all see the device over may all withdraw").isBetween(0L, 3L);
    assertThat(store.accessCodes(w.workspaceId(), d.deviceId())).hasSize(2 + (int) created);
    assertThat(store.slots(w.workspaceId(), d.deviceId()).used()).isEqualTo(2 + (int) created);
    assertThat(store.events(w.workspaceId(), all(100))).hasSize((int) created);
  }

  /**
   * A create that would turn the device's backup pool on and is refused after its write (the device
   * is full) leaves the pool as it was: off if it was off, on if it was on.
   */
  @Test
  void aRefusedCreateWithTheBackupPoolLeavesThePoolAsItWas() {
    Workspace w = workspace();
    Device off = device(w), on = device(w);
    var full = new dev.keyrack.ports.Store.Limits(1, Integer.MAX_VALUE);
    for (Device d : List.of(off, on)) store.create(code(d, "4001"), List.of());
    store.enableBackupPool(w.workspaceId(), on.deviceId());

    for (Device d : List.of(off, on)) {
      AccessCode refused = code(d, "4002");
      assertThatThrownBy(() -> store.create(refused, List.of(event(refused, "access_code.created")), true, full))
          .isInstanceOf(Conflict.NoSpace.class);
      assertThat(store.accessCode(w.workspaceId(), refused.accessCodeId())).isEmpty();
    }
    assertThat(store.backupPoolEnabled(w.workspaceId(), off.deviceId())).as("turned on by the refused create, then off").isFalse();
    assertThat(store.backupPoolEnabled(w.workspaceId(), on.deviceId())).as("on before, still on").isTrue();
    assertThat(store.events(w.workspaceId(), all(100))).isEmpty();
  }

  /** The same code with a time-ordered id made at {@code at}, as the api makes them. */
  private static AccessCode madeAt(AccessCode c, Instant at) {
    return new AccessCode(new Ids().timeOrdered(at), c.workspaceId(), c.deviceId(), c.name(), c.code(), c.commonCodeKey(),
        c.type(), c.status(), c.startsAt(), c.endsAt(), at, c.errors(), c.warnings(), c.pendingMutations(),
        c.scheduledOnDevice(), c.externalModificationAllowed(), c.oneTimeUse(), c.offlineAccessCode(),
        c.preferNativeScheduling(), c.onLock(), c.version(), c.backupRole(), c.pulledBackupAccessCodeId());
  }

  /**
   * A device takes so many creates a minute (the store's clock is T0 + 60 s): codes created before
   * that minute and backup codes (made by a pool, not asked for) do not count; one over the limit
   * is refused and leaves nothing behind.
   */
  @Test
  void createsOfTheLastMinuteAreLimitedAndBackupCodesAreNotCounted() {
    Workspace w = workspace();
    Device d = device(w);
    var limits = new dev.keyrack.ports.Store.Limits(Integer.MAX_VALUE, 2);
    store.create(madeAt(code(d, "3001"), T0.minusSeconds(5)), List.of(), false, limits); // over a minute ago
    store.create(madeAt(code(d, "3002"), T0.plusSeconds(30)).withBackup(AccessCode.BackupRole.READY, null), List.of(), false,
        limits);
    store.create(madeAt(code(d, "3003"), T0.plusSeconds(30)), List.of(), false, limits);
    store.create(madeAt(code(d, "3004"), T0.plusSeconds(40)), List.of(), false, limits);
    assertThat(store.slots(w.workspaceId(), d.deviceId()).createdLastMinute()).isEqualTo(2);
    AccessCode over = madeAt(code(d, "3005"), T0.plusSeconds(50));
    List<String> before = sortKeys(w.workspaceId());

    assertThatThrownBy(() -> store.create(over, List.of(event(over, "access_code.created")), false, limits))
        .isInstanceOf(Conflict.TooManyCreates.class);
    assertThat(sortKeys(w.workspaceId())).as("nothing of the refused code is left").isEqualTo(before);
    assertThat(store.accessCodes(w.workspaceId(), d.deviceId())).hasSize(4);
  }

  /**
   * A device change is applied to the device as stored: one that lands between another's read and
   * write (here, the change function itself writes it) is kept, and the change applied again on
   * top; a device that keeps changing is a conflict; no device, nothing written.
   */
  @Test
  void aDeviceChangeIsAppliedToTheDeviceAsStored() {
    Workspace w = workspace();
    Device d = device(w);
    store.putDevice(d);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Device changed = store.changeDevice(w.workspaceId(), d.deviceId(), current -> {
      if (calls.getAndIncrement() == 0) store.putDevice(current.withOnline(false, T0)); // another writer, in between
      return current.withDisplayName("Back door");
    }).orElseThrow();
    assertThat(calls).hasValue(2);
    assertThat(changed.displayName()).isEqualTo("Back door");
    Device stored = store.device(w.workspaceId(), d.deviceId()).orElseThrow();
    assertThat(stored.displayName()).isEqualTo("Back door");
    assertThat(stored.online()).as("the other writer's change kept").isFalse();

    assertThatThrownBy(() -> store.changeDevice(w.workspaceId(), d.deviceId(), current -> {
      store.putDevice(current.withDisplayName(current.displayName() + "!"));
      return current.withReportedCodeLengths(List.of(6));
    })).isInstanceOf(Conflict.StaleVersion.class);
    assertThat(store.device(w.workspaceId(), d.deviceId()).orElseThrow().reportedCodeLengths()).isNull();
    assertThat(store.changeDevice(w.workspaceId(), UUID.randomUUID(), current -> current.withDisplayName("x"))).isEmpty();
  }

  /**
   * A device's slot lease has one holder at a time; another device's is its own; a release frees it
   * for the next taker, and a waiter gets it once it is released.
   */
  @Test
  void aSlotLeaseHasOneHolderAtATime() throws Exception {
    Workspace w = workspace();
    Device d = device(w), other = device(w);
    Duration hold = Duration.ofSeconds(30);
    Store.Lease first = store.leaseSlots(w.workspaceId(), d.deviceId(), hold, Duration.ZERO).orElseThrow();
    assertThat(store.leaseSlots(w.workspaceId(), d.deviceId(), hold, Duration.ofMillis(100))).as("held").isEmpty();
    Store.Lease elsewhere = store.leaseSlots(w.workspaceId(), other.deviceId(), hold, Duration.ZERO).orElseThrow();
    assertThat(store.slots(w.workspaceId(), d.deviceId()).used()).as("a lease takes no slot").isZero();

    Thread releaser = Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      first.close();
    });
    Store.Lease next = store.leaseSlots(w.workspaceId(), d.deviceId(), hold, Duration.ofSeconds(20)).orElse(null);
    releaser.join();
    assertThat(next).as("the waiter takes it once it is released").isNotNull();
    assertThat(store.leaseSlots(w.workspaceId(), d.deviceId(), hold, Duration.ZERO)).as("the waiter holds it").isEmpty();
    next.close();
    elsewhere.close();
    assertThat(sortKeys(w.workspaceId())).as("released leases leave no item").noneMatch(k -> k.startsWith("LEASE#"));
  }

  /** A lease whose holder stopped lapses after its hold; the stopped holder's late release leaves the new holder's lease. */
  @Test
  void aLapsedSlotLeaseIsTakenOverAndALateReleaseLeavesTheNewHolders() {
    Workspace w = workspace();
    Device d = device(w);
    Store.Lease stopped = store.leaseSlots(w.workspaceId(), d.deviceId(), Duration.ofSeconds(2), Duration.ZERO).orElseThrow();
    DynamoStore later = new DynamoStore(backend.dynamo(), table, java.time.Clock.fixed(T0.plusSeconds(63), java.time.ZoneOffset.UTC));
    Store.Lease taker = later.leaseSlots(w.workspaceId(), d.deviceId(), Duration.ofSeconds(30), Duration.ZERO).orElseThrow();
    stopped.close();
    assertThat(later.leaseSlots(w.workspaceId(), d.deviceId(), Duration.ofSeconds(30), Duration.ZERO))
        .as("still the taker's").isEmpty();
    taker.close();
    assertThat(later.leaseSlots(w.workspaceId(), d.deviceId(), Duration.ofSeconds(30), Duration.ZERO)).isPresent();
  }

  /** The guardrails' counter: so many a minute per device and operation, counted again the next minute. */
  @Test
  void admitCountsUpToTheLimitPerDeviceOperationAndMinute() {
    Workspace w = workspace();
    Device d = device(w), other = device(w);
    Instant minute = Instant.parse("2026-12-01T10:00:00Z");
    for (int i = 0; i < 3; i++) assertThat(store.admit(w.workspaceId(), d.deviceId(), "update", 3, minute.plusSeconds(i))).isTrue();
    assertThat(store.admit(w.workspaceId(), d.deviceId(), "update", 3, minute.plusSeconds(59))).isFalse();
    assertThat(store.admit(w.workspaceId(), d.deviceId(), "delete", 3, minute.plusSeconds(59))).isTrue();
    assertThat(store.admit(w.workspaceId(), other.deviceId(), "update", 3, minute.plusSeconds(59))).isTrue();
    assertThat(store.admit(w.workspaceId(), d.deviceId(), "update", 3, minute.plusSeconds(60))).isTrue();
    assertThat(items(w.workspaceId())).filteredOn(i -> i.get("sk").s().startsWith("RATE#"))
        .allSatisfy(i -> assertThat(i).containsKey("expires_at"));
  }

  /** Concurrent creates of a PIN whose last holder was deleted: its claim is taken over once. */
  @Test
  void concurrentTakeOversOfAnAbandonedClaimLetExactlyOneWin() throws Exception {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode old = code(d, "7532");
    store.create(old, List.of());
    store.delete(old, List.of());
    List<AccessCode> codes = new ArrayList<>();
    for (int i = 0; i < 8; i++) codes.add(code(d, "7532"));
    List<Object> outcomes = createAllAtOnce(codes, c -> List.of());
    assertThat(outcomes).containsOnly("created", "DuplicatePin");
    assertThat(outcomes).filteredOn("created"::equals).hasSize(1);
    assertThat(store.accessCodes(w.workspaceId(), d.deviceId())).hasSize(1);
  }

  /** A writer that stopped after claiming a PIN and before storing its code leaves a claim naming no code. */
  @Test
  void aClaimNamingACodeNeverStoredIsTakenOver() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode never = code(d, "7533");
    backend.dynamo().putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("WS#" + w.workspaceId()),
        "sk", AttributeValue.fromS(DynamoStore.pinKey(never)), "access_code_id", AttributeValue.fromS(never.accessCodeId().toString()))));
    AccessCode next = code(d, "7533");
    store.create(next, List.of());
    assertThat(store.accessCode(w.workspaceId(), next.accessCodeId())).contains(next);
    assertThatThrownBy(() -> store.create(code(d, "7533"), List.of())).isInstanceOf(Conflict.DuplicatePin.class);
  }

  /**
   * The one window of a create without a transaction, forced open: an update to the same PIN reads
   * the create's claim while the create's code is not stored yet (so the claim looks abandoned),
   * then the create stores its code and reads its claim back; only then does the update write its
   * take-over. The take-over's condition on the owner's code must refuse it.
   */
  @Test
  void anUpdateCannotTakeOverAClaimWhoseCodeWasStoredAfterItLooked() throws Exception {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode moving = code(d, "9001");
    store.create(moving, List.of());
    AccessCode fresh = code(d, "8200");
    var claimed = new java.util.concurrent.CountDownLatch(1);
    var looked = new java.util.concurrent.CountDownLatch(1);
    var createDone = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      store.raceHooks(() -> {
        if (Thread.currentThread().getName().contains("create")) {
          claimed.countDown();
          await(looked);
        }
      }, () -> {
        if (Thread.currentThread().getName().contains("update")) {
          looked.countDown();
          await(createDone);
        }
      });
      var created = pool.submit(() -> {
        Thread.currentThread().setName("race-create");
        try {
          store.create(fresh, List.of());
          return "created";
        } catch (Conflict.DuplicatePin e) {
          return "duplicate";
        } finally {
          createDone.countDown();
        }
      });
      await(claimed);
      var updated = pool.submit(() -> {
        Thread.currentThread().setName("race-update");
        try {
          store.update(moving, moving.withCode("8200").withVersion(moving.version() + 1), List.of());
          return "updated";
        } catch (Conflict.DuplicatePin e) {
          return "duplicate";
        }
      });
      assertThat(created.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("created");
      assertThat(updated.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("duplicate");
      assertThat(store.accessCodes(w.workspaceId(), d.deviceId()).stream().filter(x -> "8200".equals(x.code())))
          .extracting(AccessCode::accessCodeId).containsExactly(fresh.accessCodeId());
    } finally {
      store.raceHooks(() -> { }, () -> { });
      pool.shutdownNow();
    }
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      if (!latch.await(20, java.util.concurrent.TimeUnit.SECONDS)) throw new AssertionError("the other writer never got there");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * A create (plain writes) racing an update to the same PIN (a transaction): whoever wins, never
   * two codes holding the PIN. Each round a new PIN, both writers started together.
   */
  @Test
  void aCreateAndAnUpdateRacingForOnePinNeverBothHoldIt() throws Exception {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode[] moving = {code(d, "9000")};
    store.create(moving[0], List.of());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 25; round++) {
        String pin = String.valueOf(8100 + round);
        AccessCode fresh = code(d, pin);
        AccessCode before = moving[0], after = before.withCode(pin).withVersion(before.version() + 1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        var created = pool.submit(() -> {
          go.await();
          try {
            store.create(fresh, List.of());
            return true;
          } catch (Conflict.DuplicatePin e) {
            return false;
          }
        });
        var updated = pool.submit(() -> {
          go.await();
          try {
            store.update(before, after, List.of());
            return true;
          } catch (Conflict.DuplicatePin e) {
            return false;
          }
        });
        go.countDown();
        boolean c = created.get(30, java.util.concurrent.TimeUnit.SECONDS), u = updated.get(30, java.util.concurrent.TimeUnit.SECONDS);
        List<AccessCode> holders = store.accessCodes(w.workspaceId(), d.deviceId()).stream().filter(x -> pin.equals(x.code())).toList();
        assertThat(holders).as("round %d: created %s, updated %s", round, c, u).hasSizeLessThanOrEqualTo(1);
        assertThat(c && u).as("round %d: both won", round).isFalse();
        moving[0] = store.accessCode(w.workspaceId(), before.accessCodeId()).orElseThrow();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void samePinOnAnotherDeviceIsFine() {
    Workspace w = workspace();
    Device d1 = device(w), d2 = device(w);
    AccessCode a = code(d1, "4821"), b = code(d2, "4821");
    store.create(a, List.of());
    store.create(b, List.of());
    assertThat(store.accessCode(w.workspaceId(), a.accessCodeId())).contains(a);
    assertThat(store.accessCode(w.workspaceId(), b.accessCodeId())).contains(b);

    // the same device id in another workspace is another lock
    Workspace w2 = workspace();
    AccessCode elsewhere = new AccessCode(UUID.randomUUID(), w2.workspaceId(), d1.deviceId(), "x", "4821", null,
        a.type(), a.status(), a.startsAt(), a.endsAt(), a.createdAt(), List.of(), List.of(), List.of(),
        false, false, false, false, true, false, 1);
    store.create(elsewhere, List.of());
    assertThat(store.accessCode(w2.workspaceId(), elsewhere.accessCodeId())).contains(elsewhere);
  }

  @Test
  void codesWithoutPinDoNotClaimOne() {
    Workspace w = workspace();
    Device d = device(w, "salto_lock", T0, "Salto"); // Salto assigns PINs itself
    AccessCode a = code(d, null), b = code(d, null);
    store.create(a, List.of());
    store.create(b, List.of());
    assertThat(store.accessCodes(w.workspaceId(), d.deviceId())).containsExactlyInAnyOrder(a, b);
    // no PIN claimed (no hash key): each has an entry of its own, which lists it with its device
    assertThat(sortKeys(w.workspaceId())).filteredOn(sk -> sk.startsWith("PIN#"))
        .containsExactlyInAnyOrder(DynamoStore.pinKey(a), DynamoStore.pinKey(b)).allMatch(sk -> sk.contains("#code-"));
    store.delete(a, List.of());
    assertThat(store.accessCodes(w.workspaceId(), d.deviceId())).containsExactly(b);
  }

  @Test
  void updateMovesTheVersionAndWritesEvents() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode v1 = code(d, "4821");
    store.create(v1, List.of());
    AccessCode v2 = v1.withName("Renamed").withStatus(CodeStatus.setting).withVersion(2);
    Event changed = event(v1, "access_code.changed", T0.plusSeconds(1));
    store.update(v1, v2, List.of(changed));

    assertThat(store.accessCode(w.workspaceId(), v1.accessCodeId())).contains(v2);
    assertThat(store.event(w.workspaceId(), changed.eventId())).contains(changed);
    // the PIN did not change, so it is still claimed
    assertThatThrownBy(() -> store.create(code(d, "4821"), List.of())).isInstanceOf(Conflict.DuplicatePin.class);
  }

  @Test
  void staleUpdateIsRefusedAndLeavesTheStoredItemUnchanged() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode v1 = code(d, "4821");
    store.create(v1, List.of());
    AccessCode v2 = v1.withName("first writer").withVersion(2);
    store.update(v1, v2, List.of());
    List<Map<String, AttributeValue>> before = items(w.workspaceId());

    // a second writer that read v1 too
    AccessCode other = v1.withName("second writer").withCode("5932").withVersion(2);
    Event otherEvent = event(v1, "access_code.changed", T0.plusSeconds(2));
    assertThatThrownBy(() -> store.update(v1, other, List.of(otherEvent))).isInstanceOf(Conflict.StaleVersion.class);

    assertThat(store.accessCode(w.workspaceId(), v1.accessCodeId())).contains(v2);
    assertThat(store.event(w.workspaceId(), otherEvent.eventId())).isEmpty();
    assertThat(items(w.workspaceId())).containsExactlyInAnyOrderElementsOf(before);
    // the stale writer's PIN was not claimed, the stored one still is
    AccessCode takes5932 = code(d, "5932");
    store.create(takes5932, List.of());
    assertThatThrownBy(() -> store.create(code(d, "4821"), List.of())).isInstanceOf(Conflict.DuplicatePin.class);
  }

  @Test
  void updateOfAVanishedCodeIsStale() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode v1 = code(d, "4821");
    assertThatThrownBy(() -> store.update(v1, v1.withName("x").withVersion(2), List.of()))
        .isInstanceOf(Conflict.StaleVersion.class);
    assertThat(store.accessCode(w.workspaceId(), v1.accessCodeId())).isEmpty();
    assertThat(items(w.workspaceId())).isEmpty();
  }

  @Test
  void updateChangingThePinReleasesTheOldPin() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode v1 = code(d, "4821");
    store.create(v1, List.of());
    AccessCode v2 = v1.withCode("5932").withVersion(2);
    store.update(v1, v2, List.of());
    assertThat(store.accessCode(w.workspaceId(), v1.accessCodeId())).contains(v2);

    AccessCode reuse = code(d, "4821");
    store.create(reuse, List.of());
    assertThat(store.accessCode(w.workspaceId(), reuse.accessCodeId())).contains(reuse);
    assertThatThrownBy(() -> store.create(code(d, "5932"), List.of())).isInstanceOf(Conflict.DuplicatePin.class);
    assertThat(sortKeys(w.workspaceId()).stream().filter(sk -> sk.startsWith("PIN#"))).hasSize(2);
  }

  @Test
  void updateToAPinHeldByAnotherCodeIsRefusedAndChangesNothing() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode a = code(d, "4821"), b = code(d, "5932");
    store.create(a, List.of());
    store.create(b, List.of());
    List<Map<String, AttributeValue>> before = items(w.workspaceId());

    assertThatThrownBy(() -> store.update(b, b.withCode("4821").withVersion(2),
        List.of(event(b, "access_code.changed")))).isInstanceOf(Conflict.DuplicatePin.class);
    assertThat(items(w.workspaceId())).containsExactlyInAnyOrderElementsOf(before);
    assertThat(store.accessCode(w.workspaceId(), b.accessCodeId())).contains(b);
  }

  @Test
  void updateBackAndForthKeepsExactlyOneClaim() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode v1 = code(d, "4821");
    store.create(v1, List.of());
    AccessCode v2 = v1.withCode("5932").withVersion(2);
    store.update(v1, v2, List.of());
    AccessCode v3 = v2.withCode("4821").withVersion(3);
    store.update(v2, v3, List.of());
    assertThat(store.accessCode(w.workspaceId(), v1.accessCodeId())).contains(v3);
    assertThat(sortKeys(w.workspaceId()).stream().filter(sk -> sk.startsWith("PIN#"))).hasSize(1);
    store.create(code(d, "5932"), List.of());
    assertThatThrownBy(() -> store.create(code(d, "4821"), List.of())).isInstanceOf(Conflict.DuplicatePin.class);
  }

  /** What a writer that stopped after storing a change and before writing its event items leaves. */
  private void loseEventItem(Event e) {
    backend.dynamo().deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("WS#" + e.workspaceId()),
        "sk", AttributeValue.fromS("EVENT#" + e.eventId()))));
    assertThat(store.event(e.workspaceId(), e.eventId())).isEmpty();
  }

  @Test
  void aChangeCarriesItsEventsInTheCodesItemAndFitsOneWriteUnit() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    Event created = event(c, "access_code.created");
    store.create(c, List.of(created));

    Map<String, AttributeValue> item = items(w.workspaceId()).stream().filter(i -> i.get("sk").s().startsWith("CODE#"))
        .findFirst().orElseThrow();
    assertThat(item.get("doc").b()).as("the document is packed").isNotNull();
    assertThat(item).containsKey("outbox");
    int bytes = item.entrySet().stream().mapToInt(e -> e.getKey().length() + size(e.getValue())).sum();
    assertThat(bytes).as("bytes of a code's item with the event of its change").isLessThan(1024);
    assertThat(store.accessCode(w.workspaceId(), c.accessCodeId())).contains(c);
    assertThat(store.event(w.workspaceId(), created.eventId())).contains(created);
  }

  private static int size(AttributeValue v) {
    if (v.s() != null) return v.s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (v.b() != null) return v.b().asByteArray().length;
    if (v.n() != null) return v.n().length();
    return 1;
  }

  @Test
  void theEventsOfOneChangeShareOneItemAndEachIsFoundById() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    store.create(c, List.of());
    Ids ids = new Ids();
    Event removed = new Event(ids.timeOrdered(T0.plusSeconds(3)), w.workspaceId(), "access_code.removed_from_device",
        T0.plusSeconds(3), T0.plusSeconds(3), d.deviceId(), c.accessCodeId(), UUID.randomUUID(), Map.of());
    Event deleted = new Event(ids.timeOrdered(T0.plusSeconds(3)), w.workspaceId(), "access_code.deleted",
        T0.plusSeconds(3), T0.plusSeconds(3), d.deviceId(), c.accessCodeId(), UUID.randomUUID(), Map.of("code", "4821"));
    // another change's event in between, from another container (ids of the same millisecond)
    Event other = event(code(d, "9999"), "access_code.created", T0.plusSeconds(3));
    store.create(code(d, "5555"), List.of(other));
    store.delete(c, List.of(removed, deleted));

    assertThat(sortKeys(w.workspaceId()).stream().filter(sk -> sk.startsWith("EVENT#"))).hasSize(2);
    assertThat(store.event(w.workspaceId(), removed.eventId())).contains(removed);
    assertThat(store.event(w.workspaceId(), deleted.eventId())).contains(deleted);
    assertThat(store.event(w.workspaceId(), other.eventId())).contains(other);
    assertThat(store.events(w.workspaceId(), new EventQuery(null, c.accessCodeId(), null, null, null, 10)))
        .containsExactly(deleted, removed);
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, List.of("access_code.deleted"), null, null, 10)))
        .containsExactly(deleted);
    assertThat(store.events(w.workspaceId(), new EventQuery(null, c.accessCodeId(), null, null, null, 1))).containsExactly(deleted);
  }

  @Test
  void aPinChangeWritesTheEventsOfTheChangeItReplacesIfTheyAreMissing() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    store.create(c, List.of());
    AccessCode set = c.withStatus(CodeStatus.set).withVersion(c.version() + 1);
    Event e = event(set, "access_code.set_on_device", T0.plusSeconds(5));
    store.update(c, set, List.of(e));
    loseEventItem(e);

    store.update(set, set.withCode("4822").withVersion(set.version() + 1), List.of()); // a transaction: claim moves

    assertThat(store.event(w.workspaceId(), e.eventId())).contains(e);
  }

  @Test
  void oddEventIdsAndEmptyRangesFindNothing() {
    Workspace w = workspace();
    assertThat(store.event(w.workspaceId(), UUID.fromString("00000000-0000-7000-8000-000000000000"))).isEmpty();
    assertThat(store.event(w.workspaceId(), UUID.fromString("00000000-0000-4000-8000-000000000000"))).isEmpty();
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, T0, T0.minusSeconds(60), 10))).isEmpty();
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, Instant.EPOCH, null, 10))).isEmpty();
  }

  @Test
  void theSweepWritesTheEventsOfAChangeWhoseWriterStoppedBeforeWritingThem() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    store.create(c, List.of());
    AccessCode set = c.withStatus(CodeStatus.set).withVersion(c.version() + 1);
    Event e = event(set, "access_code.set_on_device", T0.plusSeconds(5));
    store.update(c, set, List.of(e));
    loseEventItem(e);

    // A change of the last few seconds is left to its writer, which may still be at it.
    store.sweepCodes(w.workspaceId(), null, T0, T0.plusSeconds(20));
    assertThat(store.event(w.workspaceId(), e.eventId())).isEmpty();

    assertThat(store.sweepCodes(w.workspaceId(), null, T0, T0.plusSeconds(90))).contains(set);

    assertThat(store.event(w.workspaceId(), e.eventId())).contains(e);
    assertThat(store.events(w.workspaceId(), all(10))).containsExactly(e);
    // A change before the sweep's window is not checked: nothing is read for it.
    loseEventItem(e);
    store.sweepCodes(w.workspaceId(), null, T0.plusSeconds(10), T0.plus(Duration.ofDays(1)));
    assertThat(store.event(w.workspaceId(), e.eventId())).isEmpty();
  }

  @Test
  void aLaterChangeWritesTheEventsOfTheChangeItReplacesIfTheyAreMissing() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    Event created = event(c, "access_code.created");
    store.create(c, List.of(created));
    loseEventItem(created);

    AccessCode next = c.withStatus(CodeStatus.setting).withVersion(c.version() + 1);
    store.update(c, next, List.of()); // replaces the item, and with it the outbox holding the lost event

    assertThat(store.event(w.workspaceId(), created.eventId())).contains(created);
    // and the removal's tombstone does the same for the change before it
    AccessCode set = next.withStatus(CodeStatus.set).withVersion(next.version() + 1);
    Event setEvent = event(set, "access_code.set_on_device", T0.plusSeconds(5));
    store.update(next, set, List.of(setEvent));
    loseEventItem(setEvent);
    Event deleted = event(set, "access_code.deleted", T0.plusSeconds(9));
    store.delete(set, List.of(deleted));
    assertThat(store.events(w.workspaceId(), all(10))).containsExactly(deleted, setEvent, created);
  }

  @Test
  void deleteRemovesTheCodeAndFreesItsPin() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    store.create(c, List.of());
    Event deleted = event(c, "access_code.deleted", T0.plusSeconds(5));
    store.delete(c, List.of(deleted));

    assertThat(store.accessCode(w.workspaceId(), c.accessCodeId())).isEmpty();
    assertThat(store.accessCodes(w.workspaceId(), d.deviceId())).isEmpty();
    assertThat(store.event(w.workspaceId(), deleted.eventId())).contains(deleted);
    // What stays of the code is a tombstone: no document, its removal's events (the outbox), expiring in days.
    assertThat(items(w.workspaceId()).stream().filter(i -> i.get("sk").s().startsWith("CODE#"))).singleElement()
        .satisfies(i -> {
          assertThat(i).doesNotContainKey("doc").containsKeys("outbox", "tombstone");
          assertThat(Long.parseLong(i.get("expires_at").n())).isEqualTo(deleted.createdAt().plus(Duration.ofDays(3)).getEpochSecond());
          assertThat(Long.parseLong(i.get("version").n())).isEqualTo(c.version() + 1);
        });
    assertThatThrownBy(() -> store.update(c, c.withVersion(c.version() + 1), List.of()))
        .as("a late update of the deleted code").isInstanceOf(Conflict.StaleVersion.class);

    // The claim the deleted code left behind is taken over by the next code with that PIN, and only one.
    AccessCode again = code(d, "4821");
    store.create(again, List.of());
    assertThat(store.accessCode(w.workspaceId(), again.accessCodeId())).contains(again);
    assertThat(sortKeys(w.workspaceId()).stream().filter(sk -> sk.startsWith("PIN#"))).hasSize(1);
    assertThatThrownBy(() -> store.create(code(d, "4821"), List.of())).isInstanceOf(Conflict.DuplicatePin.class);
  }

  @Test
  void deleteAtAStaleVersionIsRefused() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode v1 = code(d, "4821");
    store.create(v1, List.of());
    AccessCode v2 = v1.withName("changed").withVersion(2);
    store.update(v1, v2, List.of());

    assertThatThrownBy(() -> store.delete(v1, List.of())).isInstanceOf(Conflict.StaleVersion.class);
    assertThat(store.accessCode(w.workspaceId(), v1.accessCodeId())).contains(v2);
    assertThatThrownBy(() -> store.create(code(d, "4821"), List.of())).isInstanceOf(Conflict.DuplicatePin.class);
  }

  // ------------------------------------------------------------------------------------ events

  @Test
  void eventsAreNewestFirstAndFiltered() {
    Workspace w = workspace();
    Device d1 = device(w), d2 = device(w);
    AccessCode c1 = code(d1, "1357"), c2 = code(d2, "2468"), c3 = code(d1, "3579");
    List<Event> c1Events = new ArrayList<>(), c2Events = new ArrayList<>(), c3Events = new ArrayList<>();
    // ten events one minute apart, interleaved over three codes on two devices, types alternating
    List<Event> everything = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      AccessCode c = i % 3 == 0 ? c1 : i % 3 == 1 ? c2 : c3;
      String type = i % 2 == 0 ? "access_code.created" : "access_code.set_on_device";
      Event e = event(c, type, T0.plus(Duration.ofMinutes(i)));
      (c == c1 ? c1Events : c == c2 ? c2Events : c3Events).add(e);
      everything.add(e);
    }
    store.create(c1, c1Events);
    store.create(c2, c2Events);
    store.create(c3, c3Events);
    List<Event> newestFirst = everything.stream().sorted(Comparator.comparing(Event::occurredAt).reversed()).toList();

    assertThat(store.events(w.workspaceId(), all(100))).containsExactlyElementsOf(newestFirst);
    assertThat(store.events(w.workspaceId(), all(3))).containsExactlyElementsOf(newestFirst.subList(0, 3));

    assertThat(store.events(w.workspaceId(), new EventQuery(d1.deviceId(), null, null, null, null, 100)))
        .containsExactlyElementsOf(newestFirst.stream().filter(e -> e.deviceId().equals(d1.deviceId())).toList())
        .hasSize(7);
    assertThat(store.events(w.workspaceId(), new EventQuery(null, c2.accessCodeId(), null, null, null, 100)))
        .containsExactlyElementsOf(newestFirst.stream().filter(e -> e.accessCodeId().equals(c2.accessCodeId())).toList())
        .hasSize(3);
    assertThat(store.events(w.workspaceId(), new EventQuery(d2.deviceId(), c1.accessCodeId(), null, null, null, 100)))
        .isEmpty();

    List<Event> setEvents = newestFirst.stream().filter(e -> e.eventType().equals("access_code.set_on_device")).toList();
    assertThat(store.events(w.workspaceId(),
        new EventQuery(null, null, List.of("access_code.set_on_device"), null, null, 100)))
        .containsExactlyElementsOf(setEvents).hasSize(5);
    assertThat(store.events(w.workspaceId(),
        new EventQuery(null, null, List.of("access_code.set_on_device"), null, null, 2)))
        .containsExactlyElementsOf(setEvents.subList(0, 2));
    assertThat(store.events(w.workspaceId(),
        new EventQuery(null, null, List.of("access_code.set_on_device", "access_code.created"), null, null, 100)))
        .containsExactlyElementsOf(newestFirst);
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, List.of(), null, null, 100)))
        .as("an empty type list does not filter").containsExactlyElementsOf(newestFirst);
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, List.of("device.connected"), null, null, 100)))
        .isEmpty();

    // since/until are inclusive bounds
    Instant since = T0.plus(Duration.ofMinutes(3)), until = T0.plus(Duration.ofMinutes(6));
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, since, until, 100)))
        .containsExactlyElementsOf(newestFirst.subList(3, 7));
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, since, null, 100)))
        .containsExactlyElementsOf(newestFirst.subList(0, 7));
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, null, until, 100)))
        .containsExactlyElementsOf(newestFirst.subList(3, 10));
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, since.plusSeconds(1), until.minusSeconds(1), 100)))
        .containsExactlyElementsOf(newestFirst.subList(4, 6));
    assertThat(store.events(w.workspaceId(), new EventQuery(d1.deviceId(), null, List.of("access_code.created"),
        since, until, 1))).containsExactly(newestFirst.get(3)); // minute 6: c1, created
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, T0.plus(Duration.ofDays(1)), null, 100)))
        .isEmpty();

    // nothing leaks into another workspace
    assertThat(store.events(UUID.randomUUID(), all(100))).isEmpty();
  }

  @Test
  void sinceAndUntilHonourSubMillisecondBounds() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    Instant t = Instant.parse("2025-06-01T12:00:00.123400Z");
    Event e = event(c, "access_code.created", t);
    store.create(c, List.of(e));

    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, t, t, 10))).containsExactly(e);
    // an event created 0.3 ms before 'since' (or after 'until') is outside the range
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, t.plusNanos(300_000), null, 10)))
        .as("since after the event").isEmpty();
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, null, t.minusNanos(300_000), 10)))
        .as("until before the event").isEmpty();
  }

  @Test
  void eventsQueryPagesThroughManyItems() {
    // DynamoDB pages at 1 MB; with large events a filtered query must follow LastEvaluatedKey
    Workspace w = workspace();
    Device d = device(w);
    AccessCode target = code(d, "1357");
    AccessCode noise = code(d, "2468");
    String big = "x".repeat(60_000);
    List<Event> noiseEvents = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Event e = event(noise, "access_code.changed", T0.plus(Duration.ofMinutes(10 + i)));
      noiseEvents.add(new Event(e.eventId(), e.workspaceId(), e.eventType(), e.occurredAt(), e.createdAt(), e.deviceId(),
          e.accessCodeId(), e.connectedAccountId(), Map.of("padding", big)));
    }
    Event old = event(target, "access_code.created", T0);
    store.create(target, List.of(old));
    // transactions take at most 100 items and 4 MB: write the noise in chunks
    AccessCode prev = noise;
    store.create(noise, List.of());
    for (int i = 0; i < noiseEvents.size(); i += 10) {
      AccessCode next = prev.withVersion(prev.version() + 1);
      store.update(prev, next, noiseEvents.subList(i, i + 10));
      prev = next;
    }
    assertThat(store.events(w.workspaceId(), new EventQuery(null, target.accessCodeId(), null, null, null, 10)))
        .containsExactly(old);
    assertThat(store.events(w.workspaceId(), all(1000))).hasSize(41);
  }

  /**
   * A code's events come after its creation, which its id (UUIDv7) carries: listing them reads the
   * workspace's events from then on, not those of the whole window asked for (here: 30 earlier
   * events of another code, none read), and DynamoDB returns only the items that name the code or
   * device asked for.
   */
  @Test
  void aCodesEventsAreReadFromItsCreationAndOnlyTheirsComeBack() {
    Workspace w = workspace();
    Device d = device(w), elsewhere = device(w);
    AccessCode noise = code(elsewhere, "2468");
    store.create(noise, List.of());
    AccessCode prev = noise;
    for (int i = 0; i < 30; i++) { // a day of another code's events before ours is created
      AccessCode next = prev.withVersion(prev.version() + 1);
      store.update(prev, next, List.of(event(noise, "access_code.changed", T0.plus(Duration.ofMinutes(10 + i)))));
      prev = next;
    }
    Instant created = T0.plus(Duration.ofDays(1));
    AccessCode base = code(d, "1357", created);
    AccessCode mine = new AccessCode(new Ids().timeOrdered(created), base.workspaceId(), base.deviceId(), base.name(),
        base.code(), null, base.type(), base.status(), base.startsAt(), base.endsAt(), created, base.errors(), base.warnings(),
        base.pendingMutations(), false, false, false, false, true, false, 1);
    Event made = event(mine, "access_code.created", created);
    store.create(mine, List.of(made));
    AccessCode later = prev.withVersion(prev.version() + 1);
    store.update(prev, later, List.of(event(noise, "access_code.changed", created.plusSeconds(30)))); // after it, elsewhere
    AccessCode set = mine.withStatus(CodeStatus.set).withVersion(2);
    Event setEvent = event(mine, "access_code.set_on_device", created.plusSeconds(60));
    store.update(mine, set, List.of(setEvent));

    Counting counting = new Counting(backend.dynamo());
    List<Integer> scanned = counting.scanned, returned = counting.returned;
    DynamoStore counted = new DynamoStore(counting, table, java.time.Clock.fixed(T0.plusSeconds(60), java.time.ZoneOffset.UTC));

    assertThat(counted.events(w.workspaceId(), new EventQuery(null, mine.accessCodeId(), null, T0.minus(Duration.ofDays(7)),
        null, 100))).containsExactly(setEvent, made);
    assertThat(scanned).as("event items read: ours and the one after its creation").containsExactly(3);
    assertThat(returned).as("event items returned: ours").containsExactly(2);

    scanned.clear();
    returned.clear();
    assertThat(counted.events(w.workspaceId(), new EventQuery(elsewhere.deviceId(), null, null, null, null, 100)))
        .hasSize(31).allMatch(e -> e.accessCodeId().equals(noise.accessCodeId()));
    assertThat(scanned.stream().mapToInt(Integer::intValue).sum()).isEqualTo(33);
    assertThat(returned.stream().mapToInt(Integer::intValue).sum()).as("only the device's").isEqualTo(31);
    assertThat(counted.events(w.workspaceId(), new EventQuery(elsewhere.deviceId(), mine.accessCodeId(), null, null, null, 100)))
        .isEmpty();
  }

  @Test
  void eventsAreScopedToTheirWorkspace() {
    Workspace w = workspace(), other = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    Event e = event(c, "access_code.created");
    store.create(c, List.of(e));

    assertThat(store.event(w.workspaceId(), e.eventId())).contains(e);
    assertThat(store.event(other.workspaceId(), e.eventId())).isEmpty();
    assertThat(store.event(w.workspaceId(), UUID.randomUUID())).isEmpty();
  }

  @Test
  void eventsExpireByTtlAndNothingElseDoes() {
    Workspace w = workspace();
    Device d = device(w);
    AccessCode c = code(d, "4821");
    Event e = event(c, "access_code.created");
    store.create(c, List.of(e));
    for (Map<String, AttributeValue> i : items(w.workspaceId())) {
      String sk = i.get("sk").s();
      if (sk.startsWith("EVENT#")) {
        assertThat(Long.parseLong(i.get("expires_at").n())).isEqualTo(e.createdAt().plus(Duration.ofDays(90)).getEpochSecond());
      } else {
        assertThat(i).as("%s must not expire", sk).doesNotContainKey("expires_at"); // (tombstones: deleteRemovesTheCode...)
      }
    }
  }

  /**
   * A device's codes are found by its PIN claims, never by reading the workspace's codes: with 40
   * codes on another lock, listing one lock reads its two codes' claims and items, and a deleted
   * code's claim is gone with it.
   */
  @Test
  void aDevicesCodesAreReadWithoutReadingTheWorkspacesOtherCodes() {
    Workspace w = workspace();
    Device mine = device(w), other = device(w);
    for (int i = 0; i < 40; i++) store.create(code(other, String.valueOf(5000 + i)), List.of());
    AccessCode a = code(mine, "1111"), b = code(mine, "2222"), gone = code(mine, "3333");
    for (AccessCode c : List.of(a, b, gone)) store.create(c, List.of());
    store.delete(gone, List.of());
    Counting counting = new Counting(backend.dynamo());
    List<Integer> scanned = counting.scanned, fetched = counting.fetched;

    List<AccessCode> found = new DynamoStore(counting, table, java.time.Clock.fixed(T0.plusSeconds(60), java.time.ZoneOffset.UTC))
        .accessCodes(w.workspaceId(), mine.deviceId());

    assertThat(found).extracting(AccessCode::accessCodeId).containsExactlyInAnyOrder(a.accessCodeId(), b.accessCodeId());
    assertThat(scanned).as("items the Query read: the lock's two claims").containsExactly(2);
    assertThat(fetched).as("codes read by id").containsExactly(2);
    assertThat(sortKeys(w.workspaceId())).doesNotContain(DynamoStore.pinKey(gone)).contains(DynamoStore.pinKey(a));
    assertThat(store.accessCodes(w.workspaceId(), other.deviceId())).hasSize(40);

    // what a create reads instead: the claims alone
    scanned.clear();
    fetched.clear();
    var slots = new DynamoStore(counting, table, java.time.Clock.fixed(T0.plusSeconds(60), java.time.ZoneOffset.UTC))
        .slots(w.workspaceId(), mine.deviceId());
    assertThat(slots.used()).isEqualTo(2);
    assertThat(slots.pinTaken()).accepts("1111", "2222").rejects("3333", "5000");
    assertThat(scanned).containsExactly(2);
    assertThat(fetched).as("no code read by id").isEmpty();
  }

  /** A DynamoDB client that notes, per call, the items a Query read and returned and the keys a BatchGetItem asked for. */
  static final class Counting implements software.amazon.awssdk.services.dynamodb.DynamoDbClient {
    final List<Integer> scanned = new ArrayList<>(), returned = new ArrayList<>(), fetched = new ArrayList<>();
    private final software.amazon.awssdk.services.dynamodb.DynamoDbClient real;

    Counting(software.amazon.awssdk.services.dynamodb.DynamoDbClient real) {
      this.real = real;
    }

    @Override public String serviceName() { return real.serviceName(); }

    @Override public void close() { }

    @Override public software.amazon.awssdk.services.dynamodb.model.QueryResponse query(
        software.amazon.awssdk.services.dynamodb.model.QueryRequest r) {
      var out = real.query(r);
      scanned.add(out.scannedCount());
      returned.add(out.count());
      return out;
    }

    @Override public software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse batchGetItem(
        software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest r) {
      fetched.add(r.requestItems().values().stream().mapToInt(k -> k.keys().size()).sum());
      return real.batchGetItem(r);
    }
  }
}
