package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    Stats s = Stats.of(List.of(30, 10, 20, 50, 40));
    assertThat(s.median()).isEqualTo(30);
    assertThat(s.min()).isEqualTo(10);
    assertThat(s.max()).isEqualTo(50);
    assertThat(s.n()).isEqualTo(5);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    Stats s = Stats.of(List.of(4.0, 1.0, 3.0, 2.0));
    assertThat(s.median()).isEqualTo(2.5);
    assertThat(s.format(1)).isEqualTo("2.5 (1.0-4.0)");
  }

  @Test
  void noMeasurementsIsAnError() {
    assertThatThrownBy(() -> Stats.of(List.<Double>of())).isInstanceOf(IllegalArgumentException.class);
  }
}
