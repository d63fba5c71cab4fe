package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Notice;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The periodic sweep as template.yaml deploys it ({@code ReconcilerFunction} on a rate schedule):
 * a code stored without its queue message (a lost send) reaches its lock; a code whose job the
 * worker is retrying is not sent twice.
 */
class ReconcilerTest {
  private static ClockedStack s;

  @BeforeAll
  static void start() throws Exception {
    s = new ClockedStack(Map.of("RetryBaseSeconds", "1", "RetryMaxSeconds", "2"));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** The sweep with events/reconciler/sweep.json (what its schedule sends), or with another scope. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> sweep(String scope) {
    var h = (RequestHandler<Map<String, Object>, Map<String, Object>>) s.stack.handler("ReconcilerFunction");
    Map<String, Object> input;
    try {
      input = dev.keyrack.json.Json.MAPPER.readValue(TestStack.event("reconciler/sweep.json").toFile(), Map.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (!scope.equals(input.get("scope"))) input = Map.of("scope", scope);
    return h.handleRequest(input, new LocalContext("keyrack-ReconcilerFunction", 512, 300));
  }

  @Test
  void theTemplateRunsTheSweepOnARateSchedule() {
    Template.Function f = s.stack.template().function("ReconcilerFunction");
    assertThat(f.schedules()).singleElement().satisfies(sch -> {
      assertThat(sch.every()).isLessThanOrEqualTo(Duration.ofMinutes(15));
      assertThat(sch.input()).containsEntry("scope", "LOST_SENDS"); // as events/reconciler/sweep.json
    });
  }

  @Test
  void aCodeStoredWithoutItsQueueMessageReachesItsLock() {
    Device lock = s.lock("schlage_lock");
    String pin = Codes.randomPin();
    AccessCode lost = Codes.ongoing(s.ws, lock.deviceId(), pin, CodeStatus.setting);
    s.store.create(lost, List.of()); // stored, no message sent: what a failed SendMessage leaves behind
    assertThat(s.locks.memory(lock.deviceId()).slots()).doesNotContainKey(lost.accessCodeId());

    Map<String, Object> out = sweep("LOST_SENDS");

    assertThat(((Number) out.get("resent")).intValue()).isGreaterThanOrEqualTo(1);
    TestStack.await("the swept code is set", Duration.ofSeconds(20),
        () -> s.code(lost.accessCodeId()).status() == CodeStatus.set);
    assertThat(s.locks.memory(lock.deviceId()).slots().get(lost.accessCodeId()).pin()).isEqualTo(pin);
  }

  @Test
  void aCodeWhoseJobIsRetryingIsLeftToTheWorkerUnlessTheQueueWasEmptied() {
    Device lock = s.lock("yale_lock");
    AccessCode retrying = Codes.ongoing(s.ws, lock.deviceId(), Codes.randomPin(), CodeStatus.setting)
        .withNotices(List.of(), List.of(new Notice("delay_in_setting_on_device", "Delayed.", s.clock.instant())));
    s.store.create(retrying, List.of());
    s.locks.configure(lock.deviceId(), m -> m.withOnline(false)); // stays pending whatever is sent

    // Nothing else in this stack is pending once the other test's code is set: every re-send counted is this code's.
    TestStack.await("no other code pending", Duration.ofSeconds(20), () -> s.store.accessCodes(s.ws, null).stream()
        .allMatch(c -> c.accessCodeId().equals(retrying.accessCodeId()) || c.status() != CodeStatus.setting));
    int lostSends = ((Number) sweep("LOST_SENDS").get("resent")).intValue();
    int emptyQueue = ((Number) sweep("EMPTY_QUEUE").get("resent")).intValue();

    assertThat(lostSends).as("re-sent by a LOST_SENDS sweep while the worker retries the code").isZero();
    assertThat(emptyQueue).as("re-sent by an EMPTY_QUEUE sweep").isEqualTo(1);
    s.locks.configure(lock.deviceId(), m -> m.withOnline(true));
  }
}
