package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.app.DeviceWorker;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Ids;
import dev.keyrack.ports.LockProvider;
import dev.keyrack.ports.LockProvider.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A set whose lock call fails after the code's window has ended (a slow lock answering late): no
 * delay warning, no failure error, no event, on a code that is past its window; its removal takes
 * over. Driven through a worker of the test's own, on the stack's store, with a lock whose call
 * takes the window's remaining time and then fails.
 */
class SetAcrossWindowEndTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of());

  /** A lock whose every set takes {@code takes} of the stack's clock and then fails as the given kind. */
  static LockProvider slowFailing(Duration takes, ProviderException.Kind kind) {
    return new LockProvider() {
      @Override
      public void set(Device device, Programming p) throws ProviderException {
        env.clock.advance(takes);
        throw new ProviderException(kind, "The lock's cloud answered too late.");
      }

      @Override
      public void remove(Device device, UUID accessCodeId) {
        // removing is not what this test is about
      }
    };
  }

  void failsAsTheWindowEnds(ProviderException.Kind kind, int pinSuffix) {
    Device d = env.lock("lockly_lock"); // just-in-time: due an hour before its start
    Instant now = env.clock.instant();
    Instant start = now.plus(Duration.ofMinutes(10)), end = start.plus(Duration.ofMinutes(30));
    AccessCode c = Codes.timeBoundCreatedAt(env.ws, d.deviceId(), "48260" + pinSuffix, start, end, now);
    env.store.create(c, List.of());
    DeviceWorker worker = new DeviceWorker(env.store, slowFailing(Duration.ofMinutes(41), kind), env.clock, Ids.shared());
    // the sixth attempt: past the retry policy's warning and failure thresholds, were it still in its window
    DeviceWorker.Outcome outcome = worker.process(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(),
        c.accessCodeId(), c.version()), 6);

    assertThat(outcome).isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    AccessCode stored = env.code(c.accessCodeId());
    assertThat(stored.errors()).as("no failure reported on a code past its window").isEmpty();
    assertThat(stored.warnings()).isEmpty();
    assertThat(stored.status()).isEqualTo(CodeStatus.unset);
    assertThat(stored.version()).isEqualTo(c.version());
    assertThat(env.events(c.accessCodeId())).isEmpty();
    env.store.delete(stored, List.of());
  }

  @Test
  void aTransientFailureAsTheWindowEndsReportsNothing() {
    failsAsTheWindowEnds(ProviderException.Kind.TRANSIENT, 1);
  }

  @Test
  void aRefusalAsTheWindowEndsReportsNothing() {
    failsAsTheWindowEnds(ProviderException.Kind.NO_SPACE, 2);
  }
}
