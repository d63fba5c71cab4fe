package dev.keyrack.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * A stand-in for DynamoDB, SQS and EventBridge Scheduler at the HTTP level, in memory, for SnapStart
 * priming: SDK clients built on it run a function's whole code path (marshalling, signing, the
 * HTTP client interface, response parsing, Keyrack's own code) with no byte leaving the process
 * and nothing written anywhere real. Only what priming needs is answered, permissively:
 *
 * <ul>
 *   <li>DynamoDB: items kept by {@code pk}/{@code sk}; GetItem, BatchGetItem, PutItem, DeleteItem, Query (the key
 *       conditions {@code DynamoStore} uses: {@code pk = :pk}, with {@code begins_with(sk, :p)} or
 *       {@code sk BETWEEN :lo AND :hi}; order and limit; one page), TransactWriteItems (its puts
 *       and deletes); conditions are not evaluated (every write succeeds), no capacity is reported;
 *   <li>SQS: SendMessage (with the body's MD5, which the SDK checks), GetQueueAttributes and the
 *       visibility changes of received messages;
 *   <li>Scheduler: creates, updates and deletes answered as done; reads answered "not found".
 * </ul>
 *
 * Anything else is answered with a 400 naming the operation, so a priming path that grows past
 * this shows up as a logged priming failure, never as a silent success.
 */
public final class StandInAws implements SdkHttpClient {
  /** Which service a stand-in client answers as. */
  public enum Service { DYNAMODB, SQS, SCHEDULER }

  private static final String JSON_1_0 = "application/x-amz-json-1.0";

  private final Service service;
  /** pk, then sk, to the item as DynamoDB's JSON (shared by every DynamoDB client of this stand-in). */
  private final Map<String, NavigableMap<String, ObjectNode>> items;

  private StandInAws(Service service, Map<String, NavigableMap<String, ObjectNode>> items) {
    this.service = service;
    this.items = items;
  }

  /** An HTTP client that answers as {@code service}, with a table of its own (DynamoDB). */
  public static StandInAws of(Service service) {
    return new StandInAws(service, new java.util.concurrent.ConcurrentHashMap<>());
  }

  /** How many items the stand-in table holds (for tests). */
  public int itemCount() {
    return items.values().stream().mapToInt(Map::size).sum();
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        byte[] body = request.contentStreamProvider().isPresent()
            ? read(request.contentStreamProvider().get().newStream()) : new byte[0];
        return answer(request.httpRequest().method(), request.httpRequest().encodedPath(),
            request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse(""), body);
      }

      @Override
      public void abort() {
        // answered at once: nothing to abort
      }
    };
  }

  @Override
  public String clientName() {
    return "KeyrackStandIn";
  }

  @Override
  public void close() {
    // nothing held
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private HttpExecuteResponse answer(SdkHttpMethod method, String path, String target, byte[] body) {
    try {
      return switch (service) {
        case DYNAMODB -> json(200, dynamo(target.substring(target.indexOf('.') + 1), Json.MAPPER.readTree(body)), JSON_1_0);
        case SQS -> json(200, sqs(target.substring(target.indexOf('.') + 1), Json.MAPPER.readTree(body)), JSON_1_0);
        case SCHEDULER -> scheduler(method, path);
      };
    } catch (Unsupported e) {
      ObjectNode error = Json.MAPPER.createObjectNode().put("__type", "ValidationException").put("message", e.getMessage());
      return json(400, error, service == Service.SCHEDULER ? "application/json" : JSON_1_0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request the stand-in does not answer. */
  private static final class Unsupported extends RuntimeException {
    Unsupported(String what) {
      super("the priming stand-in does not answer " + what, null, false, false);
    }
  }

  private ObjectNode dynamo(String operation, JsonNode request) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    switch (operation) {
      case "GetItem" -> {
        ObjectNode item = table(s(request.at("/Key/pk"))).get(s(request.at("/Key/sk")));
        if (item != null) out.set("Item", item.deepCopy());
      }
      case "PutItem" -> put((ObjectNode) request.get("Item"));
      case "DeleteItem" -> table(s(request.at("/Key/pk"))).remove(s(request.at("/Key/sk")));
      case "UpdateItem" -> { // only the guardrails' counter: ADD #n :one (its condition always holds in priming)
        ObjectNode key = (ObjectNode) request.get("Key");
        ObjectNode item = table(s(key.get("pk"))).computeIfAbsent(s(key.get("sk")), k -> key.deepCopy());
        long n = item.has("n") ? Long.parseLong(item.at("/n/N").asText()) : 0;
        item.putObject("n").put("N", Long.toString(n + 1));
      }
      case "Query" -> query(request, out);
      case "BatchGetItem" -> {
        ObjectNode responses = out.putObject("Responses");
        request.path("RequestItems").fields().forEachRemaining(t -> {
          ArrayNode found = responses.putArray(t.getKey());
          for (JsonNode key : t.getValue().path("Keys")) {
            ObjectNode item = table(s(key.get("pk"))).get(s(key.get("sk")));
            if (item != null) found.add(item.deepCopy());
          }
        });
        out.putObject("UnprocessedKeys");
      }
      case "TransactWriteItems" -> {
        for (JsonNode t : request.path("TransactItems")) {
          if (t.has("Put")) put((ObjectNode) t.at("/Put/Item"));
          if (t.has("Delete")) table(s(t.at("/Delete/Key/pk"))).remove(s(t.at("/Delete/Key/sk")));
        }
      }
      default -> throw new Unsupported("DynamoDB " + operation);
    }
    return out;
  }

  private void put(ObjectNode item) {
    table(s(item.get("pk"))).put(s(item.get("sk")), item.deepCopy());
  }

  private NavigableMap<String, ObjectNode> table(String pk) {
    return items.computeIfAbsent(pk, k -> new ConcurrentSkipListMap<>());
  }

  private void query(JsonNode request, ObjectNode out) {
    String condition = request.path("KeyConditionExpression").asText();
    JsonNode values = request.path("ExpressionAttributeValues");
    NavigableMap<String, ObjectNode> range = table(s(values.get(":pk")));
    if (condition.equals("pk = :pk AND begins_with(sk, :p)")) {
      String prefix = s(values.get(":p"));
      range = range.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
    } else if (condition.equals("pk = :pk AND sk BETWEEN :lo AND :hi")) {
      range = range.subMap(s(values.get(":lo")), true, s(values.get(":hi")), true);
    } else if (!condition.equals("pk = :pk")) {
      throw new Unsupported("the key condition '" + condition + "'");
    }
    List<ObjectNode> found = new ArrayList<>(
        (request.path("ScanIndexForward").asBoolean(true) ? range : range.descendingMap()).values());
    int limit = request.path("Limit").asInt(Integer.MAX_VALUE);
    ArrayNode list = out.putArray("Items");
    found.stream().limit(limit).forEach(i -> list.add(i.deepCopy()));
    out.put("Count", list.size()).put("ScannedCount", list.size());
  }

  /** A string attribute ({"S": ...}). */
  private static String s(JsonNode attribute) {
    if (attribute == null || !attribute.has("S")) throw new Unsupported("a key that is not a string");
    return attribute.get("S").asText();
  }

  private static ObjectNode sqs(String operation, JsonNode request) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    switch (operation) {
      case "SendMessage" -> {
        if (request.has("MessageAttributes")) throw new Unsupported("SQS message attributes");
        out.put("MessageId", UUID.randomUUID().toString()).put("SequenceNumber", "1")
            .put("MD5OfMessageBody", md5(request.path("MessageBody").asText()));
      }
      case "GetQueueAttributes" -> out.putObject("Attributes");
      case "ChangeMessageVisibility" -> { }
      case "ChangeMessageVisibilityBatch" -> {
        ArrayNode ok = out.putArray("Successful");
        for (JsonNode e : request.path("Entries")) ok.addObject().put("Id", e.path("Id").asText());
        out.putArray("Failed");
      }
      default -> throw new Unsupported("SQS " + operation);
    }
    return out;
  }

  private static String md5(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpExecuteResponse scheduler(SdkHttpMethod method, String path) {
    if (!path.startsWith("/schedules/")) throw new Unsupported("Scheduler " + method + " " + path);
    String name = path.substring("/schedules/".length());
    return switch (method) {
      case POST, PUT -> json(200, Json.MAPPER.createObjectNode()
          .put("ScheduleArn", "arn:aws:scheduler:us-east-1:000000000000:schedule/priming/" + name), "application/json");
      case DELETE -> json(200, Json.MAPPER.createObjectNode(), "application/json");
      case GET -> {
        HttpExecuteResponse r = json(404, Json.MAPPER.createObjectNode().put("Message", "Schedule " + name + " does not exist."),
            "application/json");
        yield HttpExecuteResponse.builder().response(r.httpResponse().toBuilder()
            .putHeader("x-amzn-ErrorType", "ResourceNotFoundException").build()).responseBody(r.responseBody().orElseThrow()).build();
      }
      default -> throw new Unsupported("Scheduler " + method + " " + path);
    };
  }

  private static HttpExecuteResponse json(int status, JsonNode body, String contentType) {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    return HttpExecuteResponse.builder()
        .response(SdkHttpResponse.builder().statusCode(status).putHeader("Content-Type", contentType)
            .putHeader("Content-Length", String.valueOf(bytes.length)).putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
            .build())
        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes))).build();
  }
}
