package dev.keyrack.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How many of a lock's slots its codes take at once. A lock's limit ({@code
 * max_active_codes_supported}) is on the codes it holds together, and a time-bound code is on its
 * lock only from its programming moment (its start less its brand's lead: 72 h where the lock
 * schedules codes itself, 60 min otherwise) until its end; an ongoing code from now until it is
 * deleted. So a lock takes as many future stays as come, as long as no more than its slots overlap:
 * a new code is refused only if, at some moment it would be on the lock, the lock would already
 * hold all its slots.
 */
public final class SlotUse {
  private SlotUse() {}

  /** A code's window as its claim records it: both null for an ongoing code. */
  public record Window(Instant startsAt, Instant endsAt) {
    public static final Window ONGOING = new Window(null, null);

    public static Window of(AccessCode c) {
      return c.type() == CodeType.time_bound ? new Window(c.startsAt(), c.endsAt()) : ONGOING;
    }
  }

  /**
   * When a code is on its lock: from {@code from} (null: from now, as for an ongoing code or one
   * whose moment has come) until {@code until} (null: until it is deleted).
   */
  public record Hold(Instant from, Instant until) {
    public static final Hold ALWAYS = new Hold(null, null);
  }

  /** The most lead a code on a lock of this brand can have: the codes already stored are counted from it. */
  public static Duration lead(BrandProfile brand) {
    return brand.nativeScheduling() ? SchedulePolicy.NATIVE_LEAD : SchedulePolicy.JUST_IN_TIME_LEAD;
  }

  /** The hold of a code of this window, programmed {@code lead} ahead of its start. */
  public static Hold hold(Window w, Duration lead) {
    if (w.startsAt() == null && w.endsAt() == null) return Hold.ALWAYS;
    return new Hold(w.startsAt() == null ? null : w.startsAt().minus(lead), w.endsAt());
  }

  /** A new code's hold on a lock of this brand, by its own scheduling preference. */
  public static Hold hold(Instant startsAt, Instant endsAt, BrandProfile brand, boolean preferNativeScheduling) {
    Duration lead = SchedulePolicy.usesNativeScheduling(brand, preferNativeScheduling)
        ? SchedulePolicy.NATIVE_LEAD : SchedulePolicy.JUST_IN_TIME_LEAD;
    return hold(new Window(startsAt, endsAt), lead);
  }

  /**
   * The most of {@code others} (windows of codes on the same lock, each programmed {@code lead}
   * ahead) on the lock at any one moment while {@code candidate} is, from {@code now} on. A code
   * whose end has passed still holds its slot until its removal releases its claim: it counts as on
   * the lock for another minute from now.
   */
  public static int busiest(Collection<Window> others, Duration lead, Hold candidate, Instant now) {
    long from = candidate.from() == null ? now.toEpochMilli() : Math.max(candidate.from().toEpochMilli(), now.toEpochMilli());
    long until = candidate.until() == null ? Long.MAX_VALUE : candidate.until().toEpochMilli();
    if (until <= from) until = from + 1; // (a window that has ended: the moment it is looked at)
    long stillOn = now.plus(Duration.ofMinutes(1)).toEpochMilli();
    // Each other's time on the lock within the candidate's, as +1 at its start and -1 at its end.
    List<long[]> edges = new ArrayList<>();
    for (Window w : others) {
      Hold h = hold(w, lead);
      long start = h.from() == null ? Long.MIN_VALUE : h.from().toEpochMilli();
      long end = h.until() == null ? Long.MAX_VALUE : Math.max(h.until().toEpochMilli(), stillOn);
      if (start >= until || end <= from) continue;
      edges.add(new long[] {Math.max(start, from), 1});
      if (end < until) edges.add(new long[] {end, -1});
    }
    // Ends before starts at the same moment: a slot freed at a moment can be taken at that moment.
    edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int on = 0, most = 0;
    for (long[] e : edges) {
      on += (int) e[1];
      most = Math.max(most, on);
    }
    return most;
  }
}
