package dev.keyrack.app;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Time as the API shows it: UTC, millisecond precision. */
public final class Clocks {
  private Clocks() {}

  public static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
