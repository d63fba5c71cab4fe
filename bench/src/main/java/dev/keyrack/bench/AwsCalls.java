package dev.keyrack.bench;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.local.Instrumentation;
import dev.keyrack.local.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * AWS calls per code lifecycle and what they cost. Runs three lifecycles through the local stack
 * (in this JVM, zero sandbox latency, a clock moved by hand so days pass at once): an ongoing code
 * (create, set, delete, remove), a time-bound code on a just-in-time brand (create, program fire,
 * set, remove fire, remove) and one on a natively scheduling brand (create, preload fire, preload,
 * activate fire, activation, remove fire, remove). Between steps the stack is let go quiet; every
 * SDK call is counted by an interceptor on the stack's clients and attributed to the function
 * whose invocation made it (the queue's receive and delete, made by the event source mapping, go
 * with the worker). Lambda durations are the handlers' warm times here (median over runs after a
 * warm-up run), billed at template.yaml's memory sizes; prices come from the checked-in table.
 */
public final class AwsCalls implements Part {
  static final String ONGOING = "ongoing", JIT = "time_bound_jit", NATIVE = "time_bound_native";
  static final List<String> LIFECYCLES = List.of(NATIVE, JIT, ONGOING);
  static final double TARGET_USD_PER_MILLION = 8.0;

  @Override
  public String key() {
    return "aws_calls";
  }

  @Override
  public String title() {
    return "AWS calls per code lifecycle and dollars per million codes";
  }

  @Override
  public PartResult run(BenchContext context) throws Exception {
    PriceTable prices = PriceTable.load();
    int runs = context.quick() ? 3 : 6; // the first one warms the JIT and is not timed
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    List<Map<String, Step>> measured = new ArrayList<>();
    long idleReceives;
    double idleSeconds;
    double getItemMs;
    Sweeps sweep;
    String createReads;
    long apiKeyReads;
    try (BenchStack b = BenchStack.start(context.repo(), clock, 2, Map.of(), true)) {
      Driver d = new Driver(b, clock);
      for (int r = 0; r < runs; r++) {
        context.progress("lifecycle run %d/%d%s", r + 1, runs, r == 0 ? " (warm-up)" : "");
        Map<String, Step> steps = d.runAll(r);
        if (r > 0) measured.add(steps);
      }
      apiKeyReads = d.apiKeyReadsLeftOut;
      context.progress("the reconciler's sweeps over %d stored codes", SWEEP_CODES);
      sweep = measureSweeps(b, clock);
      context.progress("a create's reads with %d more codes in its workspace", MORE_CODES);
      createReads = measureCreateReads(b, clock);
      // How often the event source mapping polls an idle queue (a fixed cost, not a per-code one).
      b.counter.reset();
      long t0 = System.nanoTime();
      BenchStack.sleep(context.quick() ? 2000 : 4000);
      idleSeconds = (System.nanoTime() - t0) / 1e9;
      idleReceives = b.counter.total().count(AwsCallCounter.IDLE_RECEIVE);
      getItemMs = getItemLatency(b);
    }
    Map<String, Step> steps = new LinkedHashMap<>(merge(measured));
    var bookings = dev.keyrack.bench.sim.SimConfig.million(1);
    double storedDays = dev.keyrack.bench.sim.Simulation.meanStoredDays(bookings, 200_000);
    Map<String, Checks> checks = new LinkedHashMap<>();
    for (String lc : List.of(NATIVE, JIT)) {
      Checks c = Checks.perCode(bookings, lc.equals(NATIVE), sweep.recentEvery(), sweep.allEvery(), 200_000);
      checks.put(lc, c);
      String name = lc + ".sweeps";
      steps.put(name, new Step(name, lc, "create", Map.of(), 0, sweep.rcuPerCode(storedDays, c.total()), "ReconcilerFunction",
          0, 0, 512, null));
    }
    // An ongoing code's delete notes its send: the frequent sweeps read the note and the code.
    steps.put(ONGOING + ".sweeps", new Step(ONGOING + ".sweeps", ONGOING, "ends_at", Map.of(), 0, sweep.rcuPerNotedSend(),
        "ReconcilerFunction", 0, 0, 512, null));
    List<String> notes = new ArrayList<>();
    notes.add(sweep.note(storedDays, prices, checks));
    notes.add(String.format(Locale.ROOT, "The API key's reads (GetItem KEY, 1 RCU once a minute per api container, made by "
        + "whichever request follows the cache's expiry) are not in the per-code steps: %d landed in the lifecycle runs and "
        + "were left out.", apiKeyReads));
    notes.add(createReads);
    if (!sameCalls(measured)) {
      notes.add("Note: the calls of some step varied between runs; the table shows the last run: "
          + variations(measured));
    }
    notes.add(String.format(Locale.ROOT, "For scale: one GetItem on DynamoDB Local takes %.1f ms here (median of "
        + "100); the rest of a handler's time is this machine's CPU, shared with DynamoDB Local, ElasticMQ and the benchmark.",
        getItemMs));
    return result(steps, prices, runs - 1, idleReceives / idleSeconds, notes);
  }

  static final int SWEEP_CODES = 60;
  /** Codes noted to measure what a noted send costs the frequent sweep. */
  static final int NOTED_CODES = 10;

  /**
   * What the reconciler's sweeps read per stored code: read units of one frequent sweep (codes
   * created in its window) and of one daily sweep (every code), each divided by the codes it read;
   * how often template.yaml runs each; and the read units of checking that a change's events were
   * written (how many checks a code costs is derived per lifecycle: {@link Checks}).
   */
  record Sweeps(double recentRcuPerCode, double allRcuPerCode, double rcuPerCheck, int allCodes, Duration recentEvery,
                Duration allEvery, double rcuPerNotedCode, double deviceReadsPerRecentCode, double measuredDeviceReadsPerRecentCode) {

    /** Frequent sweeps see a code for its first window; the daily one every day it is stored. */
    int recentSweepsPerCode() {
      return (int) Math.ceil(dev.keyrack.app.Reconciler.RECENT_WINDOW.toMillis() / (double) recentEvery.toMillis());
    }

    /** What the frequent sweeps read for one noted send (an update's or a delete's): each sees the note and reads the code. */
    double rcuPerNotedSend() {
      return recentSweepsPerCode() * rcuPerNotedCode;
    }

    double rcuPerCode(double storedDays, double checksPerCode) {
      return recentSweepsPerCode() * recentRcuPerCode + storedDays * (Duration.ofDays(1).toMillis() / (double) allEvery.toMillis())
          * allRcuPerCode + checksPerCode * rcuPerCheck;
    }

    String note(double storedDays, PriceTable prices, Map<String, Checks> checks) {
      double perDay = Duration.ofDays(1).toMillis() / (double) allEvery.toMillis() * allRcuPerCode;
      String perLifecycle = checks.entrySet().stream().map(e -> String.format(Locale.ROOT,
          "%s %.2f checks (%.2f by frequent sweeps, %.2f by daily ones, over %d outbox-bearing writes: %s) = %.2f RCU = $%.3f "
              + "per million codes", e.getKey(), e.getValue().total(), e.getValue().recent(), e.getValue().daily(),
          e.getValue().writes().size(), String.join(", ", e.getValue().writes()), rcuPerCode(storedDays, e.getValue().total()),
          rcuPerCode(storedDays, e.getValue().total()) * prices.dynamoPerMillionReadUnits()))
          .collect(Collectors.joining("; "));
      return String.format(Locale.ROOT, "Sweeps (ReconcilerFunction, measured here over %d codes): a sweep of recent codes every "
          + "%s reads %.3f RCU per code it sees (each code is seen by %d), a sweep of all codes every %s reads %.3f RCU per stored "
          + "code, and checking that a change's events were written reads %.3f RCU. Checks per code are derived from what "
          + "the code writes (the simulation's booking model): a daily sweep checks every item (tombstones too) whose outbox's "
          + "last change is between %s and %s old, a frequent one those of codes created in its %s window whose change is up "
          + "to %s old; a change is checked by each such sweep before the item's next write replaces its outbox (sweep times "
          + "taken as uniform against changes). A booking's code is stored %.1f days on average (lead plus nights), so the "
          + "sweeps add, per time-bound code: %s (the .sweeps steps). Assumption: in a fleet of 100,000 locks the codes a "
          + "frequent sweep sees are on different locks, so each unset code costs its own device read (%.2f per code seen, "
          + "0.5 RCU each), where this bench's %d codes on few locks share them (%.2f per code measured). An ongoing code pays "
          + "$%.3f per million codes for every day it is stored (not in its row: its life has no end to count to). An update "
          + "or delete that sends notes it first (one write unit, in its step); each frequent sweep then reads %.3f RCU for it "
          + "(the note and the code): %.2f RCU = $%.3f per million such changes (ongoing.sweeps, for the ongoing code's "
          + "delete). The sweeps' own invocations are a fixed cost per deployment, not per code.",
          allCodes, recentEvery, recentRcuPerCode, recentSweepsPerCode(), allEvery, allRcuPerCode, rcuPerCheck,
          Checks.WRITER_GRACE, dev.keyrack.app.Reconciler.DAILY_REPAIR, dev.keyrack.app.Reconciler.RECENT_WINDOW,
          dev.keyrack.app.Reconciler.RECENT_REPAIR, storedDays, perLifecycle, deviceReadsPerRecentCode, allCodes,
          measuredDeviceReadsPerRecentCode, perDay * prices.dynamoPerMillionReadUnits(), rcuPerNotedCode, rcuPerNotedSend(),
          rcuPerNotedSend() * prices.dynamoPerMillionReadUnits());
    }
  }

  /**
   * The sweeps' checks of a time-bound code's outboxes (that a change's events were written), in
   * expectation over the simulation's booking model: each outbox-bearing write of the code (its
   * create; the worker's preload or set; a native code's activation, written by the programmer; its
   * tombstone, written by the worker's removal) is checked by each sweep that runs while it is the
   * item's latest write, past the writer's grace and within the sweep's repair window (a frequent
   * sweep only while the code is in its window of recent codes). A write due at create (its moment
   * already past) follows the create at once and leaves it unchecked.
   *
   * @param writes the lifecycle's outbox-bearing writes, for the note
   */
  record Checks(double recent, double daily, List<String> writes) {
    /** DynamoStore.WRITER_GRACE (package-private there): a writer's minute to write its events. */
    static final Duration WRITER_GRACE = Duration.ofMinutes(1);

    double total() {
      return recent + daily;
    }

    static Checks perCode(dev.keyrack.bench.sim.SimConfig cfg, boolean nativeScheduling, Duration recentEvery, Duration allEvery,
                          int samples) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(cfg.seed());
      long lead = (nativeScheduling ? dev.keyrack.domain.SchedulePolicy.NATIVE_LEAD
          : dev.keyrack.domain.SchedulePolicy.JUST_IN_TIME_LEAD).toMillis();
      double recent = 0, daily = 0;
      for (int i = 0; i < samples; i++) {
        long starts = dev.keyrack.bench.sim.Simulation.leadMs(cfg, r.nextDouble());
        long ends = starts + dev.keyrack.bench.sim.Simulation.nights(cfg, r.nextDouble()) * Duration.ofDays(1).toMillis();
        long program = Math.max(0, starts - lead);
        long[] at = nativeScheduling ? new long[] {0, program, starts, ends} : new long[] {0, program, ends};
        for (int w = 0; w < at.length; w++) {
          long next = w + 1 < at.length ? at[w + 1] : Long.MAX_VALUE / 4;
          double[] c = checksOf(at[w], next, recentEvery, allEvery);
          recent += c[0];
          daily += c[1];
        }
      }
      List<String> writes = nativeScheduling ? List.of("create", "preload", "activation", "tombstone")
          : List.of("create", "set", "tombstone");
      return new Checks(recent / samples, daily / samples, writes);
    }

    /**
     * Expected {frequent, daily} checks of a write at {@code at} ms after its code's create whose
     * outbox the next write replaces at {@code next}: the length of the time a sweep would check it,
     * over the sweep's period.
     */
    static double[] checksOf(long at, long next, Duration recentEvery, Duration allEvery) {
      long from = at + WRITER_GRACE.toMillis();
      long recentTo = Math.min(Math.min(next, at + dev.keyrack.app.Reconciler.RECENT_REPAIR.toMillis()),
          dev.keyrack.app.Reconciler.RECENT_WINDOW.toMillis());
      long dailyTo = Math.min(next, at + dev.keyrack.app.Reconciler.DAILY_REPAIR.toMillis());
      return new double[] {Math.max(0, recentTo - from) / (double) recentEvery.toMillis(),
          Math.max(0, dailyTo - from) / (double) allEvery.toMillis()};
    }
  }

  /**
   * Stores {@link #SWEEP_CODES} time-bound codes (far from their stay: nothing to re-send; PINs
   * chosen by Keyrack to fit each brand) through the api, then runs the reconciler's handler with
   * each schedule's input from template.yaml and counts the read units of its calls; the codes are
   * younger than a writer's grace, so no event check is made. Then, two minutes later, the daily
   * sweep once more: what it reads on top is the checks, one GetItem each.
   */
  @SuppressWarnings("unchecked")
  static Sweeps measureSweeps(BenchStack b, MutableClock clock) {
    // Past the frequent sweep's window: the lifecycle runs' notes (their deletes') are out of it.
    clock.advance(dev.keyrack.app.Reconciler.RECENT_WINDOW.plusMinutes(1));
    Instant start = clock.instant().plus(Duration.ofDays(20));
    List<Device> locks = b.stack.devices().stream().filter(d -> d.workspaceId().equals(b.workspace())).toList();
    for (int i = 0; i < SWEEP_CODES; i++) {
      Device d = locks.get(i % locks.size());
      var r = b.post("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Sweep " + i
          + "\",\"starts_at\":\"" + start + "\",\"ends_at\":\"" + start.plus(Duration.ofDays(2)) + "\"}");
      if (r.at("/access_code/access_code_id").asText().isEmpty()) throw new IllegalStateException("create failed: " + r);
    }
    var f = b.stack.template().function("ReconcilerFunction");
    var handler = b.stack.mapHandler("ReconcilerFunction");
    var context = new dev.keyrack.local.LocalContext("keyrack-ReconcilerFunction", f.memoryMb(), 300);
    double recentRcu = 0, allRcu = 0, deviceReadsPerCode = 0, measuredDeviceReads = 0;
    long allGets = 0;
    Duration recentEvery = null, allEvery = null;
    Map<String, Object> allInput = null;
    int allCodes = 0;
    for (var sch : f.schedules()) {
      boolean recent = "RECENT".equals(sch.input().get("scope"));
      int seen = b.observer.workspaces().stream().mapToInt(w -> b.observer.sweepCodes(w.workspaceId(),
          recent ? clock.instant().minus(dev.keyrack.app.Reconciler.RECENT_WINDOW) : null, clock.instant(), clock.instant())
          .size()).sum();
      b.quiesce(200);
      b.counter.reset();
      handler.handleRequest(sch.input(), context);
      var tally = b.counter.total();
      double rcu = tally.rcu();
      if (recent) {
        // The codes here share a few devices; in a large fleet each unset code seen is on a lock of its own.
        var devices = tally.reads("GetItem DEVICE");
        double perDeviceRead = devices.calls() == 0 ? 0.5 : devices.rcu() / devices.calls();
        long unset = b.observer.workspaces().stream().flatMap(w -> b.observer.sweepCodes(w.workspaceId(),
            clock.instant().minus(dev.keyrack.app.Reconciler.RECENT_WINDOW), clock.instant(), clock.instant()).stream())
            .filter(c -> c.status() == CodeStatus.unset && !c.windowEnded(clock.instant())).count();
        measuredDeviceReads = devices.calls() / (double) Math.max(1, seen);
        deviceReadsPerCode = unset / (double) Math.max(1, seen);
        recentRcu = (rcu - devices.rcu()) / Math.max(1, seen) + deviceReadsPerCode * perDeviceRead;
        recentEvery = sch.every();
      } else {
        allRcu = rcu / Math.max(1, seen);
        allGets = tally.count("DynamoDb.GetItem");
        allEvery = sch.every();
        allInput = sch.input();
        allCodes = seen;
      }
    }
    if (recentEvery == null || allEvery == null) {
      throw new IllegalStateException("template.yaml's ReconcilerFunction needs a RECENT and a LOST_SENDS schedule");
    }
    // Noted sends: the same frequent sweep once some of the codes are noted, less what it read without.
    Map<String, Object> recentInput = f.schedules().stream().filter(sch -> "RECENT".equals(sch.input().get("scope")))
        .findFirst().orElseThrow().input();
    List<dev.keyrack.domain.AccessCode> some = b.observer.accessCodes(b.workspace(), null).stream().limit(NOTED_CODES).toList();
    // Older codes than the window's, as a noted change's usually are: the sweep reads them one by one.
    clock.advance(dev.keyrack.app.Reconciler.RECENT_WINDOW.plusMinutes(1));
    b.quiesce(200);
    b.counter.reset();
    handler.handleRequest(recentInput, context);
    double emptyWindow = b.counter.total().rcu();
    some.forEach(c -> b.observer.noteSending(b.workspace(), c.accessCodeId(), clock.instant()));
    b.quiesce(200);
    b.counter.reset();
    handler.handleRequest(recentInput, context);
    double rcuPerNoted = (b.counter.total().rcu() - emptyWindow) / Math.max(1, some.size());

    clock.advance(Duration.ofMinutes(2));
    b.quiesce(200);
    b.counter.reset();
    handler.handleRequest(allInput, context);
    var withChecks = b.counter.total();
    double rcuPerCheck = rcuPerCheck(allRcu * allCodes, allGets, withChecks.rcu(), withChecks.count("DynamoDb.GetItem"));
    return new Sweeps(recentRcu, allRcu, rcuPerCheck, allCodes, recentEvery, allEvery, rcuPerNoted, deviceReadsPerCode,
        measuredDeviceReads);
  }

  /**
   * Read units of one event check: what the second daily sweep read on top of the first, over the
   * GetItems it added (both sweeps make the same device reads; the checks are the added ones).
   */
  static double rcuPerCheck(double firstRcu, long firstGets, double secondRcu, long secondGets) {
    long checks = secondGets - firstGets;
    return checks <= 0 ? 0 : (secondRcu - firstRcu) / checks;
  }

  /** Codes added to the workspace (on another lock) to show that a create's reads do not grow with it. */
  static final int MORE_CODES = 500;

  /**
   * A create's read units on one lock, before and after {@link #MORE_CODES} more codes are stored
   * on another lock of the workspace (straight into the table): a create reads its own lock's PIN
   * claims, not the workspace's codes, so the two figures should match.
   */
  static String measureCreateReads(BenchStack b, MutableClock clock) {
    List<Device> locks = b.stack.devices().stream().filter(d -> d.workspaceId().equals(b.workspace())).toList();
    Device lock = locks.get(0), elsewhere = locks.get(1);
    Instant start = clock.instant().plus(Duration.ofDays(30));
    java.util.function.IntFunction<AwsCallCounter.Tally> createReads = i -> {
      b.quiesce(200);
      b.counter.reset();
      var r = b.post("/access_codes/create", "{\"device_id\": \"" + lock.deviceId() + "\", \"name\": \"Reads " + i
          + "\", \"starts_at\": \"" + start + "\", \"ends_at\": \"" + start.plus(Duration.ofDays(2)) + "\"}");
      if (r.at("/access_code/access_code_id").asText().isEmpty()) throw new IllegalStateException("create failed: " + r);
      return b.counter.total();
    };
    int before = b.observer.accessCodes(b.workspace(), null).size();
    AwsCallCounter.Tally tallyBefore = createReads.apply(1);
    for (int i = 0; i < MORE_CODES; i++) {
      b.observer.create(new AccessCode(dev.keyrack.domain.Ids.shared().timeOrdered(clock.instant()), b.workspace(),
          elsewhere.deviceId(), "More " + i, String.valueOf(300_000 + i), null, dev.keyrack.domain.CodeType.time_bound,
          CodeStatus.unset, start, start.plus(Duration.ofDays(2)), clock.instant(), List.of(), List.of(), List.of(), false, false,
          false, false, true, false, 1), List.of());
    }
    AwsCallCounter.Tally tallyAfter = createReads.apply(2);
    return createReadsNote(tallyBefore, before, tallyAfter, before + 1 + MORE_CODES);
  }

  /**
   * The note of {@link #measureCreateReads}: the create's read units without the API key's read
   * (which lands in a request only when its container's key cache has expired), and its reads by
   * operation and item kind, before and after.
   */
  static String createReadsNote(AwsCallCounter.Tally before, int codesBefore, AwsCallCounter.Tally after, int codesAfter) {
    long keyReads = before.reads(AwsCallCounter.API_KEY_READ).calls() + after.reads(AwsCallCounter.API_KEY_READ).calls();
    return String.format(Locale.ROOT, "A create's reads do not grow with its workspace: %.1f RCU with %d codes in the workspace "
        + "(%s), %.1f RCU with %d, %d more on another lock (%s); it reads its own lock's PIN claims, not the workspace's codes. "
        + "Left out of both, and of every step: the API key's read (consistent GetItem, 1 RCU), which the api caches for a "
        + "minute per container, so it costs about 1 RCU per warm api container per minute, a fixed cost rather than a "
        + "per-code one (%d of it landed in these two requests).",
        before.withoutApiKeyReads().rcu(), codesBefore, readsByKind(before.withoutApiKeyReads()),
        after.withoutApiKeyReads().rcu(), codesAfter, codesAfter - codesBefore - 1, readsByKind(after.withoutApiKeyReads()),
        keyReads);
  }

  /** A tally's reads by operation and item kind: {@code GetItem DEVICE 1 x 0.5, Query PIN 2 x 1.5}. */
  static String readsByKind(AwsCallCounter.Tally t) {
    return t.reads().entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %d: %.1f RCU", e.getKey(),
        e.getValue().calls(), e.getValue().rcu())).collect(Collectors.joining(", "));
  }

  /** Median milliseconds of a GetItem on the stack's DynamoDB Local, through an uncounted client. */
  static double getItemLatency(BenchStack b) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long t0 = System.nanoTime();
      b.observer.device(b.workspace(), b.stack.devices().get(0).deviceId());
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    return median(ms);
  }

  /** The last run's calls with each step's median duration over all measured runs. */
  static Map<String, Step> merge(List<Map<String, Step>> runs) {
    Map<String, Step> last = runs.get(runs.size() - 1);
    Map<String, Step> out = new LinkedHashMap<>();
    last.forEach((name, s) -> out.put(name, s.withMs(median(runs.stream().filter(r -> r.containsKey(name))
        .map(r -> r.get(name).ms()).toList()))));
    return out;
  }

  static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted().toList();
    if (s.isEmpty()) return 0;
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static boolean sameCalls(List<Map<String, Step>> runs) {
    return variations(runs).isEmpty();
  }

  private static String variations(List<Map<String, Step>> runs) {
    List<String> out = new ArrayList<>();
    for (String name : runs.get(runs.size() - 1).keySet()) {
      var distinct = runs.stream().map(r -> r.containsKey(name) ? r.get(name).calls().toString() : "absent").distinct().toList();
      if (distinct.size() > 1) out.add(name + " " + distinct);
    }
    return String.join("; ", out);
  }

  static PartResult result(Map<String, Step> steps, PriceTable prices, int runs, double idleReceivesPerSecond,
                           List<String> extraNotes) {
    List<List<String>> rows = new ArrayList<>();
    Map<String, Object> usd = new LinkedHashMap<>();
    Map<String, Object> byService = new LinkedHashMap<>();
    for (String lc : LIFECYCLES) {
      List<Step> of = steps.values().stream().filter(s -> s.lifecycle().equals(lc)).toList();
      Map<String, PriceTable.ServiceCost> cost = prices.cost(of);
      Map<String, Object> services = new LinkedHashMap<>();
      for (PriceTable.ServiceCost c : cost.values()) {
        rows.add(List.of(lc, c.service(), String.valueOf(c.calls()), units(c), money(c.usdPerMillion())));
        services.put(c.service(), round(c.usdPerMillion()));
      }
      double total = prices.total(of);
      rows.add(List.of(lc, "total", String.valueOf(cost.values().stream().mapToLong(PriceTable.ServiceCost::calls).sum()),
          "", money(total)));
      usd.put(lc, round(total));
      byService.put(lc, services);
    }
    Map<String, Object> stepJson = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    notes.add("Per step (calls | DynamoDB units | Lambda invocations x warm handler ms @ memory | $ per million codes):");
    for (Step s : steps.values()) {
      double stepUsd = prices.total(List.of(s));
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("at", s.at());
      j.put("lifecycle", s.lifecycle());
      j.put("calls", new TreeMap<>(s.calls()));
      j.put("wcu", round(s.wcu()));
      j.put("rcu", round(s.rcu()));
      j.put("lambda", Map.of("function", s.function(), "invocations", s.invocations(), "ms", round(s.ms()),
          "memory_mb", s.memoryMb()));
      j.put("usd_per_million", round(stepUsd));
      j.put("sandbox_lock_memory", Map.of("calls", new TreeMap<>(s.sandbox().calls()), "wcu", round(s.sandbox().wcu()),
          "rcu", round(s.sandbox().rcu())));
      stepJson.put(s.name(), j);
      notes.add(String.format(Locale.ROOT, "  %-34s %-6s %s | %.1f WCU %.1f RCU | %s %d x %.1f ms @ %d MB | $%.3f",
          s.name(), s.at(), s.calls().entrySet().stream().filter(e -> !e.getKey().startsWith("Lambda."))
              .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")),
          s.wcu(), s.rcu(), s.function(), s.invocations(), s.ms(), s.memoryMb(), stepUsd));
    }
    Map<String, Object> withoutDuration = new LinkedHashMap<>();
    for (String lc : LIFECYCLES) {
      List<Step> of = steps.values().stream().filter(s -> s.lifecycle().equals(lc)).toList();
      double gbs = of.stream().mapToDouble(PriceTable::gbSeconds).sum();
      withoutDuration.put(lc, round(prices.total(of) - gbs * prices.lambdaPerGbSecond() * 1_000_000));
    }
    double worstTimeBound = Math.max((double) usd.get(NATIVE), (double) usd.get(JIT));
    notes.add(String.format(Locale.ROOT, "Target: under $%.2f per million time-bound codes: %s (native $%.2f, just-in-time $%.2f).",
        TARGET_USD_PER_MILLION, worstTimeBound < TARGET_USD_PER_MILLION ? "met" : "NOT met", usd.get(NATIVE), usd.get(JIT)));
    notes.add("Without Lambda duration (the noisiest figure on a shared machine; calls and units are exact): "
        + withoutDuration.entrySet().stream().map(e -> e.getKey() + " $" + e.getValue()).collect(Collectors.joining(", ")) + ".");
    notes.add(DesignFloor.note(prices, TARGET_USD_PER_MILLION, (double) withoutDuration.get(JIT)));
    notes.add("Counted: every DynamoDB, SQS and Scheduler SDK call the functions make (interceptor on the stack's clients), "
        + "DynamoDB units as DynamoDB Local reports them (ReturnConsumedCapacity=TOTAL on every request) except transactions, "
        + "which DynamoDB Local reports as one flat figure and which are priced from item sizes as DynamoDB bills them "
        + "(2 WCU per KB of each item, the larger of old and new), and reads DynamoDB Local reports below DynamoDB's minimum "
        + "(a Query or Scan that returns nothing, 0 there; a BatchGetItem's keys not found), which are billed at the minimum: "
        + "0.5 RCU a call (a BatchGetItem: a key) eventually consistent, 1 strongly consistent; a conditional write refused "
        + "by its condition (no units reported on an error) at the write units it would have consumed; one API Gateway "
        + "request per API call, one Scheduler invocation per fire (schedule create/delete calls are free), one Lambda "
        + "request per invocation plus its duration rounded up to 1 ms at template.yaml's memory.");
    notes.add("Assumption: SQS receives are billed as the local event source mapping makes them: one ReceiveMessage that "
        + "returns the message and one DeleteMessageBatch per batch (batches of one here; Lambda batches up to 10 when a lock "
        + "has several jobs waiting). Empty long polls of an idle queue are a fixed cost per queue, not per code ("
        + String.format(Locale.ROOT, "%.1f", idleReceivesPerSecond) + " per second with the local stack's 2 pollers), and are "
        + "left out.");
    notes.add("Not in the bill: calls on the sandbox's simulated lock memory (item LOCK#<device>; a real lock's memory is its "
        + "manufacturer's cloud) are counted apart, in sandbox_lock_memory of each step.");
    notes.add("Lambda durations are warm handler times in this JVM against DynamoDB Local and ElasticMQ (median of " + runs
        + " runs); real DynamoDB and SQS latencies differ, so read the GB-s column as an estimate.");
    int workerMb = steps.values().stream().filter(s -> s.name().endsWith("worker_set")).mapToInt(Step::memoryMb).findFirst()
        .orElse(1024);
    notes.add(lockLatencyNote(prices, workerMb));
    notes.addAll(extraNotes);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("steps", stepJson);
    json.put("usd_per_million", usd);
    json.put("usd_per_million_by_service", byService);
    json.put("usd_per_million_without_lambda_duration", withoutDuration);
    Map<String, Object> floor = new LinkedHashMap<>();
    for (int batch : new int[] {1, 10}) {
      DesignFloor f = new DesignFloor(batch);
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("usd_per_million", round(f.total(prices)));
      Map<String, Object> by = new LinkedHashMap<>();
      f.usdPerMillion(prices).forEach((k, v) -> by.put(k, round(v)));
      b.put("by_service", by);
      floor.put("jobs_per_receive_" + batch, b);
    }
    json.put("design_floor_time_bound_jit", floor);
    json.put("prices", prices);
    json.put("runs", runs);
    json.put("idle_receives_per_second", round(idleReceivesPerSecond));
    return new PartResult(List.of("lifecycle", "service", "calls/code", "units/code", "$ per million codes"), rows, json, notes);
  }

  /**
   * What the zero-latency sandbox leaves out: a real lock cloud keeps the worker waiting for each
   * operation, billed as duration at the worker's memory.
   */
  static String lockLatencyNote(PriceTable prices, int workerMb) {
    var august = dev.keyrack.domain.BrandProfile.forDeviceType("august_lock");
    var lockly = dev.keyrack.domain.BrandProfile.forDeviceType("lockly_lock");
    double perMs = workerMb / 1024.0 / 1000 * prices.lambdaPerGbSecond() * 1_000_000;
    return String.format(Locale.ROOT, "Left out by design of this run: the sandbox locks answer at once. A real lock cloud keeps "
        + "the worker waiting per operation (the sandbox brands' typical %d ms for August, %d ms for Lockly): at the "
        + "worker's %d MB that adds $%.2f to $%.2f per million lock operations (a time-bound code needs two); the worker "
        + "waits rather than computes, so a smaller memory size would cut that in proportion.",
        august.latencyMillis(), lockly.latencyMillis(), workerMb, august.latencyMillis() * perMs, lockly.latencyMillis() * perMs);
  }

  private static String units(PriceTable.ServiceCost c) {
    return switch (c.service()) {
      case "Lambda" -> String.format(Locale.ROOT, "%d inv, %.4f GB-s", c.calls(), c.units());
      case "DynamoDb" -> String.format(Locale.ROOT, "%.1f %s", c.units(), c.unitName());
      default -> String.format(Locale.ROOT, "%.0f %s", c.units(), c.unitName());
    };
  }

  private static String money(double usd) {
    return String.format(Locale.ROOT, "%.3f", usd);
  }

  private static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  /** Drives the three lifecycles, one step at a time, and turns what it counted into steps. */
  static final class Driver {
    private final BenchStack b;
    private final MutableClock clock;
    private final String api, programmer, worker;
    private final Device nativeLock, jitLock;
    /** API key reads made during the steps and kept out of them. */
    long apiKeyReadsLeftOut;

    Driver(BenchStack b, MutableClock clock) {
      this.b = b;
      this.clock = clock;
      this.api = b.apiFunction().id();
      this.programmer = b.programmerFunction().id();
      this.worker = b.workerFunction().id();
      this.nativeLock = lock("august_lock");
      this.jitLock = lock("lockly_lock");
    }

    private Device lock(String type) {
      return b.stack.devices().stream().filter(d -> d.deviceType().equals(type)).findFirst().orElseThrow();
    }

    Map<String, Step> runAll(int run) {
      Map<String, Step> out = new LinkedHashMap<>();
      out.putAll(nativeLifecycle(run));
      out.putAll(jitLifecycle(run));
      out.putAll(ongoingLifecycle(run));
      return out;
    }

    private Map<String, Step> ongoingLifecycle(int run) {
      Map<String, Step> out = new LinkedHashMap<>();
      UUID[] id = new UUID[1];
      out.putAll(phase(ONGOING, "create", Map.of(api, "create", worker, "set"),
          () -> id[0] = create(nativeLock, pin(run, 1), null, null),
          () -> status(id[0]) == CodeStatus.set));
      out.putAll(phase(ONGOING, "ends_at", Map.of(api, "delete", worker, "remove"),
          () -> b.post("/access_codes/delete", "{\"access_code_id\":\"" + id[0] + "\"}"),
          () -> b.code(id[0]) == null));
      return out;
    }

    private Map<String, Step> jitLifecycle(int run) {
      Map<String, Step> out = new LinkedHashMap<>();
      Instant start = clock.instant().plus(Duration.ofHours(2));
      Instant end = start.plus(Duration.ofHours(3));
      UUID[] id = new UUID[1];
      out.putAll(phase(JIT, "create", Map.of(api, "create"), () -> id[0] = create(jitLock, pin(run, 2), start, end),
          () -> true));
      out.putAll(phase(JIT, "program", Map.of(programmer, "program_fire", worker, "worker_set"),
          () -> clock.advance(Duration.ofHours(1)), () -> status(id[0]) == CodeStatus.set));
      out.putAll(phase(JIT, "ends_at", Map.of(programmer, "remove_fire", worker, "worker_remove"),
          () -> clock.advance(Duration.ofHours(4)), () -> b.code(id[0]) == null));
      return out;
    }

    private Map<String, Step> nativeLifecycle(int run) {
      Map<String, Step> out = new LinkedHashMap<>();
      Instant start = clock.instant().plus(Duration.ofDays(5));
      Instant end = start.plus(Duration.ofDays(2));
      UUID[] id = new UUID[1];
      out.putAll(phase(NATIVE, "create", Map.of(api, "create"), () -> id[0] = create(nativeLock, pin(run, 3), start, end),
          () -> true));
      out.putAll(phase(NATIVE, "program", Map.of(programmer, "preload_fire", worker, "worker_preload"),
          () -> clock.advance(Duration.ofDays(2)), () -> b.code(id[0]) != null && b.code(id[0]).scheduledOnDevice()));
      out.putAll(phase(NATIVE, "starts_at", Map.of(programmer, "activate_fire", worker, "worker_activate"),
          () -> clock.advance(Duration.ofDays(3)), () -> status(id[0]) == CodeStatus.set));
      out.putAll(phase(NATIVE, "ends_at", Map.of(programmer, "remove_fire", worker, "worker_remove"),
          () -> clock.advance(Duration.ofDays(2)), () -> b.code(id[0]) == null));
      return out;
    }

    private static String pin(int run, int lifecycle) {
      return String.valueOf(200_000 + run * 10 + lifecycle);
    }

    private CodeStatus status(UUID id) {
      AccessCode c = b.code(id);
      return c == null ? null : c.status();
    }

    private UUID create(Device d, String pin, Instant start, Instant end) {
      String window = start == null ? "" : ",\"starts_at\":\"" + start + "\",\"ends_at\":\"" + end + "\"";
      var r = b.post("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest\",\"code\":\"" + pin
          + "\"" + window + "}");
      String id = r.at("/access_code/access_code_id").asText();
      if (id.isEmpty()) throw new IllegalStateException("create failed: " + r);
      return UUID.fromString(id);
    }

    /**
     * One moment of a lifecycle: resets the counters, acts, waits for the expected state and for
     * the stack to go quiet, then makes one step per function that ran ({@code stepOf}: function id
     * to step name; calls made outside any invocation, the event source mapping's, go to the worker).
     */
    private Map<String, Step> phase(String lifecycle, String at, Map<String, String> stepOf, Runnable action,
                                    BooleanSupplier done) {
      b.quiesce(200);
      b.counter.reset();
      b.invocations.reset();
      action.run();
      BenchStack.await(lifecycle + " " + at, Duration.ofSeconds(30), done);
      b.quiesce(400);
      Map<String, AwsCallCounter.Tally> byTag = b.counter.snapshot();
      List<InvocationLog.Invocation> invs = b.invocations.finished();
      Map<String, AwsCallCounter.Tally> byFunction = new LinkedHashMap<>();
      byTag.forEach((tag, t) -> {
        // The API key's read lands in whichever request follows its container's cache expiry: kept out of the steps.
        apiKeyReadsLeftOut += t.reads(AwsCallCounter.API_KEY_READ).calls();
        byFunction.merge(tag.equals(AwsCallCounter.OUTSIDE) ? worker : tag, t.withoutApiKeyReads(), AwsCallCounter.Tally::plus);
      });
      invs.forEach(i -> byFunction.putIfAbsent(i.functionId(), AwsCallCounter.Tally.EMPTY));
      Map<String, Step> out = new LinkedHashMap<>();
      byFunction.forEach((fn, tally) -> {
        List<InvocationLog.Invocation> mine = invs.stream().filter(i -> i.functionId().equals(fn)).toList();
        if (mine.isEmpty() && tally.totalCalls() == 0) return; // only idle polls
        String name = lifecycle + "." + stepOf.getOrDefault(fn, at + "_" + fn);
        Map<String, Long> calls = new TreeMap<>(tally.calls());
        calls.remove(AwsCallCounter.IDLE_RECEIVE);
        if (!mine.isEmpty()) calls.put("Lambda.Invoke", (long) mine.size());
        long http = mine.stream().filter(i -> i.trigger() == Instrumentation.Trigger.HTTP_API).count();
        long fires = mine.stream().filter(i -> i.trigger() == Instrumentation.Trigger.SCHEDULE).count();
        if (http > 0) calls.put("ApiGateway.Request", http);
        if (fires > 0) calls.put("Scheduler.Invocation", fires);
        double ms = mine.stream().mapToLong(InvocationLog.Invocation::nanos).average().orElse(0) / 1e6;
        out.put(name, new Step(name, lifecycle, at, calls, tally.wcu(), tally.rcu(), fn, mine.size(), ms,
            b.function(fn).memoryMb(), new AwsCallCounter.Tally(tally.sandboxCalls(), tally.sandboxWcu(), tally.sandboxRcu(),
                Map.of(), 0, 0)));
      });
      return out;
    }
  }
}
