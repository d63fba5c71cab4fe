package dev.keyrack.adapters;

import java.util.Map;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SnapStart priming of the write paths without writing: the container's write operations
 * (DynamoDB PutItem and TransactWriteItems, SQS SendMessage) are built, marshalled, resolved to
 * their endpoint and signed by clients configured like the container's, and stopped by an
 * interceptor just before transmission, so no byte leaves the process.
 */
final class UnsentWrites {
  /** Thrown by the interceptor in place of sending. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("priming request stopped before transmission", null, false, false);
    }
  }

  /** Stops every request after it is signed, before the HTTP client sees it. */
  static final ExecutionInterceptor STOP = new ExecutionInterceptor() {
    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      throw new Stopped();
    }
  };

  private UnsentWrites() {}

  /** Runs the writes of a function against {@code table} and {@code queueUrl}; returns how many were stopped. */
  static int prime(SdkHttpClient http, String table, String queueUrl) {
    int stopped = 0;
    try (DynamoDbClient ddb = DynamoDbClient.builder().httpClient(http)
        .overrideConfiguration(o -> o.addExecutionInterceptor(STOP)).build();
         SqsClient sqs = SqsClient.builder().httpClient(http).overrideConfiguration(o -> o.addExecutionInterceptor(STOP)).build()) {
      Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("PRIMING"), "sk", AttributeValue.fromS("PRIMING"),
          "doc", AttributeValue.fromS("{}"), "version", AttributeValue.fromN("1"));
      stopped += stopped(() -> ddb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")));
      stopped += stopped(() -> ddb.transactWriteItems(b -> b.transactItems(
          t -> t.put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")),
          t -> t.update(u -> u.tableName(table).key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))
              .updateExpression("SET version = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromN("2")))))));
      stopped += stopped(() -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{}").messageGroupId("priming")
          .messageDeduplicationId("priming")));
    }
    return stopped;
  }

  /** 1 if the call was stopped before sending, as it must be; anything else propagates. */
  private static int stopped(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof Stopped) return 1;
      }
      throw e;
    }
    throw new IllegalStateException("a priming write was not stopped before transmission");
  }
}
