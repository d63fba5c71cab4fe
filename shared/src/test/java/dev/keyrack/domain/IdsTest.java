package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class IdsTest {
  static final long MAX_48 = (1L << 48) - 1;

  /** The 48-bit Unix milliseconds of a UUIDv7. */
  static long millis(UUID v7) {
    return v7.getMostSignificantBits() >>> 16;
  }

  /** The 12-bit counter (rand_a) of a UUIDv7. */
  static int counter(UUID v7) {
    return (int) (v7.getMostSignificantBits() & 0xfff);
  }

  static SecureRandom constant(byte value) {
    return new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        Arrays.fill(bytes, value);
      }
    };
  }

  @Provide
  Arbitrary<Long> epochMillis() {
    // anything representable in 48 bits, leaving room for the counter to roll over
    return Arbitraries.longs().between(0, MAX_48 - 1);
  }

  @Property(tries = 500)
  void timeOrderedIdsSortAsTextInTimeOrder(@ForAll @Size(min = 2, max = 30) List<@LongRange(min = 0, max = MAX_48) Long> ms) {
    Ids ids = new Ids();
    List<Long> increasing = ms.stream().distinct().sorted().toList();
    List<String> texts = new ArrayList<>();
    for (long m : increasing) {
      UUID id = ids.timeOrdered(Instant.ofEpochMilli(m));
      assertThat(millis(id)).isEqualTo(m);
      texts.add(id.toString());
    }
    assertThat(texts).isSorted();
    assertThat(new HashSet<>(texts)).hasSize(texts.size());
  }

  @Property(tries = 300)
  void oneGeneratorIsStrictlyIncreasingWhateverTheInstants(@ForAll @Size(min = 2, max = 50)
                                                           List<@LongRange(min = 0, max = 1_000_000) Long> ms) {
    // instants in any order, repeated or going backwards: ids from one generator still only increase
    Ids ids = new Ids();
    long base = 1_750_000_000_000L;
    String prev = null;
    long maxSoFar = -1;
    for (long m : ms) {
      UUID id = ids.timeOrdered(Instant.ofEpochMilli(base + m));
      maxSoFar = Math.max(maxSoFar, base + m);
      assertThat(id.version()).isEqualTo(7);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(millis(id)).as("never older than the newest instant seen").isEqualTo(maxSoFar);
      if (prev != null) assertThat(id.toString()).isGreaterThan(prev);
      prev = id.toString();
    }
  }

  @Property(tries = 1000)
  void timeOrderedIdCarriesItsMillisecondsVersionAndVariant(@ForAll("epochMillis") long ms) {
    Instant at = Instant.ofEpochMilli(ms).plusNanos(999_999); // the sub-millisecond part is dropped
    UUID id = new Ids().timeOrdered(at);
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2); // RFC 9562 variant, bits 10
    assertThat(millis(id)).isEqualTo(ms);
    assertThat(counter(id)).as("a fresh millisecond starts the counter at 0").isZero();
    assertThat(id.toString().charAt(14)).isEqualTo('7');
    assertThat(id.toString().charAt(19)).isIn('8', '9', 'a', 'b');
  }

  @Test
  void consecutiveMillisecondsSortInOrder() {
    Ids ids = new Ids();
    Instant t = Instant.parse("2025-06-01T12:00:00Z");
    String prev = ids.timeOrdered(t).toString();
    for (int i = 1; i <= 2000; i++) {
      String next = ids.timeOrdered(t.plusMillis(i)).toString();
      assertThat(next).isGreaterThan(prev);
      prev = next;
    }
  }

  @Test
  void idsOfOneMillisecondCountUpAndRollIntoTheNext() {
    Ids ids = new Ids();
    Instant t = Instant.parse("2025-06-01T12:00:00.500Z");
    List<UUID> made = new ArrayList<>();
    for (int i = 0; i < 4096 + 10; i++) made.add(ids.timeOrdered(t));

    for (int i = 0; i < 4096; i++) {
      assertThat(millis(made.get(i))).isEqualTo(t.toEpochMilli());
      assertThat(counter(made.get(i))).isEqualTo(i);
    }
    // the 12-bit counter is exhausted: the next ids borrow the following millisecond
    assertThat(millis(made.get(4096))).isEqualTo(t.toEpochMilli() + 1);
    assertThat(counter(made.get(4096))).isZero();
    List<String> texts = made.stream().map(UUID::toString).toList();
    assertThat(texts).isSorted().doesNotHaveDuplicates();
    assertThat(made).allSatisfy(u -> {
      assertThat(u.version()).isEqualTo(7);
      assertThat(u.variant()).isEqualTo(2);
    });
    // real time catching up with the borrowed millisecond continues after it
    UUID later = ids.timeOrdered(t.plusMillis(1));
    assertThat(later.toString()).isGreaterThan(texts.get(texts.size() - 1));
    UUID muchLater = ids.timeOrdered(t.plusMillis(2));
    assertThat(millis(muchLater)).isEqualTo(t.toEpochMilli() + 2);
    assertThat(counter(muchLater)).isZero();
  }

  @Test
  void concurrentCallersGetDistinctIncreasingIds() throws Exception {
    Ids ids = new Ids();
    Instant t = Instant.parse("2025-06-01T12:00:00Z");
    ConcurrentLinkedQueue<UUID> all = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int th = 0; th < 8; th++) {
        fs.add(pool.submit(() -> {
          List<UUID> mine = new ArrayList<>();
          for (int i = 0; i < 500; i++) mine.add(ids.timeOrdered(t));
          // each caller sees its own ids increase
          assertThat(mine.stream().map(UUID::toString).toList()).isSorted();
          all.addAll(mine);
        }));
      }
      for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(all).hasSize(4000).doesNotHaveDuplicates();
  }

  @Test
  void sharedGeneratorIsOne() {
    assertThat(Ids.shared()).isSameAs(Ids.shared());
    UUID a = Ids.shared().timeOrdered(Instant.now());
    UUID b = Ids.shared().timeOrdered(Instant.now());
    assertThat(b.toString()).isGreaterThan(a.toString());
  }

  @Test
  void randomIdsAreVersion4WithTheRfcVariant() {
    Ids ids = new Ids();
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      UUID id = ids.random();
      assertThat(id.version()).isEqualTo(4);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(id.toString().charAt(14)).isEqualTo('4');
      seen.add(id);
    }
    assertThat(seen).hasSize(2000);
  }

  @Test
  void onlyVersionVariantTimeAndCounterBitsAreFixed() {
    Ids ones = new Ids(constant((byte) 0xff)), zeros = new Ids(constant((byte) 0));
    assertThat(ones.random().toString()).isEqualTo("ffffffff-ffff-4fff-bfff-ffffffffffff");
    assertThat(zeros.random().toString()).isEqualTo("00000000-0000-4000-8000-000000000000");
    Instant at = Instant.ofEpochMilli(0x0123456789abL);
    assertThat(zeros.timeOrdered(at).toString()).isEqualTo("01234567-89ab-7000-8000-000000000000");
    assertThat(ones.timeOrdered(at).toString()).isEqualTo("01234567-89ab-7000-bfff-ffffffffffff");
    assertThat(ones.timeOrdered(at).toString()).isEqualTo("01234567-89ab-7001-bfff-ffffffffffff");
  }
}
