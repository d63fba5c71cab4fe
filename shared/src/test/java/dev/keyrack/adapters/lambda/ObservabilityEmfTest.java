package dev.keyrack.adapters.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrack.ports.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The counters reach CloudWatch as EMF records, in the shape Powertools metrics wrote them: one
 * JSON object per flushed invocation, written to standard output (where Lambda's log capture picks
 * it up), in the namespace the function's environment names.
 */
class ObservabilityEmfTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Standard output written while the work runs, and the EMF records (lines with "_aws") in it. */
  static List<JsonNode> emfWrittenBy(Supplier<?> work) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      work.get();
    } finally {
      System.setOut(original);
    }
    List<JsonNode> records = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.contains("\"_aws\"")) continue;
      records.add(JSON.readTree(line));
    }
    return records;
  }

  static List<String> metricNames(JsonNode record) {
    List<String> names = new ArrayList<>();
    record.at("/_aws/CloudWatchMetrics/0/Metrics").forEach(m -> names.add(m.path("Name").asText()));
    return names;
  }

  static double total(JsonNode value) {
    if (!value.isArray()) return value.asDouble();
    double sum = 0;
    for (JsonNode v : value) sum += v.asDouble();
    return sum;
  }

  @Test
  void anInvocationsCountersAreOneEmfRecordInTheConfiguredNamespace() throws Exception {
    Telemetry telemetry = Observability.emf(Map.of("POWERTOOLS_METRICS_NAMESPACE", "Keyrack"));
    List<JsonNode> records = emfWrittenBy(() -> Observability.around(Priming.context(), telemetry, () -> {
      telemetry.count("AccessCodesCreated");
      telemetry.count("AccessCodesCreated");
      telemetry.count("AccessCodesFailed");
      return null;
    }));

    assertThat(records).as("one EMF record for the invocation").hasSize(1);
    JsonNode record = records.get(0);
    assertThat(record.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Keyrack");
    assertThat(record.at("/_aws/Timestamp").asLong()).isPositive();
    assertThat(metricNames(record)).containsExactlyInAnyOrder("AccessCodesCreated", "AccessCodesFailed");
    record.at("/_aws/CloudWatchMetrics/0/Metrics")
        .forEach(m -> assertThat(m.path("Unit").asText()).as(m.toString()).isEqualTo("Count"));
    assertThat(total(record.get("AccessCodesCreated"))).isEqualTo(2.0);
    assertThat(total(record.get("AccessCodesFailed"))).isEqualTo(1.0);
  }

  @Test
  void aNamespaceFromTheEnvironmentIsUsedAndEachInvocationFlushesItsOwnCounters() throws Exception {
    Telemetry telemetry = Observability.emf(Map.of("POWERTOOLS_METRICS_NAMESPACE", "KeyrackStaging"));
    emfWrittenBy(() -> Observability.around(Priming.context(), telemetry, () -> {
      telemetry.count("AccessCodesCreated");
      return null;
    }));
    List<JsonNode> second = emfWrittenBy(() -> Observability.around(Priming.context(), telemetry, () -> {
      telemetry.count("AccessCodesSet");
      return null;
    }));

    assertThat(second).hasSize(1);
    assertThat(second.get(0).at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("KeyrackStaging");
    assertThat(metricNames(second.get(0))).containsExactly("AccessCodesSet");
    assertThat(total(second.get(0).get("AccessCodesSet"))).isEqualTo(1.0);
  }

  @Test
  void countsFromThreadsTheInvocationStartsAreInItsOneRecord() throws Exception {
    Telemetry telemetry = Observability.emf(Map.of("POWERTOOLS_METRICS_NAMESPACE", "Keyrack"));
    List<JsonNode> records = emfWrittenBy(() -> Observability.around(Priming.context(), telemetry, () -> {
      // as the provider worker does: one virtual thread per lock of the batch
      try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 8; i++) threads.submit(() -> { for (int j = 0; j < 50; j++) telemetry.count("AccessCodesSet"); });
      }
      telemetry.count("AccessCodesRemoved");
      return null;
    }));

    assertThat(records).as("one EMF record for the invocation").hasSize(1);
    assertThat(total(records.get(0).get("AccessCodesSet"))).isEqualTo(400.0);
    assertThat(total(records.get(0).get("AccessCodesRemoved"))).isEqualTo(1.0);
  }

  @Test
  void anInvocationThatCountedNothingWritesNoRecord() throws Exception {
    Telemetry telemetry = Observability.emf(Map.of("POWERTOOLS_METRICS_NAMESPACE", "Keyrack"));
    List<JsonNode> records = emfWrittenBy(() -> Observability.around(Priming.context(), telemetry, () -> "answer"));
    assertThat(records).isEmpty();
  }

  @Test
  void theRecordCarriesTheServiceDimensionAndEachCountedValue() throws Exception {
    Telemetry telemetry = Observability.emf(Map.of("POWERTOOLS_METRICS_NAMESPACE", "Keyrack",
        "POWERTOOLS_SERVICE_NAME", "keyrack-api"));
    List<JsonNode> records = emfWrittenBy(() -> Observability.around(Priming.context(), telemetry, () -> {
      telemetry.count("AccessCodesCreated");
      telemetry.count("AccessCodesCreated", 2);
      telemetry.count("AccessCodesSet");
      return null;
    }));
    assertThat(records).hasSize(1);
    JsonNode record = records.get(0);
    assertThat(record.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"Service\"]]");
    assertThat(record.path("Service").asText()).isEqualTo("keyrack-api");
    assertThat(record.get("AccessCodesCreated").toString()).isEqualTo("[1.0,2.0]");
    assertThat(record.get("AccessCodesSet").asDouble()).isEqualTo(1.0);
    assertThat(Observability.emf(Map.of("POWERTOOLS_METRICS_NAMESPACE", "Keyrack")))
        .as("no service name: Powertools' placeholder").isNotNull();
  }

  @Test
  void withoutANamespaceNothingIsWrittenAndTheRequestGoesOn() throws Exception {
    Telemetry telemetry = Observability.emf(Map.of());
    List<JsonNode> records = emfWrittenBy(() -> Observability.around(Priming.context(), telemetry, () -> {
      telemetry.count("AccessCodesCreated");
      return "answer";
    }));
    assertThat(records).isEmpty();
  }

  @Test
  void disabledMetricsAreNoTelemetryAtAll() {
    assertThat(Observability.emf(Map.of("POWERTOOLS_METRICS_DISABLED", "true"))).isSameAs(Telemetry.NONE);
  }
}
