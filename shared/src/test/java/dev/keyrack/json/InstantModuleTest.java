package dev.keyrack.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Keyrack's mapper writes and reads instants exactly as it did with jackson-datatype-jsr310's JavaTimeModule. */
class InstantModuleTest {
  /** The mapper as it was configured before InstantModule. */
  static final ObjectMapper BEFORE = JsonMapper.builder().addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .build();

  record Holder(Instant at, List<Instant> list, Map<String, Instant> map) {}

  @Test
  void writesAsJavaTimeModuleDid() throws Exception {
    for (Instant i : List.of(Instant.EPOCH, Instant.parse("2026-12-01T07:02:16Z"), Instant.parse("2026-12-01T07:02:16.263Z"),
        Instant.parse("2026-12-01T07:02:16.263451Z"), Instant.parse("2026-12-01T07:02:16.263451789Z"), Instant.now(),
        Instant.parse("1969-12-31T23:59:59.999Z"))) {
      Holder h = new Holder(i, List.of(i), Map.of("k", i));
      assertThat(Json.write(h)).isEqualTo(BEFORE.writeValueAsString(h));
      assertThat(Json.read(BEFORE.writeValueAsString(h), Holder.class)).isEqualTo(h);
    }
  }

  @Test
  void aStoredAccessCodeReadsAndWritesTheSame() throws Exception {
    AccessCode code = new AccessCode(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "Front door", "4821", null,
        CodeType.time_bound, CodeStatus.setting, Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-02T10:00:00.5Z"),
        Instant.now(), List.of(), List.of(), List.of(), false, false, false, false, true, false, 3);
    String before = BEFORE.writeValueAsString(code);
    assertThat(Json.write(code)).isEqualTo(before);
    assertThat(Json.read(before, AccessCode.class)).isEqualTo(BEFORE.readValue(before, AccessCode.class));
  }

  @Test
  void readsWhatJavaTimeModuleRead() throws Exception {
    for (String json : List.of("\"2026-12-01T07:02:16.263Z\"", "\"2026-12-01T09:02:16.263+02:00\"", "\"2026-12-01T07:02:16Z\"",
        "1796108536", "1796108536.263000000", "-1.5", "null")) {
      String doc = "{\"at\":" + json + "}";
      assertThat(Json.read(doc, Holder.class)).as(doc).isEqualTo(BEFORE.readValue(doc, Holder.class));
    }
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(() -> Json.read("{\"at\":\"yesterday\"}", Holder.class)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> Json.read("{\"at\":true}", Holder.class)).isInstanceOf(RuntimeException.class);
  }
}
