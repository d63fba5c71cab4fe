package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code access_codes/report_device_constraints} through the local API: reported lengths narrow
 * what a lock takes (codes created, updated and generated keep to them; the device shows them);
 * lengths its brand does not take are left out, and bad reports are 400s that change nothing.
 */
class DeviceConstraintsTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of());

  static ClockedStack.Answer report(Device d, String fields) throws Exception {
    return env.call("/access_codes/report_device_constraints", "{\"device_id\":\"" + d.deviceId() + "\"" + fields + "}");
  }

  static List<Integer> shownLengths(Device d) throws Exception {
    List<Integer> out = new ArrayList<>();
    env.call("/devices/get", "{\"device_id\":\"" + d.deviceId() + "\"}").body().at("/device/properties/supported_code_lengths")
        .forEach(n -> out.add(n.asInt()));
    return out;
  }

  static ClockedStack.Answer create(Device d, String fields) throws Exception {
    return env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest\"" + fields + "}");
  }

  @Test
  void reportedLengthsNarrowWhatTheLockTakes() throws Exception {
    Device d = env.freshLock("august_lock"), other = env.freshLock("august_lock");
    assertThat(shownLengths(d)).containsExactly(4, 5, 6, 7, 8);
    ClockedStack.Answer ok = report(d, ",\"supported_code_lengths\":[6,8,20]");
    assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
    assertThat(ok.body().path("ok").asBoolean()).isTrue();
    assertThat(shownLengths(d)).as("20 is not an August length: left out").containsExactly(6, 8);
    assertThat(shownLengths(other)).as("another lock of the brand keeps its lengths").containsExactly(4, 5, 6, 7, 8);

    ClockedStack.Answer tooShort = create(d, ",\"code\":\"1234\"");
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(tooShort.body().at("/error/message").asText()).contains("6 or 8 digits").doesNotContain("1234");
    assertThat(create(other, ",\"code\":\"1234\"").status()).isEqualTo(200);
    JsonNode generated = create(d, "").body().path("access_code");
    assertThat(generated.path("code").asText()).hasSize(6);
    assertThat(create(d, ",\"preferred_code_length\":8").body().at("/access_code/code").asText()).hasSize(8);
    assertThat(create(d, ",\"code\":\"97531864\"").status()).isEqualTo(200);
    ClockedStack.Answer update = env.call("/access_codes/update", "{\"access_code_id\":\""
        + generated.path("access_code_id").asText() + "\",\"code\":\"97531\"}");
    assertThat(update.status()).as("an update keeps to them too").isEqualTo(400);
    assertThat(env.call("/access_codes/generate_code", "{\"device_id\":\"" + d.deviceId() + "\"}").body()
        .at("/generated_code/code").asText()).hasSize(6);

    assertThat(env.call("/devices/update", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Renamed\"}").status()).isEqualTo(200);
    assertThat(shownLengths(d)).as("a rename keeps them").containsExactly(6, 8);

    assertThat(report(d, ",\"min_code_length\":5").status()).isEqualTo(200);
    assertThat(shownLengths(d)).as("a new report replaces the last; min alone runs to the brand's longest")
        .containsExactly(5, 6, 7, 8);
    assertThat(report(d, ",\"min_code_length\":4,\"max_code_length\":4").status()).isEqualTo(200);
    assertThat(shownLengths(d)).containsExactly(4);
  }

  /**
   * A code on the lock before a report keeps working: renamed (set again with its PIN), it is set,
   * not refused; and the lock's other changes (going offline and back) keep the reported lengths.
   */
  @Test
  void codesOnTheLockBeforeAReportStayAndOtherChangesKeepIt() throws Exception {
    Device d = env.freshLock("august_lock");
    String id = create(d, ",\"code\":\"4826\"").body().at("/access_code/access_code_id").asText();
    TestStack.await("set", java.time.Duration.ofSeconds(20), () -> env.code(java.util.UUID.fromString(id)).status()
        == dev.keyrack.domain.CodeStatus.set);
    assertThat(report(d, ",\"supported_code_lengths\":[6,8]").status()).isEqualTo(200);
    assertThat(env.call("/access_codes/update", "{\"access_code_id\":\"" + id + "\",\"name\":\"Guest, renamed\"}").status())
        .isEqualTo(200);
    TestStack.await("set again under its new name", java.time.Duration.ofSeconds(20), () -> {
      var c = env.code(java.util.UUID.fromString(id));
      return c.status() == dev.keyrack.domain.CodeStatus.set && c.name().equals("Guest, renamed");
    });
    assertThat(env.code(java.util.UUID.fromString(id)).errors()).isEmpty();
    assertThat(env.locks.memory(d.deviceId()).slots().get(java.util.UUID.fromString(id)).pin()).isEqualTo("4826");

    for (String path : new String[] {"/devices/simulate/disconnect", "/devices/simulate/connect"}) {
      assertThat(env.call(path, "{\"device_id\":\"" + d.deviceId() + "\"}").status()).isEqualTo(200);
      assertThat(shownLengths(d)).as(path).containsExactly(6, 8);
    }
  }

  @Test
  void badReportsAre400sThatChangeNothing() throws Exception {
    Device d = env.freshLock("nuki_lock"); // Nuki locks take 6 digits only
    for (String fields : new String[] {"", ",\"supported_code_lengths\":[6],\"min_code_length\":6",
        ",\"supported_code_lengths\":[]", ",\"supported_code_lengths\":[3]", ",\"supported_code_lengths\":[21]",
        ",\"supported_code_lengths\":\"6\"", ",\"supported_code_lengths\":[6.5]", ",\"min_code_length\":8,\"max_code_length\":6",
        ",\"supported_code_lengths\":[4,5]", ",\"max_code_length\":5", ",\"supported_code_lengths\":[6],\"extra\":1"}) {
      ClockedStack.Answer r = report(d, fields);
      assertThat(r.status()).as(fields + " -> " + r.body()).isEqualTo(400);
      assertThat(r.body().at("/error/type").asText()).as(fields).isNotBlank();
    }
    assertThat(report(d, ",\"supported_code_lengths\":[4,5]").body().at("/error/message").asText())
        .contains("Nuki locks take (6 digits)");
    assertThat(shownLengths(d)).containsExactly(6);
    assertThat(env.call("/access_codes/report_device_constraints",
        "{\"device_id\":\"6f1c2b5e-0000-4000-8000-000000000000\",\"supported_code_lengths\":[6]}").status()).isEqualTo(404);
    Device theirs = Seeder.seedExtraLocks(env.store, "sandbox-workspace-2", "nuki_lock", 1, env.clock.instant()).get(0);
    assertThat(report(theirs, ",\"supported_code_lengths\":[6]").status()).as("another workspace's lock").isEqualTo(404);
    assertThat(env.store.device(theirs.workspaceId(), theirs.deviceId()).orElseThrow().reportedCodeLengths()).isNull();
  }
}
