package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

  @Test
  void anEventChecksReadUnitsAreDividedByTheGetItemsTheSecondSweepAdded() {
    // The probe: the second daily sweep made 77 GetItems, 17 of them the first's too, and read 30 RCU more.
    assertThat(AwsCalls.rcuPerCheck(10, 17, 40, 77)).isEqualTo(0.5);
    assertThat(AwsCalls.rcuPerCheck(10, 17, 10, 17)).isZero();
  }

  @Test
  void outboxChecksFollowWhatTheCodeWritesAndHowLongEachWriteLasts() {
    java.time.Duration tenMinutes = java.time.Duration.ofMinutes(10), day = java.time.Duration.ofDays(1);
    long minute = 60_000, hour = 60 * minute;
    // A write that is never replaced: frequent sweeps from its writer's grace to 12 minutes (1.1 of a 10-minute
    // sweep), daily ones up to 26 hours (26 h less a minute, over a day).
    double[] forever = AwsCalls.Checks.checksOf(0, Long.MAX_VALUE / 4, tenMinutes, day);
    assertThat(forever[0]).isCloseTo(1.1, within(1e-9));
    assertThat(forever[1]).isCloseTo((26 * hour - minute) / (24.0 * hour), within(1e-9));
    // Replaced at once (a set due at create): never checked. Written an hour after its code's create: past the
    // frequent sweeps' window of recent codes, so only daily sweeps check it.
    assertThat(AwsCalls.Checks.checksOf(0, 0, tenMinutes, day)).containsExactly(0, 0);
    assertThat(AwsCalls.Checks.checksOf(hour, 7 * hour, tenMinutes, day)[0]).isZero();
    assertThat(AwsCalls.Checks.checksOf(hour, 7 * hour, tenMinutes, day)[1]).isCloseTo((6 * hour - minute) / (24.0 * hour), within(1e-9));

    var bookings = dev.keyrack.bench.sim.SimConfig.million(1);
    var nativeChecks = AwsCalls.Checks.perCode(bookings, true, tenMinutes, day, 20_000);
    var jitChecks = AwsCalls.Checks.perCode(bookings, false, tenMinutes, day, 20_000);
    assertThat(nativeChecks.writes()).hasSize(4);
    assertThat(jitChecks.writes()).hasSize(3);
    // Each lifecycle's tombstone alone is checked once or twice by daily sweeps; no write more than a lasting one.
    for (var c : List.of(nativeChecks, jitChecks)) {
      assertThat(c.daily()).isGreaterThan(forever[1]).isLessThanOrEqualTo(c.writes().size() * forever[1]);
      assertThat(c.recent()).isGreaterThanOrEqualTo(forever[0] * 0.5).isLessThanOrEqualTo(c.writes().size() * forever[0]);
    }
  }
}
