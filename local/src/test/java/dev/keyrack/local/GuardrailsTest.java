package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.domain.Device;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CONTRACT.md's guardrails at their deployed defaults (template.yaml): per device, 10 creates, 10
 * updates and 20 deletes a minute; over a limit the API answers 429 in the Seam envelope, writes
 * nothing, and takes the device's requests again the next minute. Another device is not held back.
 */
class GuardrailsTest {
  @RegisterExtension
  static final ClockedStack s = ClockedStack.of(Map.of());

  private static ClockedStack.Answer create(Device d, int i) throws Exception {
    return s.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest " + i + "\"}");
  }

  private static void assertTooMany(ClockedStack.Answer a) {
    assertThat(a.status()).as(a.body().toString()).isEqualTo(429);
    assertThat(a.body().path("ok").asBoolean(true)).isFalse();
    assertThat(a.body().at("/error/type").asText()).isEqualTo("too_many_requests");
    assertThat(a.body().at("/error/message").asText()).contains("per minute");
  }

  private static void awaitAllSet(List<String> ids) {
    TestStack.await("the codes set, nothing pending", Duration.ofSeconds(90), () -> ids.stream()
        .map(id -> s.code(java.util.UUID.fromString(id)))
        .allMatch(c -> c.status() == dev.keyrack.domain.CodeStatus.set && c.pendingMutations().isEmpty()));
  }

  @Test
  void theEleventhCreateOnADeviceInAMinuteIsRefusedAndWritesNothing() throws Exception {
    Device lock = s.lock("yale_lock"), other = s.lock("august_lock");
    s.clock.advance(Duration.ofMinutes(2)); // a minute of its own
    for (int i = 0; i < 10; i++) assertThat(create(lock, i).status()).isEqualTo(200);
    int stored = s.store.accessCodes(s.ws, lock.deviceId()).size();

    assertTooMany(create(lock, 10));
    assertThat(s.store.accessCodes(s.ws, lock.deviceId())).hasSize(stored);
    assertThat(create(other, 0).status()).as("another device").isEqualTo(200);

    s.clock.advance(Duration.ofSeconds(61));
    assertThat(create(lock, 11).status()).as("a minute later").isEqualTo(200);
  }

  @Test
  void updatesAndDeletesOfOneDevicesCodesAreLimitedPerMinute() throws Exception {
    Device lock = s.lock("schlage_lock");
    List<String> ids = new ArrayList<>();
    for (int minute = 0; minute < 3; minute++) { // 21 codes, at most 10 creates a minute
      s.clock.advance(Duration.ofSeconds(61));
      for (int i = 0; i < (minute < 2 ? 10 : 1); i++) {
        var a = create(lock, ids.size());
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        ids.add(a.body().at("/access_code/access_code_id").asText());
      }
    }
    awaitAllSet(ids); // (a worker storing a code between an update's read and write would make it a 409)
    s.clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 10; i++) {
      var a = s.call("/access_codes/update", "{\"access_code_id\":\"" + ids.get(i) + "\",\"name\":\"Renamed " + i + "\"}");
      assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    }
    assertTooMany(s.call("/access_codes/update", "{\"access_code_id\":\"" + ids.get(10) + "\",\"name\":\"Once more\"}"));
    assertThat(s.code(java.util.UUID.fromString(ids.get(10))).name()).as("the refused update changed nothing").isEqualTo("Guest 10");

    awaitAllSet(ids); // the renamed codes are programmed again
    for (int i = 0; i < 20; i++) {
      var a = s.call("/access_codes/delete", "{\"access_code_id\":\"" + ids.get(i) + "\"}");
      assertThat(a.status()).as("delete %d: %s", i, a.body()).isEqualTo(200);
    }
    assertTooMany(s.call("/access_codes/delete", "{\"access_code_id\":\"" + ids.get(20) + "\"}"));
    assertThat(s.code(java.util.UUID.fromString(ids.get(20)))).as("the refused delete changed nothing").isNotNull()
        .satisfies(c -> assertThat(c.status()).isNotEqualTo(dev.keyrack.domain.CodeStatus.removing));
    s.clock.advance(Duration.ofSeconds(61));
    assertThat(s.call("/access_codes/delete", "{\"access_code_id\":\"" + ids.get(20) + "\"}").status()).isEqualTo(200);
  }

  /** Only accepted changes use up the limit: updates refused as duplicates are taken back. */
  @Test
  void refusedUpdatesDoNotUseUpTheLimit() throws Exception {
    Device lock = s.lock("nuki_lock");
    s.clock.advance(Duration.ofSeconds(61));
    var a = s.call("/access_codes/create", "{\"device_id\":\"" + lock.deviceId() + "\",\"name\":\"Holder\",\"code\":\"345678\"}");
    var b = s.call("/access_codes/create", "{\"device_id\":\"" + lock.deviceId() + "\",\"name\":\"Other\",\"code\":\"456789\"}");
    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    assertThat(b.status()).as(b.body().toString()).isEqualTo(200);
    String other = b.body().at("/access_code/access_code_id").asText();
    s.clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 12; i++) {
      var refused = s.call("/access_codes/update", "{\"access_code_id\":\"" + other + "\",\"code\":\"345678\"}");
      assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
      assertThat(refused.body().at("/error/type").asText()).isEqualTo("duplicate_code_on_device");
    }
    for (int i = 0; i < 10; i++) {
      var renamed = s.call("/access_codes/update", "{\"access_code_id\":\"" + other + "\",\"name\":\"Renamed " + i + "\"}");
      assertThat(renamed.status()).as("accepted update %d after 12 refused: %s", i, renamed.body()).isEqualTo(200);
    }
    assertTooMany(s.call("/access_codes/update", "{\"access_code_id\":\"" + other + "\",\"name\":\"Eleventh\"}"));
  }
}
