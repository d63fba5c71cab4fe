package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class IdsTest {
  private final Ids ids = new Ids();

  /** The 48-bit Unix milliseconds of a UUIDv7. */
  static long millis(UUID v7) {
    return v7.getMostSignificantBits() >>> 16;
  }

  @Provide
  Arbitrary<Long> epochMillis() {
    // anything representable in 48 bits; the text order of v7 only holds within that range
    return Arbitraries.longs().between(0, (1L << 48) - 1);
  }

  @Property(tries = 500)
  void timeOrderedIdsSortAsTextInTimeOrder(@ForAll @Size(min = 2, max = 30) List<@net.jqwik.api.constraints.LongRange(min = 0, max = 281_474_976_710_655L) Long> ms) {
    List<Long> distinct = ms.stream().distinct().sorted().toList();
    List<String> texts = new ArrayList<>();
    for (long m : distinct) texts.add(ids.timeOrdered(Instant.ofEpochMilli(m)).toString());
    assertThat(texts).isSorted();
    assertThat(new HashSet<>(texts)).hasSize(texts.size());
  }

  @Property(tries = 1000)
  void timeOrderedIdCarriesItsMillisecondsVersionAndVariant(@ForAll("epochMillis") long ms) {
    Instant at = Instant.ofEpochMilli(ms).plusNanos(999_999); // sub-millisecond part is dropped
    UUID id = ids.timeOrdered(at);
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2); // RFC 4122/9562 variant, bits 10
    assertThat(millis(id)).isEqualTo(ms);
    assertThat(id.toString().charAt(14)).isEqualTo('7');
    assertThat(id.toString().charAt(19)).isIn('8', '9', 'a', 'b');
  }

  @Test
  void consecutiveMillisecondsSortInOrder() {
    Instant t = Instant.parse("2025-06-01T12:00:00Z");
    String prev = ids.timeOrdered(t).toString();
    for (int i = 1; i <= 2000; i++) {
      String next = ids.timeOrdered(t.plusMillis(i)).toString();
      assertThat(next).isGreaterThan(prev);
      prev = next;
    }
  }

  @Test
  void timeOrderedIdsOfOneInstantDifferInTheirRandomPart() {
    Instant t = Instant.parse("2025-06-01T12:00:00Z");
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) seen.add(ids.timeOrdered(t));
    assertThat(seen).hasSize(1000);
    assertThat(seen).allSatisfy(u -> assertThat(millis(u)).isEqualTo(t.toEpochMilli()));
  }

  @Test
  void randomIdsAreVersion4WithTheRfcVariant() {
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
  void randomIdsKeepAllOtherBitsRandom() {
    // with a source of all-ones bytes, only the version and variant bits may be cleared
    SecureRandom ones = new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, (byte) 0xff);
      }
    };
    assertThat(new Ids(ones).random().toString()).isEqualTo("ffffffff-ffff-4fff-bfff-ffffffffffff");
    SecureRandom zeros = new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, (byte) 0);
      }
    };
    assertThat(new Ids(zeros).random().toString()).isEqualTo("00000000-0000-4000-8000-000000000000");
    assertThat(new Ids(zeros).timeOrdered(Instant.ofEpochMilli(0x0123456789abL)).toString())
        .isEqualTo("01234567-89ab-7000-8000-000000000000");
    assertThat(new Ids(ones).timeOrdered(Instant.ofEpochMilli(0x0123456789abL)).toString())
        .isEqualTo("01234567-89ab-7fff-bfff-ffffffffffff");
  }
}
