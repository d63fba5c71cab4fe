package dev.keyrack.bench.launch;

import dev.keyrack.adapters.AwsWiring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The floor under the cold-start target: the least a function that reads DynamoDB does on its first
 * event, in a fresh JVM on a function's package. It builds the one DynamoDB client the function's
 * {@link AwsWiring} builds (the same HTTP client, url-connection unless the environment says
 * otherwise, region and credentials, from the same environment) and makes one consistent GetItem on
 * template.yaml's table, of a key that is never stored; with the argument {@value #WITH_JACKSON}, it
 * then does the JSON the api does for any request, by the api's own code paths: the event read as
 * {@code HttpPayloads.readEvent} reads it, its body read as a tree with Keyrack's mapper, a small
 * response body written with it, and the response written by {@code HttpPayloads.writeResponse}. No
 * Keyrack route, service or other client is loaded, so a function's time above it is its own.
 */
public final class SdkFloor {
  public static final String WITH_JACKSON = "jackson";
  /** A key no item has: the read goes the SDK's whole request path and finds nothing. */
  static final Map<String, AttributeValue> ABSENT_KEY = Map.of(
      "pk", AttributeValue.fromS("BENCH#sdk-floor"), "sk", AttributeValue.fromS("NONE"));

  private SdkFloor() {}

  /** Arguments: [{@value #WITH_JACKSON} event-file]. Exits when done, as Lambda's runtime would freeze it. */
  public static void main(String[] args) throws Exception {
    LaunchReport report = new LaunchReport();
    String status;
    try {
      status = run(report, args);
    } catch (Exception | LinkageError e) {
      status = "failed: " + e.getClass().getName(); // reported, so the benchmark can say so and go on
    }
    report.put("first_event_ms", report.sinceStartMillis()).put("status", status).print();
    System.exit(0); // the SDK's and the logger's threads must not keep the child alive
  }

  static String run(LaunchReport report, String[] args) throws Exception {
    AwsWiring wiring = AwsWiring.fromEnvironment();
    DynamoDbClient dynamo = wiring.dynamo();
    String table = wiring.require(AwsWiring.TABLE_NAME);
    report.put("constructed_ms", report.sinceStartMillis());
    long start = System.nanoTime();
    GetItemResponse read = dynamo.getItem(b -> b.tableName(table).key(ABSENT_KEY).consistentRead(true));
    String status = read.hasItem() && !read.item().isEmpty() ? "GetItem found an item (unexpected)" : "GetItem: no item";
    if (args.length >= 2 && args[0].equals(WITH_JACKSON)) {
      byte[] bytes = Files.readAllBytes(Path.of(args[1]));
      var event = dev.keyrack.functions.api.HttpPayloads.readEvent(new java.io.ByteArrayInputStream(bytes));
      var body = dev.keyrack.json.Json.MAPPER.readTree(event.getBody() == null ? "{}" : event.getBody());
      var answer = dev.keyrack.json.Json.MAPPER.createObjectNode().put("ok", true).put("fields", body.size());
      var out = new java.io.ByteArrayOutputStream();
      dev.keyrack.functions.api.HttpPayloads.writeResponse(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse
          .builder().withStatusCode(200).withHeaders(Map.of("content-type", "application/json"))
          .withBody(dev.keyrack.json.Json.MAPPER.writeValueAsString(answer)).build(), out);
      status += ", event read and response written (" + out.size() + " bytes)";
    }
    report.put("event_ms", (System.nanoTime() - start) / 1e6);
    return status;
  }
}
