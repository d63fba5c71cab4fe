package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structured (JSON) log lines the functions write name the invocation and the workspace they
 * work for: an API request's lines carry the Lambda request id, the gateway's request id (the
 * {@code request_id} of the response) and {@code workspace_id}; a device job's lines carry
 * {@code workspace_id}, {@code device_id} and {@code access_code_id}. Read back from the file the
 * test log configuration writes with Powertools' layout (log4j2-test.xml); the deployment packages
 * write the same fields through their own JSON backend (shared's JsonLoggerTest).
 */
class StructuredLogsTest {
  static final Path LOG = Path.of("target/test-logs/keyrack.log");
  static LocalStack stack;
  static Store store;
  static UUID workspace;
  static final UUID AUGUST = UUID.fromString(TestStack.AUGUST_1);

  @BeforeAll
  static void setUp() {
    stack = TestStack.get();
    store = stack.wiring("ApiFunction").store();
    workspace = stack.devices().get(0).workspaceId();
  }

  /** Every line of the log that parses as JSON and whose message contains the text. */
  static List<JsonNode> linesMentioning(String text) {
    List<JsonNode> found = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(LOG)) {
        if (!line.contains(text)) continue;
        JsonNode n = Json.MAPPER.readTree(line);
        if (n.path("message").asText().contains(text)) found.add(n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  @Test
  void anApiRequestsLinesCarryItsRequestIdsAndWorkspace() throws IOException {
    APIGatewayV2HTTPEvent event = EventFixtures.api("create-access-code.json");
    event.setBody("{\"device_id\": \"" + AUGUST + "\", \"name\": \"Log fields\", \"code\": \"" + Codes.randomPin() + "\"}");
    String gatewayRequestId = "log-fields-" + UUID.randomUUID();
    event.getRequestContext().setRequestId(gatewayRequestId);
    LocalContext context = new LocalContext("keyrack-ApiFunction", 1024, 30);

    APIGatewayV2HTTPResponse r = stack.apiHandler("ApiFunction").handleRequest(event, context);
    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
    String id = Json.MAPPER.readTree(r.getBody()).at("/access_code/access_code_id").asText();

    List<JsonNode> lines = linesMentioning("access code created id=" + id);
    assertThat(lines).as("the create was logged").hasSize(1);
    JsonNode line = lines.get(0);
    assertThat(line.path("function_request_id").asText()).isEqualTo(context.getAwsRequestId());
    assertThat(line.path("correlation_id").asText()).isEqualTo(gatewayRequestId);
    assertThat(line.path("workspace_id").asText()).isEqualTo(workspace.toString());
    assertThat(line.path("function_name").asText()).isEqualTo("keyrack-ApiFunction");

    store.accessCodes(workspace, AUGUST).stream().filter(c -> c.accessCodeId().toString().equals(id)).findFirst()
        .ifPresent(c -> TestStack.post("/access_codes/delete", TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}"));
  }

  @Test
  void aDeviceJobsLinesCarryTheWorkspaceDeviceAndCode() {
    AccessCode c = Codes.ongoing(workspace, AUGUST, Codes.randomPin(), CodeStatus.setting);
    store.create(c, List.of());
    LocalContext context = new LocalContext("keyrack-ProviderWorkerFunction", 1024, 30);
    SQSBatchResponse r = stack.sqsHandler("ProviderWorkerFunction")
        .handleRequest(EventFixtures.sqs("set-access-code.json", c.accessCodeId()), context);
    assertThat(r.getBatchItemFailures()).isEmpty();

    List<JsonNode> lines = linesMentioning("access code set id=" + c.accessCodeId());
    assertThat(lines).as("the set was logged").hasSize(1);
    JsonNode line = lines.get(0);
    assertThat(line.path("function_request_id").asText()).isEqualTo(context.getAwsRequestId());
    assertThat(line.path("workspace_id").asText()).isEqualTo(workspace.toString());
    assertThat(line.path("device_id").asText()).isEqualTo(AUGUST.toString());
    assertThat(line.path("access_code_id").asText()).isEqualTo(c.accessCodeId().toString());

    TestStack.post("/access_codes/delete", TestStack.KEY_1, "{\"access_code_id\":\"" + c.accessCodeId() + "\"}");
  }
}
