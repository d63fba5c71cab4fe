package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.Device;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lock's slots are taken by the codes on it at once, not by every code it will ever hold: a
 * SmartThings lock (27 usable slots, programmed an hour ahead) takes a season of one-night stays,
 * and refuses only a code that would be on it while 27 others are (a user-level review found every
 * future stay counted against the limit, so a rental lock refused its 28th booking while empty).
 */
class SlotWindowsTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of("DeviceCreatesPerMinute", "1000", "DeviceUpdatesPerMinute", "1000"));

  private static ClockedStack.Answer create(Device d, String pin, Instant start, Instant end) throws Exception {
    String window = start == null ? "" : ",\"starts_at\":\"" + start + "\",\"ends_at\":\"" + end + "\"";
    return env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Stay " + pin + "\",\"code\":\""
        + pin + "\"" + window + "}");
  }

  private static UUID created(ClockedStack.Answer a) {
    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    return UUID.fromString(a.body().at("/access_code/access_code_id").asText());
  }

  private static Instant day(int n) {
    return env.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(n)).plus(Duration.ofHours(15));
  }

  @Test
  void futureStaysTakeASlotOnlyWhileTheyAreOnTheLock() throws Exception {
    Device lock = env.freshLock("smartthings_lock");
    for (int n = 0; n < 27; n++) created(create(lock, String.valueOf(40000 + n), day(2 * n + 2), day(2 * n + 3)));
    assertThat(env.locks.memory(lock.deviceId()).slots()).as("none is due yet").isEmpty();
    created(create(lock, "50001", day(58), day(59)));
    created(create(lock, "50002", day(4), day(6)));

    // 27 guests at once: the 28th is refused for that stay, and a night after it is not
    for (int n = 0; n < 27; n++) created(create(lock, String.valueOf(60000 + n), day(100), day(101)));
    ClockedStack.Answer full = create(lock, "70000", day(100).plus(Duration.ofHours(3)), day(102));
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.body().at("/error/type").asText()).isEqualTo("no_space_for_access_code_on_device");
    assertThat(full.body().at("/error/message").asText()).contains("27").doesNotContain("70000");
    UUID after = created(create(lock, "70001", day(102), day(103)));
    ClockedStack.Answer ongoing = create(lock, "70002", null, null);
    assertThat(ongoing.status()).as("an ongoing code would be on the lock on day 100 too").isEqualTo(409);

    // One of the 27 moves to another night: its claim says so, and the stay it freed can be booked.
    JsonNode list = env.call("/access_codes/list", "{\"device_id\":\"" + lock.deviceId() + "\"}").body();
    String moved = null;
    for (JsonNode c : list.path("access_codes")) {
      if (c.path("code").asText().equals("60000")) moved = c.path("access_code_id").asText();
    }
    assertThat(moved).isNotNull();
    ClockedStack.Answer update = env.call("/access_codes/update", "{\"access_code_id\":\"" + moved + "\",\"starts_at\":\""
        + day(120) + "\",\"ends_at\":\"" + day(121) + "\"}");
    assertThat(update.status()).as(update.body().toString()).isEqualTo(200);
    created(create(lock, "70003", day(100).plus(Duration.ofHours(3)), day(102)));
    assertThat(create(lock, "70004", day(100), day(101)).status()).as("full again").isEqualTo(409);
    assertThat(env.code(after)).isNotNull();
    assertThat(env.locks.memory(lock.deviceId()).slots()).isEmpty();
  }

  @Test
  void ongoingCodesTakeTheirSlotsForGood() throws Exception {
    Device lock = env.freshLock("smartthings_lock");
    for (int n = 0; n < 27; n++) created(create(lock, String.valueOf(80000 + n), null, null));
    ClockedStack.Answer stay = create(lock, "90000", day(30), day(31));
    assertThat(stay.status()).isEqualTo(409);
    assertThat(stay.body().at("/error/type").asText()).isEqualTo("no_space_for_access_code_on_device");
  }

  @Test
  void aBackupPoolFillsALockBookedAheadButEmptyNow() throws Exception {
    Device lock = env.freshLock("schlage_lock"); // 100 slots, codes programmed 72 h ahead, a backup pool
    assertThat(lock.profile().backupPool()).isTrue();
    int usable = lock.profile().usableSlots();
    // A season of stays five days apart: as many codes as the lock has slots, never more than one on it at once.
    for (int n = 0; n < usable - 1; n++) created(create(lock, String.valueOf(30000 + n), day(5 * n + 5), day(5 * n + 6)));
    UUID pooled = created(env.call("/access_codes/create", "{\"device_id\":\"" + lock.deviceId()
        + "\",\"name\":\"Pooled stay\",\"code\":\"39999\",\"starts_at\":\"" + day(5 * usable + 5) + "\",\"ends_at\":\""
        + day(5 * usable + 6) + "\",\"use_backup_access_code_pool\":true}"));
    TestStack.await("the pool is on the lock", Duration.ofSeconds(45), () -> {
      try {
        return env.call("/access_codes/get", "{\"access_code_id\":\"" + pooled + "\"}").body()
            .at("/access_code/is_backup_access_code_available").asBoolean();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    TestStack.eventually(() -> assertThat(env.locks.memory(lock.deviceId()).slots()).as("the pool's backups, and no stay yet")
        .hasSize(3));
  }
}
