package dev.keyrack.domain;

import java.time.Duration;

/**
 * How a failing lock operation is retried: exponential backoff from {@code base}, capped at
 * {@code max}; a warning once {@code warnAfter} attempts have failed, an error (and, for a set, a
 * backup code) once {@code failAfter} have. Retries go on after that, at the capped pace (and after
 * {@link #LONG_HAUL_AFTER} failures at the long-haul pace), until the operation succeeds or no
 * longer matters (the code was deleted or its window ended).
 * Pure: the worker, the tests and the simulation all use this one definition.
 */
public record RetryPolicy(Duration base, Duration max, int warnAfter, int failAfter) {
  public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(15), 3, 6);

  public RetryPolicy {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0 || warnAfter < 1 || failAfter < warnAfter) {
      throw new IllegalArgumentException("retry policy needs 0 < base <= max and 1 <= warnAfter <= failAfter");
    }
  }

  /**
   * After this many failed attempts (about a day at the default 15-minute cap) an operation that
   * still fails, on a lock gone for days or for good, is retried {@link #LONG_HAUL_FACTOR} times less
   * often: it keeps trying (a code must not be left on a lock that comes back) without paying for
   * a hundred attempts a day.
   */
  public static final int LONG_HAUL_AFTER = 100;
  public static final int LONG_HAUL_FACTOR = 24;
  /** The longest wait of the long haul: SQS holds a message back for at most 12 hours. */
  public static final Duration LONGEST_WAIT = Duration.ofHours(11);

  /** The wait before attempt {@code failedAttempts + 1}, given that many attempts have failed (1 or more). */
  public Duration backoff(int failedAttempts) {
    if (failedAttempts >= LONG_HAUL_AFTER) return longHaul();
    // base * 2^(n-1), the whole of it (a fraction of a second doubles too), capped at max; the
    // doubling stops at the cap, so no attempt count overflows.
    Duration d = base;
    for (int i = Math.max(1, failedAttempts); i > 1; i--) {
      if (d.compareTo(max.dividedBy(2)) > 0) return max;
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** The wait of the long haul: {@code max} times {@link #LONG_HAUL_FACTOR}, at most {@link #LONGEST_WAIT} (never below max). */
  public Duration longHaul() {
    if (max.compareTo(LONGEST_WAIT) >= 0) return max;
    Duration d = max.multipliedBy(LONG_HAUL_FACTOR);
    return d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d;
  }

  public boolean warns(int failedAttempts) {
    return failedAttempts >= warnAfter;
  }

  public boolean fails(int failedAttempts) {
    return failedAttempts >= failAfter;
  }

  /** Total time from the first failure until the failure is reported, with no success in between. */
  public Duration timeToFailure() {
    Duration t = Duration.ZERO;
    for (int i = 1; i < failAfter; i++) t = t.plus(backoff(i));
    return t;
  }
}
