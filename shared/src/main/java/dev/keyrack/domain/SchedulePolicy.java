package dev.keyrack.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When a code has to be touched on its lock. Pure: from the brand's capabilities, the caller's
 * preference, the window and the current time, the moments a code needs:
 *
 * <ul>
 *   <li>ongoing: program now;</li>
 *   <li>time-bound on a brand with native scheduling (and native scheduling preferred): preload at
 *       {@code starts_at - 72h}, activate at {@code starts_at}, remove at {@code ends_at};</li>
 *   <li>otherwise just-in-time: program at {@code starts_at - 60m}, remove at {@code ends_at}.</li>
 * </ul>
 *
 * A moment already past is due now (its {@code at} is clamped to {@code now}).
 */
public final class SchedulePolicy {
  public static final Duration NATIVE_LEAD = Duration.ofHours(72);
  public static final Duration JUST_IN_TIME_LEAD = Duration.ofMinutes(60);

  public enum Transition { PROGRAM, PRELOAD, ACTIVATE, REMOVE }

  public record Moment(Transition transition, Instant at) {}

  private SchedulePolicy() {}

  public static boolean usesNativeScheduling(BrandProfile brand, boolean preferNative) {
    return brand.nativeScheduling() && preferNative;
  }

  public static List<Moment> plan(BrandProfile brand, boolean preferNative, Instant startsAt, Instant endsAt, Instant now) {
    List<Moment> out = new ArrayList<>();
    if (startsAt == null && endsAt == null) {
      out.add(new Moment(Transition.PROGRAM, now));
      return out;
    }
    Instant start = startsAt == null ? now : startsAt;
    if (usesNativeScheduling(brand, preferNative)) {
      out.add(new Moment(Transition.PRELOAD, max(start.minus(NATIVE_LEAD), now)));
      out.add(new Moment(Transition.ACTIVATE, max(start, now)));
    } else {
      out.add(new Moment(Transition.PROGRAM, max(start.minus(JUST_IN_TIME_LEAD), now)));
    }
    if (endsAt != null) out.add(new Moment(Transition.REMOVE, max(endsAt, now)));
    return out;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
