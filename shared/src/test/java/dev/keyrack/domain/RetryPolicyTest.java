package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The retry policy as the README and template.yaml state it: the first retry after 10 s, each
 * wait twice the one before, never more than 15 min (RetryBaseSeconds 10, RetryMaxSeconds 900); a
 * delay warning after 3 failed attempts, a failure after 6 (about 5 minutes). Expected values are
 * written out from that statement, not computed by the policy.
 */
class RetryPolicyTest {
  static final RetryPolicy P = RetryPolicy.DEFAULT;

  static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertThat(P.base()).isEqualTo(s(10));
    assertThat(P.max()).isEqualTo(Duration.ofMinutes(15));
    assertThat(P.warnAfter()).isEqualTo(3);
    assertThat(P.failAfter()).isEqualTo(6);
  }

  @Test
  void delaysDoubleFromTenSecondsUntilTheyReachFifteenMinutes() {
    assertThat(P.backoff(1)).isEqualTo(s(10));
    assertThat(P.backoff(2)).isEqualTo(s(20));
    assertThat(P.backoff(3)).isEqualTo(s(40));
    assertThat(P.backoff(4)).isEqualTo(s(80));
    assertThat(P.backoff(5)).isEqualTo(s(160));
    assertThat(P.backoff(6)).isEqualTo(s(320));
    assertThat(P.backoff(7)).isEqualTo(s(640));
    assertThat(P.backoff(8)).as("1280 s capped").isEqualTo(s(900));
    assertThat(P.backoff(9)).isEqualTo(s(900));
    assertThat(P.backoff(50)).isEqualTo(s(900));
  }

  @Test
  void hugeAttemptCountsStayAtTheCapWithoutOverflow() {
    assertThat(P.backoff(30)).isEqualTo(s(900));
    assertThat(P.backoff(31)).isEqualTo(s(900));
    assertThat(P.backoff(63)).isEqualTo(s(900));
    assertThat(P.backoff(64)).isEqualTo(s(900));
    assertThat(P.backoff(99)).isEqualTo(s(900));
    assertThat(P.backoff(Integer.MAX_VALUE)).as("the long haul").isEqualTo(Duration.ofHours(6));
    RetryPolicy long_ = new RetryPolicy(Duration.ofDays(365), Duration.ofDays(3650), 3, 6);
    assertThat(long_.backoff(40)).isEqualTo(Duration.ofDays(3650));
    assertThat(long_.backoff(1000)).as("the long haul never waits less than the cap").isEqualTo(Duration.ofDays(3650));
  }

  @Test
  void afterADayOfFailuresTheLongHaulRetriesTwentyFourTimesLessOften() {
    assertThat(P.backoff(RetryPolicy.LONG_HAUL_AFTER - 1)).isEqualTo(P.max());
    assertThat(P.backoff(RetryPolicy.LONG_HAUL_AFTER)).isEqualTo(P.max().multipliedBy(24)); // 6 h
    Duration untilLongHaul = Duration.ZERO;
    for (int i = 1; i < RetryPolicy.LONG_HAUL_AFTER; i++) untilLongHaul = untilLongHaul.plus(P.backoff(i));
    assertThat(untilLongHaul).isBetween(Duration.ofHours(22), Duration.ofHours(26));
    // capped below SQS's 12-hour limit on holding a message back
    RetryPolicy slow = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), 3, 6);
    assertThat(slow.backoff(RetryPolicy.LONG_HAUL_AFTER)).isEqualTo(Duration.ofHours(11));
    RetryPolicy fast = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), 3, 6);
    assertThat(fast.backoff(500)).isEqualTo(Duration.ofSeconds(48));
  }

  @Test
  void noAttemptCountedYetWaitsTheBaseDelay() {
    assertThat(P.backoff(0)).isEqualTo(s(10));
    assertThat(P.backoff(-3)).isEqualTo(s(10));
  }

  @Test
  void aWarningFromTheThirdFailedAttemptAndAFailureFromTheSixth() {
    assertThat(P.warns(1)).isFalse();
    assertThat(P.warns(2)).isFalse();
    assertThat(P.warns(3)).isTrue();
    assertThat(P.warns(6)).isTrue();
    assertThat(P.warns(100)).isTrue();
    assertThat(P.fails(1)).isFalse();
    assertThat(P.fails(5)).isFalse();
    assertThat(P.fails(6)).isTrue();
    assertThat(P.fails(7)).isTrue();
  }

  @Test
  void theFailureIsReportedAboutFiveMinutesAfterTheFirstFailure() {
    // waits after attempts 1..5, then attempt 6 fails: 10 + 20 + 40 + 80 + 160 s
    assertThat(P.timeToFailure()).isEqualTo(s(310));
  }

  @Test
  void theLocalStacksFastRetriesDoubleFromOneSecondToTwo() {
    // TestStack and the README's "fast retries": RetryBaseSeconds=1, RetryMaxSeconds=2
    RetryPolicy fast = new RetryPolicy(s(1), s(2), 3, 6);
    assertThat(fast.backoff(1)).isEqualTo(s(1));
    assertThat(fast.backoff(2)).isEqualTo(s(2));
    assertThat(fast.backoff(3)).isEqualTo(s(2));
    assertThat(fast.timeToFailure()).isEqualTo(s(1 + 2 + 2 + 2 + 2));
  }

  @Test
  void aBaseWithAFractionOfASecondDoublesWhole() {
    RetryPolicy p = new RetryPolicy(Duration.ofMillis(1500), s(10), 3, 6);
    assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(1500));
    assertThat(p.backoff(2)).isEqualTo(s(3));
    assertThat(p.backoff(3)).isEqualTo(s(6));
    assertThat(p.backoff(4)).isEqualTo(s(10));
    RetryPolicy sub = new RetryPolicy(Duration.ofMillis(250), s(1), 1, 1);
    assertThat(sub.backoff(2)).isEqualTo(Duration.ofMillis(500));
    assertThat(sub.backoff(3)).isEqualTo(s(1));
  }

  @Property(tries = 500)
  void delaysNeverShrinkAndPassTheCapOnlyForTheLongHaul(@ForAll @IntRange(min = 1, max = 10_000) int failed) {
    assertThat(P.backoff(failed + 1)).isGreaterThanOrEqualTo(P.backoff(failed));
    if (failed < RetryPolicy.LONG_HAUL_AFTER) assertThat(P.backoff(failed)).isBetween(s(10), s(900));
    else assertThat(P.backoff(failed)).isEqualTo(P.longHaul()).isEqualTo(Duration.ofHours(6));
  }

  @Test
  void nonsensicalPoliciesAreRefused() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, s(10), 3, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(s(-1), s(10), 3, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(s(20), s(10), 3, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(s(10), s(900), 0, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(s(10), s(900), 4, 3)).isInstanceOf(IllegalArgumentException.class);
    // warning and failure on the same attempt, and no growth at all, are allowed
    assertThat(new RetryPolicy(s(10), s(10), 3, 3).backoff(5)).isEqualTo(s(10));
  }
}
