package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.CodeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Invariant 5: a PIN never appears in a log line, and neither does an API key. */
class NoSecretsInLogsTest {

  @Test
  void aWholeLifecycleLogsNoPinAndNoKey() throws Exception {
    LocalStack stack = TestStack.get();
    String device = stack.devices().stream().filter(d -> d.deviceType().equals("schlage_lock")).findFirst().orElseThrow()
        .deviceId().toString();
    String pin = "8" + (1_000_000 + new java.util.Random().nextInt(8_000_000)); // 8 digits, distinctive
    String newPin = "7" + (1_000_000 + new java.util.Random().nextInt(8_000_000));
    JsonNode created = TestStack.post("/access_codes/create", TestStack.KEY_1,
        "{\"device_id\":\"" + device + "\",\"name\":\"Log check\",\"code\":\"" + pin + "\"}").body();
    UUID id = UUID.fromString(created.at("/access_code/access_code_id").asText());
    var store = stack.wiring("ApiFunction").store();
    UUID ws = stack.devices().get(0).workspaceId();
    TestStack.await("set", Duration.ofSeconds(20), () -> store.accessCode(ws, id).orElseThrow().status() == CodeStatus.set);
    TestStack.call("PATCH", "/access_codes/update", TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\",\"code\":\"" + newPin + "\"}");
    TestStack.await("re-set", Duration.ofSeconds(20), () -> store.accessCode(ws, id).orElseThrow().status() == CodeStatus.set);
    // refused input that carries a PIN-like value
    TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":\"" + device + "\",\"code\":\"" + pin + "x\"}");
    TestStack.post("/access_codes/create", "seam_wrong_key_" + pin, "{}");
    TestStack.post("/access_codes/delete", TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}");
    TestStack.await("deleted", Duration.ofSeconds(20), () -> store.accessCode(ws, id).isEmpty());

    Path log = Path.of("target/test-logs/keyrack.log");
    String text = Files.readString(log);
    assertThat(text).as("the lifecycle was logged at all").contains(id.toString());
    assertThat(text).doesNotContain(pin).doesNotContain(newPin)
        .doesNotContain(TestStack.KEY_1).doesNotContain(TestStack.KEY_2);
  }
}
