package dev.keyrack.local.adapters;

import static dev.keyrack.local.adapters.Fixtures.code;
import static dev.keyrack.local.adapters.Fixtures.device;
import static dev.keyrack.local.adapters.Fixtures.event;
import static dev.keyrack.local.adapters.Fixtures.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.adapters.sqs.SqsJobQueue;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.DeviceOperation.Kind;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Workspace;
import dev.keyrack.local.LocalResources;
import dev.keyrack.local.Template;
import dev.keyrack.ports.Conflict;
import dev.keyrack.ports.Store.EventQuery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The DynamoDB and SQS adapters against LocalStack, where Docker exists; skipped (not failed) where
 * it does not. The resources come from template.yaml exactly as for the embedded engines.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalstackAdaptersTest {

  @Container
  static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
      .withServices(Service.DYNAMODB, Service.SQS)
      .withEnv("SERVICES", "dynamodb,sqs,scheduler");

  static DynamoDbClient dynamo;
  static SqsClient sqs;
  static DynamoStore store;
  static SqsJobQueue queue;
  static String queueUrl;

  @BeforeAll
  static void clients() throws Exception {
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    Region region = Region.of(LOCALSTACK.getRegion());
    dynamo = DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    sqs = SqsClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    LocalResources resources = LocalResources.create(Template.load(Template.locate(Path.of(""))), dynamo, sqs, Map.of());
    store = new DynamoStore(dynamo, resources.tableName("KeyrackTable"));
    queueUrl = resources.queueUrl("DeviceJobsQueue");
    queue = new SqsJobQueue(sqs, queueUrl);
  }

  @AfterAll
  static void close() {
    if (dynamo != null) dynamo.close();
    if (sqs != null) sqs.close();
  }

  @Test
  void storeCreatesReadsAndRefusesADuplicatePin() {
    Workspace w = workspace();
    Device d = device(w);
    store.putDevice(d);
    AccessCode c = code(d, "4821");
    Event created = event(c, "access_code.created");
    store.create(c, List.of(created));

    assertThat(store.device(w.workspaceId(), d.deviceId())).contains(d);
    assertThat(store.accessCode(w.workspaceId(), c.accessCodeId())).contains(c);
    assertThat(store.events(w.workspaceId(), new EventQuery(null, null, null, null, null, 10))).containsExactly(created);

    AccessCode dup = code(d, "4821");
    Event dupEvent = event(dup, "access_code.created");
    assertThatThrownBy(() -> store.create(dup, List.of(dupEvent))).isInstanceOf(Conflict.DuplicatePin.class);
    assertThat(store.accessCode(w.workspaceId(), dup.accessCodeId())).isEmpty();
    assertThat(store.event(w.workspaceId(), dupEvent.eventId())).isEmpty();

    AccessCode v2 = c.withName("renamed").withVersion(2);
    store.update(c, v2, List.of());
    assertThatThrownBy(() -> store.update(c, c.withName("stale").withVersion(2), List.of()))
        .isInstanceOf(Conflict.StaleVersion.class);
    assertThat(store.accessCode(w.workspaceId(), c.accessCodeId())).contains(v2);
  }

  @Test
  void queueKeepsPerDeviceOrderAndDeduplicates() {
    UUID lockA = UUID.randomUUID(), lockB = UUID.randomUUID();
    List<DeviceOperation> sent = new ArrayList<>();
    for (int v = 1; v <= 3; v++) {
      sent.add(new DeviceOperation(v % 2 == 1 ? Kind.SET : Kind.REMOVE, UUID.randomUUID(), lockA, lockA, v));
      sent.add(new DeviceOperation(v % 2 == 1 ? Kind.SET : Kind.REMOVE, UUID.randomUUID(), lockB, lockB, v));
    }
    sent.forEach(queue::enqueue);
    queue.enqueue(sent.get(0)); // a repeat: dropped by the deduplication id

    List<SqsJobQueueTest.Received> got = SqsJobQueueTest.drain(sqs, queueUrl, sent.size(), Duration.ofSeconds(30));

    assertThat(got).extracting(SqsJobQueueTest.Received::op).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(got).allSatisfy(r -> assertThat(r.groupId()).isEqualTo(r.op().deviceId().toString()));
    assertThat(got.stream().map(SqsJobQueueTest.Received::op).filter(o -> o.deviceId().equals(lockA)).toList())
        .containsExactlyElementsOf(sent.stream().filter(o -> o.deviceId().equals(lockA)).toList());
    assertThat(got.stream().map(SqsJobQueueTest.Received::op).filter(o -> o.deviceId().equals(lockB)).toList())
        .containsExactlyElementsOf(sent.stream().filter(o -> o.deviceId().equals(lockB)).toList());
  }

  @Test
  void schedulerAdapterCreatesReplacesAndCancelsSchedules() {
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    try (var client = software.amazon.awssdk.services.scheduler.SchedulerClient.builder()
        .endpointOverride(LOCALSTACK.getEndpoint()).region(Region.of(LOCALSTACK.getRegion())).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build()) {
      client.createScheduleGroup(b -> b.name("CodeSchedules"));
      var scheduler = new dev.keyrack.adapters.scheduler.EventBridgeScheduler(client,
          new dev.keyrack.adapters.scheduler.EventBridgeScheduler.Config("CodeSchedules",
              "arn:aws:lambda:us-east-1:000000000000:function:ProgrammerFunction:live",
              "arn:aws:iam::000000000000:role/SchedulerRole",
              "arn:aws:sqs:us-east-1:000000000000:SchedulerDeadLetterQueue", 3, 3600));
      UUID id = UUID.randomUUID();
      var fire = new dev.keyrack.domain.Fire(UUID.randomUUID(), UUID.randomUUID(), id,
          dev.keyrack.domain.SchedulePolicy.Transition.REMOVE, java.time.Instant.parse("2030-01-01T00:00:00Z"), "p");
      scheduler.schedule(fire);
      scheduler.schedule(fire); // a repeat replaces
      var got = client.getSchedule(b -> b.name(fire.scheduleName()).groupName("CodeSchedules"));
      assertThat(got.scheduleExpression()).isEqualTo("at(2030-01-01T00:00:00)");
      assertThat(got.actionAfterCompletionAsString()).isEqualTo("DELETE");
      scheduler.cancelAll(id);
      assertThatThrownBy(() -> client.getSchedule(b -> b.name(fire.scheduleName()).groupName("CodeSchedules")))
          .isInstanceOf(software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException.class);
    }
  }
}
