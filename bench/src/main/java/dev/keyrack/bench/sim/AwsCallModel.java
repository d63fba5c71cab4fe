package dev.keyrack.bench.sim;

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
 * <p>Retries and backup pulls are not part of a happy-path lifecycle, so their calls always come
 * from {@link #EXTRAS} (also an estimate from reading the code).
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
  public enum Extra { retry, backup_pull, backup_fill, backup_remove }

  /**
   * One step: when it happens, for which lifecycle, and its calls by {@code Service.Operation}.
   * {@code onWorker}: the calls happen when the provider worker carries out the device operation
   * (paced by the worker's concurrency), not when the moment fires.
   */
  public record Step(String name, At at, Lifecycle lifecycle, Map<String, Double> calls, boolean onWorker) {
    public Step {
      calls = Map.copyOf(calls);
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
    EXTRAS.values().forEach(m -> m.keySet().forEach(k -> s.add(service(k))));
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
      steps.add(new Step(String.valueOf(e.getKey()), at, lifecycle, calls, onWorker));
    }
    Map<Lifecycle, Double> usd = new LinkedHashMap<>();
    usdJson.forEach((k, v) -> {
      Lifecycle l = parse(Lifecycle.class, k);
      if (l != null && v instanceof Number n) usd.put(l, n.doubleValue());
    });
    if (steps.isEmpty()) throw new IllegalArgumentException("aws_calls JSON has no usable steps");
    return new AwsCallModel(steps, usd, true);
  }

  private static <E extends Enum<E>> E parse(Class<E> type, Object value) {
    if (value == null) return null;
    for (E e : type.getEnumConstants()) if (e.name().equals(String.valueOf(value))) return e;
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // The default estimate: the one place where calls are assumed rather than measured.
  // Read off the adapters: DynamoStore (GetItem per read, one TransactWriteItems per change),
  // EventBridgeScheduler (one CreateSchedule per later moment, one invocation per fire),
  // SqsJobQueue (one SendMessage per device operation, ChangeMessageVisibility per retry), and the
  // event source mapping's ReceiveMessage/DeleteMessage, which SQS bills although our code does not
  // make them. Lambda keys carry the function: one invocation each.

  private static final Map<String, Double> FIRE_AND_ENQUEUE = Map.of(
      "Scheduler.Invocation", 1.0, "Lambda.programmer", 1.0, "DynamoDb.GetItem", 2.0, "Sqs.SendMessage", 1.0);
  /** The programmer also writes status {@code setting} (just-in-time PROGRAM) or {@code removing} (REMOVE). */
  private static final Map<String, Double> FIRE_WRITE_AND_ENQUEUE = plus(FIRE_AND_ENQUEUE, Map.of("DynamoDb.TransactWriteItems", 1.0));
  private static final Map<String, Double> WORKER_OP = Map.of(
      "Sqs.ReceiveMessage", 1.0, "Sqs.DeleteMessage", 1.0, "Lambda.worker", 1.0, "DynamoDb.GetItem", 2.0,
      "DynamoDb.TransactWriteItems", 1.0);

  private static Map<String, Double> plus(Map<String, Double> a, Map<String, Double> b) {
    Map<String, Double> m = new LinkedHashMap<>(a);
    b.forEach((k, v) -> m.merge(k, v, Double::sum));
    return m;
  }

  private static Map<String, Double> create(int schedules) {
    return Map.of("ApiGateway.Request", 1.0, "Lambda.api", 1.0, "DynamoDb.GetItem", 3.0,
        "DynamoDb.TransactWriteItems", 1.0, "Scheduler.CreateSchedule", (double) schedules);
  }


  /**
   * Estimated price of one call in USD (us-east-1 list prices as issue 5 gives them), used only to
   * turn the default calls into dollars: DynamoDB reads 1 RRU ($0.125/M), a transaction of two
   * items 4 WRU ($0.625/M each), SQS FIFO $0.50/M, Scheduler $1.00/M invocations (API calls free),
   * HTTP API $1.00/M, Lambda $0.20/M plus GB-s at $0.0000133334 (api 1 GB × 60 ms, programmer
   * 0.5 GB × 40 ms, worker 1 GB × 100 ms, durations assumed).
   */
  static final Map<String, Double> DEFAULT_USD_PER_CALL = Map.ofEntries(
      Map.entry("ApiGateway.Request", 1.00e-6),
      Map.entry("Lambda.api", 0.20e-6 + 1.0 * 0.060 * 0.0000133334),
      Map.entry("Lambda.programmer", 0.20e-6 + 0.5 * 0.040 * 0.0000133334),
      Map.entry("Lambda.worker", 0.20e-6 + 1.0 * 0.100 * 0.0000133334),
      Map.entry("DynamoDb.GetItem", 0.125e-6),
      Map.entry("DynamoDb.Query", 0.125e-6),
      Map.entry("DynamoDb.TransactWriteItems", 4 * 0.625e-6),
      Map.entry("Sqs.SendMessage", 0.50e-6),
      Map.entry("Sqs.ReceiveMessage", 0.50e-6),
      Map.entry("Sqs.DeleteMessage", 0.50e-6),
      Map.entry("Sqs.ChangeMessageVisibility", 0.50e-6),
      Map.entry("Scheduler.Invocation", 1.00e-6),
      Map.entry("Scheduler.CreateSchedule", 0.0));

  /** Calls outside the happy path, per occurrence (always estimated; part 3 measures happy paths). */
  public static final Map<Extra, Map<String, Double>> EXTRAS = Map.of(
      // A failed attempt: the worker's invocation and reads, then the message's visibility is pushed back.
      Extra.retry, Map.of("Sqs.ReceiveMessage", 1.0, "Lambda.worker", 1.0, "DynamoDb.GetItem", 2.0,
          "Sqs.ChangeMessageVisibility", 1.0),
      // BackupPools.pull: read the code and the device's codes, link both in one transaction, schedule the backup's removal.
      Extra.backup_pull, Map.of("DynamoDb.GetItem", 3.0, "DynamoDb.Query", 2.0, "DynamoDb.TransactWriteItems", 1.0,
          "Scheduler.CreateSchedule", 1.0),
      // BackupPools.fill, per backup made: store it, enqueue it, and the worker sets it.
      Extra.backup_fill, plus(Map.of("DynamoDb.TransactWriteItems", 1.0, "Sqs.SendMessage", 1.0), WORKER_OP),
      // A pulled backup leaves the lock at the original's ends_at.
      Extra.backup_remove, plus(FIRE_WRITE_AND_ENQUEUE, WORKER_OP));

  /** Estimated dollars of {@code calls}, at {@link #DEFAULT_USD_PER_CALL} (unknown calls cost nothing). */
  public static double estimatedUsd(Map<String, Double> calls) {
    double usd = 0;
    for (Map.Entry<String, Double> c : calls.entrySet()) usd += c.getValue() * DEFAULT_USD_PER_CALL.getOrDefault(c.getKey(), 0.0);
    return usd;
  }

  /** The estimated lifecycles, used when part 3 was not run. */
  public static final AwsCallModel DEFAULT = defaultModel();

  private static AwsCallModel defaultModel() {
    List<Step> steps = List.of(
        new Step("native.create", At.create, Lifecycle.time_bound_native, create(3), false),
        new Step("native.preload_fire", At.program, Lifecycle.time_bound_native, FIRE_AND_ENQUEUE, false),
        new Step("native.worker_preload", At.program, Lifecycle.time_bound_native, WORKER_OP, true),
        new Step("native.activate_fire", At.starts_at, Lifecycle.time_bound_native, FIRE_AND_ENQUEUE, false),
        new Step("native.worker_activate", At.starts_at, Lifecycle.time_bound_native, WORKER_OP, true),
        new Step("native.remove_fire", At.ends_at, Lifecycle.time_bound_native, FIRE_WRITE_AND_ENQUEUE, false),
        new Step("native.worker_remove", At.ends_at, Lifecycle.time_bound_native, WORKER_OP, true),
        new Step("jit.create", At.create, Lifecycle.time_bound_jit, create(2), false),
        new Step("jit.program_fire", At.program, Lifecycle.time_bound_jit, FIRE_WRITE_AND_ENQUEUE, false),
        new Step("jit.worker_set", At.program, Lifecycle.time_bound_jit, WORKER_OP, true),
        new Step("jit.remove_fire", At.ends_at, Lifecycle.time_bound_jit, FIRE_WRITE_AND_ENQUEUE, false),
        new Step("jit.worker_remove", At.ends_at, Lifecycle.time_bound_jit, WORKER_OP, true),
        new Step("ongoing.create", At.create, Lifecycle.ongoing, plus(create(0), Map.of("Sqs.SendMessage", 1.0)), false),
        new Step("ongoing.set", At.program, Lifecycle.ongoing, WORKER_OP, true),
        new Step("ongoing.delete", At.ends_at, Lifecycle.ongoing, Map.of("ApiGateway.Request", 1.0, "Lambda.api", 1.0,
            "DynamoDb.GetItem", 2.0, "DynamoDb.TransactWriteItems", 1.0, "Sqs.SendMessage", 1.0), false),
        new Step("ongoing.worker_remove", At.ends_at, Lifecycle.ongoing, WORKER_OP, true));
    Map<Lifecycle, Double> usd = new LinkedHashMap<>();
    for (Lifecycle l : Lifecycle.values()) {
      double perCode = steps.stream().filter(s -> s.lifecycle() == l).mapToDouble(s -> estimatedUsd(s.calls())).sum();
      usd.put(l, perCode * 1_000_000);
    }
    return new AwsCallModel(steps, usd, false);
  }
}
