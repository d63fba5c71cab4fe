package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code access_codes/create_multiple} and {@code update_multiple} through the local API: one PIN on
 * several locks of different brands, linked by a common_code_key; a lock that cannot take the PIN
 * either fails the whole request (nothing stored) or gets a PIN of its own; bad input stores
 * nothing; one change reaches every code of the key, or, refused for one, none.
 */
class LinkedCodesTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of());

  static JsonNode ok(String path, String body) throws Exception {
    ClockedStack.Answer a = env.call(path, body);
    assertThat(a.status()).as(path + " " + body + " -> " + a.body()).isEqualTo(200);
    return a.body();
  }

  static String ids(Device... devices) {
    List<String> quoted = new ArrayList<>();
    for (Device d : devices) quoted.add("\"" + d.deviceId() + "\"");
    return "[" + String.join(",", quoted) + "]";
  }

  static int codesOn(Device d) throws Exception {
    return ok("/access_codes/list", "{\"device_id\":\"" + d.deviceId() + "\"}").path("access_codes").size();
  }

  static List<AccessCode> created(JsonNode body) {
    List<AccessCode> out = new ArrayList<>();
    body.path("access_codes").forEach(c -> out.add(env.code(UUID.fromString(c.path("access_code_id").asText()))));
    return out;
  }

  static void awaitSet(List<AccessCode> codes) {
    TestStack.await("the linked codes set", Duration.ofSeconds(30), () -> codes.stream()
        .allMatch(c -> env.code(c.accessCodeId()).status() == CodeStatus.set));
  }

  @Test
  void onePinIsSetOnLocksOfDifferentBrandsUnderOneKey() throws Exception {
    Device august = env.freshLock("august_lock"), nuki = env.freshLock("nuki_lock"), lockly = env.freshLock("lockly_lock");
    JsonNode body = ok("/access_codes/create_multiple", "{\"device_ids\":" + ids(august, nuki, lockly)
        + ",\"name\":\"Flat 4\"}");
    List<AccessCode> codes = created(body);
    assertThat(codes).hasSize(3).extracting(AccessCode::deviceId)
        .containsExactly(august.deviceId(), nuki.deviceId(), lockly.deviceId());
    String pin = codes.get(0).code();
    assertThat(pin).as("a length all three take (Nuki: 6 digits, no zero)").hasSize(6).doesNotContain("0")
        .doesNotStartWith("12");
    assertThat(codes).allSatisfy(c -> {
      assertThat(c.code()).isEqualTo(pin);
      assertThat(c.commonCodeKey()).startsWith("auto_set_by_create_multiple_").isEqualTo(codes.get(0).commonCodeKey());
      assertThat(c.name()).isEqualTo("Flat 4");
    });
    body.path("access_codes").forEach(c -> assertThat(c.path("common_code_key").asText()).isEqualTo(codes.get(0).commonCodeKey()));
    awaitSet(codes);
    for (AccessCode c : codes) assertThat(env.locks.memory(c.deviceId()).slots()).containsKey(c.accessCodeId());
  }

  @Test
  void aPinOneLockHoldsAlreadyFailsTheWholeRequestOrThatLockGetsItsOwn() throws Exception {
    Device a = env.freshLock("schlage_lock"), b = env.freshLock("yale_lock");
    ok("/access_codes/create", "{\"device_id\":\"" + b.deviceId() + "\",\"name\":\"Resident\",\"code\":\"482915\"}");

    ClockedStack.Answer refused = env.call("/access_codes/create_multiple", "{\"device_ids\":" + ids(a, b)
        + ",\"code\":\"482915\"}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().at("/error/type").asText()).isEqualTo("code_cannot_be_shared");
    assertThat(refused.body().at("/error/message").asText()).contains(b.deviceId().toString()).doesNotContain("482915");
    assertThat(codesOn(a)).as("nothing stored").isZero();
    assertThat(codesOn(b)).isEqualTo(1);

    List<AccessCode> codes = created(ok("/access_codes/create_multiple", "{\"device_ids\":" + ids(a, b)
        + ",\"code\":\"482915\",\"behavior_when_code_cannot_be_shared\":\"create_random_code\"}"));
    assertThat(codes).hasSize(2);
    assertThat(codes.get(0).code()).isEqualTo("482915");
    assertThat(codes.get(1).code()).as("a PIN of its own").isNotEqualTo("482915").isNotNull();
    assertThat(codes.get(1).commonCodeKey()).isEqualTo(codes.get(0).commonCodeKey());
    awaitSet(codes);
  }

  @Test
  void aLockThatMakesItsOwnPinsCannotShareOne() throws Exception {
    Device august = env.freshLock("august_lock"), salto = env.freshLock("salto_lock");
    ClockedStack.Answer refused = env.call("/access_codes/create_multiple", "{\"device_ids\":" + ids(august, salto) + "}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().at("/error/type").asText()).isEqualTo("code_cannot_be_shared");
    assertThat(codesOn(august) + codesOn(salto)).isZero();

    List<AccessCode> codes = created(ok("/access_codes/create_multiple", "{\"device_ids\":" + ids(august, salto)
        + ",\"behavior_when_code_cannot_be_shared\":\"create_random_code\"}"));
    assertThat(codes).hasSize(2);
    assertThat(codes.get(0).code()).isNotNull();
    assertThat(codes.get(1).commonCodeKey()).isEqualTo(codes.get(0).commonCodeKey());
  }

  @Test
  void locksThatAllMakeTheirOwnPinsAreRefusedForThatReasonAndOneAloneIsCreated() throws Exception {
    Device salto = env.freshLock("salto_lock"), dormakaba = env.freshLock("dormakaba_oracode_door");
    ClockedStack.Answer refused = env.call("/access_codes/create_multiple", "{\"device_ids\":" + ids(salto, dormakaba) + "}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().at("/error/type").asText()).isEqualTo("code_cannot_be_shared");
    assertThat(refused.body().at("/error/message").asText()).contains("makes its own PINs").doesNotContain("length in common");
    assertThat(codesOn(salto) + codesOn(dormakaba)).isZero();

    List<AccessCode> own = created(ok("/access_codes/create_multiple", "{\"device_ids\":" + ids(salto, dormakaba)
        + ",\"behavior_when_code_cannot_be_shared\":\"create_random_code\"}"));
    assertThat(own).hasSize(2).allSatisfy(c -> assertThat(c.commonCodeKey()).isEqualTo(own.get(0).commonCodeKey()));
    awaitSet(own);

    Device another = env.freshLock("salto_lock");
    List<AccessCode> alone = created(ok("/access_codes/create_multiple", "{\"device_ids\":" + ids(another) + "}"));
    assertThat(alone).as("nothing to share with: the lock makes its PIN").singleElement()
        .satisfies(c -> assertThat(c.deviceId()).isEqualTo(another.deviceId()));
    awaitSet(alone);
    assertThat(env.call("/access_codes/create_multiple", "{\"device_ids\":" + ids(another) + ",\"code\":\"482916\"}").status())
        .as("a code given to a lock that makes its own is refused, as on a single create").isEqualTo(400);
  }

  @Test
  void badInputForAnyLockStoresNothing() throws Exception {
    Device august = env.freshLock("august_lock"), kwikset = env.freshLock("kwikset_lock");
    Instant end = env.clock.instant().plus(Duration.ofDays(2));
    // Kwikset needs starts_at on a time-bound code
    ClockedStack.Answer noStart = env.call("/access_codes/create_multiple", "{\"device_ids\":" + ids(august, kwikset)
        + ",\"ends_at\":\"" + end + "\"}");
    assertThat(noStart.status()).isEqualTo(400);
    assertThat(noStart.body().at("/error/message").asText()).contains(kwikset.deviceId().toString());
    ClockedStack.Answer unknown = env.call("/access_codes/create_multiple", "{\"device_ids\":[\"" + august.deviceId()
        + "\",\"" + UUID.randomUUID() + "\"]}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(env.call("/access_codes/create_multiple", "{\"device_ids\":" + ids(august, august) + "}").status()).isEqualTo(400);
    assertThat(env.call("/access_codes/create_multiple", "{\"device_ids\":[]}").status()).isEqualTo(400);
    assertThat(env.call("/access_codes/create_multiple", "{}").status()).isEqualTo(400);
    assertThat(env.call("/access_codes/create_multiple", "{\"device_ids\":" + ids(august)
        + ",\"behavior_when_code_cannot_be_shared\":\"sometimes\"}").status()).isEqualTo(400);
    ClockedStack.Answer blankKey = env.call("/access_codes/create", "{\"device_id\":\"" + august.deviceId()
        + "\",\"code\":\"482917\",\"common_code_key\":\" \"}");
    assertThat(blankKey.status()).isEqualTo(400);
    assertThat(blankKey.body().at("/error/message").asText()).contains("common_code_key");
    assertThat(codesOn(august) + codesOn(kwikset)).isZero();
  }

  @Test
  void updateMultipleChangesEveryCodeOfTheKeyOrNone() throws Exception {
    Device a = env.freshLock("august_lock"), b = env.freshLock("yale_lock"), c = env.freshLock("schlage_lock");
    Instant start = env.clock.instant().plus(Duration.ofDays(5)), end = start.plus(Duration.ofDays(2));
    List<AccessCode> linked = created(ok("/access_codes/create_multiple", "{\"device_ids\":" + ids(a, b) + ",\"name\":\"Stay\","
        + "\"starts_at\":\"" + start + "\",\"ends_at\":\"" + end + "\"}"));
    String key = linked.get(0).commonCodeKey();
    // a code created on its own with the same key joins the group
    JsonNode joined = ok("/access_codes/create", "{\"device_id\":\"" + c.deviceId() + "\",\"name\":\"Stay\",\"starts_at\":\""
        + start + "\",\"ends_at\":\"" + end + "\",\"common_code_key\":\"" + key + "\"}");
    UUID joinedId = UUID.fromString(joined.at("/access_code/access_code_id").asText());

    ClockedStack.Answer bad = env.call("/access_codes/update_multiple", "{\"common_code_key\":\"" + key + "\",\"ends_at\":\""
        + start.minusSeconds(60) + "\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(env.code(linked.get(0).accessCodeId()).endsAt()).as("none changed").isEqualTo(end);

    Instant later = end.plus(Duration.ofDays(1));
    ok("/access_codes/update_multiple", "{\"common_code_key\":\"" + key + "\",\"name\":\"Longer stay\",\"ends_at\":\"" + later + "\"}");
    for (UUID id : List.of(linked.get(0).accessCodeId(), linked.get(1).accessCodeId(), joinedId)) {
      AccessCode now = env.code(id);
      assertThat(now.name()).isEqualTo("Longer stay");
      assertThat(now.endsAt()).isEqualTo(later);
      assertThat(now.startsAt()).isEqualTo(start);
    }
    // a deleted code leaves its group: a key reused booking after booking holds its live codes only
    ok("/access_codes/delete", "{\"access_code_id\":\"" + joinedId + "\"}");
    TestStack.await("the deleted code out of its group", Duration.ofSeconds(20), () -> env.code(joinedId) == null
        && !env.store.group(env.ws, key).contains(joinedId));
    assertThat(env.store.group(env.ws, key)).containsExactlyInAnyOrder(linked.get(0).accessCodeId(), linked.get(1).accessCodeId());
    assertThat(env.call("/access_codes/update_multiple", "{\"common_code_key\":\"no such key\",\"name\":\"x\"}").status())
        .isEqualTo(404);
    assertThat(env.call("/access_codes/update_multiple", "{\"name\":\"x\"}").status()).isEqualTo(400);
  }
}
