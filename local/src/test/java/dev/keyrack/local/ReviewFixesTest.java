package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.Device;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parameters the Seam contract allows that Keyrack had refused or ignored: whole numbers written
 * as floats, {@code unstable_offset} on events/list, and {@code attempt_for_offline_device: false}.
 */
class ReviewFixesTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of());

  @Test
  void wholeNumbersWrittenAsFloatsAreWholeNumbers() throws Exception {
    Device d = env.freshLock("august_lock");
    ClockedStack.Answer made = env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId()
        + "\",\"name\":\"Float\",\"preferred_code_length\":6.0}");
    assertThat(made.status()).isEqualTo(200);
    assertThat(made.body().at("/access_code/code").asText()).hasSize(6);
    assertThat(env.call("/access_codes/list", "{\"device_id\":\"" + d.deviceId() + "\",\"limit\":1e2}").status()).isEqualTo(200);
    ClockedStack.Answer fraction = env.call("/access_codes/list", "{\"limit\":2.5}");
    assertThat(fraction.status()).isEqualTo(400);
    assertThat(fraction.body().at("/error/message").asText()).contains("whole number");
    ClockedStack.Answer huge = env.call("/access_codes/list", "{\"limit\":1e20}");
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.body().at("/error/message").asText()).contains("between");
  }

  @Test
  void unstableOffsetSkipsThatManyEvents() throws Exception {
    Device d = env.freshLock("yale_lock");
    Instant since = env.clock.instant().minusSeconds(1);
    for (int i = 0; i < 4; i++) {
      assertThat(env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Offset " + i + "\"}").status())
          .isEqualTo(200);
    }
    String filter = "\"device_id\":\"" + d.deviceId() + "\",\"event_type\":\"access_code.created\",\"since\":\"" + since + "\"";
    List<String> all = ids(env.call("/events/list", "{" + filter + "}").body());
    assertThat(all).hasSize(4);
    assertThat(ids(env.call("/events/list", "{" + filter + ",\"unstable_offset\":1,\"limit\":2}").body()))
        .containsExactlyElementsOf(all.subList(1, 3));
    assertThat(ids(env.call("/events/list", "{" + filter + ",\"unstable_offset\":4}").body())).isEmpty();
    assertThat(env.call("/events/list", "{" + filter + ",\"unstable_offset\":-1}").status()).isEqualTo(400);
  }

  static List<String> ids(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.path("events").forEach(e -> out.add(e.path("event_id").asText()));
    return out;
  }

  @Test
  void attemptForOfflineDeviceFalseRefusesAnOfflineDevice() throws Exception {
    Device d = env.freshLock("kwikset_lock"), online = env.freshLock("kwikset_lock");
    assertThat(env.call("/devices/simulate/disconnect", "{\"device_id\":\"" + d.deviceId() + "\"}").status()).isEqualTo(200);
    ClockedStack.Answer refused = env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId()
        + "\",\"name\":\"Guest\",\"attempt_for_offline_device\":false}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().at("/error/type").asText()).isEqualTo("device_offline");
    ClockedStack.Answer both = env.call("/access_codes/create_multiple", "{\"device_ids\":[\"" + online.deviceId() + "\",\""
        + d.deviceId() + "\"],\"attempt_for_offline_device\":false}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(env.store.accessCodes(env.ws, d.deviceId())).as("nothing stored").isEmpty();
    assertThat(env.store.accessCodes(env.ws, online.deviceId())).isEmpty();
    assertThat(env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest\"}").status())
        .as("by default the code waits for the device").isEqualTo(200);
    assertThat(env.call("/access_codes/create", "{\"device_id\":\"" + online.deviceId()
        + "\",\"name\":\"Guest\",\"attempt_for_offline_device\":false}").status()).isEqualTo(200);
  }
}
