package dev.keyrack.domain;

import static dev.keyrack.domain.SchedulePolicy.Transition.ACTIVATE;
import static dev.keyrack.domain.SchedulePolicy.Transition.PRELOAD;
import static dev.keyrack.domain.SchedulePolicy.Transition.PROGRAM;
import static dev.keyrack.domain.SchedulePolicy.Transition.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.domain.SchedulePolicy.Moment;
import dev.keyrack.domain.SchedulePolicy.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SchedulePolicyTest {

  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  static final BrandProfile AUGUST = BrandProfile.forDeviceType("august_lock"); // native
  static final BrandProfile SMARTTHINGS = BrandProfile.forDeviceType("smartthings_lock"); // not native

  /** A window relative to now: either bound may be missing; when both are there, ends after starts. */
  record Window(Instant now, Instant startsAt, Instant endsAt) {}

  @Provide
  Arbitrary<BrandProfile> brands() {
    return Arbitraries.of(BrandProfile.all());
  }

  @Provide
  Arbitrary<Window> windows() {
    Arbitrary<Instant> now = Arbitraries.longs().between(0, 4_000_000_000_000L).map(Instant::ofEpochMilli);
    // offsets around interesting boundaries (60 minutes, 72 hours) and anywhere within ±10 days, to the second
    Arbitrary<Duration> offset = Arbitraries.oneOf(
        Arbitraries.longs().between(-864_000, 864_000).map(Duration::ofSeconds),
        Arbitraries.of(-259_201L, -259_200L, -259_199L, -3_601L, -3_600L, -3_599L, -1L, 0L, 1L, 3_599L, 3_600L, 3_601L,
            259_199L, 259_200L, 259_201L).map(Duration::ofSeconds),
        Arbitraries.longs().between(-1_000, 1_000).map(Duration::ofMillis));
    Arbitrary<Duration> length = Arbitraries.oneOf(
        Arbitraries.longs().between(1, 2_000_000).map(Duration::ofSeconds),
        Arbitraries.longs().between(1, 1_000).map(Duration::ofMillis));
    Arbitrary<Integer> shape = Arbitraries.integers().between(0, 3); // 0 ongoing, 1 both, 2 start only, 3 end only
    return Combinators.combine(now, offset, length, shape).as((n, off, len, s) -> switch (s) {
      case 0 -> new Window(n, null, null);
      case 1 -> new Window(n, n.plus(off), n.plus(off).plus(len));
      case 2 -> new Window(n, n.plus(off), null);
      default -> new Window(n, null, n.plus(off));
    });
  }

  static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  @Property(tries = 5000)
  void planFollowsThePolicy(@ForAll("brands") BrandProfile brand, @ForAll boolean preferNative,
                            @ForAll("windows") Window w) {
    Instant now = w.now();
    List<Moment> plan = SchedulePolicy.plan(brand, preferNative, w.startsAt(), w.endsAt(), now);

    List<Moment> expected = new ArrayList<>();
    if (w.startsAt() == null && w.endsAt() == null) {
      expected.add(new Moment(PROGRAM, now));
    } else {
      Instant start = w.startsAt() == null ? now : w.startsAt();
      if (brand.nativeScheduling() && preferNative) {
        expected.add(new Moment(PRELOAD, max(start.minus(Duration.ofHours(72)), now)));
        expected.add(new Moment(ACTIVATE, max(start, now)));
      } else {
        expected.add(new Moment(PROGRAM, max(start.minus(Duration.ofMinutes(60)), now)));
      }
      if (w.endsAt() != null) expected.add(new Moment(REMOVE, max(w.endsAt(), now)));
    }
    assertThat(plan).isEqualTo(expected);

    // invariants, independent of the expected plan above
    assertThat(plan).isNotEmpty();
    assertThat(plan).allSatisfy(m -> assertThat(m.at()).isAfterOrEqualTo(now));
    assertThat(plan.stream().map(Moment::transition).distinct().count()).isEqualTo(plan.size());
    for (int i = 1; i < plan.size(); i++) {
      assertThat(plan.get(i).at()).as("moments in time order: %s", plan).isAfterOrEqualTo(plan.get(i - 1).at());
    }
    plan.stream().filter(m -> m.transition() == REMOVE).findFirst().ifPresent(remove ->
        plan.stream().filter(m -> m.transition() != REMOVE).forEach(m ->
            assertThat(remove.at()).as("removal before %s", m.transition()).isAfterOrEqualTo(m.at())));
    boolean nativePlan = SchedulePolicy.usesNativeScheduling(brand, preferNative)
        && (w.startsAt() != null || w.endsAt() != null);
    assertThat(plan.stream().anyMatch(m -> m.transition() == PRELOAD)).isEqualTo(nativePlan);
    assertThat(plan.stream().anyMatch(m -> m.transition() == ACTIVATE)).isEqualTo(nativePlan);
    assertThat(plan.stream().anyMatch(m -> m.transition() == PROGRAM)).isEqualTo(!nativePlan);
    assertThat(plan.stream().anyMatch(m -> m.transition() == REMOVE)).isEqualTo(w.endsAt() != null);
  }

  @Property
  void usesNativeSchedulingOnlyWhenTheBrandHasItAndItIsPreferred(@ForAll("brands") BrandProfile brand,
                                                                  @ForAll boolean preferNative) {
    assertThat(SchedulePolicy.usesNativeScheduling(brand, preferNative))
        .isEqualTo(brand.nativeScheduling() && preferNative);
  }

  // ------------------------------------------------------------------------------------------ examples

  @Test
  void ongoingCodeIsProgrammedNow() {
    assertThat(SchedulePolicy.plan(AUGUST, true, null, null, T0)).containsExactly(new Moment(PROGRAM, T0));
    assertThat(SchedulePolicy.plan(SMARTTHINGS, false, null, null, T0)).containsExactly(new Moment(PROGRAM, T0));
  }

  @Test
  void nativeBrandPreloads72HoursAhead() {
    Instant start = T0.plus(Duration.ofDays(5)), end = start.plus(Duration.ofDays(2));
    assertThat(SchedulePolicy.plan(AUGUST, true, start, end, T0)).containsExactly(
        new Moment(PRELOAD, start.minus(Duration.ofHours(72))),
        new Moment(ACTIVATE, start),
        new Moment(REMOVE, end));
  }

  @Test
  void nativeBrandWithinLeadTimeIsPreloadedNow() {
    Instant start = T0.plus(Duration.ofHours(10)), end = start.plus(Duration.ofHours(1));
    assertThat(SchedulePolicy.plan(AUGUST, true, start, end, T0)).containsExactly(
        new Moment(PRELOAD, T0), new Moment(ACTIVATE, start), new Moment(REMOVE, end));
  }

  @Test
  void nativeBrandNotPreferredIsJustInTime() {
    Instant start = T0.plus(Duration.ofDays(5)), end = start.plus(Duration.ofDays(2));
    assertThat(SchedulePolicy.plan(AUGUST, false, start, end, T0)).containsExactly(
        new Moment(PROGRAM, start.minus(Duration.ofMinutes(60))), new Moment(REMOVE, end));
  }

  @Test
  void nonNativeBrandIsJustInTimeEvenIfNativePreferred() {
    Instant start = T0.plus(Duration.ofMinutes(30)), end = start.plus(Duration.ofDays(2));
    assertThat(SchedulePolicy.plan(SMARTTHINGS, true, start, end, T0)).containsExactly(
        new Moment(PROGRAM, T0), new Moment(REMOVE, end));
  }

  @Test
  void windowAlreadyOverIsProgrammedAndRemovedNow() {
    Instant start = T0.minus(Duration.ofDays(2)), end = T0.minus(Duration.ofDays(1));
    assertThat(SchedulePolicy.plan(SMARTTHINGS, true, start, end, T0)).containsExactly(
        new Moment(PROGRAM, T0), new Moment(REMOVE, T0));
    assertThat(SchedulePolicy.plan(AUGUST, true, start, end, T0)).containsExactly(
        new Moment(PRELOAD, T0), new Moment(ACTIVATE, T0), new Moment(REMOVE, T0));
  }

  @Test
  void leadTimes() {
    assertThat(SchedulePolicy.NATIVE_LEAD).isEqualTo(Duration.ofHours(72));
    assertThat(SchedulePolicy.JUST_IN_TIME_LEAD).isEqualTo(Duration.ofMinutes(60));
    assertThat(Transition.values()).containsExactly(PROGRAM, PRELOAD, ACTIVATE, REMOVE);
  }
}
