package dev.keyrack.adapters.sandbox;

import dev.keyrack.json.Json;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** Sandbox lock memory in the Keyrack table, item {@code LOCK#<device>}/{@code MEMORY}. */
public final class DynamoLockMemoryStore implements LockMemoryStore {
  private final DynamoDbClient ddb;
  private final String table;

  public DynamoLockMemoryStore(DynamoDbClient ddb, String table) {
    this.ddb = ddb;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(UUID deviceId) {
    return Map.of("pk", AttributeValue.fromS("LOCK#" + deviceId), "sk", AttributeValue.fromS("MEMORY"));
  }

  @Override
  public LockMemory load(UUID deviceId) {
    GetItemResponse r = ddb.getItem(b -> b.tableName(table).key(key(deviceId)).consistentRead(true));
    if (!r.hasItem() || r.item().isEmpty()) return LockMemory.empty(deviceId);
    return Json.read(r.item().get("doc").s(), LockMemory.class);
  }

  @Override
  public boolean save(LockMemory m) {
    LockMemory next = new LockMemory(m.deviceId(), m.version() + 1, m.slots(), m.online(), m.failSetRate(),
        m.failRemoveRate(), m.extraLatencyMillis(), m.slotLimit());
    Map<String, AttributeValue> item = new java.util.HashMap<>(key(m.deviceId()));
    item.put("doc", AttributeValue.fromS(Json.write(next)));
    item.put("version", AttributeValue.fromN(Long.toString(next.version())));
    try {
      ddb.putItem(b -> b.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(pk) OR version = :v")
          .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(m.version())))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }
}
