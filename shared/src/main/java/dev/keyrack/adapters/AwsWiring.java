package dev.keyrack.adapters;

import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.adapters.sandbox.DynamoLockMemoryStore;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.adapters.sqs.SqsJobQueue;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The adapters of one Lambda container, built once from its environment. Names of tables and
 * queues come from template.yaml through environment variables; endpoints follow the SDK's own
 * settings ({@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_DYNAMODB}, ...), which is how the
 * local stack and benchmarks point a fresh function at DynamoDB Local and ElasticMQ.
 */
public final class AwsWiring {
  public static final String TABLE_NAME = "TABLE_NAME";
  public static final String DEVICE_JOBS_QUEUE_URL = "DEVICE_JOBS_QUEUE_URL";
  public static final String SANDBOX_LATENCY_SCALE = "SANDBOX_LATENCY_SCALE";

  private final Map<String, String> env;
  private DynamoDbClient dynamo;
  private SqsClient sqs;

  public AwsWiring(Map<String, String> env) {
    this.env = env;
  }

  public static AwsWiring fromEnvironment() {
    return new AwsWiring(System.getenv());
  }

  public String require(String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set; template.yaml sets it for every function");
    }
    return v;
  }

  public synchronized DynamoDbClient dynamo() {
    if (dynamo == null) dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    return dynamo;
  }

  public synchronized SqsClient sqs() {
    if (sqs == null) sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    return sqs;
  }

  public DynamoStore store() {
    return new DynamoStore(dynamo(), require(TABLE_NAME));
  }

  public SqsJobQueue jobQueue() {
    return new SqsJobQueue(sqs(), require(DEVICE_JOBS_QUEUE_URL));
  }

  public SandboxLockProvider sandboxProvider() {
    double scale = Double.parseDouble(Objects.requireNonNullElse(env.get(SANDBOX_LATENCY_SCALE), "1"));
    return new SandboxLockProvider(new DynamoLockMemoryStore(dynamo(), require(TABLE_NAME)), new SecureRandom(), scale);
  }
}
