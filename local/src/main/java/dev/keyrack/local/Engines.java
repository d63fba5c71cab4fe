package dev.keyrack.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * The real engines behind the local stack, in this JVM: DynamoDB Local (in memory, or in a
 * directory) and ElasticMQ (SQS with FIFO queues and dead-letter queues), each reached through
 * the real AWS SDK clients with an endpoint override and dummy credentials.
 */
public final class Engines implements AutoCloseable {
  public static final Region REGION = Region.US_EAST_1;
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  private final DynamoDBProxyServer dynamoServer;
  private final SQSRestServer sqsServer;
  private final URI dynamoEndpoint;
  private final URI sqsEndpoint;
  private final DynamoDbClient dynamo;
  private final SqsClient sqs;

  private Engines(DynamoDBProxyServer dynamoServer, URI dynamoEndpoint, SQSRestServer sqsServer, URI sqsEndpoint,
                  ExecutionInterceptor... interceptors) {
    this.dynamoServer = dynamoServer;
    this.dynamoEndpoint = dynamoEndpoint;
    this.sqsServer = sqsServer;
    this.sqsEndpoint = sqsEndpoint;
    ClientOverrideConfiguration.Builder cfg = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor i : interceptors) cfg.addExecutionInterceptor(i);
    this.dynamo = DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(cfg.build()).build();
    this.sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(cfg.build()).build();
  }

  /**
   * Starts both engines.
   *
   * @param dataDir where DynamoDB Local keeps its data, or null for memory only
   */
  public static Engines start(Path dataDir, ExecutionInterceptor... interceptors) {
    System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "local"));
    try {
      int port = freePort();
      String[] args = dataDir == null
          ? new String[] {"-inMemory", "-port", String.valueOf(port), "-disableTelemetry"}
          : new String[] {"-dbPath", Files.createDirectories(dataDir).toString(), "-sharedDb", "-port",
              String.valueOf(port), "-disableTelemetry"};
      DynamoDBProxyServer ddb = ServerRunner.createServerFromCommandLineArgs(args);
      ddb.start();
      SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
      int sqsPort = sqs.waitUntilStarted().localAddress().getPort();
      return new Engines(ddb, URI.create("http://127.0.0.1:" + port), sqs, URI.create("http://127.0.0.1:" + sqsPort),
          interceptors);
    } catch (Exception e) {
      throw new IllegalStateException("could not start DynamoDB Local and ElasticMQ: " + e.getMessage(), e);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** A Scheduler client for an emulator at {@code endpoint}, configured like the other clients. */
  public SchedulerClient scheduler(URI endpoint, ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder cfg = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor i : interceptors) cfg.addExecutionInterceptor(i);
    return SchedulerClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(cfg.build()).build();
  }

  public DynamoDbClient dynamo() {
    return dynamo;
  }

  public SqsClient sqs() {
    return sqs;
  }

  public URI dynamoEndpoint() {
    return dynamoEndpoint;
  }

  public URI sqsEndpoint() {
    return sqsEndpoint;
  }

  @Override
  public void close() {
    dynamo.close();
    sqs.close();
    try {
      sqsServer.stopAndWait();
    } catch (RuntimeException ignored) {
      // already stopped
    }
    try {
      dynamoServer.stop();
    } catch (Exception ignored) {
      // already stopped
    }
  }
}
