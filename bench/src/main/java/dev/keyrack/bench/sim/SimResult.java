package dev.keyrack.bench.sim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one simulation run. Counts are of time-bound codes unless they say backups.
 *
 * @param codesOnDeadLocks        codes whose lock is offline for good
 * @param lastLiveRemovalDay      virtual day of the last removal on a lock that is not offline for good
 * @param onTime                  codes on their lock (preloaded or set) by their starts_at
 * @param onTimeOnLiveLocks       of those, codes on locks that are not offline for good
 * @param setLate                 codes that reached the lock only after their starts_at
 * @param neverSet                codes whose window ended before they ever reached the lock
 * @param neverSetCovered         of those, codes for which a backup code had been pulled
 * @param maxLateSeconds          the latest a late code reached its lock after its starts_at
 * @param backupsPulled           backups pulled because a set failed for good
 * @param backupsPulledBeforeStart of those, pulled before the code's starts_at
 * @param backupPoolEmpty         failed sets that found the pool without a ready backup
 * @param retries                 failed attempts followed by a retry (provider set or remove failed)
 * @param setFailuresReported     failed_to_set_on_device reported (retry policy's failAfter reached)
 * @param delayWarningsReported   delay_in_setting/removing_on_device warnings reported
 * @param deadLettered            messages moved to the DLQ (none: a retried job is refreshed before maxReceiveCount)
 * @param removalsNotDone         codes whose removal never succeeded (their lock stayed unreachable)
 * @param fires                   Scheduler invocations delivered
 * @param firesDelayed            fires delayed to a later second by the Scheduler invocation quota
 * @param maxFireDelaySeconds     the longest such delay
 * @param peakFireDemandPerSecond fires due in one virtual second, before any quota
 * @param peakSendMessagePerSecond device operations enqueued in one virtual second (SQS SendMessage)
 * @param peakRetriesPerSecond    failed attempts in one virtual second (SQS ChangeMessageVisibility)
 * @param peakPendingSchedules    schedules created and not yet fired, at the worst moment
 * @param peakQueueDepth          messages in the device queue (waiting, in flight or backing off)
 * @param peakLocksWaiting        locks with a deliverable message waiting for a free worker
 * @param peakWorkersBusy         provider-worker invocations busy at once
 * @param maxWorkerWaitSeconds    the longest a deliverable message waited for a free worker
 * @param services                per AWS service: peak requests in one virtual second and total
 * @param extraUsdPerMillion      dollars per million codes of retries, delay reports, backups and dropped fires
 *                                (estimated calls, priced from the checked-in price table)
 * @param invariantViolations     name → count; all zero in a correct run
 * @param operations              per call ({@code Service.Operation}): peak in one virtual second and total
 * @param stepUsdPerMillion       dollars per million codes of the lifecycle steps that happened (their priced calls)
 * @param dueAtCreate             codes whose first trip to the lock was due at create (the api enqueued them)
 * @param activationsRecorded     native activations the programmer recorded itself (no queue, no worker)
 * @param freshCopies             jobs sent again as a fresh copy after a hundred receives (ProviderWorkerHandler)
 * @param stuckLocks              locks offline for good whose jobs still retry when the run stops
 * @param stuckMessages           the jobs queued on them (the first of each lock retries, the rest wait behind it)
 * @param stuckRetriesPerDay      what those locks retry a day at the retry policy's long-haul pace
 * @param stuckUsdPerDay          what those retries cost a day (estimated calls of a retry, price table)
 * @param workerInvocations       provider-worker invocations (each one receive of up to the batch size)
 * @param workerMessages          messages those invocations carried out
 * @param invocationUsdPerMillion dollars per million codes of those invocations' own requests: a
 *                                receive, the invocation's request and a DeleteMessageBatch each,
 *                                for however many messages it carried (the steps and extras leave them out)
 * @param peakReceivedMessagesPerSecond messages the worker's receives brought in one virtual second, at the peak
 * @param peakDeletedMessagesPerSecond  messages its DeleteMessageBatch calls deleted in one virtual second, at the peak
 * @param newCodeClaimReads       fires that read a new code's PIN claim (its first set within the sweeps' window of its
 *                                create, ProgrammingService), counted with the steps
 * @param workerDurationUsdPerMillion dollars per million codes of the worker invocations' simulated duration: each
 *                                billed for its slowest operation (store time, plus the lock's latency when it calls
 *                                the lock), rounded up to 1 ms, at {@code workerMemoryMb} (the steps and extras leave
 *                                the worker's duration out)
 * @param workerBilledMs          the milliseconds billed, all worker invocations together
 * @param workerMemoryMb          the worker's memory size the duration is billed at
 * @param peakWriteUnitsPerSecond DynamoDB write units of the steps and extras in one virtual second, at the peak
 * @param peakReadUnitsPerSecond  DynamoDB read units likewise
 */
public record SimResult(
    long seed,
    int codes,
    int locks,
    int nativeCodes,
    int jitCodes,
    double virtualDays,
    double lastLiveRemovalDay,
    double wallSeconds,
    long events,
    int codesOnDeadLocks,
    int onTime,
    int onTimeOnLiveLocks,
    int setLate,
    int neverSet,
    int neverSetCovered,
    long maxLateSeconds,
    int backupsPulled,
    int backupsPulledBeforeStart,
    int backupPoolEmpty,
    long retries,
    long setFailuresReported,
    long delayWarningsReported,
    long deadLettered,
    int removalsNotDone,
    long providerCalls,
    long fires,
    long firesDelayed,
    long maxFireDelaySeconds,
    long peakFireDemandPerSecond,
    long peakSendMessagePerSecond,
    long peakRetriesPerSecond,
    long peakPendingSchedules,
    long peakQueueDepth,
    long peakLocksWaiting,
    int peakWorkersBusy,
    long maxWorkerWaitSeconds,
    Map<String, ServiceRate> services,
    double extraUsdPerMillion,
    Map<String, Long> invariantViolations,
    Map<String, ServiceRate> operations,
    double stepUsdPerMillion,
    int dueAtCreate,
    int activationsRecorded,
    long freshCopies,
    int stuckLocks,
    int stuckMessages,
    double stuckRetriesPerDay,
    double stuckUsdPerDay,
    long workerInvocations,
    long workerMessages,
    double invocationUsdPerMillion,
    long peakReceivedMessagesPerSecond,
    long peakDeletedMessagesPerSecond,
    int newCodeClaimReads,
    double workerDurationUsdPerMillion,
    long workerBilledMs,
    int workerMemoryMb,
    double peakWriteUnitsPerSecond,
    double peakReadUnitsPerSecond) {

  /** Requests to one AWS service: the busiest virtual second and the total. */
  public record ServiceRate(double peakPerSecond, double total) {}

  public SimResult {
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
    invariantViolations = Collections.unmodifiableMap(new LinkedHashMap<>(invariantViolations));
    operations = Collections.unmodifiableMap(new LinkedHashMap<>(operations));
  }

  /**
   * Dollars per million codes of everything simulated: the steps that happened, the extras, the
   * worker invocations' requests and their duration.
   */
  public double usdPerMillion() {
    return stepUsdPerMillion + extraUsdPerMillion + invocationUsdPerMillion + workerDurationUsdPerMillion;
  }

  /** Billed milliseconds per worker invocation, on average. */
  public double meanWorkerBilledMs() {
    return workerInvocations == 0 ? 0 : (double) workerBilledMs / workerInvocations;
  }

  /** Messages per worker invocation, on average (1 when every receive brought one message). */
  public double meanBatchSize() {
    return workerInvocations == 0 ? 0 : (double) workerMessages / workerInvocations;
  }

  /** Share of codes on their lock by their starts_at. */
  public double onTimeRate() {
    return codes == 0 ? 0 : (double) onTime / codes;
  }

  /** Share of on-time codes among the codes on locks that are not offline for good. */
  public double onTimeRateOnLiveLocks() {
    int live = codes - codesOnDeadLocks;
    return live == 0 ? 0 : (double) onTimeOnLiveLocks / live;
  }

  /** Share of native (preload + activate) codes. */
  public double nativeShare() {
    return codes == 0 ? 0 : (double) nativeCodes / codes;
  }
}
