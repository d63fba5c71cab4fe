package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsCallsTest {
  static Step step(String name, String lifecycle, double ms, long sends) {
    return new Step(name, lifecycle, "create", Map.of("Sqs.SendMessage", sends, "Lambda.Invoke", 1L), 1, 1, "Fn", 1, ms,
        1024, null);
  }

  @Test
  void mergeKeepsTheLastRunsCallsAndTheMedianDuration() {
    List<Map<String, Step>> runs = List.of(
        Map.of("a", step("a", AwsCalls.JIT, 30, 1)),
        Map.of("a", step("a", AwsCalls.JIT, 10, 1)),
        Map.of("a", step("a", AwsCalls.JIT, 20, 2)));
    Step merged = AwsCalls.merge(runs).get("a");
    assertThat(merged.ms()).isEqualTo(20);
    assertThat(merged.count("Sqs.SendMessage")).isEqualTo(2);
    assertThat(AwsCalls.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
  }

  @Test
  void theJsonCarriesStepsAndTheCostPerLifecycle() {
    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put("time_bound_jit.create", step("time_bound_jit.create", AwsCalls.JIT, 10, 1));
    steps.put("ongoing.create", step("ongoing.create", AwsCalls.ONGOING, 10, 1));
    PartResult r = AwsCalls.result(steps, PriceTableTest.PRICES, 3, 2.0, List.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> usd = (Map<String, Object>) r.json().get("usd_per_million");
    assertThat(usd).containsOnlyKeys(AwsCalls.NATIVE, AwsCalls.JIT, AwsCalls.ONGOING);
    assertThat((double) usd.get(AwsCalls.NATIVE)).isZero();
    assertThat((double) usd.get(AwsCalls.JIT)).isEqualTo((double) usd.get(AwsCalls.ONGOING)).isPositive();
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> json = (Map<String, Map<String, Object>>) r.json().get("steps");
    assertThat(json.get("time_bound_jit.create")).containsKeys("at", "lifecycle", "calls", "wcu", "rcu", "lambda");
    assertThat(r.notes()).anyMatch(n -> n.startsWith("Target") && n.contains(": met")); // a few cents per million
  }

  @Test
  void percentilesPickTheRankedValue() {
    List<Double> xs = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    assertThat(Throughput.percentile(xs, 50)).isEqualTo(5.0);
    assertThat(Throughput.percentile(xs, 95)).isEqualTo(10.0);
    assertThat(Throughput.percentile(List.of(), 95)).isZero();
  }
}
