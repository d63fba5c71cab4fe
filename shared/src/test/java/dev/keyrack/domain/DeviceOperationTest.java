package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.json.Json;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeviceOperationTest {
  private static final DeviceOperation OP = new DeviceOperation(DeviceOperation.Kind.REMOVE, UUID.randomUUID(),
      UUID.randomUUID(), UUID.randomUUID(), 7);

  @Test
  void aFreshCopyCarriesTheAttemptsSoFarAndIsTheSameOperation() {
    DeviceOperation copy = OP.withFailedBefore(100);
    assertThat(copy.failedBefore()).isEqualTo(100);
    assertThat(copy.deduplicationId()).isEqualTo(OP.deduplicationId());
    assertThat(Json.read(Json.write(copy), DeviceOperation.class)).isEqualTo(copy);
  }

  @Test
  void aMessageFromBeforeTheCountWasCarriedReadsAsAFirstMessage() {
    String old = "{\"kind\":\"REMOVE\",\"workspaceId\":\"" + OP.workspaceId() + "\",\"deviceId\":\"" + OP.deviceId()
        + "\",\"accessCodeId\":\"" + OP.accessCodeId() + "\",\"codeVersion\":7}";
    assertThat(Json.read(old, DeviceOperation.class)).isEqualTo(OP);
    assertThat(OP.failedBefore()).isZero();
  }
}
