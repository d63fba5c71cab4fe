package dev.keyrack.app;

import static dev.keyrack.domain.SchedulePolicy.Transition.ACTIVATE;
import static dev.keyrack.domain.SchedulePolicy.Transition.PRELOAD;
import static dev.keyrack.domain.SchedulePolicy.Transition.PROGRAM;
import static dev.keyrack.domain.SchedulePolicy.Transition.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.SchedulePolicy.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the api decides for a new code, per ARCHITECTURE.md and the README: an ongoing code is
 * programmed now; a time-bound code on a lock that schedules natively is preloaded 72 h before
 * {@code starts_at}, activated at {@code starts_at} and removed at {@code ends_at}; on any other lock
 * (or with native scheduling not preferred) it is programmed 60 min before {@code starts_at} and
 * removed at {@code ends_at}. A moment already reached is due now instead of scheduled.
 */
class PlannerTest {
  static final Instant NOW = Instant.parse("2026-03-10T09:00:00Z");
  static final BrandProfile AUGUST = BrandProfile.forDeviceType("august_lock");
  static final BrandProfile SMARTTHINGS = BrandProfile.forDeviceType("smartthings_lock");

  @BeforeAll
  static void brands() {
    assertThat(AUGUST.nativeScheduling()).as("August schedules natively").isTrue();
    assertThat(SMARTTHINGS.nativeScheduling()).as("SmartThings does not").isFalse();
  }

  static Duration h(long hours) {
    return Duration.ofHours(hours);
  }

  static AccessCode code(Instant startsAt, Instant endsAt, boolean preferNative) {
    CodeType type = startsAt == null && endsAt == null ? CodeType.ongoing : CodeType.time_bound;
    return new AccessCode(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "Guest", "4821", null, type,
        CodeStatus.unset, startsAt, endsAt, NOW, List.of(), List.of(), List.of(), false, false, false, false, preferNative,
        false, 1);
  }

  /** The scheduled moments as (transition, at) pairs, and the fires naming the code they belong to. */
  static List<Object> moments(Planner.Plan p, AccessCode c) {
    p.later().forEach(f -> {
      assertThat(f.accessCodeId()).isEqualTo(c.accessCodeId());
      assertThat(f.deviceId()).isEqualTo(c.deviceId());
      assertThat(f.workspaceId()).isEqualTo(c.workspaceId());
    });
    return p.later().stream().map(f -> (Object) List.of(f.transition(), f.at())).toList();
  }

  static List<Object> at(Transition t, Instant when) {
    return List.of(t, when);
  }

  @Test
  void anOngoingCodeIsProgrammedNowWithNothingScheduled() {
    for (BrandProfile brand : List.of(AUGUST, SMARTTHINGS)) {
      AccessCode c = code(null, null, true);
      Planner.Plan p = Planner.plan(c, brand, NOW);
      assertThat(p.programNow()).isTrue();
      assertThat(p.later()).isEmpty();
      assertThat(p.firstAt()).isEqualTo(NOW);
      assertThat(Planner.due(c, brand, NOW)).isTrue();
      assertThat(Planner.preloadOnly(c, brand, NOW)).isFalse();
      assertThat(Planner.initialStatus(c, brand, NOW)).isEqualTo(CodeStatus.setting);
    }
  }

  @Test
  void justInTimeCodeFarAheadIsProgrammedAnHourBeforeItsStartAndRemovedAtItsEnd() {
    Instant start = NOW.plus(h(48)), end = NOW.plus(h(72));
    AccessCode c = code(start, end, true);
    Planner.Plan p = Planner.plan(c, SMARTTHINGS, NOW);
    assertThat(p.programNow()).isFalse();
    assertThat(moments(p, c)).containsExactly(at(PROGRAM, Instant.parse("2026-03-12T08:00:00Z")),
        at(REMOVE, Instant.parse("2026-03-13T09:00:00Z")));
    assertThat(p.firstAt()).isEqualTo(Instant.parse("2026-03-12T08:00:00Z"));
    assertThat(p.later()).extracting(Fire::plan).containsOnly("time_bound/" + start + "/" + end + "/jit");
    assertThat(Planner.due(c, SMARTTHINGS, NOW)).isFalse();
    assertThat(Planner.initialStatus(c, SMARTTHINGS, NOW)).isEqualTo(CodeStatus.unset);
  }

  @Test
  void justInTimeCodeInsideItsLeadTimeIsProgrammedNow() {
    Instant start = NOW.plus(Duration.ofMinutes(30)), end = NOW.plus(h(5));
    AccessCode c = code(start, end, true);
    Planner.Plan p = Planner.plan(c, SMARTTHINGS, NOW);
    assertThat(p.programNow()).isTrue();
    assertThat(moments(p, c)).containsExactly(at(REMOVE, end));
    assertThat(p.firstAt()).isEqualTo(NOW);
    assertThat(Planner.initialStatus(c, SMARTTHINGS, NOW)).isEqualTo(CodeStatus.setting);
  }

  @Test
  void justInTimeLeadBoundary() {
    Instant end = NOW.plus(h(10));
    // exactly 60 min ahead: the programming moment is now
    AccessCode atLead = code(NOW.plus(Duration.ofMinutes(60)), end, true);
    assertThat(Planner.plan(atLead, SMARTTHINGS, NOW).programNow()).isTrue();
    // one second more: it is scheduled, one second from now
    AccessCode justOutside = code(NOW.plus(Duration.ofSeconds(3601)), end, true);
    Planner.Plan p = Planner.plan(justOutside, SMARTTHINGS, NOW);
    assertThat(p.programNow()).isFalse();
    assertThat(moments(p, justOutside)).containsExactly(at(PROGRAM, NOW.plusSeconds(1)), at(REMOVE, end));
  }

  @Test
  void aWindowThatHasAlreadyStartedIsProgrammedNowAndRemovedAtItsEnd() {
    Instant end = NOW.plus(h(2));
    for (BrandProfile brand : List.of(AUGUST, SMARTTHINGS)) {
      AccessCode c = code(NOW.minus(h(1)), end, true);
      Planner.Plan p = Planner.plan(c, brand, NOW);
      assertThat(p.programNow()).as(brand.deviceType()).isTrue();
      assertThat(moments(p, c)).as(brand.deviceType()).containsExactly(at(REMOVE, end));
      assertThat(Planner.preloadOnly(c, brand, NOW)).isFalse();
      assertThat(Planner.initialStatus(c, brand, NOW)).as(brand.deviceType()).isEqualTo(CodeStatus.setting);
    }
  }

  @Test
  void aCodeWithOnlyAnEndIsProgrammedNowAndRemovedAtItsEnd() {
    Instant end = NOW.plus(h(6));
    AccessCode c = code(null, end, true);
    Planner.Plan p = Planner.plan(c, SMARTTHINGS, NOW);
    assertThat(p.programNow()).isTrue();
    assertThat(moments(p, c)).containsExactly(at(REMOVE, end));
  }

  @Test
  void nativeCodeFarAheadIsPreloadedThreeDaysAheadActivatedAtItsStartAndRemovedAtItsEnd() {
    Instant start = NOW.plus(h(5 * 24)), end = NOW.plus(h(6 * 24));
    AccessCode c = code(start, end, true);
    Planner.Plan p = Planner.plan(c, AUGUST, NOW);
    assertThat(p.programNow()).isFalse();
    assertThat(moments(p, c)).containsExactly(at(PRELOAD, Instant.parse("2026-03-12T09:00:00Z")),
        at(ACTIVATE, Instant.parse("2026-03-15T09:00:00Z")), at(REMOVE, Instant.parse("2026-03-16T09:00:00Z")));
    assertThat(p.firstAt()).isEqualTo(Instant.parse("2026-03-12T09:00:00Z"));
    assertThat(p.later()).extracting(Fire::plan).containsOnly("time_bound/" + start + "/" + end + "/native");
    assertThat(Planner.due(c, AUGUST, NOW)).isFalse();
    assertThat(Planner.preloadOnly(c, AUGUST, NOW)).isTrue();
    assertThat(Planner.initialStatus(c, AUGUST, NOW)).isEqualTo(CodeStatus.unset);
  }

  @Test
  void nativeCodeInsideThreeDaysIsPreloadedNowAndStaysUnsetUntilItsStart() {
    Instant start = NOW.plus(h(24)), end = NOW.plus(h(48));
    AccessCode c = code(start, end, true);
    Planner.Plan p = Planner.plan(c, AUGUST, NOW);
    assertThat(p.programNow()).isTrue();
    assertThat(moments(p, c)).containsExactly(at(ACTIVATE, start), at(REMOVE, end));
    assertThat(p.firstAt()).isEqualTo(NOW);
    assertThat(Planner.due(c, AUGUST, NOW)).isTrue();
    assertThat(Planner.preloadOnly(c, AUGUST, NOW)).isTrue();
    // a preload is not "setting": the code shows unset (scheduled on the device) until starts_at
    assertThat(Planner.initialStatus(c, AUGUST, NOW)).isEqualTo(CodeStatus.unset);
  }

  @Test
  void nativeLeadBoundary() {
    Instant end = NOW.plus(h(100));
    assertThat(Planner.plan(code(NOW.plus(h(72)), end, true), AUGUST, NOW).programNow()).as("exactly 72 h ahead").isTrue();
    AccessCode outside = code(NOW.plus(h(72)).plusSeconds(1), end, true);
    Planner.Plan p = Planner.plan(outside, AUGUST, NOW);
    assertThat(p.programNow()).isFalse();
    assertThat(moments(p, outside).get(0)).isEqualTo(at(PRELOAD, NOW.plusSeconds(1)));
  }

  @Test
  void aNativeLockWithNativeSchedulingNotPreferredIsPlannedJustInTime() {
    Instant start = NOW.plus(h(48)), end = NOW.plus(h(72));
    AccessCode c = code(start, end, false);
    Planner.Plan p = Planner.plan(c, AUGUST, NOW);
    assertThat(p.programNow()).isFalse();
    assertThat(moments(p, c)).containsExactly(at(PROGRAM, start.minus(Duration.ofMinutes(60))), at(REMOVE, end));
    assertThat(p.later()).extracting(Fire::plan).containsOnly("time_bound/" + start + "/" + end + "/jit");
    assertThat(Planner.preloadOnly(c, AUGUST, NOW)).isFalse();
  }

  @Test
  void aNativeCodeWithoutAnEndIsNeverRemoved() {
    Instant start = NOW.plus(h(96));
    AccessCode c = code(start, null, true);
    Planner.Plan p = Planner.plan(c, AUGUST, NOW);
    assertThat(moments(p, c)).containsExactly(at(PRELOAD, NOW.plus(h(24))), at(ACTIVATE, start));
  }

  @Test
  void aPreloadedCodeWaitsForNothingUntilItIsChangedThenForASet() {
    Instant start = NOW.plus(h(48)), end = NOW.plus(h(72));
    AccessCode preloaded = DeviceWorker.programmed(code(start, end, true), true, true);
    assertThat(preloaded.status()).isEqualTo(CodeStatus.unset);
    assertThat(Planner.pending(preloaded, AUGUST, NOW)).as("on the lock as stored, waiting for its start").isNull();

    // A new PIN: stored with its pending mutation; the lock still holds the old PIN until the worker sets it again.
    AccessCode changed = preloaded.withCode("9034").withPendingMutations(List.of(
        dev.keyrack.domain.PendingMutation.of("updating_code", "Keyrack is updating the code on the device.", NOW)));
    assertThat(Planner.pending(changed, AUGUST, NOW)).isEqualTo(dev.keyrack.domain.DeviceOperation.Kind.SET);
    assertThat(Planner.pending(DeviceWorker.programmed(changed, true, true), AUGUST, NOW)).isNull();
  }
}
