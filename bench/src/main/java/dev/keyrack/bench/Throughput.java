package dev.keyrack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.Device;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * End-to-end codes per second through the local stack: several clients create ongoing codes over
 * the HTTP API, spread over many zero-latency sandbox locks, and a watcher polls the events API
 * until every code has been set on its lock. Next to it, in the same run and at the same
 * concurrency, the raw rate at which DynamoDB Local takes PutItem calls of items of the same size
 * as a stored code: the ceiling on this machine, since every step of a code is a DynamoDB write.
 */
public final class Throughput implements Part {
  static final int CLIENTS = 4;
  static final Duration LIMIT = Duration.ofMinutes(5);
  static final Set<String> WRITES = Set.of("DynamoDb.PutItem", "DynamoDb.DeleteItem", "DynamoDb.UpdateItem",
      "DynamoDb.TransactWriteItems", "DynamoDb.BatchWriteItem");

  @Override
  public String key() {
    return "throughput";
  }

  @Override
  public String title() {
    return "Local throughput (create until set) next to the raw DynamoDB Local write rate";
  }

  /** One created code: when its create request was sent, and when its set event says it was set. */
  record Timing(Instant sent, Instant set) {}

  @Override
  public PartResult run(BenchContext context) throws Exception {
    int codes = context.quick() ? 300 : 2000;
    int lockCount = context.quick() ? 60 : 200;
    // The per-device guardrail (10 creates a minute) would pace this load (10 codes a lock, the
    // warm-up 20 on one) rather than the system: lifted here. A create's check of it is the same
    // read of its lock's claims whatever the limit, so the path measured is the deployed one.
    try (BenchStack b = BenchStack.start(context.repo(), Clock.systemUTC(), CLIENTS, GUARDRAIL_LIFTED, false)) {
      List<Device> locks = b.stack.seedExtraLocks("august_lock", lockCount);
      context.progress("%d sandbox locks seeded; %d clients create %d codes", locks.size(), CLIENTS, codes);
      warmUp(b, locks.get(0));
      b.counter.reset();
      Map<String, Instant> sent = new ConcurrentHashMap<>();
      Map<String, Timing> done = new ConcurrentHashMap<>();
      AtomicInteger next = new AtomicInteger();
      Instant start = Instant.now();
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
      List<Future<?>> creators = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        creators.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < codes; i = next.getAndIncrement()) {
            Device d = locks.get(i % locks.size());
            Instant at = Instant.now();
            JsonNode r = b.post("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Load " + i + "\"}");
            String id = r.at("/access_code/access_code_id").asText();
            if (id.isEmpty()) throw new IllegalStateException("create failed: " + r);
            sent.put(id, at);
          }
          return null;
        }));
      }
      Future<?> watcher = pool.submit(() -> watch(b, start, codes, sent, done, context));
      for (Future<?> f : creators) f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
      double createSeconds = (System.nanoTime() - t0) / 1e9;
      watcher.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      pool.shutdownNow();
      b.quiesce(300);
      AwsCallCounter.Tally tally = b.counter.total();
      long writes = tally.calls().entrySet().stream().filter(e -> WRITES.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
      long sandboxWrites = tally.sandboxCalls().entrySet().stream().filter(e -> WRITES.contains(e.getKey()))
          .mapToLong(Map.Entry::getValue).sum();
      int itemBytes = codeItemBytes(b);
      context.progress("raw DynamoDB Local PutItem rate, %d clients, %d-byte items", CLIENTS, itemBytes);
      double rawRate = rawWriteRate(b, context.quick() ? 2000 : 8000, itemBytes);
      return result(codes, locks.size(), seconds, createSeconds, done, writes, sandboxWrites, tally.wcu(), rawRate,
          itemBytes);
    }
  }

  /** A few codes first, so the JIT has seen the path (not timed, not counted). */
  private static void warmUp(BenchStack b, Device d) {
    for (int i = 0; i < 20; i++) b.post("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Warm " + i + "\"}");
    b.quiesce(500);
  }

  /** Polls the events API for set_on_device events of the codes created, until all are set. */
  private static Void watch(BenchStack b, Instant start, int codes, Map<String, Instant> sent, Map<String, Timing> done,
                            BenchContext context) {
    long end = System.nanoTime() + LIMIT.toNanos();
    long lastReport = 0;
    Instant since = start.minusSeconds(1);
    while (done.size() < codes) {
      if (System.nanoTime() > end) throw new IllegalStateException("only " + done.size() + " of " + codes + " codes set within " + LIMIT);
      JsonNode r = b.call("GET", "/events/list?event_type=access_code.set_on_device&limit=10000&since=" + since, null);
      Instant newest = since;
      for (JsonNode e : r.path("events")) {
        String id = e.path("access_code_id").asText();
        Instant at = Instant.parse(e.path("created_at").asText());
        if (at.isAfter(newest)) newest = at;
        Instant s = sent.get(id);
        if (s != null) done.putIfAbsent(id, new Timing(s, at));
      }
      // Events of codes whose create has not returned yet are seen again on the next poll.
      since = newest.minusSeconds(2);
      if (System.nanoTime() - lastReport > 2_000_000_000L) {
        lastReport = System.nanoTime();
        context.progress("created %d, set %d of %d", sent.size(), done.size(), codes);
      }
      BenchStack.sleep(100);
    }
    return null;
  }

  /** The size of a stored code item, to write items of the same size in the raw-rate run. */
  private static int codeItemBytes(BenchStack b) {
    var q = b.observerClient().query(r -> r.tableName(b.table()).keyConditionExpression("pk = :pk AND begins_with(sk, :c)")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("WS#" + b.workspace()), ":c", AttributeValue.fromS("CODE#")))
        .limit(1));
    return q.items().isEmpty() ? 700 : ItemSize.bytes(q.items().get(0));
  }

  /** PutItem calls per second that DynamoDB Local takes from {@link #CLIENTS} threads, items of {@code bytes}. */
  static double rawWriteRate(BenchStack b, int writes, int bytes) throws Exception {
    DynamoDbClient ddb = b.observerClient();
    String doc = "x".repeat(Math.max(1, bytes - 40));
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      fs.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < writes; i = next.getAndIncrement()) {
          int n = i;
          ddb.putItem(p -> p.tableName(b.table()).item(Map.of("pk", AttributeValue.fromS("BENCH#" + (n % 500)),
              "sk", AttributeValue.fromS("ITEM#" + n), "doc", AttributeValue.fromS(doc))));
        }
        return null;
      }));
    }
    for (Future<?> f : fs) f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    return writes / seconds;
  }

  static final Map<String, String> GUARDRAIL_LIFTED = Map.of("DeviceCreatesPerMinute", "1000000");

  static PartResult result(int codes, int locks, double seconds, double createSeconds, Map<String, Timing> done, long writes,
                           long sandboxWrites, double wcu, double rawRate, int itemBytes) {
    List<Double> latencies = done.values().stream()
        .map(t -> Math.max(0, Duration.between(t.sent(), t.set()).toNanos() / 1e6)).sorted().toList();
    double p50 = percentile(latencies, 50), p95 = percentile(latencies, 95);
    double rate = codes / seconds;
    double writesPerCode = (double) writes / codes;
    double allWritesPerSecond = (writes + sandboxWrites) / seconds;
    List<List<String>> rows = List.of(
        List.of("codes created and set", String.valueOf(codes), "over " + locks + " locks, " + CLIENTS + " clients"),
        List.of("codes per second (create until set)", f1(rate), String.format(Locale.ROOT, "%.1f s in all", seconds)),
        List.of("create calls per second", f1(codes / createSeconds), ""),
        List.of("create -> set latency p50", f0(p50) + " ms", ""),
        List.of("create -> set latency p95", f0(p95) + " ms", ""),
        List.of("DynamoDB write calls per code", f1(writesPerCode), String.format(Locale.ROOT, "%.1f WCU per code", wcu / codes)),
        List.of("sandbox lock-memory writes per code", f1((double) sandboxWrites / codes), "the simulated lock, not the system"),
        List.of("DynamoDB writes per second in the run", f0(allWritesPerSecond), "system and sandbox together"),
        List.of("raw DynamoDB Local PutItem per second", f0(rawRate), itemBytes + "-byte items, " + CLIENTS + " clients"));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("codes", codes);
    json.put("locks", locks);
    json.put("clients", CLIENTS);
    json.put("seconds", round(seconds));
    json.put("codes_per_second", round(rate));
    json.put("latency_ms_p50", round(p50));
    json.put("latency_ms_p95", round(p95));
    json.put("dynamodb_write_calls_per_code", round(writesPerCode));
    json.put("dynamodb_wcu_per_code", round(wcu / codes));
    json.put("sandbox_writes_per_code", round((double) sandboxWrites / codes));
    json.put("dynamodb_writes_per_second_in_run", round(allWritesPerSecond));
    json.put("dynamodb_local_raw_puts_per_second", round(rawRate));
    double createRate = codes / createSeconds;
    String limit = createRate < rate * 1.2
        ? String.format(Locale.ROOT, "Creates (%.1f/s from %d clients, one request at a time each) set the pace: codes are set "
            + "about as fast as they are created, so the pipeline behind the API keeps up.", createRate, CLIENTS)
        : String.format(Locale.ROOT, "Codes were created faster (%.1f/s) than set: the queue and worker set the pace.", createRate);
    List<String> notes = List.of(limit, String.format(Locale.ROOT,
        "The run wrote %.0f%% of the raw DynamoDB Local rate (every step of a code is a write; the API, the worker and the "
            + "watcher share this machine's cores with DynamoDB Local and ElasticMQ).", 100 * allWritesPerSecond / rawRate),
        "Latency is from sending the create request to the time on the code's access_code.set_on_device event.",
        "The per-device guardrail of 10 creates a minute is lifted for this run (DeviceCreatesPerMinute): it would pace "
            + "the load, not measure the system; its check is the same read of the lock's claims at any limit.");
    return new PartResult(List.of("measure", "value", "detail"), rows, json, notes);
  }

  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) return 0;
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static String f0(double x) {
    return String.format(Locale.ROOT, "%.0f", x);
  }

  private static String f1(double x) {
    return String.format(Locale.ROOT, "%.1f", x);
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
