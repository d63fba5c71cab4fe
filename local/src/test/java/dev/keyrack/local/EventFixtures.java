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
  /** The action attempt id events/api/get-action-attempt.json carries. */
  static final String SAMPLE_ACTION_ATTEMPT_ID = "66666666-7777-4888-9999-aaaaaaaaaaaa";

  private EventFixtures() {}

  static APIGatewayV2HTTPEvent api(String name) {
    return EventLoader.loadApiGatewayHttpEvent(TestStack.event("api/" + name).toString());
  }

  /** An api sample event naming the given access code in place of {@link #SAMPLE_CODE_ID}. */
  static APIGatewayV2HTTPEvent api(String name, UUID accessCodeId) {
    return EventLoader.loadApiGatewayHttpEvent(rewritten("api/" + name, accessCodeId).toString());
  }

  /** An api sample event naming the given action attempt in place of {@link #SAMPLE_ACTION_ATTEMPT_ID}. */
  static APIGatewayV2HTTPEvent apiForActionAttempt(String name, UUID actionAttemptId) {
    return EventLoader.loadApiGatewayHttpEvent(written(read("api/" + name).replace(SAMPLE_ACTION_ATTEMPT_ID, actionAttemptId.toString()))
        .toString());
  }

  static SQSEvent sqs(String name, UUID accessCodeId) {
    return EventLoader.loadSQSEvent(rewritten("provider-worker/" + name, accessCodeId).toString());
  }

  static String text(String name, UUID accessCodeId) {
    return read(name).replace(SAMPLE_CODE_ID, accessCodeId.toString());
  }

  private static String read(String name) {
    try {
      return Files.readString(TestStack.event(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path rewritten(String name, UUID accessCodeId) {
    return written(text(name, accessCodeId));
  }

  private static Path written(String content) {
    try {
      Path tmp = Files.createTempFile("event-", ".json");
      Files.writeString(tmp, content);
      tmp.toFile().deleteOnExit();
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
