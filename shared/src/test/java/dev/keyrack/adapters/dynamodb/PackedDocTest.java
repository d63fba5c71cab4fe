package dev.keyrack.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class PackedDocTest {
  @Property(tries = 300)
  void anyTextRoundTrips(@ForAll String text) {
    assertThat(PackedDoc.unpack(PackedDoc.pack(text))).isEqualTo(text);
  }

  @Test
  void aCodesDocumentPacksToAQuarterOfItsSize() {
    Instant now = Instant.parse("2026-12-01T10:00:00.123Z");
    AccessCode c = new AccessCode(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "Guest stay", "123456", null,
        CodeType.time_bound, CodeStatus.set, now.plusSeconds(3600), now.plusSeconds(86_400), now, List.of(), List.of(),
        List.of(PendingMutation.of("creating", "Keyrack is setting the access code on the device.", now)), true, false, false,
        false, true, false, 3);
    String json = Json.write(c);
    AttributeValue packed = PackedDoc.pack(json);
    assertThat(packed.b().asByteArray().length).as("packed bytes of a %d-byte document", json.length())
        .isLessThan(json.length() / 3);
    assertThat(Json.read(PackedDoc.unpack(packed), AccessCode.class)).isEqualTo(c);
  }

  @Test
  void aStringIsReadAsPlainJsonAndAnUnknownVersionIsRefused() {
    assertThat(PackedDoc.unpack(AttributeValue.fromS("{\"a\":1}"))).isEqualTo("{\"a\":1}");
    assertThatThrownBy(() -> PackedDoc.unpack(AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {9, 1, 2}))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("version");
    // A damaged document never reads back as the original: it fails, or reads as something else.
    String original = "{\"name\":\"" + "abcdefghij".repeat(40) + "\"}";
    byte[] packed = PackedDoc.pack(original).b().asByteArray();
    byte[] truncated = java.util.Arrays.copyOf(packed, packed.length / 2);
    String read;
    try {
      read = PackedDoc.unpack(AttributeValue.fromB(SdkBytes.fromByteArray(truncated)));
    } catch (IllegalStateException e) {
      read = null;
    }
    assertThat(read).isNotEqualTo(original);
  }
}
