package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DesignFloorTest {
  private final PriceTable prices = PriceTable.load();

  @Test
  void pricesTheFlowsUnavoidableCallsAtBatchesOfOne() {
    Map<String, Double> usd = new DesignFloor(1).usdPerMillion(prices);

    // 1 API request; api + 2 programmer + 2 worker invocations; 2 fires; 2 jobs sent, received, deleted;
    // 3 writes, 0.5 + 2 read units: by hand from the price table.
    assertThat(usd.get("ApiGateway")).isCloseTo(1.00, within(1e-9));
    assertThat(usd.get("Lambda")).isCloseTo(5 * 0.20, within(1e-9));
    assertThat(usd.get("Scheduler")).isCloseTo(2 * 1.00, within(1e-9));
    assertThat(usd.get("Sqs")).isCloseTo(6 * 0.50, within(1e-9));
    assertThat(usd.get("DynamoDb")).isCloseTo(3 * 0.625 + 2.5 * 0.125, within(1e-9));
    assertThat(new DesignFloor(1).total(prices)).isCloseTo(9.1875, within(1e-9)).isGreaterThan(AwsCalls.TARGET_USD_PER_MILLION);
  }

  @Test
  void fullBatchesShareTheWorkersInvocationReceiveAndDelete() {
    Map<String, Double> usd = new DesignFloor(10).usdPerMillion(prices);

    assertThat(usd.get("Lambda")).isCloseTo((3 + 0.2) * 0.20, within(1e-9));
    assertThat(usd.get("Sqs")).isCloseTo((2 + 0.4) * 0.50, within(1e-9));
    assertThat(new DesignFloor(10).total(prices)).isCloseTo(7.0275, within(1e-9));
    assertThat(DesignFloor.note(prices, 8.0, 14.16))
        .contains("$9.19 per million", "at or over the $8.00 target by itself", "$7.03 if every receive brought 10 jobs",
            "leaving $0.97", "Measured without duration: $14.16");
  }

  @Test
  void refusesABatchSqsCannotDeliver() {
    assertThatThrownBy(() -> new DesignFloor(0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DesignFloor(11)).isInstanceOf(IllegalArgumentException.class);
  }
}
