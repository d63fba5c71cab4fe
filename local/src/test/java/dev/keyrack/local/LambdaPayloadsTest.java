package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.adapters.lambda.Payloads;
import dev.keyrack.functions.api.HttpPayloads;
import dev.keyrack.functions.worker.SqsPayloads;
import dev.keyrack.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handlers' own payload reading and writing ({@link HttpPayloads}, {@link SqsPayloads},
 * {@link Payloads}; the handlers are RequestStreamHandlers) against what the Lambda runtime's
 * serializer (aws-lambda-java-serialization, which the runtime uses for typed handlers) makes of the
 * same bytes: every sample event in events/ is read to the same object, and the responses are
 * written to the same JSON.
 */
class LambdaPayloadsTest {
  private static final PojoSerializer<APIGatewayV2HTTPEvent> RUNTIME_HTTP_EVENT =
      LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, LambdaPayloadsTest.class.getClassLoader());
  private static final PojoSerializer<APIGatewayV2HTTPResponse> RUNTIME_HTTP_RESPONSE =
      LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, LambdaPayloadsTest.class.getClassLoader());
  private static final PojoSerializer<SQSEvent> RUNTIME_SQS_EVENT =
      LambdaEventSerializers.serializerFor(SQSEvent.class, LambdaPayloadsTest.class.getClassLoader());
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final PojoSerializer<Map<String, Object>> RUNTIME_MAP = (PojoSerializer)
      com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory.getInstance().getSerializer(Map.class);
  private static final PojoSerializer<SQSBatchResponse> RUNTIME_BATCH_RESPONSE =
      LambdaEventSerializers.serializerFor(SQSBatchResponse.class, LambdaPayloadsTest.class.getClassLoader());

  static Stream<Path> apiEvents() throws IOException {
    return samples("api");
  }

  static Stream<Path> workerEvents() throws IOException {
    return samples("provider-worker");
  }

  static Stream<Path> scheduleInputs() throws IOException {
    return Stream.concat(samples("programmer"), samples("reconciler"));
  }

  private static Stream<Path> samples(String dir) throws IOException {
    try (Stream<Path> s = Files.list(TestStack.event(dir))) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(files).as("sample events in events/" + dir).isNotEmpty();
      return files.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("apiEvents")
  void readsEveryApiSampleAsTheRuntimeDoes(Path sample) throws IOException {
    byte[] bytes = Files.readAllBytes(sample);
    APIGatewayV2HTTPEvent ours = HttpPayloads.readEvent(new ByteArrayInputStream(bytes));
    APIGatewayV2HTTPEvent runtime = RUNTIME_HTTP_EVENT.fromJson(new ByteArrayInputStream(bytes));
    assertThat(ours).isEqualTo(runtime);
    assertThat(ours.getRawPath()).startsWith("/");
    // and what the local gateway writes for it reads back to the same event
    assertThat(HttpPayloads.readEvent(new ByteArrayInputStream(HttpPayloads.eventBytes(ours)))).isEqualTo(runtime);
  }

  @Test
  void readsQueryParametersCookiesAndABase64Body() throws IOException {
    String json = "{\"version\":\"2.0\",\"routeKey\":\"GET /access_codes/list\",\"rawPath\":\"/access_codes/list\","
        + "\"rawQueryString\":\"device_id=d%201&limit=2\",\"cookies\":[\"a=1\",\"b=2\"],"
        + "\"queryStringParameters\":{\"device_id\":\"d 1\",\"limit\":\"2\"},\"pathParameters\":{\"p\":\"v\"},"
        + "\"stageVariables\":{\"s\":\"t\"},\"headers\":{\"authorization\":\"Bearer k\"},"
        + "\"requestContext\":{\"http\":{\"method\":\"GET\",\"path\":\"/access_codes/list\"},\"requestId\":\"r1\",\"timeEpoch\":12},"
        + "\"body\":\"e30=\",\"isBase64Encoded\":true}";
    APIGatewayV2HTTPEvent ours = HttpPayloads.readEvent(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(ours).isEqualTo(RUNTIME_HTTP_EVENT.fromJson(json));
    assertThat(ours.getQueryStringParameters()).containsEntry("device_id", "d 1");
    assertThat(ours.getCookies()).containsExactly("a=1", "b=2");
    assertThat(ours.getIsBase64Encoded()).isTrue();
    assertThat(ours.getRequestContext().getTimeEpoch()).isEqualTo(12);
  }

  @Test
  void writesAnHttpResponseAsTheRuntimeDoes() throws IOException {
    APIGatewayV2HTTPResponse r = APIGatewayV2HTTPResponse.builder().withStatusCode(400)
        .withHeaders(Map.of("content-type", "application/json", "seam-request-id", "r1"))
        .withBody("{\"error\":{\"type\":\"invalid_input\",\"message\":\"name: \\u00e9 \\\"quoted\\\"\"}}").withIsBase64Encoded(false).build();
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    HttpPayloads.writeResponse(r, ours);
    ByteArrayOutputStream runtime = new ByteArrayOutputStream();
    RUNTIME_HTTP_RESPONSE.toJson(r, runtime);
    assertThat(withoutNulls(Json.MAPPER.readTree(ours.toByteArray()))).isEqualTo(withoutNulls(Json.MAPPER.readTree(runtime.toByteArray())));
    assertThat(HttpPayloads.readResponse(new ByteArrayInputStream(ours.toByteArray()))).isEqualTo(r);
  }

  @ParameterizedTest
  @MethodSource("workerEvents")
  void readsEveryWorkerSampleAsTheRuntimeDoes(Path sample) throws IOException {
    byte[] bytes = Files.readAllBytes(sample);
    SQSEvent ours = SqsPayloads.readEvent(new ByteArrayInputStream(bytes));
    SQSEvent runtime = RUNTIME_SQS_EVENT.fromJson(new ByteArrayInputStream(bytes));
    assertThat(ours.getRecords()).isNotEmpty().isEqualTo(runtime.getRecords());
    assertThat(SqsPayloads.readEvent(new ByteArrayInputStream(SqsPayloads.eventBytes(ours))).getRecords()).isEqualTo(runtime.getRecords());
  }

  @Test
  void readsStringMessageAttributes() throws IOException {
    String json = "{\"Records\":[{\"messageId\":\"m1\",\"body\":\"{}\",\"attributes\":{\"ApproximateReceiveCount\":\"3\"},"
        + "\"messageAttributes\":{\"ERROR_CODE\":{\"stringValue\":\"x\",\"stringListValues\":[],\"binaryListValues\":[],"
        + "\"dataType\":\"String\"}},\"eventSourceARN\":\"arn:aws:sqs:us-east-1:1:q.fifo\"}]}";
    SQSEvent ours = SqsPayloads.readEvent(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    SQSEvent.SQSMessage runtime = RUNTIME_SQS_EVENT.fromJson(json).getRecords().get(0);
    SQSEvent.SQSMessage m = ours.getRecords().get(0);
    SQSEvent.MessageAttribute ours1 = m.getMessageAttributes().get("ERROR_CODE");
    SQSEvent.MessageAttribute theirs = runtime.getMessageAttributes().get("ERROR_CODE");
    assertThat(ours1.getStringValue()).isEqualTo("x").isEqualTo(theirs.getStringValue());
    assertThat(ours1.getDataType()).isEqualTo("String").isEqualTo(theirs.getDataType());
    assertThat(ours1.getStringListValues()).isEqualTo(theirs.getStringListValues());
    assertThat(m.getAttributes()).isEqualTo(runtime.getAttributes());
    assertThat(m.getEventSourceArn()).isEqualTo(runtime.getEventSourceArn()).endsWith("q.fifo");
  }

  @Test
  void writesABatchResponseAsTheRuntimeDoes() throws IOException {
    for (List<SQSBatchResponse.BatchItemFailure> failures : List.of(List.<SQSBatchResponse.BatchItemFailure>of(),
        List.of(new SQSBatchResponse.BatchItemFailure("m1"), new SQSBatchResponse.BatchItemFailure("m2")))) {
      SQSBatchResponse r = new SQSBatchResponse(failures);
      ByteArrayOutputStream ours = new ByteArrayOutputStream();
      SqsPayloads.writeResponse(r, ours);
      ByteArrayOutputStream runtime = new ByteArrayOutputStream();
      RUNTIME_BATCH_RESPONSE.toJson(r, runtime);
      assertThat(Json.MAPPER.readTree(ours.toByteArray())).isEqualTo(Json.MAPPER.readTree(runtime.toByteArray()));
      assertThat(SqsPayloads.readResponse(new ByteArrayInputStream(ours.toByteArray())).getBatchItemFailures())
          .isEqualTo(failures);
    }
  }

  @ParameterizedTest
  @MethodSource("scheduleInputs")
  void readsEveryScheduleInputAsTheRuntimeReadsItIntoAMap(Path sample) throws IOException {
    byte[] bytes = Files.readAllBytes(sample);
    Map<String, Object> ours = Payloads.readMap(new ByteArrayInputStream(bytes));
    assertThat(ours).isNotEmpty().isEqualTo(RUNTIME_MAP.fromJson(new ByteArrayInputStream(bytes)));
  }

  @Test
  void aNullOrEmptyScheduleInputIsANullMapAsForTheRuntime() throws IOException {
    for (String input : List.of("null", "", " ")) {
      assertThat(Payloads.readMap(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)))).as("'" + input + "'").isNull();
    }
    assertThat(RUNTIME_MAP.fromJson("null")).isNull();
  }

  @Test
  void aPayloadThatIsNotAJsonObjectFailsWithoutQuotingIt() throws IOException {
    // Jackson's own message quotes the token it could not read; the payload's failure must not.
    assertThatThrownBy(() -> Json.MAPPER.readTree("{\"code\": pin4821}")).hasMessageContaining("pin4821");
    List<byte[]> bad = new java.util.ArrayList<>();
    for (String s : List.of("{\"code\": pin4821}", "{\"code\": 4821", "code=pin4821", "[\"4821\"]", "", "null")) {
      bad.add(s.getBytes(StandardCharsets.UTF_8));
    }
    // read as UTF-32, whose decoder's message shows the bytes it could not decode (here the PIN's digits)
    bad.add(new byte[] {0, 0, 0, (byte) 0xff, '4', '8', '2', '1'});
    for (byte[] payload : bad) {
      String shown = new String(payload, StandardCharsets.ISO_8859_1);
      assertThatThrownBy(() -> Payloads.readObject(new ByteArrayInputStream(payload)))
          .as(shown).isInstanceOf(IOException.class).hasMessageStartingWith("the invocation's payload is not")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("4821").doesNotContain("0x34"));
    }
    assertThatThrownBy(() -> Payloads.readMap(new ByteArrayInputStream("[1]".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
  }

  @Test
  void theReconcilerReadsANullInputAsADailySweep() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ((com.amazonaws.services.lambda.runtime.RequestStreamHandler) TestStack.get().handler("ReconcilerFunction")).handleRequest(
        new ByteArrayInputStream("null".getBytes(StandardCharsets.UTF_8)), out, new LocalContext("keyrack-ReconcilerFunction", 512, 300));
    JsonNode outcome = Json.MAPPER.readTree(out.toByteArray());
    assertThat(outcome.path("scope").asText()).isEqualTo("LOST_SENDS");
    assertThat(outcome.has("resent")).isTrue();
  }

  @Test
  void writingAResponseLeavesTheStreamOpen() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream() {
      @Override
      public void close() {
        throw new AssertionError("the handler closed Lambda's output stream");
      }
    };
    Payloads.write(Map.of("outcome", "enqueued"), out);
    assertThat(Json.MAPPER.readTree(out.toByteArray()).path("outcome").asText()).isEqualTo("enqueued");
  }

  private static JsonNode withoutNulls(JsonNode n) {
    if (n instanceof ObjectNode o) {
      ObjectNode copy = o.deepCopy();
      List<String> nulls = Stream.of(copy.properties().toArray(Map.Entry[]::new))
          .filter(e -> ((JsonNode) e.getValue()).isNull()).map(e -> (String) e.getKey()).toList();
      copy.remove(nulls);
      return copy;
    }
    return n;
  }
}
