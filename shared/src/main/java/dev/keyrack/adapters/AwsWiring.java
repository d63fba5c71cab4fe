package dev.keyrack.adapters;

import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.adapters.sandbox.DynamoLockMemoryStore;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.adapters.sqs.SqsJobQueue;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import dev.keyrack.adapters.scheduler.EventBridgeScheduler;
import dev.keyrack.ports.Scheduler;

/**
 * The adapters of one Lambda container, built once from its environment. Names of tables and
 * queues come from template.yaml through environment variables. In Lambda the SDK clients are
 * built here, sharing one HTTP client, with the SDK's own endpoint settings
 * ({@code AWS_ENDPOINT_URL_DYNAMODB}, ...); the local stack hands in clients that point at
 * DynamoDB Local and ElasticMQ, an environment resolved from template.yaml, and its clock.
 *
 * <p>HTTP client: {@value #HTTP_CLIENT} picks {@code urlconnection} (default) or {@code crt}
 * ({@link HttpClients}). Chosen by measurement (keyrack-bench, part cold_start, which runs every
 * function with both): <b>url-connection for all three functions</b>. The CRT client showed no
 * advantage that held up on the benchmark machine: across full runs its median first event ranged
 * from about 340 ms slower to 180 ms faster than url-connection, the sign changing from run to run
 * for the same function, the min-max ranges always overlapping. It also adds about 2.5 MiB per
 * platform (the aws-crt native jar, aws-crt-client, crt-core): since the packages dropped log4j2 and
 * Powertools metrics (9.4 to 10.4 MiB) that stays under the 15 MB target (at most about 12.8 MiB), but
 * buys no measured start-up time. No package ships
 * it; a function that chooses it must add {@code software.amazon.awssdk:aws-crt-client} (with its
 * platform's {@code aws-crt} classifier jar) to its pom and set {@code KEYRACK_HTTP_CLIENT=crt}.
 */
public final class AwsWiring {
  public static final String TABLE_NAME = "TABLE_NAME";
  public static final String DEVICE_JOBS_QUEUE_URL = "DEVICE_JOBS_QUEUE_URL";
  public static final String SANDBOX_LATENCY_SCALE = "SANDBOX_LATENCY_SCALE";
  /** Optional seed (a long) of the sandbox locks' failure decisions; absent or blank: a secure random source. */
  public static final String SANDBOX_SEED = "SANDBOX_SEED";
  public static final String SCHEDULE_GROUP_NAME = "SCHEDULE_GROUP_NAME";
  public static final String PROGRAMMER_FUNCTION_ARN = "PROGRAMMER_FUNCTION_ARN";
  public static final String SCHEDULER_ROLE_ARN = "SCHEDULER_ROLE_ARN";
  public static final String SCHEDULER_DLQ_ARN = "SCHEDULER_DLQ_ARN";
  /** {@code urlconnection} (default) or {@code crt}: the HTTP client under the SDK clients. */
  public static final String HTTP_CLIENT = "KEYRACK_HTTP_CLIENT";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AwsWiring.class);

  private final Map<String, String> env;
  private final Clock clock;
  /** Whether the SDK clients are built here from the environment (Lambda), not handed in (local stack). */
  private final boolean ownsClients;
  private SdkHttpClient http;
  private DynamoDbClient dynamo;
  private SqsClient sqs;
  private SchedulerClient scheduler;
  private DynamoStore store;
  private SandboxLockProvider sandbox;
  private dev.keyrack.ports.Telemetry telemetry;
  /** Made by {@link #standIn}: its clients answer from memory. */
  private boolean standIn;

  public AwsWiring(Map<String, String> env, DynamoDbClient dynamo, SqsClient sqs, SchedulerClient scheduler, Clock clock) {
    this.env = Map.copyOf(env);
    this.dynamo = dynamo;
    this.sqs = sqs;
    this.scheduler = scheduler;
    this.ownsClients = dynamo == null && sqs == null;
    this.clock = Objects.requireNonNull(clock);
  }

  public static AwsWiring fromEnvironment() {
    return forEnvironment(System.getenv());
  }

  /** A wiring that builds its own clients, as in Lambda, from the given environment variables. */
  public static AwsWiring forEnvironment(Map<String, String> env) {
    return new AwsWiring(env, null, null, null, Clock.systemUTC());
  }

  public String require(String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set; template.yaml sets it for every function");
    }
    return v;
  }

  /** Business metrics for this container (EMF through Powertools, unless disabled by the environment). */
  public synchronized dev.keyrack.ports.Telemetry telemetry() {
    if (telemetry == null) telemetry = dev.keyrack.adapters.lambda.Observability.emf(env);
    return telemetry;
  }

  public Clock clock() {
    return clock;
  }

  /** One HTTP client for all SDK clients of the container (the SDK leaves a shared client open). */
  private synchronized SdkHttpClient http() {
    if (http == null) http = HttpClients.create(env.get(HTTP_CLIENT));
    return http;
  }

  /**
   * A client builder set up as AWS advises for Lambda start-up: the shared HTTP client, and the
   * region and credentials taken straight from the variables Lambda sets (when set), so the SDK
   * skips walking its provider chains (profile files, instance metadata, ...).
   */
  private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>
      & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, ?>> B lean(B builder) {
    builder.httpClient(http());
    String region = System.getenv("AWS_REGION");
    if (region != null && !region.isBlank()) builder.region(software.amazon.awssdk.regions.Region.of(region));
    if (System.getenv("AWS_ACCESS_KEY_ID") != null && System.getenv("AWS_SECRET_ACCESS_KEY") != null) {
      builder.credentialsProvider(software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider.create());
    }
    return builder;
  }

  public synchronized DynamoDbClient dynamo() {
    if (dynamo == null) dynamo = lean(DynamoDbClient.builder()).build();
    return dynamo;
  }

  public synchronized SqsClient sqs() {
    if (sqs == null) sqs = lean(SqsClient.builder()).build();
    return sqs;
  }

  public synchronized SchedulerClient schedulerClient() {
    if (scheduler == null) scheduler = lean(SchedulerClient.builder()).build();
    return scheduler;
  }

  /**
   * SnapStart priming of the clients a handler's own priming request does not reach, with reads
   * that change nothing: the device-job queue's attributes, and (in functions with a schedule
   * group) a schedule that does not exist; and, where this wiring builds its own clients (Lambda),
   * the write operations, stopped before they are sent ({@link UnsentWrites}). Failures are logged and ignored: priming
   * must never stop a snapshot.
   */
  public void primeClients() {
    try {
      sqs().getQueueAttributes(b -> b.queueUrl(require(DEVICE_JOBS_QUEUE_URL))
          .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    } catch (RuntimeException e) {
      LOG.warn("priming SQS failed: {}", e.getClass().getSimpleName());
    }
    if (ownsClients) {
      try {
        UnsentWrites.prime(http(), require(TABLE_NAME), require(DEVICE_JOBS_QUEUE_URL));
      } catch (RuntimeException e) {
        LOG.warn("priming the write paths failed: {}", e.getClass().getSimpleName());
      }
    }
    // Only functions that schedule have a schedule group (template.yaml); the others' packages may
    // not even ship the Scheduler client.
    if (env.containsKey(SCHEDULE_GROUP_NAME)) {
      try {
        EventBridgeScheduler.primeWithRead(schedulerClient(), require(SCHEDULE_GROUP_NAME));
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("priming Scheduler failed: {}", e.getClass().getSimpleName());
      }
    }
  }

  /**
   * A wiring like this one (the same environment and clock) whose SDK clients answer from an
   * in-memory stand-in ({@link StandInAws}) instead of AWS, with silent telemetry and sandbox locks
   * that answer at once: SnapStart
   * priming runs a function's real code path on it, representative requests included, and
   * nothing is read or written anywhere real.
   */
  public AwsWiring standIn() {
    Map<String, String> standInEnv = new java.util.HashMap<>(env);
    standInEnv.put(SANDBOX_LATENCY_SCALE, "0"); // its sandbox locks answer at once
    AwsWiring w = new AwsWiring(standInEnv, standInClient(DynamoDbClient.builder(), StandInAws.Service.DYNAMODB),
        standInClient(SqsClient.builder(), StandInAws.Service.SQS),
        env.containsKey(SCHEDULE_GROUP_NAME) ? standInScheduler() : null, clock);
    w.telemetry = dev.keyrack.ports.Telemetry.NONE;
    w.standIn = true;
    return w;
  }

  /** Closes the clients of a wiring made by {@link #standIn}; a no-op on any other (its clients live as long as the container). */
  public synchronized void closeStandIn() {
    if (!standIn) return;
    if (dynamo != null) dynamo.close();
    if (sqs != null) sqs.close();
    if (scheduler != null) scheduler.close();
  }

  private static SchedulerClient standInScheduler() {
    return standInClient(SchedulerClient.builder(), StandInAws.Service.SCHEDULER);
  }

  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
      & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, C>, C> C standInClient(B builder,
                                                                                                  StandInAws.Service service) {
    String region = System.getenv("AWS_REGION");
    return builder.httpClient(StandInAws.of(service))
        .region(software.amazon.awssdk.regions.Region.of(region == null || region.isBlank() ? "us-east-1" : region))
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("priming", "priming")))
        .build();
  }

  /** The code schedules, delivered to the programmer function named by the environment. */
  public Scheduler scheduler() {
    return new EventBridgeScheduler(this::schedulerClient, new EventBridgeScheduler.Config(require(SCHEDULE_GROUP_NAME),
        require(PROGRAMMER_FUNCTION_ARN), require(SCHEDULER_ROLE_ARN), require(SCHEDULER_DLQ_ARN), 185, 86_400));
  }

  /** Backup pools, of BACKUP_POOL_SIZE codes per device (default 3). */
  public dev.keyrack.app.BackupPools backupPools() {
    return new dev.keyrack.app.BackupPools(store(), jobQueue(), scheduler(), clock,
        Integer.parseInt(env.getOrDefault("BACKUP_POOL_SIZE", "3")));
  }

  public synchronized DynamoStore store() {
    if (store == null) store = new DynamoStore(dynamo(), require(TABLE_NAME), clock);
    return store;
  }

  public SqsJobQueue jobQueue() {
    return new SqsJobQueue(sqs(), require(DEVICE_JOBS_QUEUE_URL), env.get("DEVICE_JOBS_DLQ_URL"));
  }

  /** The API's per-device guardrails, from DEVICE_CREATES_PER_MINUTE, DEVICE_UPDATES_PER_MINUTE, DEVICE_DELETES_PER_MINUTE. */
  public dev.keyrack.domain.Guardrails guardrails() {
    var d = dev.keyrack.domain.Guardrails.DEFAULT;
    return new dev.keyrack.domain.Guardrails(
        Integer.parseInt(env.getOrDefault("DEVICE_CREATES_PER_MINUTE", String.valueOf(d.createsPerMinute()))),
        Integer.parseInt(env.getOrDefault("DEVICE_UPDATES_PER_MINUTE", String.valueOf(d.updatesPerMinute()))),
        Integer.parseInt(env.getOrDefault("DEVICE_DELETES_PER_MINUTE", String.valueOf(d.deletesPerMinute()))));
  }

  /** The retry policy, tunable by RETRY_BASE_SECONDS, RETRY_MAX_SECONDS, RETRY_WARN_AFTER, RETRY_FAIL_AFTER. */
  public dev.keyrack.domain.RetryPolicy retryPolicy() {
    var d = dev.keyrack.domain.RetryPolicy.DEFAULT;
    return new dev.keyrack.domain.RetryPolicy(
        java.time.Duration.ofSeconds(Long.parseLong(env.getOrDefault("RETRY_BASE_SECONDS", String.valueOf(d.base().toSeconds())))),
        java.time.Duration.ofSeconds(Long.parseLong(env.getOrDefault("RETRY_MAX_SECONDS", String.valueOf(d.max().toSeconds())))),
        Integer.parseInt(env.getOrDefault("RETRY_WARN_AFTER", String.valueOf(d.warnAfter()))),
        Integer.parseInt(env.getOrDefault("RETRY_FAIL_AFTER", String.valueOf(d.failAfter()))));
  }

  /**
   * The randomness behind the sandbox locks' injected failures: seeded by {@value #SANDBOX_SEED}
   * when it is set (a run can be repeated; {@link java.util.Random} is safe to share between
   * threads, though threads interleave differently from run to run), a secure random source otherwise.
   */
  static java.util.random.RandomGenerator sandboxRandom(Map<String, String> env) {
    String seed = env.get(SANDBOX_SEED);
    if (seed == null || seed.isBlank()) return new SecureRandom();
    try {
      return new java.util.Random(Long.parseLong(seed.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("environment variable " + SANDBOX_SEED + " must be a whole number, not '" + seed + "'");
    }
  }

  public synchronized SandboxLockProvider sandboxProvider() {
    if (sandbox == null) {
      double scale = Double.parseDouble(Objects.requireNonNullElse(env.get(SANDBOX_LATENCY_SCALE), "1"));
      sandbox = new SandboxLockProvider(new DynamoLockMemoryStore(dynamo(), require(TABLE_NAME)), sandboxRandom(env), scale);
    }
    return sandbox;
  }
}
