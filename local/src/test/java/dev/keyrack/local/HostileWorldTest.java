package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.ports.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Locks that fail on demand, through the whole local stack: retries with delay warnings and
 * failure errors that clear on success, permanent refusals reported at once, offline locks,
 * backup access code pools (ready flag, pull and re-pull, automatic pull when a set fails for
 * good, removal at the original's end, empty pool). Each test uses its own sandbox lock; the
 * clock only moves when a test moves it. Retries wait 1 to 2 real seconds.
 */
class HostileWorldTest {
  @RegisterExtension
  static final ClockedStack env =
      ClockedStack.of(Map.of("RetryBaseSeconds", "1", "RetryMaxSeconds", "2", "BackupPoolSize", "2"));
  static MutableClock clock;
  static Store store;
  static SandboxLockProvider locks;

  @BeforeAll
  static void start() throws Exception {
    clock = env.clock;
    store = env.store;
    locks = env.locks;
  }

  static Device lock(String type) {
    return env.lock(type);
  }

  /** The {@code n}-th extra sandbox lock of a brand (seeded on first use; each test takes its own n). */
  static Device extraLock(String type, int n) {
    return env.stack.seedExtraLocks(type, n).get(n - 1);
  }

  /** A code stored as the API would store it, without the API's checks (a lock stricter than its brand's rules). */
  static UUID storeAndSend(Device d, String pin, AccessCode.BackupRole role) {
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    AccessCode c = new AccessCode(id, env.ws, d.deviceId(), role == null ? "Stored directly" : "Backup code", pin, null,
        CodeType.ongoing, CodeStatus.setting, null, null, now, List.of(), List.of(),
        List.of(PendingMutation.of("creating", "Keyrack is setting the access code on the device.", now)), false, false, false,
        false, true, false, 1, role, null);
    store.create(c, role == null ? List.of(Event.forCode(Ids.shared(), "access_code.created", c, d.connectedAccountId(), now, null))
        : List.of());
    env.stack.wiring("ApiFunction").jobQueue().enqueue(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(), id, 1));
    return id;
  }

  static List<AccessCode> readyBackups(Device d) {
    return store.accessCodes(env.ws, d.deviceId()).stream().filter(c -> c.backupRole() == AccessCode.BackupRole.READY).toList();
  }

  static SchedulerEmulator.Schedule removal(UUID codeId) {
    String name = Fire.scheduleName(codeId, SchedulePolicy.Transition.REMOVE);
    return env.stack.scheduler().schedules().values().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  static ClockedStack.Answer call(String path, String body) throws Exception {
    return env.call(path, body);
  }

  static JsonNode ok(String path, String body) throws Exception {
    ClockedStack.Answer a = call(path, body);
    assertThat(a.status()).as(path + " " + body + " -> " + a.body()).isEqualTo(200);
    return a.body();
  }

  static UUID createTimeBound(Device d, Instant start, Instant end, boolean pool) throws Exception {
    JsonNode r = ok("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest\",\"starts_at\":\""
        + start + "\",\"ends_at\":\"" + end + "\"" + (pool ? ",\"use_backup_access_code_pool\":true" : "") + "}");
    return UUID.fromString(r.at("/access_code/access_code_id").asText());
  }

  static UUID createOngoing(Device d, String pin) throws Exception {
    JsonNode r = ok("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Resident\",\"code\":\"" + pin + "\"}");
    return UUID.fromString(r.at("/access_code/access_code_id").asText());
  }

  static void configure(Device d, String settings) throws Exception {
    ok("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\"," + settings + "}");
  }

  static AccessCode code(UUID id) {
    return env.code(id);
  }

  static List<String> codes(AccessCode c, boolean errors) {
    return (errors ? c.errors() : c.warnings()).stream().map(Notice::code).toList();
  }

  static List<String> events(UUID id) {
    return env.events(id);
  }

  static void await(String what, BooleanSupplier condition) {
    TestStack.await(what, Duration.ofSeconds(45), condition);
  }

  static boolean poolReady(UUID id) {
    try {
      return ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").at("/access_code/is_backup_access_code_available")
          .asBoolean();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFailingSetIsRetriedWithAWarningThenAnErrorThatClearOnSuccess() throws Exception {
    Device d = lock("wyze_lock");
    configure(d, "\"fail_set_rate\":1");
    UUID id = createOngoing(d, "482913");
    await("delay warning", () -> codes(code(id), false).contains("delay_in_setting_on_device"));
    await("failure error", () -> codes(code(id), true).contains("failed_to_set_on_device"));
    assertThat(code(id).status()).isEqualTo(CodeStatus.setting);
    assertThat(locks.memory(d.deviceId()).slots()).doesNotContainKey(id);

    configure(d, "\"fail_set_rate\":0");
    await("set after the lock recovers", () -> code(id).status() == CodeStatus.set);
    assertThat(code(id).errors()).isEmpty();
    assertThat(code(id).warnings()).isEmpty();
    assertThat(locks.memory(d.deviceId()).slots().get(id).pin()).isEqualTo("482913");
    TestStack.eventually(() -> assertThat(events(id)).containsSubsequence("access_code.created", "access_code.delay_in_setting_on_device",
        "access_code.failed_to_set_on_device", "access_code.set_on_device"));
  }

  /**
   * A delete stored as removing whose removal job never reached the queue (the send failed after
   * the store write) is healed by the client's retry of the delete: it sends the removal again.
   */
  @Test
  void aRepeatedDeleteSendsTheRemovalAgain() throws Exception {
    Device d = lock("two_n_intercom");
    UUID id = createOngoing(d, "730177");
    await("set", () -> code(id).status() == CodeStatus.set);
    AccessCode set = code(id);
    store.update(set, set.withStatus(CodeStatus.removing).withVersion(set.version() + 1), List.of()); // the lost send
    Thread.sleep(300);
    assertThat(locks.memory(d.deviceId()).slots()).as("nothing removes it without a job").containsKey(id);

    ok("/access_codes/delete", "{\"access_code_id\":\"" + id + "\"}");

    await("gone", () -> code(id) == null);
    assertThat(locks.memory(d.deviceId()).slots()).doesNotContainKey(id);
  }

  @Test
  void aFailingRemovalIsRetriedUntilTheCodeIsOffTheLock() throws Exception {
    Device d = lock("two_n_intercom");
    UUID id = createOngoing(d, "730142");
    await("set", () -> code(id).status() == CodeStatus.set);
    configure(d, "\"fail_remove_rate\":1");
    ok("/access_codes/delete", "{\"access_code_id\":\"" + id + "\"}");
    await("removal failure error", () -> codes(code(id), true).contains("failed_to_remove_from_device"));
    assertThat(code(id).warnings().stream().map(Notice::code)).contains("delay_in_removing_from_device");
    assertThat(locks.memory(d.deviceId()).slots()).containsKey(id);

    configure(d, "\"fail_remove_rate\":0");
    await("gone", () -> code(id) == null);
    assertThat(locks.memory(d.deviceId()).slots()).doesNotContainKey(id);
    TestStack.eventually(() -> assertThat(events(id)).containsSubsequence("access_code.delay_in_removing_from_device",
        "access_code.failed_to_remove_from_device", "access_code.removed_from_device", "access_code.deleted"));
  }

  @Test
  void aPinTheLockAlreadyHoldsAndAFullLockAreReportedAtOnceNotRetried() throws Exception {
    Device d = lock("smartthings_lock");
    configure(d, "\"external_codes\":[\"5151\"]");
    UUID dup = createOngoing(d, "5151");
    await("duplicate reported", () -> codes(code(dup), true).contains("duplicate_code_on_device"));
    assertThat(codes(code(dup), true)).doesNotContain("failed_to_set_on_device");
    TestStack.eventually(() -> assertThat(events(dup)).contains("access_code.failed_to_set_on_device"));

    configure(d, "\"slot_limit\":1");
    UUID full = createOngoing(d, "6262");
    await("no space reported", () -> codes(code(full), true).contains("no_space_for_access_code_on_device"));
    assertThat(code(full).warnings().stream().map(Notice::code)).doesNotContain("delay_in_setting_on_device");
    assertThat(locks.memory(d.deviceId()).slots()).doesNotContainKey(full);
  }

  @Test
  void aCodeRefusedForWantOfASlotIsSetWhenAnotherCodeLeavesTheLockOldestFirst() throws Exception {
    Device d = extraLock("schlage_lock", 1);
    configure(d, "\"slot_limit\":1"); // the lock holds less than its brand says (codes set at the keypad, say)
    UUID resident = createOngoing(d, "7101");
    await("first code set", () -> code(resident).status() == CodeStatus.set);
    UUID first = createOngoing(d, "7202");
    await("first refused", () -> codes(code(first), true).contains("no_space_for_access_code_on_device"));
    UUID second = createOngoing(d, "7303");
    await("second refused", () -> codes(code(second), true).contains("no_space_for_access_code_on_device"));
    assertThat(locks.memory(d.deviceId()).slots().keySet()).containsExactly(resident);

    // The resident's code leaves the lock: its slot goes to the older of the two refused codes, and to it alone.
    ok("/access_codes/delete", "{\"access_code_id\":\"" + resident + "\"}");
    await("first set once a slot came free", () -> code(first).status() == CodeStatus.set);
    assertThat(codes(code(first), true)).doesNotContain("no_space_for_access_code_on_device");
    assertThat(locks.memory(d.deviceId()).slots().keySet()).containsExactly(first);
    TestStack.eventually(() -> assertThat(events(first)).containsSubsequence("access_code.failed_to_set_on_device",
        "access_code.set_on_device"));
    assertThat(codes(code(second), true)).contains("no_space_for_access_code_on_device");
    assertThat(code(second).status()).isEqualTo(CodeStatus.setting);

    // The next code to leave makes room for the second.
    ok("/access_codes/delete", "{\"access_code_id\":\"" + first + "\"}");
    await("second set once the first left", () -> code(second).status() == CodeStatus.set);
    assertThat(locks.memory(d.deviceId()).slots().keySet()).containsExactly(second);
    TestStack.eventually(() -> assertThat(store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().waitingForSpace()).isEmpty());
    // The first freed slot went to the first code alone: the second was refused once, not again then.
    TestStack.eventually(() -> assertThat(events(second)).contains("access_code.set_on_device"));
    assertThat(events(second)).filteredOn("access_code.failed_to_set_on_device"::equals).hasSize(1);
  }

  @Test
  void aRefusedCodeDeletedWhileItWaitsForASlotLeavesTheWaitingList() throws Exception {
    Device d = extraLock("schlage_lock", 2);
    configure(d, "\"slot_limit\":1");
    UUID resident = createOngoing(d, "8101");
    await("first code set", () -> code(resident).status() == CodeStatus.set);
    UUID waiting = createOngoing(d, "8202");
    await("refused", () -> codes(code(waiting), true).contains("no_space_for_access_code_on_device"));
    // (noted just after the refusal is stored)
    TestStack.eventually(() -> assertThat(store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().waitingForSpace())
        .containsExactly(waiting));

    ok("/access_codes/delete", "{\"access_code_id\":\"" + waiting + "\"}");
    await("refused code gone", () -> code(waiting) == null);
    TestStack.eventually(() -> assertThat(store.deviceAtWork(env.ws, d.deviceId(), true).orElseThrow().waitingForSpace()).isEmpty());
    ok("/access_codes/delete", "{\"access_code_id\":\"" + resident + "\"}");
    await("resident gone", () -> code(resident) == null);
    assertThat(locks.memory(d.deviceId()).slots()).isEmpty();
  }

  @Test
  void anOfflineLockGetsItsCodeWhenItComesBack() throws Exception {
    Device d = lock("ttlock_lock");
    clock.advance(java.time.Duration.ofMinutes(3));
    java.time.Instant disconnected = clock.instant();
    ok("/devices/simulate/disconnect", "{\"device_id\":\"" + d.deviceId() + "\"}");
    JsonNode device = ok("/devices/get", "{\"device_id\":\"" + d.deviceId() + "\"}").path("device");
    assertThat(device.at("/properties/online").asBoolean()).isFalse();
    assertThat(device.path("errors").findValuesAsText("error_code")).contains("device_offline");
    assertThat(java.time.Instant.parse(device.path("errors").get(0).path("created_at").asText()))
        .as("the offline error dates from the disconnect, not from the device's creation").isEqualTo(disconnected);
    clock.advance(java.time.Duration.ofMinutes(1));
    ok("/devices/simulate/disconnect", "{\"device_id\":\"" + d.deviceId() + "\"}"); // still offline: the first moment stays
    assertThat(java.time.Instant.parse(ok("/devices/get", "{\"device_id\":\"" + d.deviceId() + "\"}")
        .at("/device/errors/0/created_at").asText())).isEqualTo(disconnected);

    UUID id = createOngoing(d, "918273");
    await("delay warning while offline", () -> codes(code(id), false).contains("delay_in_setting_on_device"));
    assertThat(code(id).status()).isEqualTo(CodeStatus.setting);

    ok("/devices/simulate/connect", "{\"device_id\":\"" + d.deviceId() + "\"}");
    await("set once online", () -> code(id).status() == CodeStatus.set);
    assertThat(ok("/devices/get", "{\"device_id\":\"" + d.deviceId() + "\"}").at("/device/properties/online").asBoolean()).isTrue();
    assertThat(code(id).warnings()).isEmpty();
  }

  /** CONTRACT.md: a code is unknown while its device is disconnected; set again once it is back. */
  @Test
  void aSetCodeIsUnknownWhileItsDeviceIsDisconnected() throws Exception {
    Device d = lock("kwikset_lock");
    UUID id = createOngoing(d, "5173");
    await("set", () -> code(id).status() == CodeStatus.set);
    ok("/devices/simulate/disconnect", "{\"device_id\":\"" + d.deviceId() + "\"}");
    try {
      assertThat(ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").at("/access_code/status").asText())
          .isEqualTo("unknown");
      assertThat(ok("/access_codes/list", "{\"device_id\":\"" + d.deviceId() + "\"}").path("access_codes"))
          .filteredOn(c -> c.path("access_code_id").asText().equals(id.toString()))
          .singleElement().satisfies(c -> assertThat(c.path("status").asText()).isEqualTo("unknown"));
      assertThat(code(id).status()).as("as stored").isEqualTo(CodeStatus.set);
    } finally {
      ok("/devices/simulate/connect", "{\"device_id\":\"" + d.deviceId() + "\"}");
    }
    assertThat(ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").at("/access_code/status").asText())
        .isEqualTo("set");
  }

  @Test
  void sandboxSettingsAreValidated() throws Exception {
    Device d = lock("august_lock");
    for (String bad : List.of("\"fail_set_rate\":2", "\"fail_set_rate\":\"often\"", "\"slot_limit\":-1",
        "\"external_codes\":[\"12a4\"]", "\"no_such_setting\":true")) {
      ClockedStack.Answer a = call("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId() + "\"," + bad + "}");
      assertThat(a.status()).as(bad).isEqualTo(400);
      assertThat(a.body().at("/error/type").asText()).as(bad).isNotBlank();
    }
    // A lock never holds a PIN twice: one it holds, or one listed twice, is refused with nothing else of the request applied.
    var before = locks.memory(d.deviceId()).slots();
    int held = before.size();
    configure(d, "\"external_codes\":[\"738291\"]");
    assertThat(locks.memory(d.deviceId()).slots()).hasSize(held + 1);
    for (String twice : List.of("[\"738291\"]", "[\"529163\",\"529163\"]")) {
      ClockedStack.Answer a = call("/sandbox/locks/configure", "{\"device_id\":\"" + d.deviceId()
          + "\",\"fail_set_rate\":0.5,\"external_codes\":" + twice + "}");
      assertThat(a.status()).as(twice).isEqualTo(400);
      assertThat(a.body().at("/error/validation_errors/external_codes/_errors/0").asText()).as(twice).contains("already holds");
      assertThat(a.body().toString()).as("the PIN is not echoed").doesNotContain("738291").doesNotContain("529163");
    }
    assertThat(locks.memory(d.deviceId()).slots()).hasSize(held + 1);
    locks.configure(d.deviceId(), m -> m.withSlots(before)); // the lock as other tests expect it
    ClockedStack.Answer other = call("/sandbox/locks/configure", "{\"device_id\":\"" + UUID.randomUUID() + "\",\"fail_set_rate\":0.5}");
    assertThat(other.status()).isEqualTo(404);
    assertThat(locks.memory(d.deviceId()).failSetRate()).isZero();
  }

  @Test
  void aBackupPoolFillsAndAPulledBackupIsLinkedReturnedAgainAndRemovedAtTheEnd() throws Exception {
    Device d = lock("yale_lock");
    assertThat(d.profile().backupPool()).isTrue();
    Instant start = clock.instant().plus(Duration.ofDays(4));
    Instant end = start.plus(Duration.ofDays(2));
    Instant created = clock.instant();
    UUID id = createTimeBound(d, start, end, true);
    await("pool ready", () -> poolReady(id));

    JsonNode listed = ok("/access_codes/list", "{\"device_id\":\"" + d.deviceId() + "\"}").path("access_codes");
    assertThat(listed.findValuesAsText("access_code_id")).containsExactly(id.toString());
    // Hidden from get and list, and so from events: the pool's set_on_device events (with their PINs) are not the workspace's.
    List<String> pool = readyBackups(d).stream().filter(b -> b.status() == CodeStatus.set).map(b -> b.accessCodeId().toString())
        .toList();
    assertThat(pool).as("the pool is on the lock").isNotEmpty();
    JsonNode onDevice = ok("/events/list", "{\"device_id\":\"" + d.deviceId() + "\",\"since\":\"" + created.minusSeconds(1)
        + "\"}").path("events");
    assertThat(onDevice.findValuesAsText("access_code_id")).as("events of the lock").contains(id.toString())
        .doesNotContainAnyElementsOf(pool);
    for (String b : pool) {
      assertThat(call("/access_codes/get", "{\"access_code_id\":\"" + b + "\"}").status()).isEqualTo(404);
    }

    JsonNode first = ok("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + id + "\"}");
    String backupId = first.at("/backup_access_code/access_code_id").asText();
    assertThat(first.at("/backup_access_code/is_backup").asBoolean()).isTrue();
    assertThat(Instant.parse(first.at("/backup_access_code/ends_at").asText())).isEqualTo(end);
    assertThat(first.at("/access_code/access_code_id").asText()).as("the SDK reads the backup from access_code").isEqualTo(backupId);
    assertThat(ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").at("/access_code/pulled_backup_access_code_id")
        .asText()).isEqualTo(backupId);
    JsonNode again = ok("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + id + "\"}");
    assertThat(again.at("/backup_access_code/access_code_id").asText()).isEqualTo(backupId);
    assertThat(again.at("/backup_access_code/code").asText()).isEqualTo(first.at("/backup_access_code/code").asText());
    TestStack.eventually(() -> assertThat(events(id).stream().filter(t -> t.equals("access_code.backup_access_code_pulled"))).hasSize(1));

    UUID backup = UUID.fromString(backupId);
    assertThat(locks.memory(d.deviceId()).slots()).containsKey(backup);
    await("pool refilled", () -> poolReady(id));

    clock.advance(Duration.ofDays(6).plusMinutes(1));
    await("backup removed at the original's end", () -> !locks.memory(d.deviceId()).slots().containsKey(backup)
        && code(backup) == null && code(id) == null);
    // Pulled, it is the workspace's code, on the lock: its story starts at the pull and ends as any code's.
    TestStack.eventually(() -> assertThat(events(backup)).containsExactly("access_code.set_on_device",
        "access_code.removed_from_device", "access_code.deleted"));
  }

  /**
   * An update can turn a lock's pool on, as a create can (a review found it refused with "not
   * available yet"); an update refused turns nothing on, and the create's rules hold.
   */
  @Test
  void anUpdateTurnsTheBackupPoolOn() throws Exception {
    Device d = extraLock("yale_lock", 7);
    Instant start = clock.instant().plus(Duration.ofDays(3));
    UUID id = createTimeBound(d, start, start.plus(Duration.ofDays(1)), false);
    UUID resident = createOngoing(d, "4812");
    assertThat(poolReady(id)).isFalse();

    ClockedStack.Answer refused = call("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"ends_at\":\""
        + start.minusSeconds(60) + "\",\"use_backup_access_code_pool\":true}");
    assertThat(refused.status()).isEqualTo(400);
    ClockedStack.Answer ongoing = call("/access_codes/update", "{\"access_code_id\":\"" + resident
        + "\",\"use_backup_access_code_pool\":true}");
    assertThat(ongoing.status()).isEqualTo(400);
    assertThat(ongoing.body().at("/error/message").asText()).contains("time-bound");
    assertThat(store.backupPoolEnabled(env.ws, d.deviceId())).as("a refused update turns nothing on").isFalse();
    assertThat(readyBackups(d)).isEmpty();

    ok("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"name\":\"Guest, pooled\",\"use_backup_access_code_pool\":true}");
    await("pool ready", () -> poolReady(id));
    assertThat(readyBackups(d)).hasSize(2); // (BackupPoolSize 2 here)
    assertThat(code(id).name()).isEqualTo("Guest, pooled");

    Device lockly = lock("lockly_lock");
    UUID other = createTimeBound(lockly, start, start.plus(Duration.ofDays(1)), false);
    ClockedStack.Answer unsupported = call("/access_codes/update", "{\"access_code_id\":\"" + other
        + "\",\"use_backup_access_code_pool\":true}");
    assertThat(unsupported.status()).isEqualTo(400);
    assertThat(unsupported.body().at("/error/type").asText()).isEqualTo("backup_access_code_pool_not_supported");
    assertThat(unsupported.body().at("/error/message").asText()).contains("Lockly").doesNotContain("not available");
    for (UUID c : List.of(id, resident, other)) ok("/access_codes/delete", "{\"access_code_id\":\"" + c + "\"}");
  }

  @Test
  void whenASetFailsForGoodBeforeItsStartABackupIsPulledAutomatically() throws Exception {
    Device d = lock("schlage_lock");
    UUID id = failedWithBackup(d)[0];
    AccessCode c = code(id);
    AccessCode backup = code(c.pulledBackupAccessCodeId());
    assertThat(backup.isBackup()).isTrue();
    assertThat(backup.endsAt()).isEqualTo(c.endsAt());
    assertThat(locks.memory(d.deviceId()).slots()).containsKey(backup.accessCodeId());
    TestStack.eventually(() -> assertThat(events(id)).containsSubsequence("access_code.created", "access_code.delay_in_setting_on_device",
        "access_code.failed_to_set_on_device", "access_code.backup_access_code_pulled"));
    JsonNode wire = ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").path("access_code");
    assertThat(wire.path("pulled_backup_access_code_id").asText()).isEqualTo(backup.accessCodeId().toString());
    assertThat(wire.path("errors").findValuesAsText("error_code")).contains("failed_to_set_on_device");
    configure(d, "\"fail_set_rate\":0");
  }

  /**
   * A code set to start in 30 minutes on a lock that fails every set (left failing), refused for good
   * and given a backup by the worker. @return {code, backup}
   */
  static UUID[] failedWithBackup(Device d) throws Exception {
    UUID opener = createTimeBound(d, clock.instant().plus(Duration.ofDays(5)), clock.instant().plus(Duration.ofDays(6)), true);
    // The whole pool on the lock before it starts failing: a backup still being set would fail too, and
    // its retries, ahead in the lock's queue, would hold the code's set back (one operation at a time per lock).
    await("pool full", () -> poolReady(opener) && readyBackups(d).size() >= 2
        && readyBackups(d).stream().allMatch(b -> b.status() == CodeStatus.set));
    configure(d, "\"fail_set_rate\":1");
    Instant start = clock.instant().plus(Duration.ofMinutes(30));
    UUID id = createTimeBound(d, start, start.plus(Duration.ofHours(3)), false);
    await("failed for good and a backup pulled", () -> codes(code(id), true).contains("failed_to_set_on_device")
        && code(id).pulledBackupAccessCodeId() != null);
    UUID backup = code(id).pulledBackupAccessCodeId();
    await("the backup on the lock", () -> locks.memory(d.deviceId()).slots().containsKey(backup));
    return new UUID[] {id, backup};
  }

  /**
   * Two fills at the same moment (two pulls) each top the pool up: a pool found over its size keeps
   * its oldest backups and retires the rest, off the lock, so no hidden PIN is left to open the door.
   * (The race itself is rare and timing-bound; here the pool is over-filled by hand.)
   */
  @Test
  void aPoolOverItsSizeIsTrimmedBackToIt() throws Exception {
    Device d = extraLock("yale_lock", 6);
    UUID id = createTimeBound(d, clock.instant().plus(Duration.ofDays(4)), clock.instant().plus(Duration.ofDays(5)), true);
    await("pool full", () -> readyBackups(d).stream().filter(b -> b.status() == CodeStatus.set).count() == 2);
    List<UUID> pool = readyBackups(d).stream().map(AccessCode::accessCodeId).toList();
    clock.advance(Duration.ofSeconds(1)); // the extra backups are newer
    UUID extra1 = storeAndSend(d, "418265", AccessCode.BackupRole.READY), extra2 = storeAndSend(d, "418266", AccessCode.BackupRole.READY);
    await("over-filled", () -> locks.memory(d.deviceId()).slots().keySet().containsAll(List.of(extra1, extra2)));

    ok("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + id + "\"}"); // takes one, then fills
    await("trimmed to its size, the extra backups off the lock", () -> readyBackups(d).stream()
        .filter(b -> b.status() != CodeStatus.removing).count() == 2
        && readyBackups(d).stream().noneMatch(b -> b.status() == CodeStatus.removing)
        && locks.memory(d.deviceId()).slots().size() == 3); // two in the pool, one pulled
    List<UUID> kept = readyBackups(d).stream().map(AccessCode::accessCodeId).toList();
    assertThat(kept).as("the pool's own backup left after the pull is kept, and one extra: the newer is retired")
        .containsAnyElementsOf(pool).hasSize(2);
    assertThat(kept.stream().filter(k -> k.equals(extra1) || k.equals(extra2))).hasSize(1);
  }

  @Test
  void aPulledBackupDeletedByItsOwnerIsNoLongerNamedByItsCodeAndAPullGivesANewOne() throws Exception {
    Device d = extraLock("schlage_lock", 6);
    UUID[] pair = failedWithBackup(d);
    configure(d, "\"fail_set_rate\":0");
    ok("/access_codes/delete", "{\"access_code_id\":\"" + pair[1] + "\"}");
    await("the backup gone", () -> code(pair[1]) == null && !locks.memory(d.deviceId()).slots().containsKey(pair[1]));
    assertThat(code(pair[0]).pulledBackupAccessCodeId()).as("the code no longer names it").isNull();
    assertThat(ok("/access_codes/get", "{\"access_code_id\":\"" + pair[0] + "\"}").at("/access_code/pulled_backup_access_code_id")
        .isNull()).isTrue();
    await("pool ready", () -> poolReady(pair[0]));
    JsonNode pulled = ok("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + pair[0] + "\"}");
    assertThat(pulled.at("/backup_access_code/access_code_id").asText()).isNotEqualTo(pair[1].toString());
    assertThat(code(pair[0]).pulledBackupAccessCodeId().toString()).isEqualTo(pulled.at("/backup_access_code/access_code_id").asText());
  }

  /**
   * A pulled backup that no code links (its code moved later, and the backup's retirement then
   * failed) is retired by the daily sweep, off the lock: it would let its guest in until its old end.
   */
  @Test
  void theDailySweepRetiresAPulledBackupNoCodeLinks() throws Exception {
    Device d = extraLock("schlage_lock", 5);
    UUID[] pair = failedWithBackup(d);
    configure(d, "\"fail_set_rate\":0");
    AccessCode original = code(pair[0]);
    store.update(original, original.withBackup(original.backupRole(), null).withVersion(original.version() + 1), List.of());
    var sweep = env.stack.mapHandler("ReconcilerFunction");
    sweep.handleRequest(Map.of("scope", "LOST_SENDS"), new LocalContext("keyrack-ReconcilerFunction", 512, 300));
    await("the unlinked backup off the lock and gone", () -> code(pair[1]) == null
        && !locks.memory(d.deviceId()).slots().containsKey(pair[1]));
    assertThat(code(pair[0])).as("its code stays").isNotNull();
  }

  /** A cancelled booking takes its pulled backup with it: the backup was its guest's way in. */
  @Test
  void aPulledBackupLeavesTheLockWhenItsCodeIsDeleted() throws Exception {
    Device d = extraLock("schlage_lock", 3);
    UUID[] pair = failedWithBackup(d);
    configure(d, "\"fail_set_rate\":0");
    ok("/access_codes/delete", "{\"access_code_id\":\"" + pair[0] + "\"}");
    await("the code and its backup gone, both off the lock", () -> code(pair[0]) == null && code(pair[1]) == null
        && !locks.memory(d.deviceId()).slots().containsKey(pair[1]));
    TestStack.eventually(() -> assertThat(events(pair[1])).endsWith("access_code.removed_from_device", "access_code.deleted"));
  }

  /**
   * A code moved to a later start is programmed again at its new moment: the backup pulled for its
   * old window leaves the lock (it would let its guest in before the new start), and the set's
   * failure error and delay warning, which nothing retries any more, are gone.
   */
  @Test
  void aCodeMovedToALaterStartLetsItsBackupGoAndDropsItsSetFailure() throws Exception {
    Device d = extraLock("schlage_lock", 4);
    UUID[] pair = failedWithBackup(d);
    Instant later = clock.instant().plus(Duration.ofDays(4)); // past Schlage's 72-hour preload: nothing due now
    ok("/access_codes/update", "{\"access_code_id\":\"" + pair[0] + "\",\"starts_at\":\"" + later + "\",\"ends_at\":\""
        + later.plus(Duration.ofHours(1)) + "\"}");
    configure(d, "\"fail_set_rate\":0");
    AccessCode moved = code(pair[0]);
    assertThat(moved.status()).isEqualTo(CodeStatus.unset);
    assertThat(moved.pulledBackupAccessCodeId()).as("unlinked").isNull();
    assertThat(codes(moved, true)).doesNotContain("failed_to_set_on_device");
    assertThat(codes(moved, false)).doesNotContain("delay_in_setting_on_device");
    await("the backup gone, off the lock", () -> code(pair[1]) == null && !locks.memory(d.deviceId()).slots().containsKey(pair[1]));
    assertThat(locks.memory(d.deviceId()).slots()).as("the code waits for its new moment").doesNotContainKey(pair[0]);
  }

  /** A code whose removal was failing, given a later end, is the lock's again: the removal's warning and error go. */
  @Test
  void aCodeExtendedWhileItsRemovalFailsDropsTheRemovalsNotices() throws Exception {
    Device d = extraLock("yale_lock", 5);
    Instant start = clock.instant().minus(Duration.ofMinutes(1)), end = clock.instant().plus(Duration.ofMinutes(2));
    UUID id = createTimeBound(d, start, end, false);
    await("set", () -> code(id).status() == CodeStatus.set);
    configure(d, "\"fail_remove_rate\":1");
    clock.advance(Duration.ofMinutes(3));
    await("the removal failing", () -> codes(code(id), true).contains("failed_to_remove_from_device"));
    // Shown as being removed, as a deleted code is: removing, with its deleting mutation since its end.
    JsonNode removing = ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").path("access_code");
    assertThat(removing.path("status").asText()).isEqualTo("removing");
    assertThat(removing.path("pending_mutations").findValuesAsText("mutation_code")).containsExactly("deleting");
    assertThat(Instant.parse(removing.at("/pending_mutations/0/created_at").asText())).isEqualTo(end.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    ok("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"ends_at\":\"" + clock.instant().plus(Duration.ofHours(2))
        + "\"}");
    configure(d, "\"fail_remove_rate\":0");
    AccessCode extended = code(id);
    assertThat(codes(extended, true)).doesNotContain("failed_to_remove_from_device");
    assertThat(codes(extended, false)).doesNotContain("delay_in_removing_from_device");
    assertThat(ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").at("/access_code/pending_mutations")
        .findValuesAsText("mutation_code")).as("extended: no longer being removed").doesNotContain("deleting");
    await("set again", () -> code(id).status() == CodeStatus.set && locks.memory(d.deviceId()).slots().containsKey(id));
  }

  @Test
  void aPreloadFailingDaysAheadKeepsThePoolUntilTheStartIsNear() throws Exception {
    Device d = lock("august_lock");
    UUID opener = createTimeBound(d, clock.instant().plus(Duration.ofDays(9)), clock.instant().plus(Duration.ofDays(10)), true);
    // The whole pool on the lock first, as in failedWithBackup: a backup still being set would hold the code's set back.
    await("pool full", () -> poolReady(opener) && readyBackups(d).size() >= 2
        && readyBackups(d).stream().allMatch(b -> b.status() == CodeStatus.set));
    configure(d, "\"fail_set_rate\":1");
    try {
      Instant start = clock.instant().plus(Duration.ofDays(2));
      UUID id = createTimeBound(d, start, start.plus(Duration.ofDays(1)), false);
      await("failed for good", () -> codes(code(id), true).contains("failed_to_set_on_device"));
      Thread.sleep(3_000); // more failed attempts, two days before the start
      assertThat(code(id).pulledBackupAccessCodeId()).as("no backup pulled two days ahead").isNull();

      clock.advance(Duration.between(clock.instant(), start.minus(Duration.ofMinutes(30))));
      await("a backup pulled once the start is near", () -> code(id).pulledBackupAccessCodeId() != null);
      TestStack.eventually(() -> assertThat(events(id)).containsSubsequence("access_code.failed_to_set_on_device", "access_code.backup_access_code_pulled"));
    } finally {
      configure(d, "\"fail_set_rate\":0");
    }
  }

  @Test
  void anEmptyPoolIsADeviceErrorAndPullingFromItSaysSo() throws Exception {
    Device d = lock("kwikset_lock");
    assertThat(d.profile().backupPool()).isTrue();
    ok("/devices/simulate/disconnect", "{\"device_id\":\"" + d.deviceId() + "\"}");
    Instant start = clock.instant().plus(Duration.ofDays(5));
    UUID id = createTimeBound(d, start, start.plus(Duration.ofDays(1)), true);
    assertThat(poolReady(id)).isFalse();
    JsonNode device = ok("/devices/get", "{\"device_id\":\"" + d.deviceId() + "\"}").path("device");
    assertThat(device.path("errors").findValuesAsText("error_code")).contains("empty_backup_access_code_pool");

    ClockedStack.Answer pull = call("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + id + "\"}");
    assertThat(pull.status()).isEqualTo(409);
    assertThat(pull.body().at("/error/type").asText()).isEqualTo("empty_backup_access_code_pool");
    assertThat(code(id).pulledBackupAccessCodeId()).isNull();

    ok("/devices/simulate/connect", "{\"device_id\":\"" + d.deviceId() + "\"}");
    await("pool ready once the lock is back", () -> poolReady(id));
    assertThat(ok("/devices/get", "{\"device_id\":\"" + d.deviceId() + "\"}").at("/device/errors").findValuesAsText("error_code"))
        .doesNotContain("empty_backup_access_code_pool");
  }

  @Test
  void aPinTheLocksOwnRulesRefuseIsAProviderIssueReportedAtOnce() throws Exception {
    Device d = lock("lockly_lock"); // 6 to 8 digits: "1234" breaks the lock's rule
    UUID id = storeAndSend(d, "1234", null);
    await("refusal reported", () -> codes(code(id), true).contains("provider_issue"));
    assertThat(codes(code(id), true)).doesNotContain("failed_to_set_on_device");
    assertThat(code(id).warnings()).isEmpty();
    assertThat(code(id).status()).isEqualTo(CodeStatus.setting);
    TestStack.eventually(() -> assertThat(events(id)).containsExactly("access_code.created", "access_code.failed_to_set_on_device"));
    assertThat(locks.memory(d.deviceId()).slots()).doesNotContainKey(id);
    JsonNode wire = ok("/access_codes/get", "{\"access_code_id\":\"" + id + "\"}").path("access_code");
    assertThat(wire.path("errors").findValuesAsText("error_code")).containsExactly("provider_issue");
  }

  @Test
  void aBackupTheLockAlreadyHoldsIsRetiredAndReplacedWithANewPin() throws Exception {
    Device d = extraLock("yale_lock", 1);
    configure(d, "\"external_codes\":[\"246810\"]");
    store.enableBackupPool(env.ws, d.deviceId());
    UUID refused = storeAndSend(d, "246810", AccessCode.BackupRole.READY);
    await("refused backup gone, pool full again", () -> code(refused) == null
        && readyBackups(d).size() == 2 && readyBackups(d).stream().allMatch(c -> c.status() == CodeStatus.set));
    assertThat(readyBackups(d)).extracting(AccessCode::code).doesNotContain("246810");
    assertThat(locks.memory(d.deviceId()).slots()).doesNotContainKey(refused);
  }

  @Test
  void backupsRefusedByAFullLockDoNotBlockThePool() throws Exception {
    Device d = extraLock("yale_lock", 2);
    configure(d, "\"slot_limit\":1");
    UUID resident = createOngoing(d, "864209");
    await("set", () -> code(resident).status() == CodeStatus.set);
    Instant start = clock.instant().plus(Duration.ofDays(5));
    UUID id = createTimeBound(d, start, start.plus(Duration.ofDays(1)), true);
    await("refused backups retired", () -> events(id).size() == 1 && readyBackups(d).isEmpty()
        && store.accessCodes(env.ws, d.deviceId()).size() == 2);
    assertThat(poolReady(id)).isFalse();

    configure(d, "\"slot_limit\":0");
    ClockedStack.Answer pull = call("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + id + "\"}");
    assertThat(pull.body().at("/error/type").asText()).isEqualTo("empty_backup_access_code_pool");
    await("pool refilled with new backups once the lock has room", () -> poolReady(id));
    assertThat(readyBackups(d)).hasSize(2);
  }

  @Test
  void aPulledBackupsRemovalIsEnsuredOnRePullAndFollowsTheCodesNewEnd() throws Exception {
    Device d = extraLock("yale_lock", 3);
    Instant start = clock.instant().plus(Duration.ofDays(4));
    Instant end = start.plus(Duration.ofDays(2));
    UUID id = createTimeBound(d, start, end, true);
    await("pool ready", () -> poolReady(id));
    UUID backup = UUID.fromString(ok("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + id + "\"}")
        .at("/backup_access_code/access_code_id").asText());
    assertThat(removal(backup).due()).isEqualTo(end);

    // the removal schedule was lost (the call after the pull's write failed): pulling again makes it
    env.stack.wiring("ApiFunction").scheduler().cancelAll(backup);
    assertThat(removal(backup)).isNull();
    ok("/access_codes/pull_backup_access_code", "{\"access_code_id\":\"" + id + "\"}");
    assertThat(removal(backup)).isNotNull();
    assertThat(removal(backup).due()).isEqualTo(end);

    // the code's end moves: the backup's end and removal move with it
    Instant later = end.plus(Duration.ofDays(1));
    ok("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"ends_at\":\"" + later + "\"}");
    assertThat(code(backup).endsAt()).isEqualTo(later);
    assertThat(removal(backup).due()).isEqualTo(later);
    assertThat(Instant.parse(ok("/access_codes/get", "{\"access_code_id\":\"" + backup + "\"}").at("/access_code/ends_at")
        .asText())).isEqualTo(later);

    clock.advance(Duration.between(clock.instant(), end.plus(Duration.ofMinutes(5))));
    Thread.sleep(3_000);
    assertThat(locks.memory(d.deviceId()).slots()).as("still on the lock until the new end").containsKey(backup);
    assertThat(code(backup)).isNotNull();
    clock.advance(Duration.ofDays(1));
    await("backup removed at the new end", () -> !locks.memory(d.deviceId()).slots().containsKey(backup) && code(backup) == null);
  }

  @Test
  void aCreateThatTurnsThePoolOnNeverFailsAfterTheCodeIsStored() {
    Device d = extraLock("yale_lock", 4);
    dev.keyrack.ports.JobQueue down = op -> { throw new IllegalStateException("queue unreachable"); };
    var pools = new dev.keyrack.app.BackupPools(store, down, dev.keyrack.ports.Scheduler.NONE, clock, 2);
    var service = new dev.keyrack.app.AccessCodeService(store, down, dev.keyrack.ports.Scheduler.NONE, pools, clock);
    Instant start = clock.instant().plus(Duration.ofDays(5));
    var created = service.create(env.ws, new dev.keyrack.app.CreateRequest(d.deviceId(), "Guest", null, start,
        start.plus(Duration.ofDays(1)), null, null, null, null, null, null, true));
    UUID id = created.accessCode().accessCodeId();
    assertThat(code(id)).isNotNull();
    assertThat(store.backupPoolEnabled(env.ws, d.deviceId())).as("turned on in the code's own write").isTrue();
    assertThat(readyBackups(d)).as("stored, waiting to be sent again").hasSize(2);
  }
}
