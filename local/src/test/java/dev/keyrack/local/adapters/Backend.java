package dev.keyrack.local.adapters;

import dev.keyrack.local.Engines;
import dev.keyrack.local.LocalResources;
import dev.keyrack.local.Template;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.EnabledService;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS services an adapter test runs against, reached through the real SDK clients, with the
 * tables, queues (and, where there is a Scheduler, schedule groups) that template.yaml declares,
 * created by {@link LocalResources} exactly as the local stack creates them.
 *
 * <p>Two kinds: {@link #inProcess()} (DynamoDB Local and ElasticMQ in this JVM, runs everywhere)
 * and {@link #localstack()} (one LocalStack container through Testcontainers, shared by every test
 * class of the run; test classes using it are annotated
 * {@code @Testcontainers(disabledWithoutDocker = true)} so they are skipped where Docker is missing).
 */
final class Backend implements AutoCloseable {
  private final DynamoDbClient dynamo;
  private final SqsClient sqs;
  private final SchedulerClient scheduler;
  private final Template template;
  private final LocalResources resources;
  private final AutoCloseable onClose;

  private Backend(DynamoDbClient dynamo, SqsClient sqs, SchedulerClient scheduler, AutoCloseable onClose) {
    this.dynamo = dynamo;
    this.sqs = sqs;
    this.scheduler = scheduler;
    this.onClose = onClose;
    try {
      this.template = Template.load(Template.locate(Path.of("")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.resources = LocalResources.create(template, dynamo, sqs, scheduler, Map.of());
  }

  /** DynamoDB Local and ElasticMQ, in this JVM (no Scheduler: see EventBridgeSchedulerTest for its emulator). */
  static Backend inProcess() {
    Engines engines = Engines.start(null);
    try {
      return new Backend(engines.dynamo(), engines.sqs(), null, engines);
    } catch (RuntimeException e) {
      engines.close();
      throw e;
    }
  }

  /**
   * DynamoDB, SQS and EventBridge Scheduler in LocalStack. The container is started once per test
   * JVM and stopped by Testcontainers when the JVM ends; each backend has its own clients.
   */
  static Backend localstack() {
    LocalStackContainer c = Localstack.container();
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(c.getAccessKey(), c.getSecretKey()));
    Region region = Region.of(c.getRegion());
    DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(c.getEndpoint()).region(region)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    SqsClient sqs = SqsClient.builder().endpointOverride(c.getEndpoint()).region(region)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    SchedulerClient scheduler = SchedulerClient.builder().endpointOverride(c.getEndpoint()).region(region)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    AutoCloseable clients = () -> {
      dynamo.close();
      sqs.close();
      scheduler.close();
    };
    try {
      return new Backend(dynamo, sqs, scheduler, clients);
    } catch (RuntimeException e) {
      try {
        clients.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The one LocalStack container of a test run, started on first use (the singleton-container pattern). */
  private static final class Localstack {
    private static LocalStackContainer container;

    static synchronized LocalStackContainer container() {
      if (container == null) {
        LocalStackContainer c = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(Service.DYNAMODB, Service.SQS, EnabledService.named("scheduler"));
        c.start();
        container = c;
      }
      return container;
    }
  }

  DynamoDbClient dynamo() {
    return dynamo;
  }

  SqsClient sqs() {
    return sqs;
  }

  /** The Scheduler client, or null where this backend has no Scheduler. */
  SchedulerClient scheduler() {
    return scheduler;
  }

  Template template() {
    return template;
  }

  LocalResources resources() {
    return resources;
  }

  @Override
  public void close() throws Exception {
    onClose.close();
  }
}
