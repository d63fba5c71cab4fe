package dev.keyrack.bench.sim;

import dev.keyrack.bench.PriceTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which AWS requests each moment of a code's life costs, and what a million codes cost. Built either
 * from the figures the {@code aws_calls} part measured (its JSON keys {@code steps} and
 * {@code usd_per_million}) or, when that part was not run, from {@link #DEFAULT}, a documented
 * estimate read off the adapters. The simulation attributes a step's calls to the virtual second in
 * which the step happens, which gives the peak request rate per service.
 *
 * <p>Retries, delay reports, backups and dropped fires are not part of a happy-path lifecycle, so
 * their calls always come from {@link #EXTRAS} (an estimate from reading the code), priced from the
 * checked-in price table ({@link PriceTable}). Each step carries its dollars per occurrence (part
 * 3's {@code usd_per_million} of the step, or the default's calls priced from the table), so the
 * simulation can add up what actually happened.
 *
 * @param steps         the calls of each step of each lifecycle
 * @param usdPerMillion dollars per million codes of each lifecycle
 * @param measured      true when built from part 3's measurement, false for the default estimate
 */
public record AwsCallModel(List<Step> steps, Map<Lifecycle, Double> usdPerMillion, boolean measured) {

  /** When a step happens in a code's life. */
  public enum At { create, program, starts_at, ends_at }

  /** The lifecycles part 3 measures; the simulation only runs time-bound codes. */
  public enum Lifecycle { time_bound_native, time_bound_jit, ongoing }

  /** Calls that happen outside a happy-path lifecycle, per occurrence. */
  public enum Extra { retry, retry_removal, fresh_copy, fresh_copy_removal, delay_report, set_on_its_way, pool_check, backup_pull,
    backup_pool_empty, backup_fill, backup_remove, dropped_fire, worker_nothing_to_do, worker_nothing_to_do_removal,
    activate_not_preloaded, remove_never_set, remove_never_set_reported, new_code_claim_read }

  /**
   * One step: when it happens, for which lifecycle, and its calls by {@code Service.Operation}.
   * {@code onWorker}: the calls happen when the provider worker carries out the device operation
   * (paced by the worker's concurrency), not when the moment fires.
   */
  public record Step(String name, At at, Lifecycle lifecycle, Map<String, Double> calls, boolean onWorker, double usd,
                     double durationUsd, double wcu, double rcu) {
    public Step {
      calls = Map.copyOf(calls);
    }

    public Step(String name, At at, Lifecycle lifecycle, Map<String, Double> calls, boolean onWorker, double usd,
                double durationUsd) {
      this(name, at, lifecycle, calls, onWorker, usd, durationUsd, 0, 0);
    }

    public Step(String name, At at, Lifecycle lifecycle, Map<String, Double> calls, boolean onWorker, double usd) {
      this(name, at, lifecycle, calls, onWorker, usd, 0);
    }

    public Step(String name, At at, Lifecycle lifecycle, Map<String, Double> calls, boolean onWorker) {
      this(name, at, lifecycle, calls, onWorker, 0, 0);
    }
  }

  public AwsCallModel {
    steps = List.copyOf(steps);
    usdPerMillion = Map.copyOf(usdPerMillion);
  }

  /** The AWS service of a call key: the text before the dot ({@code Sqs.SendMessage} is Sqs). */
  public static String service(String callKey) {
    int dot = callKey.indexOf('.');
    return dot < 0 ? callKey : callKey.substring(0, dot);
  }

  /** Every service named by the steps and the extras, sorted. */
  public List<String> services() {
    TreeSet<String> s = new TreeSet<>();
    steps.forEach(st -> st.calls().keySet().forEach(k -> s.add(service(k))));
    EXTRAS.values().forEach(m -> m.calls().keySet().forEach(k -> s.add(service(k))));
    return List.copyOf(s);
  }

  /** Every call key ({@code Service.Operation}) named by the steps and the extras, sorted. */
  public List<String> operations() {
    TreeSet<String> s = new TreeSet<>();
    steps.forEach(st -> s.addAll(st.calls().keySet()));
    EXTRAS.values().forEach(m -> s.addAll(m.calls().keySet()));
    return List.copyOf(s);
  }

  /** The calls, summed over all steps of {@code lifecycle} that happen {@code at}. */
  public Map<String, Double> callsAt(Lifecycle lifecycle, At at) {
    Map<String, Double> sum = new LinkedHashMap<>(callsAt(lifecycle, at, false));
    callsAt(lifecycle, at, true).forEach((k, v) -> sum.merge(k, v, Double::sum));
    return sum;
  }

  /** The calls of the steps of {@code lifecycle} at {@code at} made by the worker ({@code onWorker}) or not. */
  public Map<String, Double> callsAt(Lifecycle lifecycle, At at, boolean onWorker) {
    Map<String, Double> sum = new LinkedHashMap<>();
    for (Step st : steps) {
      if (st.lifecycle() == lifecycle && st.at() == at && st.onWorker() == onWorker) {
        st.calls().forEach((k, v) -> sum.merge(k, v, Double::sum));
      }
    }
    return sum;
  }

  /** Dollars of one occurrence of the steps of {@code lifecycle} at {@code at} made by the worker or not. */
  public double usdAt(Lifecycle lifecycle, At at, boolean onWorker) {
    return steps.stream().filter(st -> st.lifecycle() == lifecycle && st.at() == at && st.onWorker() == onWorker)
        .mapToDouble(Step::usd).sum();
  }

  /**
   * Dollars of Lambda duration in one occurrence of the steps of {@code lifecycle} at {@code at}
   * made by the worker or not (part of {@link #usdAt}).
   */
  public double durationUsdAt(Lifecycle lifecycle, At at, boolean onWorker) {
    return steps.stream().filter(st -> st.lifecycle() == lifecycle && st.at() == at && st.onWorker() == onWorker)
        .mapToDouble(Step::durationUsd).sum();
  }

  /** DynamoDB write and read units ({wcu, rcu}) of the steps of {@code lifecycle} at {@code at} made by the worker or not. */
  public double[] unitsAt(Lifecycle lifecycle, At at, boolean onWorker) {
    double[] u = new double[2];
    steps.stream().filter(st -> st.lifecycle() == lifecycle && st.at() == at && st.onWorker() == onWorker).forEach(st -> {
      u[0] += st.wcu();
      u[1] += st.rcu();
    });
    return u;
  }

  /** Total calls of one code of {@code lifecycle} on its happy path. */
  public double callsPerCode(Lifecycle lifecycle) {
    return steps.stream().filter(s -> s.lifecycle() == lifecycle)
        .mapToDouble(s -> s.calls().values().stream().mapToDouble(Double::doubleValue).sum()).sum();
  }

  /**
   * Reads part 3's JSON: {@code steps} (name → {at, lifecycle, calls}) and {@code usd_per_million}
   * (lifecycle → dollars). Unknown lifecycles or moments are skipped. A step whose optional
   * {@code lambda.function} names the worker (contains "worker") is counted when the worker runs.
   *
   * @throws IllegalArgumentException when either key is missing or has the wrong shape
   */
  public static AwsCallModel fromJson(Map<String, Object> json) {
    if (!(json.get("steps") instanceof Map<?, ?> stepsJson) || stepsJson.isEmpty()) {
      throw new IllegalArgumentException("aws_calls JSON has no \"steps\" map");
    }
    if (!(json.get("usd_per_million") instanceof Map<?, ?> usdJson)) {
      throw new IllegalArgumentException("aws_calls JSON has no \"usd_per_million\" map");
    }
    List<Step> steps = new ArrayList<>();
    for (Map.Entry<?, ?> e : stepsJson.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> step)) throw new IllegalArgumentException("step " + e.getKey() + " is not a map");
      At at = parse(At.class, step.get("at"));
      Lifecycle lifecycle = parse(Lifecycle.class, step.get("lifecycle"));
      if (at == null || lifecycle == null) continue;
      Map<String, Double> calls = new LinkedHashMap<>();
      if (step.get("calls") instanceof Map<?, ?> c) {
        c.forEach((k, v) -> {
          if (v instanceof Number n && n.doubleValue() > 0) calls.put(String.valueOf(k), n.doubleValue());
        });
      }
      boolean onWorker = step.get("lambda") instanceof Map<?, ?> lambda
          && String.valueOf(lambda.get("function")).toLowerCase(java.util.Locale.ROOT).contains("worker");
      double usd = step.get("usd_per_million") instanceof Number n ? n.doubleValue() / 1e6 : 0;
      // The sweeps' reads of a code are spread over the days it is stored (part 3 puts them at its create): no peak.
      boolean spread = step.get("lambda") instanceof Map<?, ?> lambda
          && String.valueOf(lambda.get("function")).toLowerCase(java.util.Locale.ROOT).contains("reconciler");
      steps.add(new Step(String.valueOf(e.getKey()), at, lifecycle, calls, onWorker, usd, durationUsd(step.get("lambda")),
          !spread && step.get("wcu") instanceof Number w ? w.doubleValue() : 0,
          !spread && step.get("rcu") instanceof Number r ? r.doubleValue() : 0));
    }
    Map<Lifecycle, Double> usd = new LinkedHashMap<>();
    usdJson.forEach((k, v) -> {
      Lifecycle l = parse(Lifecycle.class, k);
      if (l != null && v instanceof Number n) usd.put(l, n.doubleValue());
    });
    if (steps.isEmpty()) throw new IllegalArgumentException("aws_calls JSON has no usable steps");
    return new AwsCallModel(steps, usd, true);
  }

  /**
   * Dollars of the Lambda duration in one occurrence of a part-3 step (its {@code lambda}: invocations x
   * whole milliseconds x memory, as PriceTable bills it), 0 when the JSON does not say.
   */
  static double durationUsd(Object lambda) {
    if (!(lambda instanceof Map<?, ?> l) || !(l.get("invocations") instanceof Number inv) || !(l.get("ms") instanceof Number ms)
        || !(l.get("memory_mb") instanceof Number mb)) {
      return 0;
    }
    return inv.doubleValue() * Math.ceil(ms.doubleValue()) / 1000.0 * mb.doubleValue() / 1024.0
        * PriceTable.load().lambdaPerGbSecond();
  }

  private static <E extends Enum<E>> E parse(Class<E> type, Object value) {
    if (value == null) return null;
    for (E e : type.getEnumConstants()) if (e.name().equals(String.valueOf(value))) return e;
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // The default estimate: the one place where calls are assumed rather than measured. Read off the
  // app services and adapters (and matching what part 3 counts):
  //  - api create: the device and the pool flag reads (GetItem 2; the API key's read is cached per
  //    api container for a minute, not a per-code call), the device's PIN claims (Query), the PIN
  //    claim, the code (carrying its event) and the event item (PutItem 3), the device's claims
  //    read again (Query, consistent); no action attempt is stored; one CreateSchedule per later
  //    moment (AccessCodeService.create);
  //  - a fire: the code and device reads (GetItem 2, ProgrammingService.fire); a PROGRAM stores
  //    nothing; the native ACTIVATE of a preloaded code stores the activation carrying its event,
  //    then the event item (PutItem 2), and sends nothing to the queue; a REMOVE writes nothing (the
  //    worker removes a code whose window has ended);
  //  - a worker operation: the event source mapping's ReceiveMessage and DeleteMessageBatch, the
  //    device's read with its list of codes waiting for a slot (a Query of its key range,
  //    Store.deviceAtWork) and the code's read, the code carrying its event and the event item
  //    (PutItem 2; a removal puts the code's tombstone and one item for its two events, and
  //    releases the PIN claim, DeleteItem), and a read checking the events of the change it
  //    replaces (DynamoStore);
  //  - an api delete of a code that may be on its lock: the key, device and code reads, the note of
  //    its send (Store.noteSending) and the code stored as removing (PutItem 2), the REMOVE sent; the
  //    frequent sweeps' reads of the note and the code are part 3's ongoing.sweeps step.
  // Lambda keys carry the function: one invocation each, billed at ASSUMED_LAMBDA's memory and time.

  /**
   * Calls of one occurrence of something, with the DynamoDB units they consume and the function
   * invoked (if any), priced by {@link #usd(PriceTable)} from the checked-in price table.
   */
  public record Cost(Map<String, Double> calls, double wcu, double rcu) {
    public Cost {
      calls = Map.copyOf(calls);
    }

    Cost plus(Cost o) {
      return new Cost(AwsCallModel.plus(calls, o.calls), wcu + o.wcu, rcu + o.rcu);
    }

    /** Dollars of the Lambda duration of {@code function}'s invocations ({@code Lambda.worker}) at {@link #ASSUMED_LAMBDA}. */
    public double durationUsd(PriceTable prices, String function) {
      double n = calls.getOrDefault(function, 0.0);
      double[] mbMs = ASSUMED_LAMBDA.getOrDefault(function, new double[] {1024, 100});
      return n * mbMs[0] / 1024.0 * Math.ceil(mbMs[1]) / 1000.0 * prices.lambdaPerGbSecond();
    }

    /** Dollars of one occurrence at {@code prices}: requests, Lambda GB-s (at {@link #ASSUMED_LAMBDA}) and DynamoDB units. */
    public double usd(PriceTable prices) {
      double usd = 0;
      for (Map.Entry<String, Double> c : calls.entrySet()) {
        String k = c.getKey();
        double n = c.getValue();
        String svc = service(k);
        switch (svc) {
          case "ApiGateway" -> usd += n * prices.apiGatewayPerMillionRequests() / 1e6;
          case "Sqs" -> usd += n * prices.sqsPerMillionRequests() / 1e6;
          case "Scheduler" -> usd += n * (k.equals("Scheduler.Invocation") ? prices.schedulerPerMillionInvocations()
              : prices.schedulerPerMillionApiCalls()) / 1e6;
          case "Lambda" -> {
            double[] mbMs = ASSUMED_LAMBDA.getOrDefault(k, new double[] {1024, 100});
            usd += n * (prices.lambdaPerMillionRequests() / 1e6 + mbMs[0] / 1024.0 * Math.ceil(mbMs[1]) / 1000.0 * prices.lambdaPerGbSecond());
          }
          default -> { }
        }
      }
      return usd + wcu * prices.dynamoPerMillionWriteUnits() / 1e6 + rcu * prices.dynamoPerMillionReadUnits() / 1e6;
    }
  }

  /**
   * Memory (MB, template.yaml) and warm handler time (ms, assumed: about what part 3 measures
   * here) of each function's invocation in the default estimate and the extras.
   */
  static final Map<String, double[]> ASSUMED_LAMBDA = Map.of(
      "Lambda.api", new double[] {1024, 100},
      "Lambda.programmer", new double[] {512, 60},
      "Lambda.worker", new double[] {512, 130});

  private static Cost cost(double wcu, double rcu, Object... kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.merge((String) kv[i], ((Number) kv[i + 1]).doubleValue(), Double::sum);
    return new Cost(m, wcu, rcu);
  }

  /** A fire read: the code (consistent, 1 RRU) and the device (eventually consistent, 0.5 RRU). */
  static final Cost FIRE = cost(0, 1.5, "Scheduler.Invocation", 1, "Lambda.programmer", 1, "DynamoDb.GetItem", 2);
  static final Cost FIRE_AND_ENQUEUE = FIRE.plus(cost(0, 0, "Sqs.SendMessage", 1));
  /**
   * The worker's set: the code (carrying its event) and the event item, a plain put each (1 WRU
   * each: the packed code item is about 0.5 KB); the put returns the item it replaced, and when that
   * carried a recent change's events, one eventually consistent read checks they were written.
   */
  static final Cost WORKER_SET = cost(2, 2.0, "Sqs.ReceiveMessage", 1, "Sqs.DeleteMessageBatch", 1, "Lambda.worker", 1,
      "DynamoDb.Query", 1, "DynamoDb.GetItem", 2, "DynamoDb.PutItem", 2);
  /**
   * The worker's removal: the code's tombstone (carrying its two events), one item for both
   * events, and the release of the code's PIN claim; the device is read consistently (its list of
   * codes waiting for the slot the removal frees).
   */
  static final Cost WORKER_REMOVE = cost(3, 2.5, "Sqs.ReceiveMessage", 1, "Sqs.DeleteMessageBatch", 1, "Lambda.worker", 1,
      "DynamoDb.Query", 1, "DynamoDb.GetItem", 2, "DynamoDb.PutItem", 2, "DynamoDb.DeleteItem", 1);

  static Map<String, Double> plus(Map<String, Double> a, Map<String, Double> b) {
    Map<String, Double> m = new LinkedHashMap<>(a);
    b.forEach((k, v) -> m.merge(k, v, Double::sum));
    return m;
  }

  /**
   * The api's create: device and pool flag reads, the device's PIN claims, the PIN claim, the code
   * (carrying its event), the device's claims read again (consistent: its own claim back, and the
   * slot and per-minute limits), the event item; no action attempt is stored.
   */
  private static Cost create(int schedules) {
    return cost(3, 3.0, "ApiGateway.Request", 1, "Lambda.api", 1, "DynamoDb.GetItem", 2, "DynamoDb.Query", 2,
        "DynamoDb.PutItem", 3, "Scheduler.CreateSchedule", schedules);
  }

  /**
   * Backups in a device's pool (BACKUP_POOL_SIZE, 3 by default in AwsWiring): a read of a pool
   * device's codes (BatchGetItem, 1 RCU a code) returns them and the code whose set failed; the
   * lock's other bookings are left out.
   */
  static final int POOL_BACKUPS = 3;

  /**
   * Calls outside the happy path, per occurrence (always estimated; part 3 measures happy paths),
   * each checked against the code that makes them.
   */
  public static final Map<Extra, Cost> EXTRAS = extras();

  private static Map<Extra, Cost> extras() {
    Map<Extra, Cost> m = new java.util.EnumMap<>(Extra.class);
    // ProviderWorkerHandler on a failed attempt: the invocation, DeviceWorker's device and code reads, then
    // retryLater's ChangeMessageVisibility; the message is not deleted.
    m.put(Extra.retry, cost(0, 1.5, "Sqs.ReceiveMessage", 1, "Lambda.worker", 1, "DynamoDb.Query", 1, "DynamoDb.GetItem", 1,
        "Sqs.ChangeMessageVisibility", 1));
    // The same for a removal, whose device read is strongly consistent (DeviceWorker: a freed slot must see
    // every code waiting for one): a read unit instead of half.
    m.put(Extra.retry_removal, cost(0, 2.0, "Sqs.ReceiveMessage", 1, "Lambda.worker", 1, "DynamoDb.Query", 1, "DynamoDb.GetItem", 1,
        "Sqs.ChangeMessageVisibility", 1));
    // ProviderWorkerHandler on the hundredth receive of a failing job: the same attempt, then a fresh copy sent
    // (SendMessage) and the old message deleted with the batch (DeleteMessageBatch) instead of held back.
    m.put(Extra.fresh_copy, cost(0, 1.5, "Sqs.ReceiveMessage", 1, "Lambda.worker", 1, "DynamoDb.Query", 1, "DynamoDb.GetItem", 1,
        "Sqs.SendMessage", 1, "Sqs.DeleteMessageBatch", 1));
    m.put(Extra.fresh_copy_removal, cost(0, 2.0, "Sqs.ReceiveMessage", 1, "Lambda.worker", 1, "DynamoDb.Query", 1, "DynamoDb.GetItem", 1,
        "Sqs.SendMessage", 1, "Sqs.DeleteMessageBatch", 1));
    // DeviceWorker.reportDelay when a warning or an error is new: the code with its event(s), then their item.
    m.put(Extra.delay_report, cost(2, 0, "DynamoDb.PutItem", 2));
    // DeviceWorker.reportDelay on the first failed attempt of a set (not a preload) of a code stored unset
    // (a fire stores nothing): with no warning or error yet, onItsWay still writes the code as setting, a plain put.
    m.put(Extra.set_on_its_way, cost(1, 0, "DynamoDb.PutItem", 1));
    // BackupPools.onSetFailure once BackupPolicy says pull: the pool flag (eventually consistent).
    m.put(Extra.pool_check, cost(0, 0.5, "DynamoDb.GetItem", 1));
    // BackupPools.pull: the code (consistent), the device and the pool flag again (eventually consistent), the
    // device's codes (DynamoStore.codesOfDevice: its PIN claims, a consistent Query, then its codes, a consistent
    // BatchGetItem, 1 RCU a code), both codes' outboxes read before the transaction replaces them
    // (repairBeforeReplacing: 2 eventually consistent GetItems), both codes linked (a transaction of 2 items, one
    // carrying the pull event), the event item, the backup's removal scheduled; then fill's read of the device's
    // codes again (Query and BatchGetItem).
    m.put(Extra.backup_pull, cost(5, 2.0 + 2 * 1.0 + 2 * 0.5 + 2 * (1 + POOL_BACKUPS), "DynamoDb.GetItem", 5, "DynamoDb.Query", 2,
        "DynamoDb.BatchGetItem", 2, "DynamoDb.TransactWriteItems", 1, "DynamoDb.PutItem", 1, "Scheduler.CreateSchedule", 1));
    // BackupPools.pull finding no programmed backup: the code, device and pool reads, the device's codes, and
    // fill's read of them again; no write (a 409).
    m.put(Extra.backup_pool_empty, cost(0, 2.0 + 2 * 1.0 + 2 * (1 + POOL_BACKUPS), "DynamoDb.GetItem", 3, "DynamoDb.Query", 2,
        "DynamoDb.BatchGetItem", 2));
    // BackupPools.fill, per backup made: its PIN claim, the code, the device's claims read back (consistent), its
    // SET enqueued, the worker's set of a pool's backup: the code only, with no event (a backup in its pool is
    // hidden, DeviceWorker.visible) and none carried by the item it replaces to check.
    m.put(Extra.backup_fill, cost(2, 1.0, "DynamoDb.PutItem", 2, "DynamoDb.Query", 1, "Sqs.SendMessage", 1)
        .plus(WORKER_SET).plus(cost(-1, -0.5, "DynamoDb.PutItem", -1, "DynamoDb.GetItem", -1)));
    // A pulled backup leaves at the original's ends_at: a removal fire (writes nothing) and the worker's removal.
    m.put(Extra.backup_remove, FIRE_AND_ENQUEUE.plus(WORKER_REMOVE));
    // ProgrammingService.fire dropping a fire (code deleted, or a duplicate): the two reads only.
    m.put(Extra.dropped_fire, FIRE);
    // ProgrammingService.program: an ACTIVATE of a native code whose preload never made it stores nothing and
    // sends the set to the queue (in place of the activate step's two puts); the worker's set follows.
    m.put(Extra.activate_not_preloaded, FIRE_AND_ENQUEUE);
    // ProgrammingService.remove of a code that never reached its lock: stored as removing with its
    // failed_to_set_on_device event (the code carrying it, then the event item) before its removal is sent.
    m.put(Extra.remove_never_set, cost(2, 0, "DynamoDb.PutItem", 2));
    // The same for a code the worker already reported as failed to set: the code only, no second event.
    m.put(Extra.remove_never_set_reported, cost(1, 0, "DynamoDb.PutItem", 1));
    // ProgrammingService.program's first set of a code created within the sweeps' window (Reconciler.RECENT_WINDOW):
    // its PIN claim read (Store.pinHolder, a consistent GetItem), on top of the fire's step.
    m.put(Extra.new_code_claim_read, cost(0, 1.0, "DynamoDb.GetItem", 1));
    // DeviceWorker finding nothing to do (a duplicate, or a set whose window has ended): receive, reads, delete; no write.
    m.put(Extra.worker_nothing_to_do, cost(0, 1.5, "Sqs.ReceiveMessage", 1, "Sqs.DeleteMessageBatch", 1, "Lambda.worker", 1,
        "DynamoDb.Query", 1, "DynamoDb.GetItem", 1));
    // A removal with nothing to do (delivered twice, or its code already gone): its device read is consistent.
    m.put(Extra.worker_nothing_to_do_removal, cost(0, 2.0, "Sqs.ReceiveMessage", 1, "Sqs.DeleteMessageBatch", 1, "Lambda.worker", 1,
        "DynamoDb.Query", 1, "DynamoDb.GetItem", 1));
    return Map.copyOf(m);
  }

  /** The estimated lifecycles, used when part 3 was not run. */
  public static final AwsCallModel DEFAULT = defaultModel();

  private static AwsCallModel defaultModel() {
    PriceTable prices = PriceTable.load();
    Cost jitProgramFire = FIRE_AND_ENQUEUE; // stores nothing: the worker does
    Cost activateFire = FIRE.plus(cost(2, 0, "DynamoDb.PutItem", 2));
    List<Step> steps = List.of(
        step(prices, "native.create", At.create, Lifecycle.time_bound_native, create(3), false),
        step(prices, "native.preload_fire", At.program, Lifecycle.time_bound_native, FIRE_AND_ENQUEUE, false),
        step(prices, "native.worker_preload", At.program, Lifecycle.time_bound_native, WORKER_SET, true),
        // The programmer records the activation itself: no queue message, no worker.
        step(prices, "native.activate_fire", At.starts_at, Lifecycle.time_bound_native, activateFire, false),
        step(prices, "native.remove_fire", At.ends_at, Lifecycle.time_bound_native, FIRE_AND_ENQUEUE, false),
        step(prices, "native.worker_remove", At.ends_at, Lifecycle.time_bound_native, WORKER_REMOVE, true),
        step(prices, "jit.create", At.create, Lifecycle.time_bound_jit, create(2), false),
        step(prices, "jit.program_fire", At.program, Lifecycle.time_bound_jit, jitProgramFire, false),
        step(prices, "jit.worker_set", At.program, Lifecycle.time_bound_jit, WORKER_SET, true),
        step(prices, "jit.remove_fire", At.ends_at, Lifecycle.time_bound_jit, FIRE_AND_ENQUEUE, false),
        step(prices, "jit.worker_remove", At.ends_at, Lifecycle.time_bound_jit, WORKER_REMOVE, true),
        step(prices, "ongoing.create", At.create, Lifecycle.ongoing, create(0).plus(cost(0, 0, "Sqs.SendMessage", 1)), false),
        step(prices, "ongoing.set", At.program, Lifecycle.ongoing, WORKER_SET, true),
        // The delete counts itself against the device's guardrail (Store.admit), notes its send
        // (Store.noteSending), then stores the code as removing.
        step(prices, "ongoing.delete", At.ends_at, Lifecycle.ongoing, cost(3, 2.0, "ApiGateway.Request", 1, "Lambda.api", 1,
            "DynamoDb.GetItem", 3, "DynamoDb.UpdateItem", 1, "DynamoDb.PutItem", 2, "Sqs.SendMessage", 1), false),
        step(prices, "ongoing.worker_remove", At.ends_at, Lifecycle.ongoing, WORKER_REMOVE, true));
    Map<Lifecycle, Double> usd = new LinkedHashMap<>();
    for (Lifecycle l : Lifecycle.values()) {
      usd.put(l, steps.stream().filter(s -> s.lifecycle() == l).mapToDouble(Step::usd).sum() * 1_000_000);
    }
    return new AwsCallModel(steps, usd, false);
  }

  private static Step step(PriceTable prices, String name, At at, Lifecycle l, Cost c, boolean onWorker) {
    double duration = 0;
    for (String k : c.calls().keySet()) if (k.startsWith("Lambda.")) duration += c.durationUsd(prices, k);
    return new Step(name, at, l, c.calls(), onWorker, c.usd(prices), duration, c.wcu(), c.rcu());
  }
}
