package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.ports.Store;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The times in a pending mutation's {@code from} and {@code to} are ISO 8601 UTC with milliseconds,
 * as every other time the API answers, also after the code went through the store (which keeps
 * them as text without zero milliseconds).
 */
class PendingMutationTimesTest {
  static final String WITH_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  @Test
  void fromAndToTimesCarryMilliseconds() {
    Store store = TestStack.get().wiring("ApiFunction").store();
    JsonNode d = TestStack.call("GET", "/devices/list?device_type=dormakaba_oracode_door", TestStack.KEY_1, null).body()
        .at("/devices/0");
    UUID workspace = UUID.fromString(d.path("workspace_id").asText());
    AccessCode c = Codes.timeBoundCreatedAt(workspace, UUID.fromString(d.path("device_id").asText()), "739104",
        Instant.parse("2026-12-03T13:44:51Z"), Instant.parse("2026-12-04T13:44:51.250Z"), Instant.now());
    Map<String, Object> from = new HashMap<>(), to = new HashMap<>();
    from.put("starts_at", c.startsAt());
    from.put("ends_at", c.endsAt());
    to.put("starts_at", Instant.parse("2026-12-05T08:00:00Z"));
    to.put("ends_at", null);
    c = c.withPendingMutations(List.of(new PendingMutation("updating_time_frame", "Keyrack is updating the time frame on the device.",
        Instant.now(), null, from, to)));
    store.create(c, List.of());
    try {
      JsonNode m = TestStack.call("GET", "/access_codes/get?access_code_id=" + c.accessCodeId(), TestStack.KEY_1, null).body()
          .at("/access_code/pending_mutations/0");
      assertThat(m.path("mutation_code").asText()).isEqualTo("updating_time_frame");
      assertThat(m.at("/from/starts_at").asText()).isEqualTo("2026-12-03T13:44:51.000Z").matches(WITH_MILLIS);
      assertThat(m.at("/from/ends_at").asText()).isEqualTo("2026-12-04T13:44:51.250Z");
      assertThat(m.at("/to/starts_at").asText()).isEqualTo("2026-12-05T08:00:00.000Z");
      assertThat(m.at("/to/ends_at").isNull()).isTrue();
      assertThat(m.path("created_at").asText()).matches(WITH_MILLIS);
    } finally {
      store.accessCode(workspace, c.accessCodeId()).ifPresent(x -> store.delete(x, List.of()));
    }
  }
}
