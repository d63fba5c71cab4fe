package dev.keyrack.domain;

import java.time.Instant;

/** When a backup access code is pulled automatically for a code whose set keeps failing. */
public final class BackupPolicy {
  private BackupPolicy() {}

  /**
   * Whether to pull a backup now for a code whose set has failed for good: a time-bound code (not
   * itself a backup, none pulled yet) whose window has not ended and whose start is less than the
   * just-in-time lead away. A preload failing days ahead has time to recover; pulling then would
   * spend the pool on codes that reach their lock anyway.
   */
  public static boolean pullOnSetFailure(boolean timeBound, boolean isBackup, boolean alreadyPulled, Instant startsAt,
                                         Instant endsAt, Instant now) {
    if (!timeBound || isBackup || alreadyPulled) return false;
    if (endsAt != null && !endsAt.isAfter(now)) return false;
    return startsAt == null || !now.isBefore(startsAt.minus(SchedulePolicy.JUST_IN_TIME_LEAD));
  }
}
