package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.domain.SchedulePolicy.Moment;
import dev.keyrack.domain.SchedulePolicy.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns the scheduling policy's moments for a code into what is due now and what to schedule. */
public final class Planner {
  private Planner() {}

  /**
   * @param programNow the code must be programmed (preloaded or set) now
   * @param later      the moments to schedule
   * @param firstAt    when the code first goes to the lock
   */
  public record Plan(boolean programNow, List<Fire> later, Instant firstAt) {}

  public static Plan plan(AccessCode c, BrandProfile brand, Instant now) {
    List<Moment> moments = SchedulePolicy.plan(brand, c.preferNativeScheduling(), c.startsAt(), c.endsAt(), now);
    String plan = Fire.planOf(c, brand);
    boolean programNow = false;
    List<Fire> later = new ArrayList<>();
    for (Moment m : moments) {
      if (!m.at().isAfter(now)) {
        if (m.transition() != Transition.REMOVE) programNow = true;
      } else {
        later.add(new Fire(c.workspaceId(), c.deviceId(), c.accessCodeId(), m.transition(), m.at(), plan));
      }
    }
    return new Plan(programNow, later, moments.get(0).at());
  }

  /** Whether the code's first trip to the lock is due at {@code now}. */
  public static boolean due(AccessCode c, BrandProfile brand, Instant now) {
    return c.type() == CodeType.ongoing || plan(c, brand, now).programNow();
  }

  /**
   * Whether the lock keeps the code's window itself (a time-bound code on a lock that schedules
   * natively, native scheduling not turned off): programmed with its start and end, before or
   * within its window, it is {@code is_scheduled_on_device}.
   */
  public static boolean scheduledNatively(AccessCode c, BrandProfile brand) {
    return c.type() == CodeType.time_bound && SchedulePolicy.usesNativeScheduling(brand, c.preferNativeScheduling());
  }

  /** Whether a preloaded code on a natively scheduling lock is still waiting for its start. */
  public static boolean preloadOnly(AccessCode c, BrandProfile brand, Instant now) {
    return scheduledNatively(c, brand) && c.startsAt() != null && now.isBefore(c.startsAt());
  }

  /** The status a code shows before its first programming: unset, or setting when it is due now and not a preload. */
  /**
   * The device operation a stored code is waiting for now, if any: removal once its window has
   * ended or while it is being deleted; a set while setting, or when unset and its programming
   * moment has come (unless it is preloaded exactly as stored and only waits for its start: a
   * preloaded code changed since, say a new PIN, carries the change's pending mutation until the
   * worker has programmed it again, so it waits for a set); an unload when it is on
   * the lock but its programming moment moved into the future. The sweep re-sends it; a repeated
   * update sends it again. {@code brand} is read only for an unset code whose window has not ended.
   */
  public static dev.keyrack.domain.DeviceOperation.Kind pending(AccessCode c, BrandProfile brand, Instant now) {
    if (c.windowEnded(now)) return dev.keyrack.domain.DeviceOperation.Kind.REMOVE;
    return switch (c.status()) {
      case setting -> dev.keyrack.domain.DeviceOperation.Kind.SET;
      case removing -> dev.keyrack.domain.DeviceOperation.Kind.REMOVE;
      case unset -> due(c, brand, now)
          ? (DeviceWorker.preloaded(c) && preloadOnly(c, brand, now) ? null : dev.keyrack.domain.DeviceOperation.Kind.SET)
          : (c.onLock() ? dev.keyrack.domain.DeviceOperation.Kind.UNLOAD : null);
      default -> null;
    };
  }

  public static CodeStatus initialStatus(AccessCode c, BrandProfile brand, Instant now) {
    if (c.type() == CodeType.ongoing) return CodeStatus.setting;
    return due(c, brand, now) && !preloadOnly(c, brand, now) ? CodeStatus.setting : CodeStatus.unset;
  }
}
