package dev.keyrack.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** SANDBOX_SEED makes the sandbox locks' failure decisions repeatable; without it they are secure-random. */
class SandboxSeedTest {
  @Test
  void theSameSeedDrawsTheSameFailures() {
    RandomGenerator a = AwsWiring.sandboxRandom(Map.of(AwsWiring.SANDBOX_SEED, "42"));
    RandomGenerator b = AwsWiring.sandboxRandom(Map.of(AwsWiring.SANDBOX_SEED, " 42 "));
    for (int i = 0; i < 100; i++) assertThat(a.nextDouble()).isEqualTo(b.nextDouble());
  }

  @Test
  void withoutASeedTheDrawsAreSecureRandom() {
    assertThat(AwsWiring.sandboxRandom(Map.of())).isInstanceOf(SecureRandom.class);
    assertThat(AwsWiring.sandboxRandom(Map.of(AwsWiring.SANDBOX_SEED, ""))).isInstanceOf(SecureRandom.class);
  }

  @Test
  void aSeedThatIsNoNumberIsRefusedAtStart() {
    assertThatThrownBy(() -> AwsWiring.sandboxRandom(Map.of(AwsWiring.SANDBOX_SEED, "often")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(AwsWiring.SANDBOX_SEED);
  }
}
