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
import java.util.UUID;
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

  // ------------------------------------------------------------ properties against an independent model
  //
  // The properties below do not restate the implementation. They take the rules from CONTRACT.md
  // (Lifecycle; Native scheduling by provider) and check the plan by simulating what the lock
  // would do if each moment were carried out at its time, in the plan's order:
  //   PROGRAM  puts the code on the lock, usable at once (just in time);
  //   PRELOAD  puts the code on the lock, not usable until starts_at (the lock holds the window);
  //   ACTIVATE makes a preloaded code usable (and programs it if the preload never arrived);
  //   REMOVE   takes the code off the lock.
  // The contract's windows: a natively scheduled code is usable only within [starts_at, ends_at);
  // a just-in-time code is "programmed 60 min before starts_at (setting then set)", so it is usable
  // from starts_at - 60 min (or from now, when that is later) until ends_at, and no earlier.

  /** Providers the contract lists as supporting native scheduling (by device type). */
  static final java.util.Set<String> NATIVE_BY_CONTRACT = java.util.Set.of("two_n_intercom", "august_lock",
      "igloohome_lock", "kwikset_lock", "nuki_lock", "salto_lock", "schlage_lock", "tedee_lock", "ttlock_lock",
      "yale_lock", "wyze_lock");
  static final Duration H72 = Duration.ofHours(72);
  static final Duration M60 = Duration.ofMinutes(60);

  /** A time-bound window and a clock placed in one of the regions that matter. */
  record Case(Instant now, Instant startsAt, Instant endsAt, String region) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Instant> start = Arbitraries.longs().between(1_000_000_000L, 4_000_000_000L).map(Instant::ofEpochSecond);
    // window lengths from a millisecond to 30 days, with a bias to short ones
    Arbitrary<Duration> length = Arbitraries.oneOf(
        Arbitraries.longs().between(1, 2_000).map(Duration::ofMillis),
        Arbitraries.longs().between(1, 7_200).map(Duration::ofSeconds),
        Arbitraries.longs().between(1, 2_592_000).map(Duration::ofSeconds));
    Arbitrary<String> region = Arbitraries.of("before_native_lead", "at_native_lead", "inside_native_lead",
        "at_jit_lead", "inside_jit_lead", "at_start", "inside_window", "at_end", "after_end");
    Arbitrary<Long> jitter = Arbitraries.longs().between(0, 10_000_000L); // up to ~115 days, in ms, cut to the region
    Arbitrary<Integer> shape = Arbitraries.integers().between(0, 9); // mostly both ends; some start-only, end-only
    return Combinators.combine(start, length, region, jitter, shape).as((s, len, r, j, sh) -> {
      Instant e = s.plus(len);
      Instant now = switch (r) {
        case "before_native_lead" -> s.minus(H72).minusMillis(1 + j);
        case "at_native_lead" -> s.minus(H72);
        case "inside_native_lead" -> s.minus(H72).plusMillis(1 + j % (H72.minus(M60).toMillis() - 1));
        case "at_jit_lead" -> s.minus(M60);
        case "inside_jit_lead" -> s.minus(M60).plusMillis(1 + j % (M60.toMillis() - 1));
        case "at_start" -> s;
        case "inside_window" -> s.plusMillis(j % len.toMillis());
        case "at_end" -> e;
        default -> e.plusMillis(1 + j);
      };
      return switch (sh) {
        case 8 -> new Case(now, s, null, r);
        case 9 -> new Case(now, null, e, r);
        default -> new Case(now, s, e, r);
      };
    });
  }

  /** One stretch of time during which the simulated lock lets the code open the door: [from, to). */
  record Active(Instant from, Instant to) {
    boolean nonEmpty() {
      return to == null || to.isAfter(from);
    }
  }

  /** What the lock does, carrying out the plan's moments in time order (ties in the plan's order). */
  record Simulation(Instant firstOnLock, List<Active> active, boolean onLockAtEnd) {}

  static Simulation simulate(List<Moment> plan) {
    List<Moment> ordered = new ArrayList<>(plan);
    ordered.sort(java.util.Comparator.comparing(Moment::at)); // stable: ties keep the plan's order
    boolean onLock = false, usable = false;
    Instant firstOnLock = null, since = null;
    List<Active> active = new ArrayList<>();
    for (Moment m : ordered) {
      switch (m.transition()) {
        case PROGRAM -> { onLock = true; if (!usable) { usable = true; since = m.at(); } }
        case PRELOAD -> onLock = true;
        case ACTIVATE -> { onLock = true; if (!usable) { usable = true; since = m.at(); } }
        case REMOVE -> { onLock = false; if (usable) { active.add(new Active(since, m.at())); usable = false; } }
      }
      if (onLock && firstOnLock == null) firstOnLock = m.at();
    }
    if (usable) active.add(new Active(since, null));
    return new Simulation(firstOnLock, active, onLock);
  }

  static boolean nativeByContract(BrandProfile brand, boolean preferNative) {
    return NATIVE_BY_CONTRACT.contains(brand.deviceType()) && preferNative;
  }

  static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  @Property(tries = 3000)
  void theBrandsThatScheduleNativelyAreTheOnesTheContractLists(@ForAll("brands") BrandProfile brand) {
    assertThat(brand.nativeScheduling()).as(brand.deviceType()).isEqualTo(NATIVE_BY_CONTRACT.contains(brand.deviceType()));
  }

  /** (a) Nothing needed is skipped: the code is on the lock and usable for the whole window still ahead, and taken off at or after ends_at. */
  @Property(tries = 3000)
  void noNeededMomentIsSkipped(@ForAll("brands") BrandProfile brand, @ForAll boolean preferNative, @ForAll("cases") Case k) {
    List<Moment> plan = SchedulePolicy.plan(brand, preferNative, k.startsAt(), k.endsAt(), k.now());
    Instant start = k.startsAt() == null ? k.now() : k.startsAt(); // an end-only code starts at once
    Instant from = later(start, k.now());
    Simulation sim = simulate(plan);
    if (k.endsAt() != null) {
      assertThat(plan).as("a removal at or after ends_at: %s", plan)
          .anyMatch(m -> m.transition() == REMOVE && !m.at().isBefore(k.endsAt()));
      assertThat(sim.onLockAtEnd()).as("left on the lock after its end: %s", plan).isFalse();
    } else {
      assertThat(plan).as("no removal without an end").noneMatch(m -> m.transition() == REMOVE);
    }
    assertThat(sim.firstOnLock()).as("never reaches the lock: %s", plan).isNotNull();
    assertThat(sim.firstOnLock()).as("reaches the lock by starts_at (or now, if later): %s", plan).isBeforeOrEqualTo(from);
    if (k.endsAt() == null || k.endsAt().isAfter(from)) {
      assertThat(sim.active()).as("usable for the whole window ahead [%s, %s): %s", from, k.endsAt(), plan)
          .anyMatch(a -> !a.from().isAfter(from) && (a.to() == null ? k.endsAt() == null : a.to().equals(k.endsAt())));
    }
    if (nativeByContract(brand, preferNative)) {
      // preloaded by starts_at - 72h, or at once inside the lead
      assertThat(plan).as("preload: %s", plan).anyMatch(m -> m.transition() == PRELOAD
          && !m.at().isAfter(later(start.minus(H72), k.now())));
    }
  }

  /** (b) No moment is scheduled twice: one of each transition at most, so one schedule name each. */
  @Property(tries = 3000)
  void noMomentIsScheduledTwice(@ForAll("brands") BrandProfile brand, @ForAll boolean preferNative, @ForAll("cases") Case k) {
    List<Moment> plan = SchedulePolicy.plan(brand, preferNative, k.startsAt(), k.endsAt(), k.now());
    UUID id = UUID.nameUUIDFromBytes(k.toString().getBytes());
    assertThat(plan.stream().map(m -> Fire.scheduleName(id, m.transition())).toList()).as("%s", plan).doesNotHaveDuplicates();
    // and a code is put on its lock once: never both programmed just in time and preloaded
    assertThat(plan.stream().filter(m -> m.transition() == PROGRAM || m.transition() == PRELOAD).count()).as("%s", plan)
        .isEqualTo(1);
    assertThat(plan.stream().anyMatch(m -> m.transition() == ACTIVATE)).as("%s", plan)
        .isEqualTo(plan.stream().anyMatch(m -> m.transition() == PRELOAD));
  }

  /** (c) Never usable outside its window, as the contract draws it for the code's scheduling mode. */
  @Property(tries = 3000)
  void neverActiveOutsideItsWindow(@ForAll("brands") BrandProfile brand, @ForAll boolean preferNative, @ForAll("cases") Case k) {
    List<Moment> plan = SchedulePolicy.plan(brand, preferNative, k.startsAt(), k.endsAt(), k.now());
    Instant start = k.startsAt() == null ? k.now() : k.startsAt();
    boolean nativeMode = nativeByContract(brand, preferNative);
    // native: from starts_at; just in time: programmed (and so usable) from starts_at - 60 min
    Instant earliest = nativeMode ? start : start.minus(M60);
    for (Active a : simulate(plan).active()) {
      if (!a.nonEmpty()) continue; // programmed and removed in the same instant: never usable
      assertThat(a.from()).as("usable from %s, before %s (%s): %s", a.from(), earliest, nativeMode ? "native" : "jit", plan)
          .isAfterOrEqualTo(earliest);
      if (k.endsAt() != null) {
        assertThat(a.to()).as("usable after ends_at %s: %s", k.endsAt(), plan).isNotNull();
        assertThat(a.to()).as("usable after ends_at %s: %s", k.endsAt(), plan).isBeforeOrEqualTo(k.endsAt());
      }
    }
    if (nativeMode) {
      // a preload is on the lock but not usable: nothing opens the door before starts_at
      assertThat(simulate(plan).active()).filteredOn(Active::nonEmpty).allMatch(a -> !a.from().isBefore(start));
    }
  }

  /** (d) Removal is never before activation (nor before programming or preloading). */
  @Property(tries = 3000)
  void removalIsNeverBeforeActivation(@ForAll("brands") BrandProfile brand, @ForAll boolean preferNative, @ForAll("cases") Case k) {
    List<Moment> plan = SchedulePolicy.plan(brand, preferNative, k.startsAt(), k.endsAt(), k.now());
    int removeAt = -1;
    for (int i = 0; i < plan.size(); i++) if (plan.get(i).transition() == REMOVE) removeAt = i;
    if (removeAt < 0) return;
    Moment remove = plan.get(removeAt);
    for (int i = 0; i < plan.size(); i++) {
      Moment m = plan.get(i);
      if (i == removeAt) continue;
      assertThat(remove.at()).as("%s before %s: %s", REMOVE, m.transition(), plan).isAfterOrEqualTo(m.at());
      if (remove.at().equals(m.at())) {
        assertThat(i).as("%s listed before %s at the same instant: %s", REMOVE, m.transition(), plan).isLessThan(removeAt);
      }
    }
  }

  /** (e) A moment already past happens now; one still ahead happens at its own time, never early or late. */
  @Property(tries = 3000)
  void momentsAlreadyPastHappenNow(@ForAll("brands") BrandProfile brand, @ForAll boolean preferNative, @ForAll("cases") Case k) {
    List<Moment> plan = SchedulePolicy.plan(brand, preferNative, k.startsAt(), k.endsAt(), k.now());
    Instant start = k.startsAt() == null ? k.now() : k.startsAt();
    for (Moment m : plan) {
      Instant own = switch (m.transition()) { // the moment's own time, from CONTRACT.md's lifecycle
        case PRELOAD -> start.minus(H72);
        case ACTIVATE -> start;
        case PROGRAM -> start.minus(M60);
        case REMOVE -> k.endsAt();
      };
      if (own.isAfter(k.now())) {
        assertThat(m.at()).as("%s ahead at %s: %s", m.transition(), own, plan).isEqualTo(own);
      } else {
        assertThat(m.at()).as("%s past (%s) happens now: %s", m.transition(), own, plan).isEqualTo(k.now());
      }
    }
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
