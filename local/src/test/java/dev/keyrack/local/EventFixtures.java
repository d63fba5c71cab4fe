package dev.keyrack.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Loads the sample events in events/, optionally re-pointed at an access code a test created. */
final class EventFixtures {
  /** The access code id the provider-worker and programmer samples carry. */
  static final String SAMPLE_CODE_ID = "11111111-2222-4333-8444-555555555555";

  private EventFixtures() {}

  static APIGatewayV2HTTPEvent api(String name) {
    return EventLoader.loadApiGatewayHttpEvent(TestStack.event("api/" + name).toString());
  }

  static SQSEvent sqs(String name, UUID accessCodeId) {
    return EventLoader.loadSQSEvent(rewritten("provider-worker/" + name, accessCodeId).toString());
  }

  static String text(String name, UUID accessCodeId) {
    try {
      return Files.readString(TestStack.event(name)).replace(SAMPLE_CODE_ID, accessCodeId.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path rewritten(String name, UUID accessCodeId) {
    try {
      Path tmp = Files.createTempFile("event-", ".json");
      Files.writeString(tmp, text(name, accessCodeId));
      tmp.toFile().deleteOnExit();
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
