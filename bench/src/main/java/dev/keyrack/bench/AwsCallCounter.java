package dev.keyrack.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.scheduler.model.SchedulerRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsRequest;

/**
 * An SDK execution interceptor that counts every AWS call by service and operation
 * ({@code DynamoDb.PutItem}, {@code Sqs.SendMessage}, {@code Scheduler.CreateSchedule}), grouped by
 * a tag of the calling thread (the function whose invocation made it). It asks DynamoDB for
 * {@code ReturnConsumedCapacity=TOTAL} on every request and sums the write and read units it
 * reports, except for TransactWriteItems, whose units DynamoDB Local reports as one flat figure
 * (four per KB of an item, whatever the number of items): those are computed as DynamoDB bills
 * them, two units per KB started of each item, the larger of the item before and after (an
 * {@link ItemSizer} looks up the stored item). A Query, Scan or BatchGetItem is billed at least
 * DynamoDB's minimum read units, which DynamoDB Local under-reports ({@link #minimumReadUnits}). Calls on the sandbox's simulated lock memory (which a real lock's cloud would hold, not
 * DynamoDB) are kept apart; so are ReceiveMessage calls that return nothing (idle long polls).
 */
public final class AwsCallCounter implements ExecutionInterceptor {
  /** The tag of calls made outside any function invocation (the SQS event source mapping's polls). */
  public static final String OUTSIDE = "outside";
  /** The operation name under which empty ReceiveMessage responses are kept. */
  public static final String IDLE_RECEIVE = "Sqs.ReceiveMessage(empty)";

  /** The read kind of the API key's GetItem ({@code KEY#<hash>}), which the api caches per container for a minute. */
  public static final String API_KEY_READ = "GetItem KEY";

  /** Reads of one kind (see {@link #readKind}): calls and read units. */
  public record Reads(long calls, double rcu) {
    Reads plus(Reads o) {
      return new Reads(calls + o.calls, rcu + o.rcu);
    }
  }

  /**
   * What one tag made: calls by operation and DynamoDB units, for the system and for sandbox locks;
   * {@code reads}: the system's DynamoDB reads by {@link #readKind} (operation and item kind).
   */
  public record Tally(Map<String, Long> calls, double wcu, double rcu, Map<String, Long> sandboxCalls, double sandboxWcu,
                      double sandboxRcu, Map<String, Reads> reads) {
    public Tally {
      calls = Map.copyOf(calls);
      sandboxCalls = Map.copyOf(sandboxCalls);
      reads = Map.copyOf(reads);
    }

    public Tally(Map<String, Long> calls, double wcu, double rcu, Map<String, Long> sandboxCalls, double sandboxWcu,
                 double sandboxRcu) {
      this(calls, wcu, rcu, sandboxCalls, sandboxWcu, sandboxRcu, Map.of());
    }

    public static final Tally EMPTY = new Tally(Map.of(), 0, 0, Map.of(), 0, 0);

    /** The reads of one kind ({@link #readKind}), none if there were none. */
    public Reads reads(String kind) {
      return reads.getOrDefault(kind, new Reads(0, 0));
    }

    /**
     * This tally without the API key's reads: the api reads the key once per container a minute
     * (Api's key cache), so whether one lands in a measured request depends on the wall clock, not
     * on the request.
     */
    public Tally withoutApiKeyReads() {
      Reads k = reads(API_KEY_READ);
      if (k.calls() == 0) return this;
      Map<String, Long> c = new TreeMap<>(calls);
      c.computeIfPresent("DynamoDb.GetItem", (op, n) -> n - k.calls() == 0 ? null : n - k.calls());
      Map<String, Reads> r = new TreeMap<>(reads);
      r.remove(API_KEY_READ);
      return new Tally(c, wcu, rcu - k.rcu(), sandboxCalls, sandboxWcu, sandboxRcu, r);
    }

    public long count(String operation) {
      return calls.getOrDefault(operation, 0L);
    }

    public long totalCalls() {
      return calls.entrySet().stream().filter(e -> !e.getKey().equals(IDLE_RECEIVE)).mapToLong(Map.Entry::getValue).sum();
    }

    /** This tally and another, added up. */
    public Tally plus(Tally o) {
      Map<String, Long> c = new TreeMap<>(calls);
      o.calls.forEach((k, v) -> c.merge(k, v, Long::sum));
      Map<String, Long> s = new TreeMap<>(sandboxCalls);
      o.sandboxCalls.forEach((k, v) -> s.merge(k, v, Long::sum));
      Map<String, Reads> rd = new TreeMap<>(reads);
      o.reads.forEach((k, v) -> rd.merge(k, v, Reads::plus));
      return new Tally(c, wcu + o.wcu, rcu + o.rcu, s, sandboxWcu + o.sandboxWcu, sandboxRcu + o.sandboxRcu, rd);
    }
  }

  private static final class Mutable {
    final Map<String, Long> calls = new TreeMap<>();
    final Map<String, Long> sandboxCalls = new TreeMap<>();
    final Map<String, Reads> reads = new TreeMap<>();
    double wcu, rcu, sandboxWcu, sandboxRcu;

    synchronized void add(String op, boolean sandbox, double w, double r, String readKind) {
      if (sandbox) {
        sandboxCalls.merge(op, 1L, Long::sum);
        sandboxWcu += w;
        sandboxRcu += r;
      } else {
        calls.merge(op, 1L, Long::sum);
        wcu += w;
        rcu += r;
        if (readKind != null) reads.merge(readKind, new Reads(1, r), Reads::plus);
      }
    }

    synchronized Tally freeze() {
      return new Tally(calls, wcu, rcu, sandboxCalls, sandboxWcu, sandboxRcu, reads);
    }
  }

  /** The size in bytes of the item stored under a key, 0 if there is none. */
  @FunctionalInterface
  public interface ItemSizer {
    ItemSizer NONE = (table, key) -> 0;

    int bytes(String table, Map<String, AttributeValue> key);
  }

  private static final ExecutionAttribute<Double> TRANSACTION_WCU = new ExecutionAttribute<>("keyrack.transactionWcu");

  private final Supplier<String> tag;
  private final Predicate<SdkRequest> sandbox;
  private final ItemSizer sizer;
  private final Map<String, Mutable> byTag = new ConcurrentHashMap<>();

  /**
   * @param tag     the calling thread's tag (null or blank: {@link #OUTSIDE})
   * @param sandbox which requests touch the sandbox's simulated lock memory
   */
  public AwsCallCounter(Supplier<String> tag, Predicate<SdkRequest> sandbox, ItemSizer sizer) {
    this.tag = tag;
    this.sandbox = sandbox;
    this.sizer = sizer;
  }

  /**
   * Write units of a transaction as DynamoDB bills them: 2 per KB started of each item written
   * (a put: the larger of the new item and the one it replaces; a delete: the item deleted, at
   * least 1 KB when the sizer cannot tell) and 2 per 4 KB of each item a condition check reads.
   */
  double transactionWriteUnits(TransactWriteItemsRequest t) {
    double units = 0;
    for (TransactWriteItem i : t.transactItems()) {
      if (i.put() != null) {
        Map<String, AttributeValue> key = Map.of("pk", i.put().item().get("pk"), "sk", i.put().item().get("sk"));
        units += 2 * ItemSize.writeUnits(Math.max(ItemSize.bytes(i.put().item()), sizer.bytes(i.put().tableName(), key)));
      } else if (i.delete() != null) {
        units += 2 * ItemSize.writeUnits(sizer.bytes(i.delete().tableName(), i.delete().key()));
      } else if (i.update() != null) {
        units += 2 * ItemSize.writeUnits(sizer.bytes(i.update().tableName(), i.update().key()));
      }
    }
    return units;
  }

  private static double transactionReadUnits(TransactWriteItemsRequest t) {
    return 2.0 * t.transactItems().stream().filter(i -> i.conditionCheck() != null).count();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof TransactWriteItemsRequest t) attributes.putAttribute(TRANSACTION_WCU, transactionWriteUnits(t));
  }

  /** Whether a DynamoDB request reads or writes a sandbox lock's memory item ({@code pk = LOCK#...}). */
  public static boolean isLockMemory(SdkRequest r) {
    Map<String, AttributeValue> key = switch (r) {
      case GetItemRequest g -> g.key();
      case PutItemRequest p -> p.item();
      case DeleteItemRequest d -> d.key();
      case UpdateItemRequest u -> u.key();
      default -> Map.of();
    };
    AttributeValue pk = key.get("pk");
    return pk != null && pk.s() != null && pk.s().startsWith("LOCK#");
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    return context.request() instanceof DynamoDbRequest r ? withConsumedCapacity(r) : context.request();
  }

  /** The same request asking for its consumed capacity (TOTAL); requests without that option are unchanged. */
  static SdkRequest withConsumedCapacity(DynamoDbRequest r) {
    ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
    return switch (r) {
      case GetItemRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case PutItemRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case UpdateItemRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case DeleteItemRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case QueryRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case ScanRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case TransactWriteItemsRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case TransactGetItemsRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case BatchWriteItemRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      case BatchGetItemRequest x -> x.toBuilder().returnConsumedCapacity(total).build();
      default -> r;
    };
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    record(context.request(), context.response(), attributes.getAttribute(TRANSACTION_WCU));
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    // A failed call is still a request. DynamoDB reports no capacity on errors, but a refused
    // conditional write still consumes write units (as many as the write would have, at least 1).
    failed(context.request(), context.exception());
  }

  /** Counts a call that failed with {@code e}. */
  void failed(SdkRequest request, Throwable e) {
    record(request, null, null, e instanceof ConditionalCheckFailedException ? refusedWriteUnits(request) : 0);
  }

  /**
   * Write units DynamoDB bills for a conditional write whose condition failed: what the write would
   * have consumed (1 per KB started of the larger of the item sent and the one stored; at least 1).
   */
  double refusedWriteUnits(SdkRequest request) {
    return switch (request) {
      case PutItemRequest p -> ItemSize.writeUnits(Math.max(ItemSize.bytes(p.item()),
          sizer.bytes(p.tableName(), Map.of("pk", p.item().get("pk"), "sk", p.item().get("sk")))));
      case UpdateItemRequest u -> ItemSize.writeUnits(sizer.bytes(u.tableName(), u.key()));
      case DeleteItemRequest d -> ItemSize.writeUnits(sizer.bytes(d.tableName(), d.key()));
      default -> 0;
    };
  }

  /** Counts one call; {@code transactionWcu} (when not null) replaces what DynamoDB Local reported. */
  void record(SdkRequest request, SdkResponse response, Double transactionWcu) {
    record(request, response, transactionWcu, 0);
  }

  /** Counts one call, with {@code refusedWcu} write units of a refused conditional write (0 otherwise). */
  void record(SdkRequest request, SdkResponse response, Double transactionWcu, double refusedWcu) {
    String op = operation(request);
    if (op == null) return;
    if (response instanceof ReceiveMessageResponse r && (!r.hasMessages() || r.messages().isEmpty())) op = IDLE_RECEIVE;
    List<ConsumedCapacity> capacity = capacity(response);
    boolean isRead = isRead(request);
    double w = 0, r = 0;
    for (ConsumedCapacity c : capacity) {
      if (c == null) continue;
      double units = c.capacityUnits() == null ? 0 : c.capacityUnits();
      if (c.writeCapacityUnits() != null || c.readCapacityUnits() != null) {
        w += c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits();
        r += c.readCapacityUnits() == null ? 0 : c.readCapacityUnits();
      } else if (isRead) {
        r += units;
      } else {
        w += units;
      }
    }
    if (transactionWcu != null && request instanceof TransactWriteItemsRequest tw) {
      w = transactionWcu;
      r = transactionReadUnits(tw);
    }
    if (response != null) r = Math.max(r, minimumReadUnits(request, response));
    w += refusedWcu;
    String t = tag.get();
    byTag.computeIfAbsent(t == null || t.isBlank() ? OUTSIDE : t, k -> new Mutable())
        .add(op, request instanceof DynamoDbRequest && sandbox.test(request), w, r, isRead ? readKind(request) : null);
  }

  /**
   * What a DynamoDB read reads: its operation and the kind of item, the first part (before a
   * {@code #}) of the sort key it gets or of the lower bound of the range it queries ({@code GetItem
   * DEVICE}, {@code Query PIN}, {@code BatchGetItem CODE}); {@code GetItem KEY} for the API key.
   */
  static String readKind(SdkRequest r) {
    String op = operation(r);
    op = op == null ? "?" : op.substring(op.indexOf('.') + 1);
    String kind = switch (r) {
      case GetItemRequest g -> {
        AttributeValue pk = g.key().get("pk");
        yield pk != null && pk.s() != null && pk.s().startsWith("KEY#") ? "KEY" : head(g.key().get("sk"));
      }
      case QueryRequest q -> {
        Map<String, AttributeValue> v = q.hasExpressionAttributeValues() ? q.expressionAttributeValues() : Map.of();
        AttributeValue lo = v.containsKey(":p") ? v.get(":p") : v.get(":lo");
        yield lo != null ? head(lo) : head(v.get(":pk"));
      }
      case BatchGetItemRequest b -> b.requestItems().values().stream().filter(KeysAndAttributes::hasKeys)
          .flatMap(k -> k.keys().stream()).findFirst().map(k -> head(k.get("sk"))).orElse("?");
      default -> "";
    };
    return kind.isEmpty() ? op : op + " " + kind;
  }

  private static String head(AttributeValue v) {
    if (v == null || v.s() == null) return "?";
    int hash = v.s().indexOf('#');
    return hash < 0 ? v.s() : v.s().substring(0, hash);
  }

  /**
   * The fewest read units real DynamoDB bills for a read that succeeded, which DynamoDB Local
   * under-reports: a Query or Scan that returns nothing reports 0 there, but "queries that do not
   * return results consume the minimum number of read capacity units" (0.5 eventually consistent,
   * 1 strongly consistent; a Scan likewise); a BatchGetItem is billed as one GetItem per key it
   * processed, found or not (at least 0.5 or 1 each), while DynamoDB Local reports only the items
   * it found. GetItem of a missing item is already reported at the minimum. 0 for other requests.
   */
  static double minimumReadUnits(SdkRequest request, SdkResponse response) {
    return switch (request) {
      case QueryRequest q -> perItemMinimum(q.consistentRead());
      case ScanRequest sc -> perItemMinimum(sc.consistentRead());
      case BatchGetItemRequest b when response instanceof BatchGetItemResponse br -> {
        double units = 0;
        for (Map.Entry<String, KeysAndAttributes> e : b.requestItems().entrySet()) {
          int keys = e.getValue().hasKeys() ? e.getValue().keys().size() : 0;
          KeysAndAttributes left = br.hasUnprocessedKeys() ? br.unprocessedKeys().get(e.getKey()) : null;
          if (left != null && left.hasKeys()) keys -= left.keys().size();
          units += Math.max(0, keys) * perItemMinimum(e.getValue().consistentRead());
        }
        yield units;
      }
      default -> 0;
    };
  }

  private static double perItemMinimum(Boolean consistent) {
    return Boolean.TRUE.equals(consistent) ? 1.0 : 0.5;
  }

  /** {@code Service.Operation} of a request, or null for a service this benchmark does not price. */
  static String operation(SdkRequest request) {
    String service = switch (request) {
      case DynamoDbRequest x -> "DynamoDb";
      case SqsRequest x -> "Sqs";
      case SchedulerRequest x -> "Scheduler";
      default -> null;
    };
    if (service == null) return null;
    String name = request.getClass().getSimpleName();
    return service + "." + (name.endsWith("Request") ? name.substring(0, name.length() - "Request".length()) : name);
  }

  private static boolean isRead(SdkRequest r) {
    return r instanceof GetItemRequest || r instanceof QueryRequest || r instanceof ScanRequest
        || r instanceof BatchGetItemRequest || r instanceof TransactGetItemsRequest;
  }

  private static List<ConsumedCapacity> capacity(SdkResponse response) {
    if (response == null) return List.of();
    return switch (response) {
      case GetItemResponse x -> single(x.consumedCapacity());
      case PutItemResponse x -> single(x.consumedCapacity());
      case UpdateItemResponse x -> single(x.consumedCapacity());
      case DeleteItemResponse x -> single(x.consumedCapacity());
      case QueryResponse x -> single(x.consumedCapacity());
      case ScanResponse x -> single(x.consumedCapacity());
      case TransactWriteItemsResponse x -> x.hasConsumedCapacity() ? x.consumedCapacity() : List.of();
      case TransactGetItemsResponse x -> x.hasConsumedCapacity() ? x.consumedCapacity() : List.of();
      case BatchWriteItemResponse x -> x.hasConsumedCapacity() ? x.consumedCapacity() : List.of();
      case BatchGetItemResponse x -> x.hasConsumedCapacity() ? x.consumedCapacity() : List.of();
      default -> List.of();
    };
  }

  private static List<ConsumedCapacity> single(ConsumedCapacity c) {
    return c == null ? List.of() : List.of(c);
  }

  /** What each tag has made since the last reset. */
  public Map<String, Tally> snapshot() {
    Map<String, Tally> out = new TreeMap<>();
    byTag.forEach((k, v) -> out.put(k, v.freeze()));
    return out;
  }

  /** Everything since the last reset, all tags together. */
  public Tally total() {
    return snapshot().values().stream().reduce(Tally.EMPTY, Tally::plus);
  }

  public void reset() {
    byTag.clear();
  }
}
