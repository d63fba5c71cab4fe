package dev.keyrack.local.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.scheduler.EventBridgeScheduler;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.SchedulePolicy.Transition;
import dev.keyrack.json.Json;
import dev.keyrack.local.Engines;
import dev.keyrack.local.MutableClock;
import dev.keyrack.local.SchedulerEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * The EventBridge Scheduler adapter's requests exactly as the AWS SDK sends them (captured by the
 * local emulator), and the emulator's own firing, retry, dead-letter and persistence behaviour.
 */
class EventBridgeSchedulerTest {
  static final String FN = "arn:aws:lambda:us-east-1:000000000000:function:ProgrammerFunction:live";
  MutableClock clock;
  SchedulerEmulator emulator;
  SchedulerClient client;
  EventBridgeScheduler scheduler;

  @BeforeEach
  void start() throws Exception {
    start(null);
  }

  void start(Path dir) throws Exception {
    clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    emulator = new SchedulerEmulator(clock, dir);
    client = SchedulerClient.builder().endpointOverride(emulator.endpoint()).region(Engines.REGION)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create()).build();
    try {
      client.createScheduleGroup(b -> b.name("CodeSchedules"));
    } catch (software.amazon.awssdk.services.scheduler.model.ConflictException kept) {
      // persisted from the previous emulator
    }
    scheduler = new EventBridgeScheduler(client, new EventBridgeScheduler.Config("CodeSchedules", FN,
        "arn:aws:iam::000000000000:role/SchedulerRole", "arn:aws:sqs:us-east-1:000000000000:SchedulerDeadLetterQueue", 3, 3600));
  }

  @AfterEach
  void stop() {
    client.close();
    emulator.close();
  }

  static Fire fire(UUID id, Transition t, Instant at) {
    return new Fire(UUID.randomUUID(), UUID.randomUUID(), id, t, at, "time_bound/x/y/jit");
  }

  @Test
  void createsAOneTimeUtcScheduleThatDeletesItselfWithRetriesAndADeadLetterQueue() throws Exception {
    UUID id = UUID.randomUUID();
    Fire f = fire(id, Transition.PROGRAM, Instant.parse("2026-12-01T13:59:59.250Z"));
    scheduler.schedule(f);
    SchedulerEmulator.Recorded r = emulator.recorded().stream().filter(x -> x.path().startsWith("/schedules/")).findFirst()
        .orElseThrow();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/schedules/kr-" + id + "-program");
    JsonNode b = r.body();
    assertThat(b.get("GroupName").asText()).isEqualTo("CodeSchedules");
    assertThat(b.get("ScheduleExpression").asText()).isEqualTo("at(2026-12-01T14:00:00)"); // rounded up, never early
    assertThat(b.get("ScheduleExpressionTimezone").asText()).isEqualTo("UTC");
    assertThat(b.at("/FlexibleTimeWindow/Mode").asText()).isEqualTo("OFF");
    assertThat(b.get("ActionAfterCompletion").asText()).isEqualTo("DELETE");
    assertThat(b.at("/Target/Arn").asText()).isEqualTo(FN);
    assertThat(b.at("/Target/RoleArn").asText()).endsWith(":role/SchedulerRole");
    assertThat(b.at("/Target/RetryPolicy/MaximumRetryAttempts").asInt()).isEqualTo(3);
    assertThat(b.at("/Target/RetryPolicy/MaximumEventAgeInSeconds").asInt()).isEqualTo(3600);
    assertThat(b.at("/Target/DeadLetterConfig/Arn").asText()).endsWith(":SchedulerDeadLetterQueue");
    assertThat(Json.read(b.at("/Target/Input").asText(), Fire.class)).isEqualTo(f);
  }

  @Test
  void aRepeatedScheduleReplacesTheOldOneAndCancellingIsIdempotent() {
    UUID id = UUID.randomUUID();
    scheduler.schedule(fire(id, Transition.REMOVE, Instant.parse("2026-12-02T10:00:00Z")));
    scheduler.schedule(fire(id, Transition.REMOVE, Instant.parse("2026-12-03T10:00:00Z")));
    assertThat(emulator.schedules()).hasSize(1);
    assertThat(emulator.schedules().values().iterator().next().due()).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    assertThat(emulator.recorded()).extracting(SchedulerEmulator.Recorded::method).containsSubsequence("POST", "POST", "PUT");
    scheduler.cancelAll(id);
    scheduler.cancelAll(id); // nothing left: no error
    assertThat(emulator.schedules()).isEmpty();
  }

  @Test
  void firesTheTargetWhenDueThenDeletesTheSchedule() throws Exception {
    List<String> delivered = new CopyOnWriteArrayList<>();
    emulator.target(FN, input -> delivered.add(new String(input, java.nio.charset.StandardCharsets.UTF_8)));
    UUID id = UUID.randomUUID();
    scheduler.schedule(fire(id, Transition.ACTIVATE, clock.instant().plus(Duration.ofHours(1))));
    Thread.sleep(300);
    assertThat(delivered).isEmpty();
    clock.advance(Duration.ofHours(1));
    // (the emulator deletes a schedule a moment after its target returns)
    long end = System.currentTimeMillis() + 10_000;
    while ((delivered.isEmpty() || !emulator.schedules().isEmpty()) && System.currentTimeMillis() < end) Thread.sleep(50);
    // the schedule's Input, handed over as it was stored (the bytes Lambda would get), not re-serialized
    String stored = emulator.recorded().stream().filter(r -> r.method().equals("POST")).reduce((a, b) -> b).orElseThrow()
        .body().at("/Target/Input").asText();
    assertThat(delivered).singleElement().satisfies(text -> {
      assertThat(text).isEqualTo(stored);
      assertThat(dev.keyrack.json.Json.read(text, Map.class).get("accessCodeId")).isEqualTo(id.toString());
    });
    assertThat(emulator.schedules()).isEmpty();
  }

  @Test
  void aTargetThatKeepsFailingEndsInTheDeadLetterQueue() throws Exception {
    List<String> dlq = new CopyOnWriteArrayList<>();
    List<String> arns = new CopyOnWriteArrayList<>();
    emulator.deadLetter((arn, d) -> { arns.add(arn); dlq.add(d.input()); });
    emulator.target(FN, input -> { throw new IllegalStateException("programmer down"); });
    UUID id = UUID.randomUUID();
    scheduler.schedule(fire(id, Transition.PROGRAM, clock.instant()));
    // Past each retry's backoff once its try failed (on a slow machine the emulator's ticker may lag the clock).
    int seen = 0;
    for (long end = System.currentTimeMillis() + 20_000; dlq.isEmpty() && System.currentTimeMillis() < end; ) {
      int attempts = emulator.schedules().values().stream().mapToInt(SchedulerEmulator.Schedule::attempts).max().orElse(seen);
      if (attempts > seen) {
        seen = attempts;
        clock.advance(Duration.ofMinutes(2));
      }
      Thread.sleep(50);
    }
    assertThat(dlq).hasSize(1);
    assertThat(dlq.get(0)).contains(id.toString());
    assertThat(arns).containsExactly("arn:aws:sqs:us-east-1:000000000000:SchedulerDeadLetterQueue");
    assertThat(emulator.deadLettered()).singleElement().satisfies(d -> {
      assertThat(d.attempts()).isEqualTo(4); // the first try and its 3 retries
      assertThat(d.errorCode()).isEqualTo("IllegalStateException");
      assertThat(d.schedule()).isEqualTo(Fire.scheduleName(id, Transition.PROGRAM));
    });
    assertThat(emulator.schedules()).isEmpty();
  }

  @Test
  void aFireOlderThanItsMaximumEventAgeIsDeadLetteredWhateverRetriesAreLeft() throws Exception {
    EventBridgeScheduler patient = new EventBridgeScheduler(client, new EventBridgeScheduler.Config("CodeSchedules", FN,
        "arn:aws:iam::000000000000:role/SchedulerRole", "arn:aws:sqs:us-east-1:000000000000:SchedulerDeadLetterQueue", 185, 3600));
    List<String> dlq = new CopyOnWriteArrayList<>();
    emulator.deadLetter((arn, d) -> dlq.add(d.input()));
    emulator.target(FN, input -> { throw new IllegalStateException("programmer down"); });
    patient.schedule(fire(UUID.randomUUID(), Transition.REMOVE, clock.instant()));
    for (long end = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < end
        && emulator.schedules().values().stream().noneMatch(x -> x.attempts() > 0); ) {
      Thread.sleep(50); // the first try fails
    }
    assertThat(dlq).isEmpty();
    assertThat(emulator.schedules()).hasSize(1);
    clock.advance(Duration.ofHours(1)); // the event's age reaches MaximumEventAgeInSeconds
    for (int i = 0; i < 100 && dlq.isEmpty(); i++) Thread.sleep(100);
    assertThat(dlq).hasSize(1);
    assertThat(emulator.deadLettered()).singleElement().satisfies(d -> assertThat(d.attempts()).isEqualTo(2));
    assertThat(emulator.schedules()).isEmpty();
  }

  @Test
  void schedulesSurviveARestartWhenKeptOnDisk() throws Exception {
    Path dir = Files.createTempDirectory("scheduler-");
    stop();
    start(dir);
    UUID id = UUID.randomUUID();
    scheduler.schedule(fire(id, Transition.REMOVE, Instant.parse("2026-12-05T00:00:00Z")));
    stop();
    start(dir);
    assertThat(emulator.schedules().keySet()).containsExactly("CodeSchedules/kr-" + id + "-remove");
  }
}
