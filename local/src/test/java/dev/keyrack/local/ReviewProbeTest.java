package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.app.ApiError;
import dev.keyrack.app.UpdateRequest;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an independent review of this change found, each fixed: a delete retried after a 503 retires
 * the pulled backup too; a refused devices/update changes nothing; a refused code moved to a later
 * start loses its refusal (its set at the new moment is a new try).
 */
class ReviewProbeTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of());

  /** devices/update: a rename given with a pool the brand cannot have answers 400 and renames nothing. */
  @Test
  void aRefusedPoolRequestDoesNotRenameTheLock() throws Exception {
    Device wyze = env.freshLock("wyze_lock");
    String before = env.store.device(env.ws, wyze.deviceId()).orElseThrow().displayName();
    ClockedStack.Answer a = env.call("/devices/update", "{\"device_id\":\"" + wyze.deviceId()
        + "\",\"name\":\"Renamed though refused\",\"backup_access_code_pool_enabled\":true}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(env.store.device(env.ws, wyze.deviceId()).orElseThrow().displayName()).as("a 400 changes nothing")
        .isEqualTo(before);
  }

  static AccessCode stored(Device d, String pin, CodeStatus status, boolean onLock, Instant start, Instant end,
                           AccessCode.BackupRole role, UUID pulled, List<Notice> errors) {
    Instant now = env.clock.instant();
    AccessCode c = new AccessCode(UUID.randomUUID(), env.ws, d.deviceId(), "Probe", pin, null,
        start == null ? CodeType.ongoing : CodeType.time_bound, status, start, end, now, errors, List.of(),
        List.of(PendingMutation.of("creating", "x", now)), false, false, false, false, true, onLock, 1, role, pulled);
    env.store.create(c, List.of());
    return c;
  }

  /** A delete whose send fails (503), retried by the client as told: the pulled backup is retired all the same. */
  @Test
  void aDeleteRetriedAfterA503RetiresThePulledBackup() {
    Device d = env.freshLock("schlage_lock");
    AwsWiring wiring = env.stack.wiring("ApiFunction");
    LostSendTest.FlakyQueue queue = new LostSendTest.FlakyQueue();
    AccessCodeService service = new AccessCodeService(wiring.store(), queue, wiring.scheduler(), wiring.backupPools(), env.clock);
    Instant now = env.clock.instant();
    AccessCode backup = stored(d, "483920", CodeStatus.set, true, now.minusSeconds(60), now.plus(Duration.ofHours(3)),
        AccessCode.BackupRole.PULLED, null, List.of());
    AccessCode code = stored(d, "592817", CodeStatus.set, true, now.minusSeconds(60), now.plus(Duration.ofHours(3)),
        null, backup.accessCodeId(), List.of());

    assertThatThrownBy(() -> service.delete(env.ws, code.accessCodeId()))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(503));
    queue.down = false;
    service.delete(env.ws, code.accessCodeId()); // the retry the 503 asks for
    AccessCode b = env.code(backup.accessCodeId());
    assertThat(b == null || b.status() == CodeStatus.removing).as("backup " + b).isTrue();
  }

  /**
   * A code refused for want of a slot, moved out of its lead time: the refusal goes with the set's
   * other notices (nothing retries it now), so a refusal at its new moment is reported anew.
   */
  @Test
  void aRefusedCodeMovedLaterLosesItsRefusal() {
    Device d = env.freshLock("schlage_lock");
    AwsWiring wiring = env.stack.wiring("ApiFunction");
    LostSendTest.FlakyQueue queue = new LostSendTest.FlakyQueue();
    queue.down = false;
    AccessCodeService service = new AccessCodeService(wiring.store(), queue, wiring.scheduler(), wiring.backupPools(), env.clock);
    Instant now = env.clock.instant();
    AccessCode code = stored(d, "729183", CodeStatus.setting, false, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(3)),
        null, null, List.of(new Notice("no_space_for_access_code_on_device", "full", now)));
    Instant later = now.plus(Duration.ofDays(5));
    service.update(env.ws, new UpdateRequest(code.accessCodeId(), null, null, later, later.plus(Duration.ofHours(2)), null, null,
        null));
    AccessCode moved = env.code(code.accessCodeId());
    assertThat(moved.status()).isEqualTo(CodeStatus.unset);
    assertThat(moved.errors()).extracting(Notice::code).as("nothing retries the set until the new moment")
        .doesNotContain("no_space_for_access_code_on_device");
  }
}
