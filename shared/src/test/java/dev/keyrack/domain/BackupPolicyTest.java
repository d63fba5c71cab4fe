package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackupPolicyTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  void pullsOnlyForATimeBoundOriginalWithoutABackupYet() {
    Instant start = NOW.plus(Duration.ofMinutes(10)), end = NOW.plus(Duration.ofHours(5));
    assertThat(BackupPolicy.pullOnSetFailure(true, false, false, start, end, NOW)).isTrue();
    assertThat(BackupPolicy.pullOnSetFailure(false, false, false, null, null, NOW)).isFalse();
    assertThat(BackupPolicy.pullOnSetFailure(true, true, false, start, end, NOW)).isFalse();
    assertThat(BackupPolicy.pullOnSetFailure(true, false, true, start, end, NOW)).isFalse();
  }

  @Property
  void pullsExactlyFromAnHourBeforeTheStartUntilTheEnd(@ForAll @LongRange(min = -10_000, max = 10_000) long startOffsetMin,
                                                        @ForAll @LongRange(min = 1, max = 20_000) long lengthMin) {
    Instant start = NOW.plus(Duration.ofMinutes(startOffsetMin));
    Instant end = start.plus(Duration.ofMinutes(lengthMin));
    boolean expected = !NOW.isBefore(start.minus(SchedulePolicy.JUST_IN_TIME_LEAD)) && end.isAfter(NOW);
    assertThat(BackupPolicy.pullOnSetFailure(true, false, false, start, end, NOW)).isEqualTo(expected);
  }
}
