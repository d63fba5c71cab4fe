package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankTestTest {
  @Test
  void fiveRunsAllBelowFiveOthersIsTheRarestSplit() {
    // 2 of the C(10,5) = 252 splits are this extreme (all lower, or all higher).
    assertThat(RankTest.pValue(List.of(1, 2, 3, 4, 5), List.of(6, 7, 8, 9, 10))).isCloseTo(2 / 252.0, within(1e-12));
    assertThat(RankTest.differ(List.of(1, 2, 3, 4, 5), List.of(6, 7, 8, 9, 10))).isTrue();
  }

  @Test
  void interleavedRunsDoNotDiffer() {
    assertThat(RankTest.pValue(List.of(1, 3, 5, 7, 9), List.of(2, 4, 6, 8, 10))).isGreaterThan(0.5);
    assertThat(RankTest.differ(List.of(1109, 1253, 1190, 1425, 1300), List.of(1032, 1167, 1416, 1150, 1210))).isFalse();
  }

  @Test
  void identicalRunsAreNoDifferenceAndTheTestIsSymmetric() {
    assertThat(RankTest.pValue(List.of(5, 5, 5), List.of(5, 5, 5))).isEqualTo(1.0);
    List<Integer> a = List.of(10, 12, 15, 11, 30), b = List.of(20, 22, 25, 21, 19);
    assertThat(RankTest.pValue(a, b)).isEqualTo(RankTest.pValue(b, a));
  }

  @Test
  void manyRunsUseTheNormalApproximationWhichAgreesWithTheExactTest() {
    List<Integer> low = java.util.stream.IntStream.range(0, 15).boxed().toList();
    List<Integer> high = java.util.stream.IntStream.range(15, 30).boxed().toList();
    List<Integer> mixed = java.util.stream.IntStream.range(0, 30).filter(i -> i % 2 == 1).boxed().toList();
    List<Integer> other = java.util.stream.IntStream.range(0, 30).filter(i -> i % 2 == 0).boxed().toList();
    assertThat(RankTest.pValue(low, high)).isLessThan(1e-4);
    assertThat(RankTest.pValue(mixed, other)).isGreaterThan(0.5);
    assertThat(RankTest.phi(0)).isCloseTo(0.5, within(1e-7));
    assertThat(RankTest.phi(1.959964)).isCloseTo(0.975, within(1e-6));
  }
}
