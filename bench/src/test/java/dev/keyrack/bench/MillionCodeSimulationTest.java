package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The part adapter: reads the worker concurrency from template.yaml and the cost from part 3 when it ran. */
class MillionCodeSimulationTest {
  @TempDir
  Path repo;

  @Test
  void withoutPartThreeItSaysTheCostIsAnEstimate() throws Exception {
    Files.writeString(repo.resolve("template.yaml"), "ScalingConfig:\n  MaximumConcurrency: 7\n");

    PartResult r = new MillionCodeSimulation().run(new BenchContext(repo, true));

    assertThat(r.json()).containsEntry("worker_concurrency", 7).containsEntry("call_model", "default estimate");
    assertThat(r.notes()).anyMatch(n -> n.contains("--parts aws_calls,simulation"));
    assertThat((double) r.json().get("on_time_rate")).isBetween(0.9, 1.0);
    assertThat(r.rows()).anyMatch(row -> row.get(0).startsWith("peak Scheduler invocations"));
  }

  @Test
  void everySqsActionIsComparedWithTheFifoQuotasAndTheCostIncludesTheExtras() throws Exception {
    Files.writeString(repo.resolve("template.yaml"), "MaximumConcurrency: 50\n");

    PartResult r = new MillionCodeSimulation().run(new BenchContext(repo, true));

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> peaks = (Map<String, Map<String, Object>>) r.json().get("peaks");
    for (String op : List.of("Sqs.SendMessage", "Sqs.ReceiveMessage", "Sqs.DeleteMessageBatch", "Sqs.ChangeMessageVisibility")) {
      assertThat(peaks).containsKey(op);
      assertThat(peaks.get(op)).containsEntry("quota", 300L).containsEntry("quota_fifo_batched_messages", 3_000L)
          .containsEntry("quota_high_throughput", 70_000L);
      assertThat(r.rows()).anyMatch(row -> row.get(0).startsWith("peak " + op + " /s"));
    }
    double steps = (double) r.json().get("usd_per_million_codes_steps_as_simulated");
    double extras = (double) r.json().get("usd_per_million_codes_retries_and_backups_estimated");
    assertThat(extras).isPositive();
    double invocations = (double) r.json().get("usd_per_million_codes_worker_invocations");
    assertThat(invocations).isPositive();
    double duration = (double) r.json().get("usd_per_million_codes_worker_duration");
    assertThat(duration).isPositive();
    assertThat((double) r.json().get("usd_per_million_codes_as_simulated"))
        .isCloseTo(steps + extras + invocations + duration, within(1e-9));
    assertThat(r.rows()).anyMatch(row -> row.get(0).startsWith("+ worker duration as simulated"));
    // No worker in this template: the default memory, said in a note.
    assertThat(r.notes()).anyMatch(n -> n.contains("No ProviderWorkerFunction MemorySize"));
    assertThat(r.rows()).anyMatch(row -> row.get(0).startsWith("= cost per million codes"));
  }

  @Test
  void withPartThreeItUsesTheMeasuredCostWeightedByTheMix() throws Exception {
    Files.writeString(repo.resolve("template.yaml"), "MaximumConcurrency: 50\n");
    BenchContext context = new BenchContext(repo, true);
    Map<String, Object> awsCalls = Map.of(
        "steps", Map.of("create", Map.of("at", "create", "lifecycle", "time_bound_native", "calls", Map.of("DynamoDb.PutItem", 1))),
        "usd_per_million", Map.of("time_bound_native", 6.0, "time_bound_jit", 10.0));
    context.results().put("aws_calls", new PartResult(List.of(), List.of(), awsCalls, List.of()));

    PartResult r = new MillionCodeSimulation().run(context);

    double nativeShare = (double) r.json().get("native_share");
    assertThat(r.json()).containsEntry("call_model", "measured (aws_calls)");
    assertThat((double) r.json().get("usd_per_million_codes")).isCloseTo(nativeShare * 6 + (1 - nativeShare) * 10, within(1e-9));
    assertThat(r.notes()).noneMatch(n -> n.contains("--parts aws_calls,simulation"));
  }

  @Test
  void theWorkersDurationIsBilledAtItsMemoryInTheTemplate() throws Exception {
    Files.writeString(repo.resolve("template.yaml"), """
        Globals:
          Function:
            MemorySize: 1024
        Resources:
          ProviderWorkerFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: x
              MemorySize: 256
              Events:
                Jobs:
                  Type: SQS
                  Properties:
                    Queue: q
                    BatchSize: 10
                    ScalingConfig:
                      MaximumConcurrency: 50
        """);

    PartResult r = new MillionCodeSimulation().run(new BenchContext(repo, true));

    @SuppressWarnings("unchecked")
    Map<String, Object> duration = (Map<String, Object>) r.json().get("worker_duration");
    assertThat(duration).containsEntry("memory_mb", 256);
    assertThat(r.notes()).noneMatch(n -> n.contains("No ProviderWorkerFunction MemorySize"))
        .anyMatch(n -> n.startsWith("Worker duration as simulated") && n.contains("256 MB"));
  }

  @Test
  void dynamoDbUnitsAndTheHttpApisStageThrottleAreComparedWithTheirLimits() throws Exception {
    Files.writeString(repo.resolve("template.yaml"), """
        Resources:
          HttpApi:
            Type: AWS::Serverless::HttpApi
            Properties:
              DefaultRouteSettings:
                ThrottlingBurstLimit: 20
                ThrottlingRateLimit: 7
        """);

    PartResult r = new MillionCodeSimulation().run(new BenchContext(repo, true));

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> peaks = (Map<String, Map<String, Object>>) r.json().get("peaks");
    assertThat(peaks.get("ApiGateway.Request")).containsEntry("quota", 7L).containsEntry("burst", 20L);
    assertThat(r.rows()).anyMatch(row -> row.get(0).startsWith("peak ApiGateway") && row.get(2).contains("7/s stage throttle"));
    assertThat(peaks.get("DynamoDb.WriteUnits")).containsEntry("quota", 4_000L).containsEntry("partition_quota", 1_000L);
    assertThat(peaks.get("DynamoDb.ReadUnits")).containsEntry("quota", 12_000L).containsEntry("partition_quota", 3_000L);
    assertThat((double) peaks.get("DynamoDb.WriteUnits").get("peak")).isPositive();
    assertThat((double) peaks.get("DynamoDb.ReadUnits").get("peak")).isPositive();
    assertThat(r.notes()).anyMatch(n -> n.contains("WS#<workspace>"));
  }
}
