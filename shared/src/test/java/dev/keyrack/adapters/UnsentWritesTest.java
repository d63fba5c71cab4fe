package dev.keyrack.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/** The write-path priming marshals and signs its writes and sends none of them. */
class UnsentWritesTest {
  @BeforeEach
  void credentials() {
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.accessKeyId", "priming");
    System.setProperty("aws.secretAccessKey", "priming");
  }

  @AfterEach
  void clear() {
    System.clearProperty("aws.region");
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void everyWriteIsStoppedBeforeTheHttpClientSeesIt() {
    AtomicInteger sent = new AtomicInteger();
    SdkHttpClient recording = new SdkHttpClient() {
      @Override
      public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        sent.incrementAndGet();
        throw new AssertionError("a priming write reached the HTTP client: " + request.httpRequest().getUri());
      }

      @Override
      public void close() {}
    };

    int stopped = UnsentWrites.prime(recording, "keyrack-table",
        "https://sqs.us-east-1.amazonaws.com/123456789012/DeviceJobsQueue.fifo");

    assertThat(stopped).isEqualTo(3);
    assertThat(sent).hasValue(0);
  }
}
