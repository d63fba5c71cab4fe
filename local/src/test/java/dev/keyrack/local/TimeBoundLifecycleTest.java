package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Fire;
import dev.keyrack.ports.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Time-bound codes through the whole local stack on a clock the test moves: API → EventBridge
 * Scheduler (emulated, real SDK) → programmer → FIFO queue → worker → sandbox lock, and removal at
 * ends_at. Days pass in milliseconds; nothing sleeps to let time pass.
 */
class TimeBoundLifecycleTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(java.util.Map.of());
  static LocalStack stack;
  static MutableClock clock;
  static Store store;
  static SandboxLockProvider locks;
  static UUID ws;

  @BeforeAll
  static void start() throws Exception {
    stack = env.stack;
    clock = env.clock;
    store = env.store;
    locks = env.locks;
    ws = env.ws;
  }

  static Device lock(String type) {
    return env.lock(type);
  }

  static JsonNode post(String path, String body) throws Exception {
    return env.call(path, body).body();
  }

  static UUID create(Device d, String pin, Instant start, Instant end, Boolean preferNative) throws Exception {
    JsonNode r = post("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest\",\"code\":\"" + pin
        + "\",\"starts_at\":\"" + start + "\",\"ends_at\":\"" + end + "\""
        + (preferNative == null ? "" : ",\"prefer_native_scheduling\":" + preferNative) + "}");
    assertThat(r.at("/access_code/status").asText()).isEqualTo("unset");
    assertThat(r.at("/access_code/type").asText()).isEqualTo("time_bound");
    return UUID.fromString(r.at("/access_code/access_code_id").asText());
  }

  static AccessCode code(UUID id) {
    return env.code(id);
  }

  static List<String> events(UUID id) {
    return env.events(id);
  }

  static void awaitStatus(UUID id, CodeStatus s) {
    TestStack.await(id + " " + s, Duration.ofSeconds(20), () -> code(id) != null && code(id).status() == s);
  }

  static void awaitGone(UUID id) {
    TestStack.await(id + " gone", Duration.ofSeconds(20), () -> code(id) == null);
  }

  /** Moves the clock and waits for the scheduler's next tick to see it. */
  static void advance(Duration d) throws InterruptedException {
    clock.advance(d);
    Thread.sleep(300);
  }

  @Test
  void justInTimeCodeIsProgrammedAnHourAheadAndRemovedAtItsEnd() throws Exception {
    Device lockly = lock("lockly_lock");
    Instant start = clock.instant().plus(Duration.ofHours(2));
    UUID id = create(lockly, "246801", start, start.plus(Duration.ofHours(3)), null);
    assertThat(code(id).pendingMutations()).singleElement().satisfies(m -> {
      assertThat(m.mutationCode()).isEqualTo("deferring_creation");
      assertThat(m.scheduledAt()).isEqualTo(start.minus(Duration.ofMinutes(60)));
    });
    assertThat(stack.scheduler().schedules().keySet()).contains("CodeSchedules/" + Fire.scheduleName(id,
        dev.keyrack.domain.SchedulePolicy.Transition.PROGRAM), "CodeSchedules/" + Fire.scheduleName(id,
        dev.keyrack.domain.SchedulePolicy.Transition.REMOVE));

    advance(Duration.ofMinutes(59));
    assertThat(code(id).status()).isEqualTo(CodeStatus.unset);
    assertThat(locks.memory(lockly.deviceId()).slots()).doesNotContainKey(id);

    advance(Duration.ofMinutes(1));
    awaitStatus(id, CodeStatus.set);
    assertThat(locks.memory(lockly.deviceId()).slots().get(id).pin()).isEqualTo("246801");

    advance(Duration.ofHours(4));
    awaitGone(id);
    assertThat(locks.memory(lockly.deviceId()).slots()).doesNotContainKey(id);
    TestStack.eventually(() -> assertThat(events(id)).containsExactly("access_code.created", "access_code.set_on_device",
        "access_code.removed_from_device", "access_code.deleted"));
  }

  /**
   * A time-bound code set within its window on a lock that schedules natively is scheduled there
   * (the lock holds its end), and stays so when updated; on a lock that does not, or with native
   * scheduling turned off, it is not.
   */
  @Test
  void aNativeCodeSetWithinItsWindowIsScheduledOnTheDeviceAndStaysSoWhenUpdated() throws Exception {
    Device august = lock("august_lock"), lockly = lock("lockly_lock");
    Instant start = clock.instant(), end = start.plus(Duration.ofHours(5));
    UUID nativeId = createNow(august, "97531", start, end, null);
    UUID notNative = createNow(august, "97532", start, end, false);
    UUID lockWithout = createNow(lockly, "864213", start, end, null);
    for (UUID id : List.of(nativeId, notNative, lockWithout)) awaitStatus(id, CodeStatus.set);
    assertThat(code(nativeId).scheduledOnDevice()).isTrue();
    assertThat(locks.memory(august.deviceId()).slots().get(nativeId).endsAt()).isEqualTo(end);
    assertThat(code(notNative).scheduledOnDevice()).isFalse();
    assertThat(code(lockWithout).scheduledOnDevice()).isFalse();

    post("/access_codes/update", "{\"access_code_id\":\"" + nativeId + "\",\"name\":\"Guest, renamed\"}");
    TestStack.await("set again, renamed", Duration.ofSeconds(20), () -> code(nativeId).status() == CodeStatus.set
        && code(nativeId).name().equals("Guest, renamed"));
    assertThat(code(nativeId).scheduledOnDevice()).isTrue();
    assertThat(post("/access_codes/get", "{\"access_code_id\":\"" + nativeId + "\"}").at("/access_code/is_scheduled_on_device")
        .asBoolean()).isTrue();

    // native scheduling turned off: programmed again, as just-in-time codes are, and no longer scheduled on the lock
    long version = code(nativeId).version();
    post("/access_codes/update", "{\"access_code_id\":\"" + nativeId + "\",\"prefer_native_scheduling\":false}");
    TestStack.await("set again, not natively", Duration.ofSeconds(20), () -> code(nativeId).version() > version + 1
        && code(nativeId).status() == CodeStatus.set);
    assertThat(code(nativeId).scheduledOnDevice()).isFalse();
    for (UUID id : List.of(nativeId, notNative, lockWithout)) post("/access_codes/delete", "{\"access_code_id\":\"" + id + "\"}");
    for (UUID id : List.of(nativeId, notNative, lockWithout)) awaitGone(id);
  }

  /** A time-bound code whose window has begun: programmed at once. */
  static UUID createNow(Device d, String pin, Instant start, Instant end, Boolean preferNative) throws Exception {
    JsonNode r = post("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest\",\"code\":\"" + pin
        + "\",\"starts_at\":\"" + start + "\",\"ends_at\":\"" + end + "\""
        + (preferNative == null ? "" : ",\"prefer_native_scheduling\":" + preferNative) + "}");
    assertThat(r.at("/access_code/status").asText()).as(r.toString()).isEqualTo("setting");
    return UUID.fromString(r.at("/access_code/access_code_id").asText());
  }

  @Test
  void nativeCodeIsPreloaded72HoursAheadInactiveUntilItsStart() throws Exception {
    Device august = lock("august_lock");
    Instant start = clock.instant().plus(Duration.ofDays(5)).plus(Duration.ofHours(1));
    Instant end = start.plus(Duration.ofDays(2));
    UUID id = create(august, "86420", start, end, null);

    advance(Duration.ofDays(2)); // still 73 h before the start
    assertThat(code(id).scheduledOnDevice()).isFalse();
    assertThat(locks.memory(august.deviceId()).slots()).doesNotContainKey(id);

    advance(Duration.ofHours(1)); // now 72 h before the start: preload
    TestStack.await("preload", Duration.ofSeconds(20), () -> code(id).scheduledOnDevice());
    assertThat(code(id).status()).isEqualTo(CodeStatus.unset);
    var slot = locks.memory(august.deviceId()).slots().get(id);
    assertThat(slot.startsAt()).isEqualTo(start); // the lock itself holds the window: inactive until then
    assertThat(slot.endsAt()).isEqualTo(end);

    advance(Duration.ofDays(3)); // starts_at
    awaitStatus(id, CodeStatus.set);
    advance(Duration.ofDays(2)); // ends_at
    awaitGone(id);
    assertThat(locks.memory(august.deviceId()).slots()).doesNotContainKey(id);
    TestStack.eventually(() -> assertThat(events(id)).containsExactly("access_code.created", "access_code.scheduled_on_device",
        "access_code.set_on_device", "access_code.removed_from_device", "access_code.deleted"));
  }

  @Test
  void preferNativeFalseOnANativeLockWaitsForTheJustInTimeMoment() throws Exception {
    Device schlage = lock("schlage_lock");
    Instant start = clock.instant().plus(Duration.ofHours(30));
    UUID id = create(schlage, "97531", start, start.plus(Duration.ofHours(5)), false);
    assertThat(stack.scheduler().schedules().keySet()).anyMatch(k -> k.endsWith(id + "-program"))
        .noneMatch(k -> k.endsWith(id + "-preload"));
    advance(Duration.ofHours(2));
    assertThat(code(id).status()).isEqualTo(CodeStatus.unset);
    assertThat(code(id).scheduledOnDevice()).isFalse();
    assertThat(locks.memory(schlage.deviceId()).slots()).doesNotContainKey(id);
    post("/access_codes/delete", "{\"access_code_id\":\"" + id + "\"}");
    awaitGone(id);
    assertThat(stack.scheduler().schedules().keySet()).noneMatch(k -> k.contains(id.toString()));
  }

  @Test
  void changingTheWindowReplacesThePendingSchedules() throws Exception {
    Device st = lock("smartthings_lock");
    Instant start = clock.instant().plus(Duration.ofHours(2));
    UUID id = create(st, "5791", start, start.plus(Duration.ofHours(1)), null);
    Instant later = start.plus(Duration.ofHours(10));
    post("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"starts_at\":\"" + later + "\",\"ends_at\":\""
        + later.plus(Duration.ofHours(1)) + "\"}");
    TestStack.eventually(() -> assertThat(events(id)).containsExactly("access_code.created", "access_code.changed"));
    advance(Duration.ofHours(2)); // the old programming moment has passed: nothing happens
    assertThat(code(id).status()).isEqualTo(CodeStatus.unset);
    assertThat(locks.memory(st.deviceId()).slots()).doesNotContainKey(id);
    advance(Duration.ofHours(9)); // the new one
    awaitStatus(id, CodeStatus.set);
    // back to ongoing clears the window and its removal
    post("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"type\":\"ongoing\"}");
    TestStack.await("ongoing", Duration.ofSeconds(20), () -> code(id).startsAt() == null && code(id).status() == CodeStatus.set);
    assertThat(stack.scheduler().schedules().keySet()).noneMatch(k -> k.contains(id.toString()));
    advance(Duration.ofHours(3));
    assertThat(code(id)).isNotNull();
    post("/access_codes/delete", "{\"access_code_id\":\"" + id + "\"}");
    awaitGone(id);
  }

  @Test
  void aCodeWhoseWindowMovesIntoTheFutureShowsOnlyItsDeferredCreationOnceOffTheLock() throws Exception {
    Device lockly = lock("lockly_lock");
    Instant soon = clock.instant().plus(Duration.ofMinutes(30)); // inside the hour's lead: programmed now
    JsonNode r = post("/access_codes/create", "{\"device_id\":\"" + lockly.deviceId() + "\",\"name\":\"Early guest\","
        + "\"code\":\"135799\",\"starts_at\":\"" + soon + "\",\"ends_at\":\"" + soon.plus(Duration.ofHours(2)) + "\"}");
    UUID id = UUID.fromString(r.at("/access_code/access_code_id").asText());
    awaitStatus(id, CodeStatus.set);

    Instant later = soon.plus(Duration.ofDays(3));
    post("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"starts_at\":\"" + later + "\",\"ends_at\":\""
        + later.plus(Duration.ofHours(2)) + "\"}");
    TestStack.await("off the lock", Duration.ofSeconds(20), () -> !code(id).onLock());
    assertThat(locks.memory(lockly.deviceId()).slots()).doesNotContainKey(id);
    assertThat(code(id).status()).isEqualTo(CodeStatus.unset);
    assertThat(code(id).pendingMutations()).as("the old time frame left the lock with the code").singleElement()
        .satisfies(m -> {
          assertThat(m.mutationCode()).isEqualTo("deferring_creation");
          assertThat(m.scheduledAt()).isEqualTo(later.minus(Duration.ofMinutes(60)));
        });

    // Moved once more while off the lock: nothing on the lock to update, only the creation deferred again.
    Instant latest = later.plus(Duration.ofDays(1));
    post("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"starts_at\":\"" + latest + "\",\"ends_at\":\""
        + latest.plus(Duration.ofHours(2)) + "\"}");
    assertThat(code(id).pendingMutations()).singleElement().satisfies(m -> {
      assertThat(m.mutationCode()).isEqualTo("deferring_creation");
      assertThat(m.scheduledAt()).isEqualTo(latest.minus(Duration.ofMinutes(60)));
    });

    // Moved back into its lead time: programmed now, its creation no longer deferred.
    Instant now = clock.instant();
    post("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"starts_at\":\"" + now.plus(Duration.ofMinutes(20))
        + "\",\"ends_at\":\"" + now.plus(Duration.ofHours(2)) + "\"}");
    assertThat(code(id).pendingMutations()).extracting(m -> m.mutationCode()).doesNotContain("deferring_creation");
    awaitStatus(id, CodeStatus.set);
    assertThat(code(id).pendingMutations()).as("nothing left pending once set").isEmpty();
    post("/access_codes/delete", "{\"access_code_id\":\"" + id + "\"}");
    awaitGone(id);
  }

  @Test
  void windowsThatCannotWorkAreRefused() throws Exception {
    Device yale = lock("yale_lock");
    Instant now = clock.instant();
    String base = "{\"device_id\":\"" + yale.deviceId() + "\",\"code\":\"4444\"";
    assertThat(post("/access_codes/create", base + ",\"starts_at\":\"" + now.plusSeconds(100) + "\",\"ends_at\":\""
        + now.plusSeconds(50) + "\"}").at("/error/validation_errors/ends_at").isMissingNode()).isFalse();
    assertThat(post("/access_codes/create", base + ",\"starts_at\":\"" + now.minusSeconds(100) + "\",\"ends_at\":\""
        + now.minusSeconds(50) + "\"}").at("/error/type").asText()).isEqualTo("invalid_input");
    assertThat(post("/access_codes/create", base + ",\"starts_at\":\"tomorrow\",\"ends_at\":\""
        + now.plusSeconds(50) + "\"}").at("/error/type").asText()).isEqualTo("invalid_input");
    Device kwikset = lock("kwikset_lock");
    assertThat(post("/access_codes/create", "{\"device_id\":\"" + kwikset.deviceId() + "\",\"code\":\"4444\",\"ends_at\":\""
        + now.plusSeconds(500) + "\"}").at("/error/validation_errors/starts_at").isMissingNode()).isFalse();
    assertThat(store.accessCodes(ws, yale.deviceId())).isEmpty();
    assertThat(store.accessCodes(ws, kwikset.deviceId())).isEmpty();
  }

  @Test
  void anActiveKwiksetCodeCanStillChangeItsEndButNotMoveItsStartIntoThePast() throws Exception {
    Device kwikset = lock("kwikset_lock");
    Instant start = clock.instant().plus(Duration.ofHours(2));
    UUID id = create(kwikset, "7531", start, start.plus(Duration.ofHours(3)), null);
    advance(Duration.ofHours(2).plusMinutes(1));
    awaitStatus(id, CodeStatus.set);

    Instant later = start.plus(Duration.ofHours(6));
    JsonNode ok = post("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"ends_at\":\"" + later + "\"}");
    assertThat(ok.path("ok").asBoolean()).as(ok.toString()).isTrue();
    assertThat(code(id).endsAt()).isEqualTo(later);

    JsonNode refused = post("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"starts_at\":\""
        + clock.instant().minus(Duration.ofMinutes(5)) + "\"}");
    assertThat(refused.at("/error/validation_errors/starts_at").isMissingNode()).as(refused.toString()).isFalse();

    JsonNode ongoing = post("/access_codes/create", "{\"device_id\":\"" + lock("tedee_lock").deviceId() + "\",\"code\":\"97531\"}");
    UUID ongoingId = UUID.fromString(ongoing.at("/access_code/access_code_id").asText());
    JsonNode noWindow = post("/access_codes/update", "{\"access_code_id\":\"" + ongoingId + "\",\"type\":\"time_bound\"}");
    assertThat(noWindow.at("/error/type").asText()).as(noWindow.toString()).isEqualTo("invalid_input");
    assertThat(code(ongoingId).type()).isEqualTo(dev.keyrack.domain.CodeType.ongoing);
  }
}
