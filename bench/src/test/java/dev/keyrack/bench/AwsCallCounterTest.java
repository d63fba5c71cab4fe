package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class AwsCallCounterTest {
  final AtomicReference<String> tag = new AtomicReference<>("ApiFunction");
  final AwsCallCounter counter = new AwsCallCounter(tag::get, AwsCallCounter::isLockMemory, (table, key) ->
      key.get("sk").s().equals("BIG") ? 1500 : 0);

  static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
  }

  @Test
  void everyDynamoDbRequestAsksForItsConsumedCapacity() {
    var get = GetItemRequest.builder().tableName("t").key(key("WS#1", "CODE#1")).build();
    var modified = counter.modifyRequest(InterceptorContext.builder().request(get).build(), new ExecutionAttributes());
    assertThat(((GetItemRequest) modified).returnConsumedCapacity()).isEqualTo(ReturnConsumedCapacity.TOTAL);
    var tx = TransactWriteItemsRequest.builder().build();
    assertThat(((TransactWriteItemsRequest) AwsCallCounter.withConsumedCapacity(tx)).returnConsumedCapacity())
        .isEqualTo(ReturnConsumedCapacity.TOTAL);
    var send = SendMessageRequest.builder().queueUrl("q").build();
    assertThat(counter.modifyRequest(InterceptorContext.builder().request(send).build(), new ExecutionAttributes())).isSameAs(send);
  }

  @Test
  void callsAreCountedByServiceOperationAndTagWithTheirUnits() {
    counter.record(GetItemRequest.builder().key(key("WS#1", "CODE#1")).build(),
        GetItemResponse.builder().consumedCapacity(ConsumedCapacity.builder().capacityUnits(1.0).build()).build(), null);
    counter.record(PutItemRequest.builder().item(key("WS#1", "AA#1")).build(),
        PutItemResponse.builder().consumedCapacity(ConsumedCapacity.builder().capacityUnits(2.0).build()).build(), null);
    counter.record(SendMessageRequest.builder().build(), SendMessageResponse.builder().build(), null);
    tag.set(null);
    counter.record(ReceiveMessageRequest.builder().build(), ReceiveMessageResponse.builder().build(), null);
    counter.record(ReceiveMessageRequest.builder().build(),
        ReceiveMessageResponse.builder().messages(Message.builder().body("x").build()).build(), null);

    var api = counter.snapshot().get("ApiFunction");
    assertThat(api.calls()).containsExactlyInAnyOrderEntriesOf(Map.of("DynamoDb.GetItem", 1L, "DynamoDb.PutItem", 1L,
        "Sqs.SendMessage", 1L));
    assertThat(api.rcu()).isEqualTo(1.0);
    assertThat(api.wcu()).isEqualTo(2.0);
    var outside = counter.snapshot().get(AwsCallCounter.OUTSIDE);
    assertThat(outside.count(AwsCallCounter.IDLE_RECEIVE)).isEqualTo(1);
    assertThat(outside.count("Sqs.ReceiveMessage")).isEqualTo(1);
    assertThat(outside.totalCalls()).isEqualTo(1); // the idle poll is not a call of any code
    assertThat(counter.total().totalCalls()).isEqualTo(4);
    counter.reset();
    assertThat(counter.snapshot()).isEmpty();
  }

  @Test
  void sandboxLockMemoryIsKeptApart() {
    counter.record(PutItemRequest.builder().item(key("LOCK#d", "MEMORY")).build(),
        PutItemResponse.builder().consumedCapacity(ConsumedCapacity.builder().capacityUnits(1.0).build()).build(), null);
    var t = counter.snapshot().get("ApiFunction");
    assertThat(t.calls()).isEmpty();
    assertThat(t.wcu()).isZero();
    assertThat(t.sandboxCalls()).containsEntry("DynamoDb.PutItem", 1L);
    assertThat(t.sandboxWcu()).isEqualTo(1.0);
  }

  @Test
  void transactionsArePricedPerItemNotAsDynamoDbLocalReportsThem() {
    var small = TransactWriteItem.builder().put(p -> p.tableName("t").item(key("WS#1", "EVENT#1"))).build();
    var bigPut = TransactWriteItem.builder().put(p -> p.tableName("t").item(key("WS#1", "BIG"))).build();
    var delete = TransactWriteItem.builder().delete(d -> d.tableName("t").key(key("WS#1", "PIN#1"))).build();
    var tx = TransactWriteItemsRequest.builder().transactItems(small, bigPut, delete).build();
    // small put: 2; put over a stored 1500-byte item: 2 x 2; delete of an item the sizer cannot see: 2 (1 KB at least)
    double units = counter.transactionWriteUnits(tx);
    assertThat(units).isEqualTo(8.0);
    counter.record(tx, TransactWriteItemsResponse.builder()
        .consumedCapacity(ConsumedCapacity.builder().capacityUnits(4.0).writeCapacityUnits(4.0).build()).build(), units);
    assertThat(counter.snapshot().get("ApiFunction").wcu()).isEqualTo(8.0);
  }

  @Test
  void itemSizesFollowDynamoDbsRules() {
    assertThat(ItemSize.bytes(Map.of("pk", AttributeValue.fromS("abc")))).isEqualTo(5);
    assertThat(ItemSize.bytes(Map.of("n", AttributeValue.fromN("12345")))).isEqualTo(1 + 4);
    assertThat(ItemSize.writeUnits(1024)).isEqualTo(1);
    assertThat(ItemSize.writeUnits(1025)).isEqualTo(2);
    assertThat(ItemSize.writeUnits(0)).isEqualTo(1);
  }

  @Test
  void emptyQueriesScansAndBatchGetsAreBilledAtDynamoDbsMinimum() {
    // DynamoDB Local reports an empty Query as 0 units; DynamoDB bills the minimum for its consistency.
    ConsumedCapacity zero = ConsumedCapacity.builder().tableName("t").capacityUnits(0.0).build();
    counter.record(QueryRequest.builder().tableName("t").consistentRead(true).build(),
        QueryResponse.builder().consumedCapacity(zero).count(0).build(), null);
    assertThat(counter.total().rcu()).isEqualTo(1.0);
    counter.reset();
    counter.record(QueryRequest.builder().tableName("t").build(), QueryResponse.builder().consumedCapacity(zero).build(), null);
    counter.record(ScanRequest.builder().tableName("t").consistentRead(false).build(),
        ScanResponse.builder().consumedCapacity(zero).build(), null);
    assertThat(counter.total().rcu()).isEqualTo(1.0);
    counter.reset();
    // A Query that read more than the minimum keeps what was reported.
    counter.record(QueryRequest.builder().tableName("t").consistentRead(true).build(),
        QueryResponse.builder().consumedCapacity(ConsumedCapacity.builder().capacityUnits(3.0).build()).build(), null);
    assertThat(counter.total().rcu()).isEqualTo(3.0);
    counter.reset();
    // A consistent BatchGetItem of three keys, one found, one left unprocessed: two keys processed, 1 RCU each.
    var keys = KeysAndAttributes.builder().consistentRead(true).keys(key("WS#1", "A"), key("WS#1", "B"), key("WS#1", "C")).build();
    counter.record(BatchGetItemRequest.builder().requestItems(Map.of("t", keys)).build(),
        BatchGetItemResponse.builder().consumedCapacity(ConsumedCapacity.builder().tableName("t").capacityUnits(1.0).build())
            .unprocessedKeys(Map.of("t", KeysAndAttributes.builder().keys(key("WS#1", "C")).build())).build(), null);
    assertThat(counter.total().rcu()).isEqualTo(2.0);
    counter.reset();
    // A failed call reports nothing and is billed nothing here.
    counter.record(QueryRequest.builder().tableName("t").consistentRead(true).build(), null, null);
    assertThat(counter.total().rcu()).isZero();
  }

  @Test
  void aRefusedConditionalWriteIsBilledTheWriteUnitsItWouldHaveConsumed() {
    var put = PutItemRequest.builder().tableName("t").item(key("WS#1", "BIG")).build();
    counter.failed(put, ConditionalCheckFailedException.builder().message("no").build());
    // the stored item is 1500 bytes: 2 WCU
    assertThat(counter.total().wcu()).isEqualTo(2.0);
    assertThat(counter.total().count("DynamoDb.PutItem")).isEqualTo(1);
    counter.reset();
    counter.failed(put, new RuntimeException("network"));
    assertThat(counter.total().wcu()).isZero();
  }


  @Test
  void readsAreKeptByOperationAndItemKindAndTheApiKeyReadCanBeLeftOut() {
    ConsumedCapacity one = ConsumedCapacity.builder().capacityUnits(1.0).build();
    ConsumedCapacity half = ConsumedCapacity.builder().capacityUnits(0.5).build();
    counter.record(GetItemRequest.builder().key(key("KEY#abc", "KEY")).consistentRead(true).build(),
        GetItemResponse.builder().consumedCapacity(one).build(), null);
    counter.record(GetItemRequest.builder().key(key("WS#1", "DEVICE#d")).build(),
        GetItemResponse.builder().consumedCapacity(half).build(), null);
    counter.record(QueryRequest.builder().consistentRead(true).expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#1"),
        ":p", AttributeValue.fromS("PIN#d#"))).build(), QueryResponse.builder().consumedCapacity(one).build(), null);

    var t = counter.total();
    assertThat(t.reads()).containsOnlyKeys(AwsCallCounter.API_KEY_READ, "GetItem DEVICE", "Query PIN");
    assertThat(t.rcu()).isEqualTo(2.5);
    var without = t.withoutApiKeyReads();
    assertThat(without.rcu()).isEqualTo(1.5);
    assertThat(without.count("DynamoDb.GetItem")).isEqualTo(1);
    assertThat(without.reads()).doesNotContainKey(AwsCallCounter.API_KEY_READ);
    // A create with the key read and one without read the same once it is left out.
    String note = AwsCalls.createReadsNote(t, 3, without, 504);
    assertThat(note).contains("1.5 RCU with 3 codes").contains("1.5 RCU with 504").contains("(1 of it landed");
  }
}
