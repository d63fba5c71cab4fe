package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.domain.SlotUse.Hold;
import dev.keyrack.domain.SlotUse.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The slots a lock's codes take at once: a future stay counts only from its programming moment to its end. */
class SlotUseTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration JIT = SchedulePolicy.JUST_IN_TIME_LEAD, NATIVE = SchedulePolicy.NATIVE_LEAD;

  private static Window stay(int startDay, int endDay) {
    return new Window(NOW.plus(Duration.ofDays(startDay)), NOW.plus(Duration.ofDays(endDay)));
  }

  private static Hold hold(Window w, Duration lead) {
    return SlotUse.hold(w, lead);
  }

  @Test
  void staysThatDoNotOverlapTakeOneSlotWhateverTheirNumber() {
    List<Window> bookings = new ArrayList<>();
    for (int n = 0; n < 27; n++) bookings.add(stay(2 * n + 2, 2 * n + 3));
    assertThat(SlotUse.busiest(bookings, JIT, hold(stay(56, 57), JIT), NOW)).as("after them all").isZero();
    assertThat(SlotUse.busiest(bookings, JIT, hold(stay(4, 5), JIT), NOW)).as("the same night as one").isEqualTo(1);
    assertThat(SlotUse.busiest(bookings, JIT, Hold.ALWAYS, NOW)).as("an ongoing code meets one at a time").isEqualTo(1);
  }

  @Test
  void overlappingStaysAndOngoingCodesAllCount() {
    List<Window> codes = new ArrayList<>(List.of(Window.ONGOING, Window.ONGOING, stay(3, 10), stay(5, 6), stay(20, 21)));
    assertThat(SlotUse.busiest(codes, JIT, hold(stay(4, 8), JIT), NOW)).isEqualTo(4);
    assertThat(SlotUse.busiest(codes, JIT, hold(stay(11, 12), JIT), NOW)).isEqualTo(2);
    assertThat(SlotUse.busiest(codes, JIT, Hold.ALWAYS, NOW)).isEqualTo(4);
  }

  @Test
  void aStayIsOnItsLockFromItsLeadAheadOfItsStartUntilItsEnd() {
    // a stay from day 3 noon: a JIT lock takes it an hour before, a native one 72 h before
    Window later = new Window(NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(4)));
    Window before = new Window(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3)).minus(Duration.ofMinutes(90)));
    assertThat(SlotUse.busiest(List.of(later), JIT, hold(before, JIT), NOW)).as("ends 30 min before the other is programmed").isZero();
    assertThat(SlotUse.busiest(List.of(later), NATIVE, hold(before, NATIVE), NOW)).as("preloaded 72 h ahead").isEqualTo(1);
    Window backToBack = new Window(NOW.plus(Duration.ofDays(4)).plus(JIT), NOW.plus(Duration.ofDays(5)));
    assertThat(SlotUse.busiest(List.of(later), JIT, hold(backToBack, JIT), NOW)).as("programmed as the other leaves").isZero();
  }

  @Test
  void aCodePastItsEndStillHoldsItsSlotUntilItIsRemoved() {
    Window ended = new Window(NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofHours(1)));
    assertThat(SlotUse.busiest(List.of(ended), JIT, Hold.ALWAYS, NOW)).isEqualTo(1);
    assertThat(SlotUse.busiest(List.of(ended), JIT, hold(stay(1, 2), JIT), NOW)).as("gone by tomorrow").isZero();
  }

  @Test
  void holdsFollowTheCodesOwnScheduling() {
    BrandProfile august = BrandProfile.forDeviceType("august_lock"), lockly = BrandProfile.forDeviceType("lockly_lock");
    Instant start = NOW.plus(Duration.ofDays(5)), end = start.plus(Duration.ofDays(1));
    assertThat(SlotUse.hold(start, end, august, true).from()).isEqualTo(start.minus(NATIVE));
    assertThat(SlotUse.hold(start, end, august, false).from()).as("prefer_native_scheduling false").isEqualTo(start.minus(JIT));
    assertThat(SlotUse.hold(start, end, lockly, true).from()).isEqualTo(start.minus(JIT));
    assertThat(SlotUse.hold(null, null, lockly, true)).isEqualTo(Hold.ALWAYS);
    assertThat(SlotUse.lead(august)).isEqualTo(NATIVE);
    assertThat(SlotUse.lead(lockly)).isEqualTo(JIT);
  }

  // --- against counting by brute force ----------------------------------------------------------

  @Provide
  Arbitrary<List<Window>> windows() {
    return Arbitraries.randomValue(SlotUseTest::windows);
  }

  static List<Window> windows(Random r) {
    List<Window> out = new ArrayList<>();
    for (int i = r.nextInt(12); i > 0; i--) out.add(window(r));
    return out;
  }

  /** Hours from now, some in the past, some ongoing. */
  static Window window(Random r) {
    if (r.nextInt(6) == 0) return Window.ONGOING;
    int start = r.nextInt(200) - 40, length = 1 + r.nextInt(60);
    return new Window(NOW.plus(Duration.ofHours(start)), NOW.plus(Duration.ofHours(start + length)));
  }

  @Property(tries = 2000)
  void busiestIsTheMostOnTheLockAtAnyMomentTheNewCodeIsOnIt(@ForAll("windows") List<Window> others,
                                                           @ForAll("windows") List<Window> candidates) {
    for (Window cw : candidates) {
      for (Duration lead : List.of(JIT, NATIVE)) {
        Hold candidate = hold(cw, lead);
        assertThat(SlotUse.busiest(others, lead, candidate, NOW)).isEqualTo(bruteForce(others, lead, candidate));
      }
    }
  }

  /** Counts the others on the lock at every moment an interval starts or ends, within the candidate's time. */
  private static int bruteForce(List<Window> others, Duration lead, Hold candidate) {
    long from = candidate.from() == null ? NOW.toEpochMilli() : Math.max(candidate.from().toEpochMilli(), NOW.toEpochMilli());
    long until = candidate.until() == null ? Long.MAX_VALUE : Math.max(candidate.until().toEpochMilli(), from + 1);
    long stillOn = NOW.plus(Duration.ofMinutes(1)).toEpochMilli();
    TreeSet<Long> moments = new TreeSet<>(List.of(from));
    List<long[]> spans = new ArrayList<>();
    for (Window w : others) {
      Hold h = hold(w, lead);
      long s = h.from() == null ? Long.MIN_VALUE : h.from().toEpochMilli();
      long e = h.until() == null ? Long.MAX_VALUE : Math.max(h.until().toEpochMilli(), stillOn);
      spans.add(new long[] {s, e});
      if (s > from && s < until) moments.add(s);
    }
    int most = 0;
    for (long t : moments) {
      int on = 0;
      for (long[] sp : spans) if (sp[0] <= t && t < sp[1]) on++;
      most = Math.max(most, on);
    }
    return most;
  }
}
