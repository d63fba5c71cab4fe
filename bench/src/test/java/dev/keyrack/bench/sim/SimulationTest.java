package dev.keyrack.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.domain.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulation's invariants at a small scale (2,000 codes over 200 locks). */
class SimulationTest {
  private static final SimConfig SMALL = SimConfig.realistic(42, 2_000, 200);
  private static final SimConfig NO_FAILURES = SMALL.withFailures(0, 0, 0);
  /** Far more failure than real life, so that every failure path runs in a small run. */
  private static final SimConfig HARSH = SMALL.withFailures(0.2, 0.3, 0.05);

  private static SimResult run(SimConfig cfg) {
    return new Simulation(cfg, AwsCallModel.DEFAULT, null, null).run();
  }

  private static void assertNoViolations(SimResult r) {
    assertThat(r.invariantViolations()).isNotEmpty().allSatisfy((name, count) -> assertThat(count).as(name).isZero());
  }

  @Test
  void withoutFailuresEveryCodeIsOnItsLockByItsStart() {
    SimResult r = run(NO_FAILURES);

    assertThat(r.onTime()).isEqualTo(2_000);
    assertThat(r.setLate()).isZero();
    assertThat(r.neverSet()).isZero();
    assertThat(r.retries()).isZero();
    assertThat(r.backupsPulled()).isZero();
    assertThat(r.deadLettered()).isZero();
    assertThat(r.removalsNotDone()).isZero();
    assertThat(r.stuckLocks()).isZero();
    assertThat(r.freshCopies()).isZero();
    assertThat(r.nativeCodes()).isPositive();
    assertThat(r.jitCodes()).isPositive();
    assertNoViolations(r);
  }

  @Test
  void failuresAreRetriedReportedAndPullBackups() {
    SimResult r = run(HARSH);

    assertThat(r.retries()).isPositive();
    assertThat(r.delayWarningsReported()).isPositive();
    assertThat(r.setFailuresReported()).isPositive();
    assertThat(r.backupsPulled()).isPositive();
    assertThat(r.codesOnDeadLocks()).isPositive();
    assertThat(r.neverSet()).isPositive();
    assertThat(r.onTime() + r.setLate() + r.neverSet()).isEqualTo(r.codes());
    // Locks offline for good retry for ever, as the worker does: refreshed jobs, and at the end a daily
    // cost at the long-haul pace (the run stops once the working locks are done).
    assertThat(r.freshCopies()).isPositive();
    assertThat(r.deadLettered()).isZero();
    assertThat(r.stuckLocks()).isPositive().isLessThanOrEqualTo(r.stuckMessages());
    assertThat(r.stuckRetriesPerDay()).isEqualTo(r.stuckLocks() * 24.0 * 3600 / HARSH.retry().longHaul().toSeconds());
    assertThat(r.stuckUsdPerDay()).isPositive();
    assertNoViolations(r);
  }

  @Test
  void theProjectsRetryPolicyDecidesWhenFailuresAreReported() {
    RetryPolicy patient = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(15), 10_000, 10_000);

    SimResult r = run(HARSH.withRetry(patient));

    assertThat(r.retries()).isPositive();
    assertThat(r.delayWarningsReported()).isZero();
    assertThat(r.setFailuresReported()).isZero();
    assertThat(r.backupsPulled()).isZero();
  }

  @Test
  void noLockEverRunsTwoOperationsAtOnceAndRemovalsNeverPrecedeActivations() {
    Recorder rec = new Recorder();
    SimResult r = new Simulation(HARSH, AwsCallModel.DEFAULT, rec, null).run();

    assertThat(rec.calls).hasSizeGreaterThan(1_000);
    // Per lock: each operation ends before the next one starts.
    Map<Integer, Long> lockBusyUntil = new HashMap<>();
    for (Call c : rec.calls) {
      assertThat(c.startMs).as("lock %d", c.lock).isGreaterThanOrEqualTo(lockBusyUntil.getOrDefault(c.lock, Long.MIN_VALUE));
      assertThat(c.endMs).isGreaterThanOrEqualTo(c.startMs);
      lockBusyUntil.put(c.lock, c.endMs);
    }
    // Per code: a removal is never before starts_at, nothing is set once it is removed, and each code ends up removed.
    Map<Integer, Long> removedAt = new HashMap<>();
    for (Call c : rec.calls) {
      if (!c.ok || c.code >= HARSH.codes()) continue;
      if (c.set) {
        assertThat(removedAt).as("code %d set after its removal", c.code).doesNotContainKey(c.code);
      } else {
        assertThat(c.endMs).as("code %d removed before its start", c.code).isGreaterThanOrEqualTo(rec.startsMs.get(c.code));
        removedAt.put(c.code, c.endMs);
      }
    }
    assertThat(removedAt).hasSize(HARSH.codes() - r.removalsNotDone());
    assertNoViolations(r);
  }

  @Test
  void withoutFailuresEachCodeReachesItsLockBeforeItsStart() {
    Recorder rec = new Recorder();
    new Simulation(NO_FAILURES, AwsCallModel.DEFAULT, rec, null).run();

    Map<Integer, Long> firstSet = new HashMap<>();
    for (Call c : rec.calls) {
      assertThat(c.ok).isTrue();
      if (c.set) firstSet.putIfAbsent(c.code, c.endMs);
    }
    assertThat(firstSet).hasSize(NO_FAILURES.codes());
    firstSet.forEach((code, at) -> assertThat(at).as("code %d", code).isLessThanOrEqualTo(rec.startsMs.get(code)));
  }

  @Test
  void theSameSeedGivesTheSameFiguresAndAnotherSeedOthers() {
    SimResult a = run(HARSH);
    SimResult b = run(HARSH);
    SimResult other = run(new SimConfig(7, HARSH.codes(), HARSH.locks(), HARSH.bookingDays(), HARSH.minLeadHours(),
        HARSH.maxLeadDays(), HARSH.maxNights(), HARSH.transientFailureRate(), HARSH.outageRatePerLockDay(),
        HARSH.outageMinHours(), HARSH.outageMaxHours(), HARSH.deadLockShare(), HARSH.backupPoolShare(),
        HARSH.backupPoolSize(), HARSH.workerConcurrency(), HARSH.batchSize(), HARSH.schedulerInvocationsPerSecond(), HARSH.maxReceiveCount(),
        HARSH.retry(), HARSH.brandWeights()));

    assertThat(b).usingRecursiveComparison().ignoringFields("wallSeconds").isEqualTo(a);
    assertThat(other).usingRecursiveComparison().ignoringFields("wallSeconds", "seed").isNotEqualTo(a);
  }

  @Test
  void theSchedulerQuotaDelaysFiresButNeverDropsThem() {
    SimResult unlimited = run(NO_FAILURES.withLimits(50, 0));
    SimResult throttled = run(NO_FAILURES.withLimits(50, 1));

    assertThat(unlimited.firesDelayed()).isZero();
    assertThat(unlimited.peakFireDemandPerSecond()).isGreaterThan(1);
    assertThat(throttled.firesDelayed()).isPositive();
    assertThat(throttled.maxFireDelaySeconds()).isPositive();
    assertThat(throttled.fires()).isEqualTo(unlimited.fires());
    assertThat(throttled.removalsNotDone()).isZero();
  }

  @Test
  void oneWorkerTakingOneMessageAtATimeMeansOneOperationAtATimeAndAQueue() {
    SimResult r = run(NO_FAILURES.withLimits(1, 1, 0));

    assertThat(r.peakWorkersBusy()).isEqualTo(1);
    assertThat(r.peakQueueDepth()).isGreaterThan(1);
    assertThat(r.workerInvocations()).isEqualTo(r.workerMessages());
    assertNoViolations(r);
  }

  @Test
  void whenTheQueueBacksUpAnInvocationTakesSeveralLocksAtOnceAndPaysOneReceiveForThem() {
    SimResult single = run(HARSH.withLimits(2, 1, 0));
    SimResult batched = run(HARSH.withLimits(2, 10, 0));

    assertNoViolations(batched);
    assertThat(batched.peakWorkersBusy()).isEqualTo(2);
    assertThat(single.meanBatchSize()).isEqualTo(1.0);
    assertThat(batched.meanBatchSize()).isGreaterThan(1.0).isLessThanOrEqualTo(10.0);
    // One receive and one invocation per batch, not per message.
    assertThat(batched.operations().get("Sqs.ReceiveMessage").total()).isEqualTo(batched.workerInvocations());
    assertThat(batched.operations().get("Lambda.worker").total()).isEqualTo(batched.workerInvocations());
    assertThat(single.operations().get("Sqs.ReceiveMessage").total()).isEqualTo(single.workerMessages());
    // A receive call brings its batch: at the peak second, more messages than calls.
    assertThat(batched.peakReceivedMessagesPerSecond())
        .isGreaterThan((long) batched.operations().get("Sqs.ReceiveMessage").peakPerSecond());
    assertThat(single.peakReceivedMessagesPerSecond())
        .isEqualTo((long) single.operations().get("Sqs.ReceiveMessage").peakPerSecond());
    // The same bookings cost less when receives carry several messages, and wait less for a worker.
    assertThat(batched.usdPerMillion()).isLessThan(single.usdPerMillion());
    assertThat(batched.maxWorkerWaitSeconds()).isLessThan(single.maxWorkerWaitSeconds());
  }

  @Test
  void theWorkersCallsAreCountedOncePerSuccessfulOperation() {
    Map<String, Object> worker = Map.of("function", "provider-worker");
    Map<String, Object> json = Map.of(
        "steps", Map.of(
            "preload", Map.of("at", "program", "lifecycle", "time_bound_native", "calls", Map.of("Work.Op", 1), "lambda", worker),
            "activate", Map.of("at", "starts_at", "lifecycle", "time_bound_native", "calls", Map.of("Work.Op", 1), "lambda", worker),
            "remove", Map.of("at", "ends_at", "lifecycle", "time_bound_native", "calls", Map.of("Work.Op", 1), "lambda", worker),
            "fire", Map.of("at", "ends_at", "lifecycle", "time_bound_native", "calls", Map.of("Fire.Op", 1),
                "lambda", Map.of("function", "programmer"))),
        "usd_per_million", Map.of());
    AwsCallModel model = AwsCallModel.fromJson(json);

    SimResult calm = new Simulation(NO_FAILURES, model, null, null).run();
    SimResult harsh = new Simulation(HARSH, model, null, null).run();

    assertThat(model.steps()).filteredOn(AwsCallModel.Step::onWorker).hasSize(3);
    // A preloaded code's activation is recorded by the programmer: the worker runs for the preload and the removal only.
    assertThat(calm.activationsRecorded()).isEqualTo(calm.nativeCodes());
    assertThat(calm.services().get("Work").total()).isEqualTo(2.0 * calm.nativeCodes());
    assertThat(calm.services().get("Fire").total()).isEqualTo(calm.nativeCodes());
    // Failed attempts cost the retry estimate instead; operations dead-lettered never succeed, and a set that
    // finds its window ended does nothing (no write): neither costs the step.
    assertThat(harsh.services().get("Work").total()).isLessThan(2.0 * harsh.nativeCodes());
    assertThat(harsh.operations().get("Lambda.worker").total()).isPositive();
  }

  @Test
  void eachStepsCallsAreCountedOncePerCodeAtTheirMoment() {
    // One call per step: a native code has four steps (create, preload, activate, remove), a just-in-time code three.
    Map<String, Object> json = Map.of(
        "steps", Map.of(
            "create_n", Map.of("at", "create", "lifecycle", "time_bound_native", "calls", Map.of("Test.Native", 1)),
            "preload", Map.of("at", "program", "lifecycle", "time_bound_native", "calls", Map.of("Test.Native", 1)),
            "activate", Map.of("at", "starts_at", "lifecycle", "time_bound_native", "calls", Map.of("Test.Native", 1)),
            "remove_n", Map.of("at", "ends_at", "lifecycle", "time_bound_native", "calls", Map.of("Test.Native", 1)),
            "create_j", Map.of("at", "create", "lifecycle", "time_bound_jit", "calls", Map.of("Jit.Create", 1)),
            "program", Map.of("at", "program", "lifecycle", "time_bound_jit", "calls", Map.of("Jit.Program", 1)),
            "remove_j", Map.of("at", "ends_at", "lifecycle", "time_bound_jit", "calls", Map.of("Jit.Remove", 1))),
        "usd_per_million", Map.of("time_bound_native", 5.0, "time_bound_jit", 7.0));

    SimResult r = new Simulation(NO_FAILURES, AwsCallModel.fromJson(json), null, null).run();

    // A code due at create is enqueued by the api: its program step's fire never happens.
    assertThat(r.dueAtCreate()).isPositive();
    assertThat(r.services().get("Test").total() + r.services().get("Jit").total())
        .isEqualTo(4.0 * r.nativeCodes() + 3.0 * r.jitCodes() - r.dueAtCreate());
    assertThat(r.services().get("Test").peakPerSecond()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void schedulesAndQueueMessagesAreCountedAsTheCodeMakesThem() {
    SimResult r = run(NO_FAILURES);

    // One CreateSchedule per later moment, each fired once; a code due at create costs no Scheduler invocation.
    assertThat(r.operations().get("Scheduler.CreateSchedule").total()).isEqualTo(r.fires());
    assertThat(r.operations().get("Scheduler.Invocation").total()).isEqualTo(r.fires());
    // Two queue messages per code (its set or preload, its removal): a native activation sends none.
    assertThat(r.operations().get("Sqs.SendMessage").total()).isEqualTo(2.0 * r.codes());
    // The worker carries both out; each of its invocations is one receive, one request and (nothing
    // fails here) one DeleteMessageBatch, for however many messages it took.
    assertThat(r.workerMessages()).isEqualTo(2L * r.codes());
    assertThat(r.operations().get("Sqs.ReceiveMessage").total()).isEqualTo(r.workerInvocations());
    assertThat(r.operations().get("Lambda.worker").total()).isEqualTo(r.workerInvocations());
    assertThat(r.operations().get("Sqs.DeleteMessageBatch").total()).isEqualTo(r.workerInvocations());
    // Per-operation peaks never exceed their service's peak, and the service's is at most their sum.
    double sqsPeaks = r.operations().entrySet().stream().filter(e -> e.getKey().startsWith("Sqs."))
        .mapToDouble(e -> e.getValue().peakPerSecond()).sum();
    assertThat(r.services().get("Sqs").peakPerSecond()).isLessThanOrEqualTo(sqsPeaks)
        .isGreaterThanOrEqualTo(r.operations().get("Sqs.SendMessage").peakPerSecond());
  }

  @Test
  void theCostAddsTheStepsThatHappenedAndTheExtras() {
    SimResult calm = run(NO_FAILURES);
    SimResult harsh = run(HARSH);

    assertThat(calm.extraUsdPerMillion()).isZero();
    assertThat(calm.usdPerMillion()).isEqualTo(calm.stepUsdPerMillion() + calm.invocationUsdPerMillion()
        + calm.workerDurationUsdPerMillion()).isPositive();
    // The worker's invocations: a receive, a delete ($0.50 per million each) and a request ($0.20 per million) each.
    assertThat(calm.invocationUsdPerMillion() * calm.codes() / 1e6)
        .isCloseTo(calm.workerInvocations() * 1.2e-6, org.assertj.core.data.Offset.offset(1e-9));
    // Without failures every code runs its happy path, minus the fires that due-at-create codes skip, with the
    // worker's assumed duration replaced by the simulated one (billed apart).
    double nativeShare = calm.nativeShare();
    java.util.function.ToDoubleFunction<AwsCallModel.Lifecycle> happyWithoutWorkerDuration = l ->
        AwsCallModel.DEFAULT.usdPerMillion().get(l) - 1e6 * AwsCallModel.DEFAULT.steps().stream()
            .filter(st -> st.lifecycle() == l && st.onWorker()).mapToDouble(AwsCallModel.Step::durationUsd).sum();
    double happy = nativeShare * happyWithoutWorkerDuration.applyAsDouble(AwsCallModel.Lifecycle.time_bound_native)
        + (1 - nativeShare) * happyWithoutWorkerDuration.applyAsDouble(AwsCallModel.Lifecycle.time_bound_jit);
    assertThat(calm.usdPerMillion() - calm.workerDurationUsdPerMillion()).isLessThan(happy).isGreaterThan(happy * 0.8);
    assertThat(harsh.extraUsdPerMillion()).isPositive();
    assertThat(harsh.usdPerMillion()).isEqualTo(harsh.stepUsdPerMillion() + harsh.extraUsdPerMillion()
        + harsh.invocationUsdPerMillion() + harsh.workerDurationUsdPerMillion());
  }

  @Test
  void onlyAPreloadedCodesActivationCostsTheActivateStepAndANewCodesFirstSetReadsItsClaim() {
    // Made-up services, so that the DynamoDB calls counted come from the estimates alone.
    Map<String, Object> json = Map.of(
        "steps", Map.of(
            "activate", Map.of("at", "starts_at", "lifecycle", "time_bound_native", "calls", Map.of("Act.Op", 1)),
            "program", Map.of("at", "program", "lifecycle", "time_bound_jit", "calls", Map.of("Jit.Program", 1))),
        "usd_per_million", Map.of());
    AwsCallModel model = AwsCallModel.fromJson(json);

    SimResult calm = new Simulation(NO_FAILURES, model, null, null).run();
    SimResult harsh = new Simulation(HARSH, model, null, null).run();

    // ProgrammingService: an ACTIVATE of a code not preloaded (its preload failed) sends its set instead.
    assertThat(harsh.activationsRecorded()).isLessThan(harsh.nativeCodes());
    assertThat(harsh.services().get("Act").total()).isEqualTo(harsh.activationsRecorded());
    assertThat(calm.services().get("Act").total()).isEqualTo(calm.nativeCodes());
    // Without failures the only DynamoDB call is the PIN claim read of a code fired within 30 minutes of its create.
    assertThat(calm.newCodeClaimReads()).isPositive();
    assertThat(calm.operations().get("DynamoDb.GetItem").total()).isEqualTo(calm.newCodeClaimReads());
    assertThat(calm.extraUsdPerMillion()).isZero();
  }

  @Test
  void eachWorkerInvocationIsBilledItsSimulatedDurationAtTheWorkersMemory() {
    double perGbSecond = dev.keyrack.bench.PriceTable.load().lambdaPerGbSecond();
    SimResult r = run(NO_FAILURES);
    SimResult big = new Simulation(NO_FAILURES, AwsCallModel.DEFAULT, 1024, null, null).run();

    // At least the store time of every invocation; at most the slowest brand's latency x 1.5 on top, plus the rounding.
    double maxLatency = dev.keyrack.domain.BrandProfile.all().stream().mapToLong(b -> b.latencyMillis()).max().orElseThrow();
    assertThat(r.workerMemoryMb()).isEqualTo(Simulation.DEFAULT_WORKER_MEMORY_MB);
    assertThat(r.meanWorkerBilledMs()).isGreaterThan(Simulation.STORE_MS).isLessThanOrEqualTo(Simulation.STORE_MS + 1.5 * maxLatency + 1);
    double usd = r.workerBilledMs() / 1000.0 * r.workerMemoryMb() / 1024.0 * perGbSecond;
    assertThat(r.workerDurationUsdPerMillion()).isCloseTo(usd / r.codes() * 1e6, org.assertj.core.data.Offset.offset(1e-9));
    // The same run at twice the memory: the same milliseconds, twice the dollars.
    assertThat(big.workerBilledMs()).isEqualTo(r.workerBilledMs());
    assertThat(big.workerDurationUsdPerMillion()).isCloseTo(2 * r.workerDurationUsdPerMillion(), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void theWorkerStepsOwnMeasuredDurationIsNotBilledAgain() {
    // Part 3's worker steps carry their warm handler time (against instant sandbox locks) in their dollars: the
    // simulation bills each invocation's simulated duration instead, so a step's measured duration changes nothing.
    double perGbSecond = dev.keyrack.bench.PriceTable.load().lambdaPerGbSecond();
    java.util.function.DoubleFunction<AwsCallModel> model = ms -> {
      double durationUsd = Math.ceil(ms) / 1000.0 * 512 / 1024.0 * perGbSecond;
      Map<String, Object> lambda = Map.of("function", "provider-worker", "invocations", 1, "ms", ms, "memory_mb", 512);
      Map<String, Object> step = Map.of("at", "program", "lifecycle", "time_bound_jit", "calls", Map.of("Work.Op", 1),
          "lambda", lambda, "usd_per_million", (1e-6 + durationUsd) * 1e6);
      return AwsCallModel.fromJson(Map.of("steps", Map.of("set", step), "usd_per_million", Map.of()));
    };
    SimResult fast = new Simulation(NO_FAILURES, model.apply(0), null, null).run();
    SimResult slow = new Simulation(NO_FAILURES, model.apply(250), null, null).run();

    assertThat(slow.stepUsdPerMillion()).isCloseTo(fast.stepUsdPerMillion(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(slow.workerDurationUsdPerMillion()).isEqualTo(fast.workerDurationUsdPerMillion()).isPositive();
  }

  private record Call(int lock, int code, boolean set, long startMs, long endMs, boolean ok) {}

  private static final class Recorder implements Simulation.Observer {
    final List<Call> calls = new ArrayList<>();
    final Map<Integer, Long> startsMs = new HashMap<>();

    @Override
    public void codeCreated(int code, int lock, long createdMs, long starts, long ends, boolean nativeScheduling) {
      assertThat(starts).isGreaterThan(createdMs);
      assertThat(ends).isGreaterThan(starts);
      startsMs.put(code, starts);
    }

    @Override
    public void providerCall(int lock, int code, boolean set, long startMs, long endMs, boolean ok) {
      calls.add(new Call(lock, code, set, startMs, endMs, ok));
    }
  }
}
