package dev.keyrack.bench.sim;

import dev.keyrack.domain.RetryPolicy;
import java.util.Map;

/**
 * What the million-code simulation simulates: how many codes over how many locks, how bookings
 * arrive, how often locks fail, and the deployment's limits. Defaults are realistic rates for a
 * vacation-rental fleet; tests shrink them.
 *
 * @param seed                     seed of the random generators (runs are reproducible)
 * @param codes                    time-bound codes created
 * @param locks                    sandbox locks they are spread over
 * @param bookingDays              bookings are created uniformly over this many days
 * @param minLeadHours             a booking starts at least this long after it is created...
 * @param maxLeadDays              ...and at most this long (log-uniform in between: short leads are common)
 * @param maxNights                stays last 1 to this many nights (short stays are common)
 * @param transientFailureRate     share of provider calls that fail for no lasting reason
 * @param outageRatePerLockDay     chance that a lock has an outage on a given day
 * @param outageMinHours           an outage lasts at least...
 * @param outageMaxHours           ...and at most this long
 * @param deadLockShare            share of locks that fail every call (offline for good)
 * @param backupPoolShare          share of locks of pool-capable brands whose backup pool is on
 * @param backupPoolSize           backup codes per pool (BACKUP_POOL_SIZE, default 3 in AwsWiring)
 * @param workerConcurrency        provider-worker invocations at once (template.yaml MaximumConcurrency)
 * @param batchSize                messages one worker invocation takes at most (template.yaml BatchSize), one per
 *                                 lock, carried out at the same time
 * @param schedulerInvocationsPerSecond Scheduler delivers at most this many fires a second; more are
 *                                 delayed to the next second (0: unlimited)
 * @param maxReceiveCount          a message received this often goes to the DLQ (template.yaml RedrivePolicy)
 * @param retry                    the retry policy (the project's own)
 * @param brandWeights             device type → relative share of locks; a brand not listed weighs 1
 */
public record SimConfig(
    long seed,
    int codes,
    int locks,
    int bookingDays,
    int minLeadHours,
    int maxLeadDays,
    int maxNights,
    double transientFailureRate,
    double outageRatePerLockDay,
    int outageMinHours,
    int outageMaxHours,
    double deadLockShare,
    double backupPoolShare,
    int backupPoolSize,
    int workerConcurrency,
    int batchSize,
    int schedulerInvocationsPerSecond,
    int maxReceiveCount,
    RetryPolicy retry,
    Map<String, Double> brandWeights) {

  /** Rough shares of the short-term-rental market; a brand of BrandProfile not listed weighs 1. */
  public static final Map<String, Double> DEFAULT_BRAND_WEIGHTS = Map.ofEntries(
      Map.entry("august_lock", 18.0), Map.entry("yale_lock", 16.0), Map.entry("schlage_lock", 14.0),
      Map.entry("kwikset_lock", 10.0), Map.entry("igloohome_lock", 9.0), Map.entry("smartthings_lock", 8.0),
      Map.entry("nuki_lock", 6.0), Map.entry("ttlock_lock", 5.0), Map.entry("lockly_lock", 4.0),
      Map.entry("tedee_lock", 2.0), Map.entry("wyze_lock", 2.0), Map.entry("salto_lock", 2.0),
      Map.entry("two_n_intercom", 2.0), Map.entry("dormakaba_oracode_door", 2.0));

  public SimConfig {
    if (codes < 1 || locks < 1 || locks > (1 << 24) - 1) throw new IllegalArgumentException("need 1 <= locks < 2^24 and codes >= 1");
    if (bookingDays < 1 || minLeadHours < 0 || maxLeadDays * 24 < minLeadHours || maxNights < 1) {
      throw new IllegalArgumentException("need bookingDays >= 1, 0 <= minLeadHours <= maxLeadDays * 24, maxNights >= 1");
    }
    if (outageMinHours < 0 || outageMaxHours < outageMinHours || outageMaxHours > 23) {
      throw new IllegalArgumentException("need 0 <= outageMinHours <= outageMaxHours <= 23");
    }
    if (workerConcurrency < 1 || batchSize < 1 || maxReceiveCount < 1 || backupPoolSize < 0) {
      throw new IllegalArgumentException("need workerConcurrency >= 1, batchSize >= 1, maxReceiveCount >= 1, backupPoolSize >= 0");
    }
    brandWeights = Map.copyOf(brandWeights);
  }

  /** The full run: 1,000,000 codes over 100,000 locks. */
  public static SimConfig million(long seed) {
    return realistic(seed, 1_000_000, 100_000);
  }

  /** The quick run: 50,000 codes over 5,000 locks. */
  public static SimConfig quick(long seed) {
    return realistic(seed, 50_000, 5_000);
  }

  /**
   * Realistic rates: 3% of provider calls fail transiently, 1% of locks have a 1–6 hour outage
   * on any given day, 0.2% of locks are offline for good, half the pool-capable locks have a pool.
   */
  public static SimConfig realistic(long seed, int codes, int locks) {
    return new SimConfig(seed, codes, locks, 30, 1, 60, 14, 0.03, 0.01, 1, 6, 0.002, 0.5, 3, 50, 10, 1000, 1000,
        RetryPolicy.DEFAULT, DEFAULT_BRAND_WEIGHTS);
  }

  /** The same run with other failure rates. */
  public SimConfig withFailures(double transientRate, double outagePerLockDay, double deadShare) {
    return new SimConfig(seed, codes, locks, bookingDays, minLeadHours, maxLeadDays, maxNights, transientRate, outagePerLockDay,
        outageMinHours, outageMaxHours, deadShare, backupPoolShare, backupPoolSize, workerConcurrency,
        batchSize, schedulerInvocationsPerSecond, maxReceiveCount, retry, brandWeights);
  }

  /** The same run with another retry policy. */
  public SimConfig withRetry(RetryPolicy policy) {
    return new SimConfig(seed, codes, locks, bookingDays, minLeadHours, maxLeadDays, maxNights, transientFailureRate,
        outageRatePerLockDay, outageMinHours, outageMaxHours, deadLockShare, backupPoolShare, backupPoolSize, workerConcurrency,
        batchSize, schedulerInvocationsPerSecond, maxReceiveCount, policy, brandWeights);
  }

  /** The same run with other deployment limits. */
  public SimConfig withLimits(int workers, int schedulerPerSecond) {
    return withLimits(workers, batchSize, schedulerPerSecond);
  }

  /** The same run with other deployment limits, the worker's batch size among them. */
  public SimConfig withLimits(int workers, int batch, int schedulerPerSecond) {
    return new SimConfig(seed, codes, locks, bookingDays, minLeadHours, maxLeadDays, maxNights, transientFailureRate,
        outageRatePerLockDay, outageMinHours, outageMaxHours, deadLockShare, backupPoolShare, backupPoolSize, workers,
        batch, schedulerPerSecond, maxReceiveCount, retry, brandWeights);
  }
}
