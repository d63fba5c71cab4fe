package dev.keyrack.bench.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerLauncherTest {
  @Test
  void describesAnHttpResponseABatchResponseAndAMap() throws Exception {
    assertThat(HandlerLauncher.describe(APIGatewayV2HTTPResponse.builder().withStatusCode(201).build())).isEqualTo("HTTP 201");
    assertThat(HandlerLauncher.describe(SQSBatchResponse.builder().withBatchItemFailures(
        List.of(new SQSBatchResponse.BatchItemFailure("m1"))).build())).isEqualTo("1 batch item failures");
    assertThat(HandlerLauncher.describe(Map.of("outcome", "enqueued"))).isEqualTo("{outcome=enqueued}");
  }

  @Test
  void describesAStreamHandlersResponseTheSameWay() {
    assertThat(HandlerLauncher.describeJson("{\"statusCode\": 401, \"body\": \"{}\"}")).isEqualTo("HTTP 401");
    assertThat(HandlerLauncher.describeJson("{\"batchItemFailures\":[{\"itemIdentifier\":\"m1\"},{\"itemIdentifier\":\"m2\"}]}"))
        .isEqualTo("2 batch item failures");
    assertThat(HandlerLauncher.describeJson("{\"batchItemFailures\":[]}")).isEqualTo("0 batch item failures");
    assertThat(HandlerLauncher.describeJson("{\"outcome\":\"enqueued\"}")).isEqualTo("{\"outcome\":\"enqueued\"}");
  }

  /** A typed handler, as the launcher still supports: its generic interface gives it a bridge method. */
  static final class TypedHandler implements com.amazonaws.services.lambda.runtime.RequestHandler<
      com.amazonaws.services.lambda.runtime.events.SQSEvent, SQSBatchResponse> {
    @Override
    public SQSBatchResponse handleRequest(com.amazonaws.services.lambda.runtime.events.SQSEvent event,
                                          com.amazonaws.services.lambda.runtime.Context context) {
      return new SQSBatchResponse(List.of());
    }
  }

  @Test
  void findsTheTypedHandlerMethodNotTheBridge() {
    assertThat(HandlerLauncher.handlerMethod(TypedHandler.class, "handleRequest").getParameterTypes()[0])
        .isEqualTo(com.amazonaws.services.lambda.runtime.events.SQSEvent.class);
  }
}
