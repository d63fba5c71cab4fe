package dev.keyrack.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.keyrack.bench.PriceTable;
import dev.keyrack.bench.sim.AwsCallModel.At;
import dev.keyrack.bench.sim.AwsCallModel.Lifecycle;
import java.util.Map;
import java.util.List;
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
  void theDefaultPricesItsOwnCallsFromThePriceTable() {
    AwsCallModel d = AwsCallModel.DEFAULT;

    assertThat(d.measured()).isFalse();
    // A just-in-time code: create, program, remove; no activation step.
    assertThat(d.callsAt(Lifecycle.time_bound_jit, At.starts_at)).isEmpty();
    assertThat(d.callsAt(Lifecycle.time_bound_native, At.starts_at)).containsEntry("Scheduler.Invocation", 1.0);
    double perCode = d.steps().stream().filter(s -> s.lifecycle() == Lifecycle.time_bound_native)
        .mapToDouble(AwsCallModel.Step::usd).sum();
    assertThat(d.usdPerMillion().get(Lifecycle.time_bound_native)).isCloseTo(perCode * 1e6, within(1e-9));
    // Three Scheduler invocations ($1/M each) and one HTTP API request ($1/M) are part of every native code.
    assertThat(d.usdPerMillion().get(Lifecycle.time_bound_native)).isGreaterThan(4.0);
  }

  @Test
  void theDefaultFollowsTheCode() {
    AwsCallModel d = AwsCallModel.DEFAULT;

    // ProgrammingService records a preloaded code's activation itself: no queue message, no worker.
    assertThat(d.callsAt(Lifecycle.time_bound_native, At.starts_at, true)).isEmpty();
    assertThat(d.callsAt(Lifecycle.time_bound_native, At.starts_at)).doesNotContainKeys("Sqs.SendMessage",
        "DynamoDb.TransactWriteItems").containsEntry("DynamoDb.PutItem", 2.0); // the code carrying its event, the event item
    // A just-in-time PROGRAM fire stores nothing; the worker stores the code as set.
    assertThat(d.callsAt(Lifecycle.time_bound_jit, At.program, false)).doesNotContainKeys("DynamoDb.PutItem",
        "DynamoDb.TransactWriteItems").containsEntry("Sqs.SendMessage", 1.0);
    assertThat(d.callsAt(Lifecycle.time_bound_jit, At.program, true)).containsEntry("DynamoDb.PutItem", 2.0);
    // A removal fire writes nothing.
    for (Lifecycle l : new Lifecycle[] {Lifecycle.time_bound_native, Lifecycle.time_bound_jit}) {
      assertThat(d.callsAt(l, At.ends_at, false)).as(l.name())
          .doesNotContainKeys("DynamoDb.PutItem", "DynamoDb.TransactWriteItems").containsEntry("Sqs.SendMessage", 1.0);
    }
  }

  @Test
  void extrasFollowTheCodeAndArePricedFromThePriceTable() {
    PriceTable prices = PriceTable.load();
    AwsCallModel.Cost remove = AwsCallModel.EXTRAS.get(AwsCallModel.Extra.backup_remove);
    // The pulled backup's removal fire writes nothing; only the worker's removal writes (its tombstone, its events' item).
    assertThat(remove.calls()).containsEntry("DynamoDb.PutItem", 2.0).doesNotContainKey("DynamoDb.TransactWriteItems");
    // BackupPools: onSetFailure's pool read, then pull's code, device and pool reads.
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.pool_check).calls()).containsEntry("DynamoDb.GetItem", 1.0);
    // BackupPools: onSetFailure's pool read, then pull's code, device and pool reads, the two outbox reads of
    // repairBeforeReplacing, and the device's codes twice (pull and fill): claims Query and BatchGetItem each.
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.backup_pull).calls()).containsEntry("DynamoDb.GetItem", 5.0)
        .containsEntry("DynamoDb.Query", 2.0).containsEntry("DynamoDb.BatchGetItem", 2.0)
        .containsEntry("Scheduler.CreateSchedule", 1.0);
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.backup_pool_empty).calls()).containsEntry("DynamoDb.BatchGetItem", 2.0);
    // Each BatchGetItem reads the failing code and its pool's backups consistently, 1 RCU each.
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.backup_pull).rcu() - AwsCallModel.EXTRAS.get(AwsCallModel.Extra.backup_pool_empty).rcu())
        .isEqualTo(1.0); // the two outbox reads
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.backup_pool_empty).rcu()).isEqualTo(4.0 + 2 * (1 + AwsCallModel.POOL_BACKUPS));
    // A failed set's first report writes the code as setting; an ACTIVATE of a code not preloaded enqueues its set.
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.set_on_its_way).calls()).containsOnly(Map.entry("DynamoDb.PutItem", 1.0));
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.activate_not_preloaded).calls()).containsEntry("Sqs.SendMessage", 1.0)
        .containsEntry("DynamoDb.GetItem", 2.0).doesNotContainKey("DynamoDb.PutItem");
    // A retry: receive, invocation (assumed 512 MB, template.yaml's worker size, x 130 ms), two reads (1.5 RRU),
    // visibility change.
    double retry = 2 * prices.sqsPerMillionRequests() / 1e6 + prices.lambdaPerMillionRequests() / 1e6
        + 0.5 * 0.130 * prices.lambdaPerGbSecond() + 1.5 * prices.dynamoPerMillionReadUnits() / 1e6;
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.retry).usd(prices)).isCloseTo(retry, within(1e-15));
    // A removal reads its device strongly consistently: each of its extras is half a read unit dearer than the set's.
    for (var pair : List.of(List.of(AwsCallModel.Extra.retry, AwsCallModel.Extra.retry_removal),
        List.of(AwsCallModel.Extra.fresh_copy, AwsCallModel.Extra.fresh_copy_removal),
        List.of(AwsCallModel.Extra.worker_nothing_to_do, AwsCallModel.Extra.worker_nothing_to_do_removal))) {
      AwsCallModel.Cost set = AwsCallModel.EXTRAS.get(pair.get(0));
      AwsCallModel.Cost removal = AwsCallModel.EXTRAS.get(pair.get(1));
      assertThat(removal.calls()).as(pair.toString()).isEqualTo(set.calls());
      assertThat(removal.usd(prices) - set.usd(prices)).as(pair.toString())
          .isCloseTo(0.5 * prices.dynamoPerMillionReadUnits() / 1e6, within(1e-15));
    }
    // Prices come from the table: doubling the SQS price moves a retry by two SQS requests' worth.
    PriceTable dearSqs = new PriceTable(prices.region(), prices.lambdaPerMillionRequests(), prices.lambdaPerGbSecond(),
        prices.apiGatewayPerMillionRequests(), prices.schedulerPerMillionInvocations(), prices.schedulerPerMillionApiCalls(),
        2 * prices.sqsPerMillionRequests(), prices.dynamoPerMillionWriteUnits(), prices.dynamoPerMillionReadUnits());
    assertThat(AwsCallModel.EXTRAS.get(AwsCallModel.Extra.retry).usd(dearSqs) - retry)
        .isCloseTo(2 * prices.sqsPerMillionRequests() / 1e6, within(1e-15));
  }

  @Test
  void theServiceIsTheTextBeforeTheDot() {
    assertThat(AwsCallModel.service("Sqs.SendMessage")).isEqualTo("Sqs");
    assertThat(AwsCallModel.service("Lambda")).isEqualTo("Lambda");
  }
}
