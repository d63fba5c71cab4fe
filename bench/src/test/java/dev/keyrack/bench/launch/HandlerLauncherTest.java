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
  void findsTheTypedHandlerMethodNotTheBridge() {
    assertThat(HandlerLauncher.handlerMethod(dev.keyrack.functions.worker.ProviderWorkerHandler.class, "handleRequest")
        .getParameterTypes()[0])
        .isEqualTo(com.amazonaws.services.lambda.runtime.events.SQSEvent.class);
  }
}
