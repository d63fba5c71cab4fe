package dev.keyrack.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * One pending moment of a code, as a schedule carries it to the programmer. {@code plan} is the
 * version of the plan the moment belongs to (the window and scheduling mode it was computed
 * from): a fire whose plan no longer matches the stored code is stale and is dropped.
 */
public record Fire(UUID workspaceId, UUID deviceId, UUID accessCodeId, SchedulePolicy.Transition transition, Instant at,
                   String plan) {

  /** The plan version of a code: its window and whether it is scheduled natively. */
  public static String planOf(AccessCode c, BrandProfile brand) {
    return c.type() + "/" + c.startsAt() + "/" + c.endsAt() + "/"
        + (SchedulePolicy.usesNativeScheduling(brand, c.preferNativeScheduling()) ? "native" : "jit");
  }

  /** Deterministic schedule name: a repeated create of the same moment is the same schedule. */
  public String scheduleName() {
    return scheduleName(accessCodeId, transition);
  }

  public static String scheduleName(UUID accessCodeId, SchedulePolicy.Transition t) {
    return "kr-" + accessCodeId + "-" + t.name().toLowerCase(java.util.Locale.ROOT);
  }
}
