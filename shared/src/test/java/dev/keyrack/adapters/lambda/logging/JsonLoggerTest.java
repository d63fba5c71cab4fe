package dev.keyrack.adapters.lambda.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The deployment packages' JSON log lines: Powertools' LambdaJsonLayout fields, typed and in its order. */
class JsonLoggerTest {
  private final Level before = JsonLogs.rootLevel();

  @AfterEach
  void restore() {
    JsonLogs.rootLevel(before);
  }

  static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void aLineCarriesTheLambdaContextFieldsTypedAndTheOtherMdcEntries() throws Exception {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("workspace_id", "ws-1");
    mdc.put("function_name", "keyrack-api");
    mdc.put("cold_start", "true");
    mdc.put("function_memory_size", "1024");
    mdc.put("function_request_id", "req-1");
    mdc.put("service", "keyrack-api");
    mdc.put("correlation_id", "gw-1");
    mdc.put("sampling_rate", "0.5");
    JsonNode n = Json.MAPPER.readTree(JsonLogger.line(Level.INFO, "access code created id=1", null, mdc, 1_796_108_536_008L));

    assertThat(names(n)).containsExactly("level", "message", "cold_start", "function_memory_size", "function_name",
        "function_request_id", "sampling_rate", "service", "timestamp", "correlation_id", "workspace_id");
    assertThat(n.path("level").asText()).isEqualTo("INFO");
    assertThat(n.path("message").asText()).isEqualTo("access code created id=1");
    assertThat(n.path("cold_start").isBoolean()).isTrue();
    assertThat(n.path("cold_start").asBoolean()).isTrue();
    assertThat(n.path("function_memory_size").isNumber()).isTrue();
    assertThat(n.path("function_memory_size").asInt()).isEqualTo(1024);
    assertThat(n.path("sampling_rate").isNumber()).isTrue();
    assertThat(n.path("timestamp").asText()).isEqualTo("2026-12-01T07:02:16.008Z");

    mdc.put("sampling_rate", "0.0");
    assertThat(names(Json.MAPPER.readTree(JsonLogger.line(Level.INFO, "m", null, mdc, 0)))).as("a rate of 0 is left out")
        .doesNotContain("sampling_rate");
    assertThat(n.path("workspace_id").asText()).isEqualTo("ws-1");
  }

  @Test
  void anExceptionBecomesTheErrorObjectAndTextIsEscaped() throws Exception {
    String text = "quote \" backslash \\ newline \n tab \t bell \u0007 é";
    JsonNode n = Json.MAPPER.readTree(JsonLogger.line(Level.ERROR, text, new IllegalStateException("boom"), null, 0));
    assertThat(n.path("message").asText()).isEqualTo(text);
    assertThat(n.path("timestamp").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
    assertThat(n.path("error").path("name").asText()).isEqualTo(IllegalStateException.class.getName());
    assertThat(n.path("error").path("message").asText()).isEqualTo("boom");
    assertThat(n.path("error").path("stack").asText()).contains("IllegalStateException: boom").contains("JsonLoggerTest");

    JsonNode noMessage = Json.MAPPER.readTree(JsonLogger.line(Level.WARN, "x", new RuntimeException(), Map.of(), 0));
    assertThat(names(noMessage.path("error"))).containsExactly("name", "stack");
  }

  @Test
  void levelsFollowTheRootLevelAndKeepTheLibrariesAtWarn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonLogger app = new JsonLogger("dev.keyrack.app.X", new PrintStream(bytes, true, StandardCharsets.UTF_8));
    JsonLogger sdk = new JsonLogger("software.amazon.awssdk.request", new PrintStream(bytes, true, StandardCharsets.UTF_8));
    JsonLogs.rootLevel(Level.INFO);
    assertThat(app.isInfoEnabled()).isTrue();
    assertThat(app.isDebugEnabled()).isFalse();
    assertThat(sdk.isInfoEnabled()).isFalse();
    assertThat(sdk.isWarnEnabled()).isTrue();
    assertThat(JsonLogs.threshold("software.amazon.awssdkfoo")).isEqualTo(Level.INFO);

    new JsonLoggingManager().setLogLevel(Level.DEBUG);
    assertThat(app.isDebugEnabled()).isTrue();
    assertThat(sdk.isInfoEnabled()).isFalse();
    assertThat(new JsonLoggingManager().getLogLevel(sdk)).isEqualTo(Level.WARN);
    new JsonLoggingManager().setLogLevel(Level.ERROR);
    assertThat(sdk.isWarnEnabled()).isFalse();

    JsonLogs.rootLevel(Level.INFO);
    app.info("created {} of {}", 1, 2);
    app.debug("not written");
    sdk.info("not written either");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(1);
    assertThat(lines[0]).startsWith("{\"level\":\"INFO\",\"message\":\"created 1 of 2\"");
  }

  @Test
  void powertoolsLevelNamesParse() {
    assertThat(JsonLogs.parse("debug", Level.INFO)).isEqualTo(Level.DEBUG);
    assertThat(JsonLogs.parse("WARNING", Level.INFO)).isEqualTo(Level.WARN);
    assertThat(JsonLogs.parse("FATAL", Level.INFO)).isEqualTo(Level.ERROR);
    assertThat(JsonLogs.parse("nonsense", Level.INFO)).isEqualTo(Level.INFO);
    assertThat(JsonLogs.parse(null, Level.WARN)).isEqualTo(Level.WARN);
  }
}
