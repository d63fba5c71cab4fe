package dev.keyrack.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;

/** The priming stand-in answers the SDK's real clients as the services would, for what priming does. */
class StandInAwsTest {
  private final AwsWiring wiring = AwsWiring.forEnvironment(Map.of(AwsWiring.SCHEDULE_GROUP_NAME, "g")).standIn();

  private static Map<String, AttributeValue> item(String pk, String sk, String doc) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk), "doc", AttributeValue.fromS(doc),
        "version", AttributeValue.fromN("3"));
  }

  private static List<String> sks(List<Map<String, AttributeValue>> items) {
    return items.stream().map(i -> i.get("sk").s()).toList();
  }

  @Test
  void dynamoDbKeepsItemsAndAnswersTheStoresQueries() {
    var ddb = wiring.dynamo();
    for (String sk : List.of("CODE#1", "CODE#2", "CODE#3", "DEVICE#1")) ddb.putItem(b -> b.tableName("t").item(item("WS#a", sk, sk)));
    ddb.putItem(b -> b.tableName("t").item(item("WS#b", "CODE#9", "other workspace")));

    assertThat(ddb.getItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS("WS#a"), "sk", AttributeValue.fromS("CODE#2"))))
        .item()).isEqualTo(item("WS#a", "CODE#2", "CODE#2"));
    assertThat(ddb.getItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS("WS#a"), "sk", AttributeValue.fromS("CODE#7"))))
        .hasItem()).isFalse();
    assertThat(sks(ddb.query(b -> b.tableName("t").keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#a"), ":p", AttributeValue.fromS("CODE#")))).items()))
        .containsExactly("CODE#1", "CODE#2", "CODE#3");
    assertThat(sks(ddb.query(b -> b.tableName("t").keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
        .scanIndexForward(false).limit(2).expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#a"),
            ":lo", AttributeValue.fromS("CODE#1"), ":hi", AttributeValue.fromS("CODE#3")))).items()))
        .containsExactly("CODE#3", "CODE#2");
    assertThat(ddb.query(b -> b.tableName("t").keyConditionExpression("pk = :pk")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#a")))).count()).isEqualTo(4);

    assertThat(sks(ddb.batchGetItem(b -> b.requestItems(Map.of("t", software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes
        .builder().keys(Map.of("pk", AttributeValue.fromS("WS#a"), "sk", AttributeValue.fromS("CODE#3")),
            Map.of("pk", AttributeValue.fromS("WS#a"), "sk", AttributeValue.fromS("CODE#8"))).build()))).responses().get("t")))
        .containsExactly("CODE#3");

    ddb.transactWriteItems(b -> b.transactItems(
        TransactWriteItem.builder().put(p -> p.tableName("t").item(item("WS#a", "CODE#4", "new"))).build(),
        TransactWriteItem.builder().delete(d -> d.tableName("t").key(Map.of("pk", AttributeValue.fromS("WS#a"),
            "sk", AttributeValue.fromS("CODE#1")))).build()));
    ddb.deleteItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS("WS#a"), "sk", AttributeValue.fromS("DEVICE#1"))));
    assertThat(sks(ddb.query(b -> b.tableName("t").keyConditionExpression("pk = :pk")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#a")))).items()))
        .containsExactly("CODE#2", "CODE#3", "CODE#4");
  }

  @Test
  void whatItDoesNotAnswerFailsLoudly() {
    assertThatThrownBy(() -> wiring.dynamo().scan(b -> b.tableName("t")))
        .isInstanceOf(DynamoDbException.class).hasMessageContaining("does not answer DynamoDB Scan");
    assertThatThrownBy(() -> wiring.dynamo().query(b -> b.tableName("t").keyConditionExpression("pk = :pk AND sk > :x")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("a"), ":x", AttributeValue.fromS("b")))))
        .hasMessageContaining("key condition");
  }

  @Test
  void sqsAcceptsMessagesWithTheChecksumTheSdkVerifies() throws Exception {
    // the SDK compares MD5OfMessageBody with the body it sent and throws on a mismatch
    var r = wiring.sqs().sendMessage(b -> b.queueUrl("https://sqs.us-east-1.amazonaws.com/000000000000/q.fifo")
        .messageBody("{\"kind\":\"SET\"}").messageGroupId("g").messageDeduplicationId("d"));
    assertThat(r.messageId()).isNotBlank();
    assertThat(r.md5OfMessageBody()).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("MD5").digest("{\"kind\":\"SET\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    assertThat(wiring.sqs().getQueueAttributes(b -> b.queueUrl("https://sqs.us-east-1.amazonaws.com/000000000000/q.fifo"))
        .attributes()).isEmpty();
  }

  @Test
  void schedulerTakesWritesAndFindsNothing() {
    var s = wiring.schedulerClient();
    assertThat(s.createSchedule(b -> b.name("n").groupName("g").scheduleExpression("at(2030-01-01T00:00:00)")
        .flexibleTimeWindow(w -> w.mode("OFF")).target(t -> t.arn("arn:aws:lambda:us-east-1:000000000000:function:f")
            .roleArn("arn:aws:iam::000000000000:role/r").input("{}"))).scheduleArn()).endsWith("/n");
    s.deleteSchedule(b -> b.name("n").groupName("g"));
    assertThatThrownBy(() -> s.getSchedule(b -> b.name("n").groupName("g"))).isInstanceOf(ResourceNotFoundException.class);
  }
}
