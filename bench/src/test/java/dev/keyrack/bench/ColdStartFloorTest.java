package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColdStartFloorTest {
  @Test
  void saysTheFloorAloneMissesTheTargetWhenItIsOver15TimesHelloWorld() {
    String note = ColdStart.floorNote(40, 640, 760, 990);

    assertThat(note).contains("640 ms = 16.0 x hello world", "760 ms = 19.0 x", "target's 600 ms (15 x 40 ms)",
        "over the target by itself", "230 ms above the floor with Jackson");
  }

  @Test
  void tellsAFloorOverTheTargetOnlyWithJacksonAndOneWithinIt() {
    assertThat(ColdStart.floorNote(40, 500, 640, Double.NaN))
        .contains("within the target alone, over it once Jackson reads the event").doesNotContain("above the floor");
    assertThat(ColdStart.floorNote(40, 300, 420, 700)).contains("within the target, leaving 180 ms for the function's own work");
  }
}
