package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Store;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The programmer (Scheduler target), fed by events/programmer: current fires enqueue, stale ones are dropped. */
class ProgrammerEventsTest {
  static RequestHandler<Map<String, Object>, Map<String, Object>> handler;
  static Store store;
  static UUID workspace;

  @SuppressWarnings("unchecked")
  @BeforeAll
  static void setUp() {
    LocalStack stack = TestStack.get();
    handler = (RequestHandler<Map<String, Object>, Map<String, Object>>) stack.handler("ProgrammerFunction");
    store = stack.wiring("ProgrammerFunction").store();
    workspace = stack.devices().get(0).workspaceId();
  }

  @SuppressWarnings("unchecked")
  static Object fire(String file, UUID codeId) throws Exception {
    Map<String, Object> event = Json.MAPPER.readValue(EventFixtures.text("programmer/" + file, codeId), Map.class);
    return handler.handleRequest(event, new LocalContext("keyrack-ProgrammerFunction", 512, 30)).get("outcome");
  }

  @Test
  void aCurrentFireEnqueuesAndTheWorkerSetsTheCode() throws Exception {
    AccessCode c = Codes.ongoing(workspace, UUID.fromString(TestStack.AUGUST_1), Codes.randomPin(), CodeStatus.setting);
    store.create(c, List.of());
    assertThat(fire("fire-program.json", c.accessCodeId())).isEqualTo("enqueued");
    TestStack.await("the queued operation to set the code", java.time.Duration.ofSeconds(20),
        () -> store.accessCode(workspace, c.accessCodeId()).orElseThrow().status() == CodeStatus.set);
    long version = store.accessCode(workspace, c.accessCodeId()).orElseThrow().version();
    // Scheduler delivers at least once: the same fire again changes nothing.
    assertThat(fire("fire-program.json", c.accessCodeId())).isEqualTo("dropped_duplicate");
    assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().version()).isEqualTo(version);
  }

  @Test
  void aFireDeliveredLongBeforeItsMomentIsDroppedAndChangesNothing() throws Exception {
    AccessCode c = Codes.ongoing(workspace, UUID.fromString(TestStack.AUGUST_1), Codes.randomPin(), CodeStatus.unset);
    store.create(c, List.of());
    assertThat(fire("fire-early.json", c.accessCodeId())).isEqualTo("dropped_early");
    AccessCode after = store.accessCode(workspace, c.accessCodeId()).orElseThrow();
    assertThat(after.status()).isEqualTo(CodeStatus.unset);
    assertThat(after.version()).isEqualTo(c.version());
  }

  @Test
  void staleAndDeletedFiresAreDropped() throws Exception {
    AccessCode c = Codes.ongoing(workspace, UUID.fromString(TestStack.AUGUST_1), Codes.randomPin(), CodeStatus.unset);
    store.create(c, List.of());
    assertThat(fire("fire-stale.json", c.accessCodeId())).isEqualTo("dropped_stale");
    assertThat(fire("fire-program.json", UUID.randomUUID())).isEqualTo("dropped_deleted");
    assertThat(store.accessCode(workspace, c.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.unset);
  }
}
