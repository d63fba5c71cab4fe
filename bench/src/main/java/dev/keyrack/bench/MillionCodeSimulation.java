package dev.keyrack.bench;

import dev.keyrack.bench.sim.AwsCallModel;
import dev.keyrack.bench.sim.AwsCallModel.Lifecycle;
import dev.keyrack.bench.sim.SimConfig;
import dev.keyrack.bench.sim.SimResult;
import dev.keyrack.bench.sim.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 5: a million time-bound codes over 100,000 locks in virtual time ({@code --quick}: 50,000
 * over 5,000), with injected failures and outages, through the project's own scheduling and retry
 * policies ({@link Simulation}). Prints the on-time rate, backups, retries, peaks and the peak
 * request rate per AWS service next to the documented default quotas, and the cost per million
 * codes from part 3 ({@code aws_calls}) when it ran before this part.
 *
 * <p>The seed is {@value #DEFAULT_SEED} unless the environment variable {@code KEYRACK_SIM_SEED} gives another.
 */
public final class MillionCodeSimulation implements Part {
  static final long DEFAULT_SEED = 20_270_104L;

  /** Documented default quotas (us-east-1). */
  static final long SCHEDULER_INVOCATIONS_PER_SECOND = 1_000;
  static final long SCHEDULER_SCHEDULES_PER_ACCOUNT = 1_000_000;
  static final long SQS_FIFO_CALLS_PER_SECOND_PER_ACTION = 300;
  static final long SQS_FIFO_BATCHED_MESSAGES_PER_SECOND = 3_000;
  static final long SQS_FIFO_HIGH_THROUGHPUT_PER_SECOND = 70_000;
  static final long LAMBDA_ACCOUNT_CONCURRENCY = 1_000;
  /** The account's HTTP API quota, compared with only when template.yaml sets no stage throttle. */
  static final long HTTP_API_REQUESTS_PER_SECOND = 10_000;
  /** A new on-demand table's initial throughput, and one partition's (DynamoDB's documented limits). */
  static final long DYNAMODB_ON_DEMAND_INITIAL_WRU = 4_000, DYNAMODB_ON_DEMAND_INITIAL_RRU = 12_000;
  static final long DYNAMODB_PARTITION_WRU = 1_000, DYNAMODB_PARTITION_RRU = 3_000;

  /** The HTTP API's stage throttle in template.yaml (DefaultRouteSettings), or null when it sets none. */
  record ApiThrottle(long ratePerSecond, long burst) {}

  static ApiThrottle apiThrottle(Path repo) {
    Path template = repo.resolve("template.yaml");
    try {
      if (!Files.exists(template)) return null;
      var t = dev.keyrack.local.Template.load(template);
      for (String id : t.resourcesOfType("AWS::Serverless::HttpApi").keySet()) {
        if (t.properties(id).get("DefaultRouteSettings") instanceof Map<?, ?> route
            && route.get("ThrottlingRateLimit") instanceof Number rate) {
          return new ApiThrottle(rate.longValue(), route.get("ThrottlingBurstLimit") instanceof Number b ? b.longValue() : 0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no readable throttle: the caller compares with the account quota
    }
    return null;
  }

  @Override
  public String key() {
    return "simulation";
  }

  @Override
  public String title() {
    return "A million time-bound codes in virtual time";
  }

  @Override
  public PartResult run(BenchContext context) throws IOException {
    List<String> notes = new ArrayList<>();
    long seed = seed();
    int workers = workerConcurrency(context.repo(), notes);
    int batch = workerBatchSize(context.repo(), notes);
    int workerMb = workerMemoryMb(context.repo(), notes);
    SimConfig base = context.quick() ? SimConfig.quick(seed) : SimConfig.million(seed);
    SimConfig cfg = base.withLimits(workers, batch, (int) SCHEDULER_INVOCATIONS_PER_SECOND);
    AwsCallModel model = callModel(context, notes);
    ApiThrottle throttle = apiThrottle(context.repo());
    long apiLimit = throttle == null ? HTTP_API_REQUESTS_PER_SECOND : throttle.ratePerSecond();
    if (throttle == null) {
      notes.add("No ThrottlingRateLimit on the HTTP API in template.yaml: its peak is compared with the account's "
          + fmt(HTTP_API_REQUESTS_PER_SECOND) + " requests/s.");
    }

    context.progress("simulating %,d codes over %,d locks (seed %d, %d worker invocations at once)", cfg.codes(), cfg.locks(),
        seed, workers);
    long t0 = System.nanoTime();
    SimResult r = new Simulation(cfg, model, workerMb, null, (day, events) -> {
      if (day % 10 == 0) context.progress("virtual day %d: %,d events, %.1f s", day, events, (System.nanoTime() - t0) / 1e9);
    }).run();

    double nativeShare = r.nativeShare();
    Double usdNative = model.usdPerMillion().get(Lifecycle.time_bound_native);
    Double usdJit = model.usdPerMillion().get(Lifecycle.time_bound_jit);
    Double usdPerMillion = usdNative == null || usdJit == null ? null : nativeShare * usdNative + (1 - nativeShare) * usdJit;

    List<List<String>> rows = new ArrayList<>();
    rows.add(row("seed", String.valueOf(r.seed()), "", ""));
    rows.add(row("codes / locks", fmt(r.codes()) + " / " + fmt(r.locks()), "", ""));
    rows.add(row("native (preload+activate) / just-in-time", pct(nativeShare) + " / " + pct(1 - nativeShare), "", ""));
    rows.add(row("virtual days simulated", String.format(Locale.ROOT, "%.1f (last removal on a working lock: day %.1f)",
        r.virtualDays(), r.lastLiveRemovalDay()), "", ""));
    rows.add(row("on the lock by starts_at (on-time rate)", fmt(r.onTime()) + " (" + pct(r.onTimeRate()) + ")", "", ""));
    rows.add(row("on-time rate on locks not offline for good", pct(r.onTimeRateOnLiveLocks()) + " ("
        + fmt(r.codesOnDeadLocks()) + " codes are on dead locks)", "", ""));
    rows.add(row("reached the lock late", fmt(r.setLate()) + " (latest " + duration(r.maxLateSeconds()) + " after)", "", ""));
    rows.add(row("never set before ends_at", fmt(r.neverSet()) + " (" + fmt(r.neverSetCovered()) + " covered by a backup)", "", ""));
    rows.add(row("backups pulled", fmt(r.backupsPulled()) + " (" + fmt(r.backupsPulledBeforeStart()) + " before starts_at; "
        + fmt(r.backupPoolEmpty()) + " found the pool empty)", "", ""));
    rows.add(row("retries (failed attempts retried)", fmt(r.retries()), "", ""));
    rows.add(row("failed_to_set reported / delay warnings", fmt(r.setFailuresReported()) + " / " + fmt(r.delayWarningsReported()), "", ""));
    rows.add(row("jobs refreshed (a fresh copy after 100 receives) / removals never done", fmt(r.freshCopies()) + " / "
        + fmt(r.removalsNotDone()), "", ""));
    rows.add(row("still retrying at the end: locks offline for good / their jobs", fmt(r.stuckLocks()) + " / "
        + fmt(r.stuckMessages()) + String.format(Locale.ROOT, " (%.0f retries a day, $%.4f a day, at the long-haul pace)",
        r.stuckRetriesPerDay(), r.stuckUsdPerDay()), "", ""));
    rows.add(row("provider calls", fmt(r.providerCalls()), "", ""));
    rows.add(row("peak pending schedules", fmt(r.peakPendingSchedules()), fmt(SCHEDULER_SCHEDULES_PER_ACCOUNT) + " schedules/account",
        ratio(r.peakPendingSchedules(), SCHEDULER_SCHEDULES_PER_ACCOUNT)));
    rows.add(row("peak queue depth (messages in the FIFO queue)", fmt(r.peakQueueDepth()), "", ""));
    rows.add(row("peak locks waiting for a worker", fmt(r.peakLocksWaiting()) + " (longest wait " + duration(r.maxWorkerWaitSeconds()) + ")", "", ""));
    rows.add(row("worker invocations / messages carried out (mean per invocation)", fmt(r.workerInvocations()) + " / "
        + fmt(r.workerMessages()) + String.format(Locale.ROOT, " (%.2f; at most %d, one per lock, at once)", r.meanBatchSize(),
        cfg.batchSize()), "", ""));
    rows.add(row("peak worker invocations at once", fmt(r.peakWorkersBusy()),
        workers + " MaximumConcurrency; " + fmt(LAMBDA_ACCOUNT_CONCURRENCY) + " account", ratio(r.peakWorkersBusy(), workers)));
    rows.add(row("peak Scheduler invocations due /s", fmt(r.peakFireDemandPerSecond()), fmt(SCHEDULER_INVOCATIONS_PER_SECOND) + "/s",
        ratio(r.peakFireDemandPerSecond(), SCHEDULER_INVOCATIONS_PER_SECOND)));
    rows.add(row("fires delayed by that quota", fmt(r.firesDelayed()) + " (longest " + duration(r.maxFireDelaySeconds()) + ")", "", ""));
    // Every SQS action against the FIFO quotas, which are per action: 300 calls/s, 3,000 messages/s
    // batched, 70,000 messages/s in high-throughput mode. A SendMessage or ChangeMessageVisibility
    // carries one message; a receive and its DeleteMessageBatch carry a worker invocation's batch.
    // The call quota is compared with calls, the message quotas with messages.
    for (Map.Entry<String, SimResult.ServiceRate> e : sqsActions(r).entrySet()) {
      double peak = e.getValue().peakPerSecond();
      double messages = peakMessagesPerSecond(r, e.getKey(), peak);
      boolean batched = messages != peak;
      rows.add(row("peak " + e.getKey() + " /s (" + (batched ? "calls / messages" : "calls = messages") + ")",
          fmt(Math.round(peak)) + (batched ? " / " + fmt(Math.round(messages)) : ""),
          SQS_FIFO_CALLS_PER_SECOND_PER_ACTION + " calls/s; " + fmt(SQS_FIFO_BATCHED_MESSAGES_PER_SECOND) + " msgs/s batched; "
              + fmt(SQS_FIFO_HIGH_THROUGHPUT_PER_SECOND) + " msgs/s high throughput",
          ratio(peak, SQS_FIFO_CALLS_PER_SECOND_PER_ACTION) + "; " + ratio(messages, SQS_FIFO_BATCHED_MESSAGES_PER_SECOND) + "; "
              + ratio(messages, SQS_FIFO_HIGH_THROUGHPUT_PER_SECOND)));
    }
    for (Map.Entry<String, SimResult.ServiceRate> e : r.services().entrySet()) {
      // Only the HTTP API has a per-service request quota; the others' quotas are per action or in other units (above).
      boolean api = e.getKey().equals("ApiGateway");
      String apiQuota = throttle == null ? fmt(HTTP_API_REQUESTS_PER_SECOND) + "/s HTTP API (account)"
          : fmt(throttle.ratePerSecond()) + "/s stage throttle, burst " + fmt(throttle.burst()) + " (template.yaml)";
      rows.add(row("peak " + e.getKey() + " requests /s, all actions (" + String.format(Locale.ROOT, "%.1f", e.getValue().total() / r.codes())
              + " per code)", fmt(Math.round(e.getValue().peakPerSecond())), api ? apiQuota : "",
          api ? ratio(e.getValue().peakPerSecond(), apiLimit) : ""));
    }
    rows.add(row("peak DynamoDB write units /s (WRU)", fmt(Math.round(r.peakWriteUnitsPerSecond())),
        fmt(DYNAMODB_ON_DEMAND_INITIAL_WRU) + " WRU/s new on-demand table; " + fmt(DYNAMODB_PARTITION_WRU) + " per partition",
        ratio(r.peakWriteUnitsPerSecond(), DYNAMODB_ON_DEMAND_INITIAL_WRU) + "; " + ratio(r.peakWriteUnitsPerSecond(), DYNAMODB_PARTITION_WRU)));
    rows.add(row("peak DynamoDB read units /s (RRU)", fmt(Math.round(r.peakReadUnitsPerSecond())),
        fmt(DYNAMODB_ON_DEMAND_INITIAL_RRU) + " RRU/s new on-demand table; " + fmt(DYNAMODB_PARTITION_RRU) + " per partition",
        ratio(r.peakReadUnitsPerSecond(), DYNAMODB_ON_DEMAND_INITIAL_RRU) + "; " + ratio(r.peakReadUnitsPerSecond(), DYNAMODB_PARTITION_RRU)));
    rows.add(row("happy-path cost per million codes (" + (model.measured() ? "part 3" : "default estimate") + ", this mix)",
        usdPerMillion == null ? "n/a" : usd(usdPerMillion), "", ""));
    rows.add(row("lifecycle steps as simulated (" + fmt(r.dueAtCreate()) + " due at create, "
        + fmt(r.activationsRecorded()) + " activations without the worker, " + fmt(r.newCodeClaimReads())
        + " fires reading a new code's PIN claim)", usd(r.stepUsdPerMillion()), "", ""));
    rows.add(row("+ retries, delay reports, backups, dropped fires, activations and removals of codes never set "
        + "(estimated calls, price table)", usd(r.extraUsdPerMillion()), "", ""));
    rows.add(row(String.format(Locale.ROOT, "+ worker invocations: a receive, a request, a delete each (%.2f messages each)",
        r.meanBatchSize()), usd(r.invocationUsdPerMillion()), "", ""));
    rows.add(row(String.format(Locale.ROOT, "+ worker duration as simulated (store time and lock latency, %.1f ms billed per "
        + "invocation @ %d MB)", r.meanWorkerBilledMs(), r.workerMemoryMb()), usd(r.workerDurationUsdPerMillion()), "", ""));
    rows.add(row("= cost per million codes as simulated", usd(r.usdPerMillion()), "", ""));
    rows.add(row("wall time of the simulation", String.format(Locale.ROOT, "%.1f s (%,d events)", r.wallSeconds(), r.events()), "", ""));

    notes.add("Seed " + seed + " (set KEYRACK_SIM_SEED for another run); the same seed gives the same figures.");
    notes.add(String.format(Locale.ROOT, "Failures injected: %.0f%% of provider calls fail transiently, %.0f%% of locks have a %d-%d h "
            + "outage on any day, %.1f%% of locks are offline for good; half the pool-capable locks have a pool of %d.",
        cfg.transientFailureRate() * 100, cfg.outageRatePerLockDay() * 100, cfg.outageMinHours(), cfg.outageMaxHours(),
        cfg.deadLockShare() * 100, cfg.backupPoolSize()));
    notes.add("Starts and ends fall on the homes' check-in/check-out hours (few distinct instants), so fires come in bursts: "
        + "peaks are per 1-second virtual bucket; fires over the Scheduler quota are delayed to the next second.");
    notes.add(String.format(Locale.ROOT, "Jobs on locks that are offline for good retry for ever, as the worker does: every %d "
        + "receives a fresh copy goes to the end of the lock's queue carrying the attempts so far, and after %d failed attempts "
        + "(about a day) the retry policy waits %s between tries instead of %s. They make most of the retries; the run stops "
        + "once every code on a working lock is removed, and what still retries then is counted with its cost a day.",
        dev.keyrack.domain.DeviceOperation.FRESH_COPY_AFTER, dev.keyrack.domain.RetryPolicy.LONG_HAUL_AFTER,
        cfg.retry().longHaul(), cfg.retry().max()));
    if (model.steps().stream().anyMatch(AwsCallModel.Step::onWorker)) {
      notes.add("Per-service rates: the api's and programmer's calls count in the second the code is created or its moment "
          + "fires; the worker's receive and request in the second its invocation starts, its operations' calls and its "
          + "delete in the second the invocation ends (paced by its concurrency).");
    } else {
      notes.add("Per-service rates: no step is marked as the worker's, so all of a step's calls count in the second its "
          + "moment fires; the worker's share really follows, paced by its concurrency, so the peaks are upper bounds.");
    }
    notes.add(String.format(Locale.ROOT, "Worker batches (template.yaml BatchSize %d): a free worker invocation takes the first "
        + "message of up to %d waiting locks in one receive and carries them out at once (ProviderWorkerHandler: a thread "
        + "per lock); its messages are deleted in one DeleteMessageBatch when the slowest is done, and each is judged then. "
        + "Part 3's worker steps (one message per receive there) carry a receive, a request and a delete each; here those "
        + "are taken out of the steps and extras and counted once per invocation (%.2f messages each on average; the "
        + "queue backs up at check-in and check-out hours); so is the worker's duration (below). A receive takes "
        + "only the first message of each lock here; a real one can also bring a lock's next messages (run in order, or "
        + "handed back at once behind a retry, a release not priced here), so invocations are somewhat overcounted for locks "
        + "with a queue.",
        cfg.batchSize(), cfg.batchSize(), r.meanBatchSize()));
    notes.add(String.format(Locale.ROOT, "Worker duration as simulated: each worker invocation is billed for its slowest "
        + "operation, rounded up to 1 ms, at the worker's %d MB (template.yaml): %d ms for the store's reads and writes, "
        + "plus, when the operation calls the lock, the lock cloud's latency (its brand's typical latency in BrandProfile "
        + "x 0.5 to 1.5); %.1f ms per invocation on average, $%.2f per million codes. It replaces the worker steps' part-3 "
        + "durations (warm handler times against sandbox locks that answer at once) and the extras' assumed worker time, "
        + "which are taken out of the steps' and extras' dollars; the programmer's and api's durations stay as measured. "
        + "Not covered: cold starts, and retries' waits (a failed call is billed like a successful one).",
        r.workerMemoryMb(), Simulation.STORE_MS, r.meanWorkerBilledMs(), r.workerDurationUsdPerMillion()));
    if (r.peakPendingSchedules() > SCHEDULER_SCHEDULES_PER_ACCOUNT / 2) {
      notes.add(String.format(Locale.ROOT, "Pending schedules peak at %s, %.0f%% of the default 1,000,000 schedules per account: "
          + "a fleet this size needs a quota increase or fewer schedules per code.", fmt(r.peakPendingSchedules()),
          100.0 * r.peakPendingSchedules() / SCHEDULER_SCHEDULES_PER_ACCOUNT));
    }
    if (r.backupsPulled() > 0) {
      notes.add("Backups are pulled by BackupPolicy: for a set failing for good once its start is less than an hour away ("
          + fmt(r.backupsPulledBeforeStart()) + " of " + fmt(r.backupsPulled()) + " before starts_at); a preload failing days "
          + "ahead keeps retrying without spending the pool.");
    }
    if (r.peakFireDemandPerSecond() > SCHEDULER_INVOCATIONS_PER_SECOND) {
      notes.add(String.format(Locale.ROOT, "Scheduler quota exceeded at peaks: %s fires due in one second (%.1fx the 1,000/s quota); "
              + "delayed by at most %s here. Spreading moments (a flexible window or jitter) or a quota increase would avoid it.",
          fmt(r.peakFireDemandPerSecond()), r.peakFireDemandPerSecond() / (double) SCHEDULER_INVOCATIONS_PER_SECOND,
          duration(r.maxFireDelaySeconds())));
    }
    List<String> over = sqsActions(r).entrySet().stream()
        .filter(e -> e.getValue().peakPerSecond() > SQS_FIFO_CALLS_PER_SECOND_PER_ACTION).map(Map.Entry::getKey).toList();
    if (!over.isEmpty()) {
      notes.add(String.join(", ", over) + " peak above the 300/s per-action FIFO quota: the queue needs high-throughput mode, "
          + "which template.yaml sets (FifoThroughputLimit: perMessageGroupId, DeduplicationScope: messageGroup).");
    }
    notes.add(String.format(Locale.ROOT, "DynamoDB: the peaks of %,d WRU/s and %,d RRU/s (the steps' and extras' units in one "
        + "virtual second; the sweeps' reads, spread over each code's stored days, are left out) are %.2fx and %.2fx a new "
        + "on-demand table's initial %,d WRU/s and %,d RRU/s, and %.2fx and %.2fx one partition's %,d WRU/s and %,d RRU/s. "
        + "Risk, not modelled here: every item of a workspace shares the partition key WS#<workspace> (DynamoStore), and "
        + "events' sort keys are time-ordered (EVENT#<uuid v7>), so a fleet in one workspace is one item collection whose "
        + "throughput is what DynamoDB's split-for-heat can give a single partition key, with new events always written "
        + "at the end of its range; this simulation has no figure for that.",
        Math.round(r.peakWriteUnitsPerSecond()), Math.round(r.peakReadUnitsPerSecond()),
        r.peakWriteUnitsPerSecond() / DYNAMODB_ON_DEMAND_INITIAL_WRU, r.peakReadUnitsPerSecond() / DYNAMODB_ON_DEMAND_INITIAL_RRU,
        DYNAMODB_ON_DEMAND_INITIAL_WRU, DYNAMODB_ON_DEMAND_INITIAL_RRU,
        r.peakWriteUnitsPerSecond() / DYNAMODB_PARTITION_WRU, r.peakReadUnitsPerSecond() / DYNAMODB_PARTITION_RRU,
        DYNAMODB_PARTITION_WRU, DYNAMODB_PARTITION_RRU));
    if (r.codesOnDeadLocks() > 0) {
      notes.add("On a lock offline for good, the first stuck job blocks the lock's FIFO group until it is refreshed (sent again "
          + "behind the others), so later codes of that lock wait their turn to fail.");
    }
    long violations = r.invariantViolations().values().stream().mapToLong(Long::longValue).sum();
    if (violations > 0) notes.add("INVARIANT VIOLATIONS: " + r.invariantViolations());

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("seed", seed);
    json.put("codes", r.codes());
    json.put("locks", r.locks());
    json.put("native_share", nativeShare);
    json.put("virtual_days", r.virtualDays());
    json.put("last_removal_on_working_lock_day", r.lastLiveRemovalDay());
    json.put("on_time", r.onTime());
    json.put("on_time_rate", r.onTimeRate());
    json.put("codes_on_dead_locks", r.codesOnDeadLocks());
    json.put("on_time_rate_on_live_locks", r.onTimeRateOnLiveLocks());
    json.put("set_late", r.setLate());
    json.put("max_late_seconds", r.maxLateSeconds());
    json.put("never_set", r.neverSet());
    json.put("never_set_covered_by_backup", r.neverSetCovered());
    json.put("backups_pulled", r.backupsPulled());
    json.put("backups_pulled_before_starts_at", r.backupsPulledBeforeStart());
    json.put("backup_pool_empty", r.backupPoolEmpty());
    json.put("retries", r.retries());
    json.put("set_failures_reported", r.setFailuresReported());
    json.put("delay_warnings_reported", r.delayWarningsReported());
    json.put("dead_lettered", r.deadLettered());
    json.put("fresh_copies", r.freshCopies());
    json.put("still_retrying_at_end", Map.of("locks", r.stuckLocks(), "jobs", r.stuckMessages(),
        "retries_per_day", r.stuckRetriesPerDay(), "usd_per_day", r.stuckUsdPerDay()));
    json.put("removals_never_done", r.removalsNotDone());
    json.put("provider_calls", r.providerCalls());
    json.put("scheduler_invocations", r.fires());
    json.put("peak_pending_schedules", r.peakPendingSchedules());
    json.put("peak_queue_depth", r.peakQueueDepth());
    json.put("peak_locks_waiting_for_worker", r.peakLocksWaiting());
    json.put("max_wait_for_worker_seconds", r.maxWorkerWaitSeconds());
    json.put("peak_workers_busy", r.peakWorkersBusy());
    json.put("worker_batch_size", cfg.batchSize());
    json.put("worker_invocations", r.workerInvocations());
    json.put("worker_messages", r.workerMessages());
    json.put("worker_mean_batch", r.meanBatchSize());
    json.put("worker_concurrency", workers);
    json.put("fires_delayed_by_quota", r.firesDelayed());
    json.put("max_fire_delay_seconds", r.maxFireDelaySeconds());
    Map<String, Object> peaks = new LinkedHashMap<>();
    peaks.put("Scheduler.Invocation", quota(r.peakFireDemandPerSecond(), SCHEDULER_INVOCATIONS_PER_SECOND));
    sqsActions(r).forEach((op, rate) -> {
      Map<String, Object> q = quota(rate.peakPerSecond(), SQS_FIFO_CALLS_PER_SECOND_PER_ACTION);
      double messages = peakMessagesPerSecond(r, op, rate.peakPerSecond());
      q.put("peak_messages", messages);
      q.put("quota_fifo_batched_messages", SQS_FIFO_BATCHED_MESSAGES_PER_SECOND);
      q.put("ratio_fifo_batched_messages", messages / SQS_FIFO_BATCHED_MESSAGES_PER_SECOND);
      q.put("quota_high_throughput", SQS_FIFO_HIGH_THROUGHPUT_PER_SECOND);
      q.put("ratio_high_throughput", messages / SQS_FIFO_HIGH_THROUGHPUT_PER_SECOND);
      peaks.put(op, q);
    });
    peaks.put("pending_schedules", quota(r.peakPendingSchedules(), SCHEDULER_SCHEDULES_PER_ACCOUNT));
    peaks.put("worker_concurrency", quota(r.peakWorkersBusy(), workers));
    r.services().forEach((svc, rate) -> {
      if (svc.equals("ApiGateway")) {
        Map<String, Object> q = quota(rate.peakPerSecond(), apiLimit);
        q.put("quota_source", throttle == null ? "account HTTP API quota" : "template.yaml stage throttle");
        if (throttle != null) q.put("burst", throttle.burst());
        peaks.put("ApiGateway.Request", q);
      }
    });
    Map<String, Object> wru = quota(r.peakWriteUnitsPerSecond(), DYNAMODB_ON_DEMAND_INITIAL_WRU);
    wru.put("partition_quota", DYNAMODB_PARTITION_WRU);
    wru.put("partition_ratio", r.peakWriteUnitsPerSecond() / DYNAMODB_PARTITION_WRU);
    peaks.put("DynamoDb.WriteUnits", wru);
    Map<String, Object> rru = quota(r.peakReadUnitsPerSecond(), DYNAMODB_ON_DEMAND_INITIAL_RRU);
    rru.put("partition_quota", DYNAMODB_PARTITION_RRU);
    rru.put("partition_ratio", r.peakReadUnitsPerSecond() / DYNAMODB_PARTITION_RRU);
    peaks.put("DynamoDb.ReadUnits", rru);
    json.put("peaks", peaks);
    Map<String, Object> services = new LinkedHashMap<>();
    r.services().forEach((k, v) -> {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("peak_per_second", v.peakPerSecond());
      s.put("total", v.total());
      s.put("per_code", v.total() / r.codes());
      services.put(k, s);
    });
    json.put("services", services);
    Map<String, Object> operations = new LinkedHashMap<>();
    r.operations().forEach((k, v) -> operations.put(k, Map.of("peak_per_second", v.peakPerSecond(), "total", v.total(),
        "per_code", v.total() / r.codes())));
    json.put("operations", operations);
    json.put("due_at_create", r.dueAtCreate());
    json.put("activations_recorded_by_programmer", r.activationsRecorded());
    json.put("fires_reading_a_new_codes_pin_claim", r.newCodeClaimReads());
    json.put("call_model", model.measured() ? "measured (aws_calls)" : "default estimate");
    if (usdPerMillion != null) json.put("usd_per_million_codes", usdPerMillion);
    json.put("usd_per_million_codes_steps_as_simulated", r.stepUsdPerMillion());
    json.put("usd_per_million_codes_retries_and_backups_estimated", r.extraUsdPerMillion());
    json.put("usd_per_million_codes_worker_invocations", r.invocationUsdPerMillion());
    json.put("usd_per_million_codes_worker_duration", r.workerDurationUsdPerMillion());
    json.put("worker_duration", Map.of("memory_mb", r.workerMemoryMb(), "billed_ms_per_invocation", r.meanWorkerBilledMs(),
        "store_ms", Simulation.STORE_MS));
    json.put("usd_per_million_codes_as_simulated", r.usdPerMillion());
    json.put("invariant_violations", r.invariantViolations());
    json.put("events", r.events());
    json.put("wall_seconds", r.wallSeconds());
    return new PartResult(List.of("figure", "value", "default quota", "ratio"), rows, json, notes);
  }

  /**
   * Peak messages per second of an SQS action: the worker's receives and deletes carry a batch each
   * (the simulation counts their messages); every other action carries one message a call.
   */
  static double peakMessagesPerSecond(SimResult r, String action, double peakCalls) {
    return switch (action) {
      case "Sqs.ReceiveMessage" -> Math.max(peakCalls, r.peakReceivedMessagesPerSecond());
      case "Sqs.DeleteMessageBatch" -> Math.max(peakCalls, r.peakDeletedMessagesPerSecond());
      default -> peakCalls;
    };
  }

  /** The SQS actions the run made (every {@code Sqs.*} operation with calls), by peak calls per second. */
  static Map<String, SimResult.ServiceRate> sqsActions(SimResult r) {
    Map<String, SimResult.ServiceRate> out = new LinkedHashMap<>();
    r.operations().forEach((op, rate) -> {
      if (op.startsWith("Sqs.") && rate.total() > 0) out.put(op, rate);
    });
    return out;
  }

  private static long seed() {
    String s = System.getenv("KEYRACK_SIM_SEED");
    return s == null || s.isBlank() ? DEFAULT_SEED : Long.parseLong(s.trim());
  }

  /** The provider worker's MaximumConcurrency from template.yaml (50 if not found). */
  static int workerConcurrency(Path repo, List<String> notes) throws IOException {
    return templateInt(repo, "MaximumConcurrency", 50, notes, "worker invocations at once");
  }

  /** The provider worker's BatchSize from template.yaml (10 if not found). */
  static int workerBatchSize(Path repo, List<String> notes) throws IOException {
    return templateInt(repo, "BatchSize", 10, notes, "messages per worker invocation");
  }

  /** The provider worker's MemorySize from template.yaml (with Globals), {@value Simulation#DEFAULT_WORKER_MEMORY_MB} if not found. */
  static int workerMemoryMb(Path repo, List<String> notes) {
    Path template = repo.resolve("template.yaml");
    try {
      if (Files.exists(template)) return dev.keyrack.local.Template.load(template).function(WORKER_FUNCTION).memoryMb();
    } catch (IOException | RuntimeException e) {
      // a template without the worker: the fallback below
    }
    notes.add("No " + WORKER_FUNCTION + " MemorySize in template.yaml; assumed " + Simulation.DEFAULT_WORKER_MEMORY_MB
        + " MB for the worker's duration.");
    return Simulation.DEFAULT_WORKER_MEMORY_MB;
  }

  static final String WORKER_FUNCTION = "ProviderWorkerFunction";

  /** The first {@code key: <number>} of template.yaml (the worker's SQS event is the only one with these keys). */
  private static int templateInt(Path repo, String key, int fallback, List<String> notes, String what) throws IOException {
    Path template = repo.resolve("template.yaml");
    if (Files.exists(template)) {
      Matcher m = Pattern.compile(key + ":\\s*(\\d+)").matcher(Files.readString(template));
      if (m.find()) return Integer.parseInt(m.group(1));
    }
    notes.add("No " + key + " in template.yaml; assumed " + fallback + " " + what + ".");
    return fallback;
  }

  private static AwsCallModel callModel(BenchContext context, List<String> notes) {
    PartResult awsCalls = context.results().get("aws_calls");
    if (awsCalls != null) {
      try {
        AwsCallModel m = AwsCallModel.fromJson(awsCalls.json());
        notes.add("AWS requests per step and their dollars are part 3's measurement (aws_calls); retries, delay reports, "
            + "backups and dropped fires are estimated calls (AwsCallModel.EXTRAS) priced from the checked-in price table.");
        return m;
      } catch (IllegalArgumentException e) {
        notes.add("aws_calls ran but its JSON could not be read (" + e.getMessage() + "); using the default call model.");
      }
    }
    notes.add("AWS requests per step and the cost come from the default call model in AwsCallModel (an estimate read off "
        + "the adapters), not from a measurement: run with --parts aws_calls,simulation for measured figures.");
    return AwsCallModel.DEFAULT;
  }

  private static Map<String, Object> quota(double peak, long quota) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peak", peak);
    m.put("quota", quota);
    m.put("ratio", peak / quota);
    return m;
  }

  private static List<String> row(String figure, String value, String quota, String ratio) {
    return List.of(figure, value, quota, ratio);
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.3f%%", share * 100);
  }

  private static String ratio(double value, long quota) {
    return String.format(Locale.ROOT, "%.3f", value / quota);
  }

  private static String usd(double dollars) {
    return String.format(Locale.ROOT, "$%.2f", dollars);
  }

  private static String duration(long seconds) {
    if (seconds < 120) return seconds + " s";
    if (seconds < 7200) return (seconds / 60) + " min";
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
  }
}
