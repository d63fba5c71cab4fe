package dev.keyrack.bench.launch;

import dev.keyrack.adapters.AwsWiring;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The floor under the cold-start target: the least a function that reads DynamoDB does on its first
 * event, in a fresh JVM on a function's package. It builds the one DynamoDB client the function's
 * {@link AwsWiring} builds (the same HTTP client, region and credentials, from the same environment)
 * and makes one consistent GetItem on template.yaml's table, of a key that is never stored; with the
 * argument {@value #WITH_JACKSON}, it then reads the sample event and writes it back with Keyrack's
 * own mapper ({@code dev.keyrack.json.Json}), as the api reads an event and writes a response. No
 * Keyrack route, service or other client is loaded, so a function's time above it is its own.
 */
public final class SdkFloor {
  public static final String WITH_JACKSON = "jackson";
  /** A key no item has: the read goes the SDK's whole request path and finds nothing. */
  static final Map<String, AttributeValue> ABSENT_KEY = Map.of(
      "pk", AttributeValue.fromS("BENCH#sdk-floor"), "sk", AttributeValue.fromS("NONE"));

  private SdkFloor() {}

  /** Arguments: [{@value #WITH_JACKSON} event-file]. */
  public static void main(String[] args) throws Exception {
    LaunchReport report = new LaunchReport();
    AwsWiring wiring = AwsWiring.fromEnvironment();
    DynamoDbClient dynamo = wiring.dynamo();
    String table = wiring.require(AwsWiring.TABLE_NAME);
    report.put("constructed_ms", report.sinceStartMillis());
    long start = System.nanoTime();
    GetItemResponse read = dynamo.getItem(b -> b.tableName(table).key(ABSENT_KEY).consistentRead(true));
    String status = read.hasItem() && !read.item().isEmpty() ? "GetItem found an item (unexpected)" : "GetItem: no item";
    if (args.length >= 2 && args[0].equals(WITH_JACKSON)) {
      String event = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
      Object tree = dev.keyrack.json.Json.read(event, Map.class);
      String written = dev.keyrack.json.Json.write(tree);
      status += ", event read and written (" + written.length() + " chars)";
    }
    report.put("event_ms", (System.nanoTime() - start) / 1e6);
    report.put("first_event_ms", report.sinceStartMillis()).put("status", status).print();
  }
}
