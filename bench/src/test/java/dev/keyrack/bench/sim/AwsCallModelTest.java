package dev.keyrack.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.keyrack.bench.sim.AwsCallModel.At;
import dev.keyrack.bench.sim.AwsCallModel.Lifecycle;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsCallModelTest {
  @Test
  void readsPartThreesStepsAndPrices() {
    Map<String, Object> json = Map.of(
        "steps", Map.of(
            "create", Map.of("at", "create", "lifecycle", "time_bound_jit",
                "calls", Map.of("DynamoDb.TransactWriteItems", 1, "Scheduler.CreateSchedule", 2)),
            "program", Map.of("at", "program", "lifecycle", "time_bound_jit", "calls", Map.of("Sqs.SendMessage", 1.5)),
            "odd", Map.of("at", "sometime", "lifecycle", "time_bound_jit", "calls", Map.of("Sqs.SendMessage", 9))),
        "usd_per_million", Map.of("time_bound_native", 6.5, "time_bound_jit", 7.25, "unknown", 1));

    AwsCallModel m = AwsCallModel.fromJson(json);

    assertThat(m.measured()).isTrue();
    assertThat(m.steps()).hasSize(2);
    assertThat(m.callsAt(Lifecycle.time_bound_jit, At.create))
        .containsEntry("DynamoDb.TransactWriteItems", 1.0).containsEntry("Scheduler.CreateSchedule", 2.0);
    assertThat(m.callsPerCode(Lifecycle.time_bound_jit)).isEqualTo(4.5);
    assertThat(m.usdPerMillion()).containsOnly(Map.entry(Lifecycle.time_bound_native, 6.5), Map.entry(Lifecycle.time_bound_jit, 7.25));
    assertThat(m.services()).contains("DynamoDb", "Scheduler", "Sqs", "Lambda");
  }

  @Test
  void refusesJsonWithoutSteps() {
    assertThatThrownBy(() -> AwsCallModel.fromJson(Map.of("usd_per_million", Map.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steps");
    assertThatThrownBy(() -> AwsCallModel.fromJson(Map.of("steps", Map.of("a", Map.of("at", "create")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usd_per_million");
  }

  @Test
  void theDefaultPricesItsOwnCalls() {
    AwsCallModel d = AwsCallModel.DEFAULT;

    assertThat(d.measured()).isFalse();
    // A just-in-time code: create, program, remove; no activation step.
    assertThat(d.callsAt(Lifecycle.time_bound_jit, At.starts_at)).isEmpty();
    assertThat(d.callsAt(Lifecycle.time_bound_native, At.starts_at)).containsEntry("Scheduler.Invocation", 1.0);
    double perCode = 0;
    for (AwsCallModel.Step s : d.steps()) {
      if (s.lifecycle() == Lifecycle.time_bound_native) perCode += AwsCallModel.estimatedUsd(s.calls());
    }
    assertThat(d.usdPerMillion().get(Lifecycle.time_bound_native)).isCloseTo(perCode * 1e6, within(1e-9));
    // Three Scheduler invocations ($1/M each) and one HTTP API request ($1/M) are part of every native code.
    assertThat(d.usdPerMillion().get(Lifecycle.time_bound_native)).isGreaterThan(4.0);
  }

  @Test
  void theServiceIsTheTextBeforeTheDot() {
    assertThat(AwsCallModel.service("Sqs.SendMessage")).isEqualTo("Sqs");
    assertThat(AwsCallModel.service("Lambda")).isEqualTo("Lambda");
  }
}
