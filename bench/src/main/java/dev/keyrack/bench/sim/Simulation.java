package dev.keyrack.bench.sim;


import dev.keyrack.app.Planner;
import dev.keyrack.app.Reconciler;
import dev.keyrack.bench.PriceTable;
import dev.keyrack.bench.sim.AwsCallModel.At;
import dev.keyrack.bench.sim.AwsCallModel.Extra;
import dev.keyrack.bench.sim.AwsCallModel.Lifecycle;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.BackupPolicy;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.RetryPolicy;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.domain.SchedulePolicy.Transition;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A discrete-event simulation, in virtual time, of many time-bound codes on many locks. No
 * sleeping and no threads: one priority queue of events, processed in time order.
 *
 * <p>It follows the real flow and reuses the project's own decisions: a booking creates a code,
 * {@link Planner} (over {@link SchedulePolicy}) says what is due now and which schedules to create;
 * each schedule fires through a Scheduler with an invocations-per-second quota; the programmer's
 * checks ({@code ProgrammingService}) turn a fire into a device operation on the lock's FIFO message
 * group (one operation at a time per lock; {@code workerConcurrency} worker invocations at once, each
 * taking the first message of up to {@code batchSize} waiting locks in one receive and carrying them
 * out at the same time, as {@code ProviderWorkerHandler} does; its messages are deleted in one batch
 * when the slowest is done, and each is judged then); the worker's
 * checks ({@code DeviceWorker}) decide whether the provider is called; a failed call is retried after
 * {@link RetryPolicy#backoff} (the group stays blocked meanwhile), reported by the policy's warn and
 * fail thresholds, and a set that fails for good pulls a backup code when the lock has a pool
 * ({@code BackupPools.onSetFailure}), which is then refilled. Brands, their latency, native
 * scheduling and pool support come from {@link BrandProfile}.
 *
 * <p>What is called and what is mirrored: {@link Planner}, {@link SchedulePolicy}, {@link RetryPolicy},
 * {@link BackupPolicy} and {@link BrandProfile} are the project's own classes, called directly. The
 * order of the checks in {@code ProgrammingService.fire/program}, {@code DeviceWorker.set/remove/
 * reportDelay} and {@code BackupPools.onSetFailure/pull/fill} exists only inside those app services
 * (they need a Store, a queue and a lock provider; {@code DeviceWorker.preloaded} is package-private),
 * so it is mirrored here, step for step, over primitive state.
 *
 * <p>Per-code state is kept in primitive arrays; one run of a million codes needs a few tens of MB.
 */
public final class Simulation {
  /** Sees every code and every provider call, in virtual milliseconds (tests check the ordering with it). */
  public interface Observer {
    default void codeCreated(int code, int lock, long createdMs, long startsMs, long endsMs, boolean nativeScheduling) {}

    /** A provider call of the operation that took the lock's worker from {@code startMs} to {@code endMs}. */
    default void providerCall(int lock, int code, boolean set, long startMs, long endMs, boolean ok) {}
  }

  /** Told once per virtual day. */
  public interface Progress {
    void day(int day, long events);
  }

  /** Virtual time 0. */
  static final long T0_MS = Instant.parse("2027-01-04T00:00:00Z").toEpochMilli();
  private static final long HOUR_MS = 3_600_000L;
  private static final long DAY_MS = 24 * HOUR_MS;
  /** A store-only step of the worker (reads and a conditional write). */
  public static final long STORE_MS = 30;

  private static final byte UNSET = 0, SETTING = 1, SET = 2, REMOVING = 3, DELETED = 4;
  private static final int NATIVE = 1, ON_LOCK = 2, SCHEDULED = 4, SET_WARNED = 8, SET_FAILED = 16, PULLED = 32,
      BACKUP = 64, EVER_ON_LOCK = 128, REMOVE_WARNED = 256, REMOVE_FAILED = 512,
      /** Stored as setting (a create due at once, a backup, or a failed set's onItsWay); a fire stores nothing. */
      STORED_SETTING = 1024;
  private static final byte OP_SET = 0, OP_REMOVE = 1;
  /** What a SET finds to do (DeviceWorker.set's checks). */
  private static final int NOTHING = 0, STORE_ONLY = 1, PRELOAD = 2, ACTIVE = 3;
  private static final byte IDLE = 0, WAITING = 1, BUSY = 2, BACKING_OFF = 3;
  /** Event types: 0..3 a fire (Transition ordinal), 4..7 a fire delayed by the quota, then these. */
  private static final int DELAYED = 4, WORKER_DONE = 8, GROUP_VISIBLE = 9;
  private static final Transition[] TRANSITIONS = Transition.values();

  private final SimConfig cfg;
  private final AwsCallModel model;
  private final Observer observer;
  private final Progress progress;
  /** Draws the fleet and the bookings: the same workload for a seed, whatever the limits and failures. */
  private final SplittableRandom bookings;
  /** Draws latencies and transient failures. */
  private final SplittableRandom ops;
  private final RetryPolicy retry;
  private final List<BrandProfile> brands;

  // locks
  private final byte[] lockBrand;
  private final byte[] lockTz;
  private final byte[] lockCheckIn;
  private final byte[] lockCheckOut;
  private final boolean[] lockDead;
  private final boolean[] lockPool;
  private final int[] poolReadyRole;
  private final int[] poolReadySet;
  private final byte[] lockState;
  private final int[] headMsg;
  private final int[] tailMsg;
  private final long[] opStart;
  private final long[] waitingSince;

  // codes (time-bound codes first, backups appended)
  private int nextBackup;
  private int[] codeLock;
  private int[] startsSec;
  private int[] endsSec;
  private byte[] status;
  private int[] flags;
  private final long[] createdMs;

  // device-queue messages (a pool with a free list)
  private int[] msgCode = new int[1 << 14];
  private byte[] msgKind = new byte[1 << 14];
  /** The step (At ordinal) whose worker calls the message's success costs; -1 for none. */
  private byte[] msgAt = new byte[1 << 14];
  private int[] msgNext = new int[1 << 14];
  private int[] msgReceives = new int[1 << 14];
  /** Receives since the message (or the fresh copy it became) was sent. */
  private int[] msgSinceCopy = new int[1 << 14];
  private int msgFree = -1;
  private int msgHigh;

  private final LongHeap events = new LongHeap();
  private final int[] ready;
  private int readyHead;
  private int readySize;
  private int freeWorkers;
  /** Worker invocations in progress: slot s holds slotSize[s] locks at slotLocks[s * batchSize ...]. */
  private final int[] slotLocks, slotSize, freeSlots;
  private int freeSlotCount;
  private long workerInvocations, workerMessages;
  /** Messages received and deleted by the worker's batches, in the current virtual second and at the peak. */
  private long curReceived, curDeleted, peakReceived, peakDeleted;

  // call model: per operation (Service.Operation), and per service
  private final List<String> operations;
  private final int[] serviceOf;        // [operation] -> index in services
  private final List<String> services;
  private final double[][][][] stepCalls; // [lifecycle][at][on worker 0/1][operation]
  private final double[][][] stepUsdOf;   // [lifecycle][at][on worker 0/1]
  private final double[][][][] stepUnits; // [lifecycle][at][on worker 0/1][wcu 0, rcu 1]
  /** DynamoDB write and read units in the current virtual second and at the peak. */
  private double curWcu, curRcu, peakWcu, peakRcu;
  private final double[][] createCalls;   // [lifecycle][operation]: the create step without its CreateSchedule calls
  /** [extra][operation]: an extra's calls, without the worker invocation's own requests (they are counted per batch). */
  private final double[][] extraCalls;
  private final double[] curCalls, peakCalls, totalCalls;
  private final double[] curServiceCalls, peakServiceCalls;
  private final int createScheduleOp, sendMessageOp, receiveOp, deleteBatchOp, workerInvokeOp;
  private final double sendMessageUsd, lambdaRequestUsd;
  /** Dollars of one millisecond of a worker invocation at its memory size. */
  private final double workerUsdPerMs;
  private final int workerMemoryMb;
  private double extraUsd, stepUsd, invocationUsd, workerDurationUsd;
  private long workerBilledMs;
  /** [extra]: an extra's dollars, without the worker invocation's own requests. */
  private final double[] extraUsdOf = new double[Extra.values().length];
  /** A retry in an invocation of its own (the long-haul retries of locks offline for good, after the run). */
  private final double retryAloneUsd;

  // figures
  private long nowMs;
  private long curSecond = -1;
  private long curFireDemand, curFireDelivered, curSends, curRetries;
  private long peakFireDemand, peakSends, peakRetries, maxWorkerWaitMs;
  private long pendingSchedules, peakPendingSchedules, queueDepth, peakQueueDepth, peakLocksWaiting;
  private int peakWorkersBusy;
  /** Bookings' codes and pulled backups on working locks not removed yet: the run goes on while there are any. */
  private int openOnLiveLocks;
  private long freshCopies;
  private int nativeCodes, codesOnDeadLocks, onTimeOnLiveLocks, onTime, setLate, neverSet, neverSetCovered, backupsPulled, backupsPulledBeforeStart, backupPoolEmpty;
  private long maxLateMs, retries, setFailures, delayWarnings, deadLettered, providerCalls, fires, firesDelayed, maxFireDelayMs;
  private long eventCount;
  private long lastMs;
  private long lastLiveRemovalMs;
  private long concurrentOps, removedBeforeStart, setAfterRemoval;
  private int dueAtCreate, activationsRecorded, newCodeClaimReads;
  /** The worker's last operation found nothing to do (DeviceWorker's NOTHING_TO_DO): no write. */
  private boolean nothingToDo;

  /** The provider worker's memory in template.yaml, for callers that do not read it from there. */
  public static final int DEFAULT_WORKER_MEMORY_MB = 512;

  public Simulation(SimConfig cfg, AwsCallModel model, Observer observer, Progress progress) {
    this(cfg, model, DEFAULT_WORKER_MEMORY_MB, observer, progress);
  }

  /** @param workerMemoryMb the provider worker's memory size (template.yaml): its invocations' duration is billed at it */
  public Simulation(SimConfig cfg, AwsCallModel model, int workerMemoryMb, Observer observer, Progress progress) {
    this.cfg = cfg;
    this.workerMemoryMb = workerMemoryMb;
    this.model = model;
    this.observer = observer;
    this.progress = progress;
    SplittableRandom root = new SplittableRandom(cfg.seed());
    this.bookings = root.split();
    this.ops = root.split();
    this.retry = cfg.retry();
    this.brands = BrandProfile.all();

    int locks = cfg.locks();
    lockBrand = new byte[locks];
    lockTz = new byte[locks];
    lockCheckIn = new byte[locks];
    lockCheckOut = new byte[locks];
    lockDead = new boolean[locks];
    lockPool = new boolean[locks];
    poolReadyRole = new int[locks];
    poolReadySet = new int[locks];
    lockState = new byte[locks];
    headMsg = new int[locks];
    tailMsg = new int[locks];
    opStart = new long[locks];
    waitingSince = new long[locks];
    ready = new int[locks];
    Arrays.fill(headMsg, -1);
    Arrays.fill(tailMsg, -1);
    setUpLocks();

    int capacity = cfg.codes() + cfg.codes() / 16 + 16;
    codeLock = new int[capacity];
    startsSec = new int[capacity];
    endsSec = new int[capacity];
    status = new byte[capacity];
    flags = new int[capacity];
    createdMs = new long[cfg.codes()];
    nextBackup = cfg.codes();
    long span = cfg.bookingDays() * DAY_MS;
    for (int i = 0; i < createdMs.length; i++) createdMs[i] = bookings.nextLong(span);
    Arrays.sort(createdMs);

    freeWorkers = cfg.workerConcurrency();
    slotLocks = new int[cfg.workerConcurrency() * cfg.batchSize()];
    slotSize = new int[cfg.workerConcurrency()];
    freeSlots = new int[cfg.workerConcurrency()];
    for (int i = 0; i < freeSlots.length; i++) freeSlots[freeSlotCount++] = freeSlots.length - 1 - i;
    java.util.TreeSet<String> opSet = new java.util.TreeSet<>(model.operations());
    opSet.add(CREATE_SCHEDULE);
    opSet.add(SEND_MESSAGE);
    opSet.add(RECEIVE);
    opSet.add(DELETE_BATCH);
    opSet.add(WORKER_INVOKE);
    operations = List.copyOf(opSet);
    services = operations.stream().map(AwsCallModel::service).distinct().sorted().toList();
    serviceOf = operations.stream().mapToInt(o -> services.indexOf(AwsCallModel.service(o))).toArray();
    createScheduleOp = operations.indexOf(CREATE_SCHEDULE);
    sendMessageOp = operations.indexOf(SEND_MESSAGE);
    receiveOp = operations.indexOf(RECEIVE);
    deleteBatchOp = operations.indexOf(DELETE_BATCH);
    workerInvokeOp = operations.indexOf(WORKER_INVOKE);
    int n = operations.size();
    curCalls = new double[n];
    peakCalls = new double[n];
    totalCalls = new double[n];
    curServiceCalls = new double[services.size()];
    peakServiceCalls = new double[services.size()];
    stepCalls = new double[Lifecycle.values().length][At.values().length][2][];
    stepUsdOf = new double[Lifecycle.values().length][At.values().length][2];
    stepUnits = new double[Lifecycle.values().length][At.values().length][2][];
    createCalls = new double[Lifecycle.values().length][];
    for (Lifecycle l : Lifecycle.values()) {
      for (At at : At.values()) {
        for (int w = 0; w < 2; w++) {
          stepCalls[l.ordinal()][at.ordinal()][w] = perOperation(model.callsAt(l, at, w == 1));
          stepUsdOf[l.ordinal()][at.ordinal()][w] = model.usdAt(l, at, w == 1);
          stepUnits[l.ordinal()][at.ordinal()][w] = model.unitsAt(l, at, w == 1);
        }
      }
      createCalls[l.ordinal()] = stepCalls[l.ordinal()][At.create.ordinal()][0].clone();
      createCalls[l.ordinal()][createScheduleOp] = 0;
    }
    PriceTable prices = PriceTable.load();
    sendMessageUsd = prices.sqsPerMillionRequests() / 1e6;
    lambdaRequestUsd = prices.lambdaPerMillionRequests() / 1e6;
    workerUsdPerMs = workerMemoryMb / 1024.0 / 1000.0 * prices.lambdaPerGbSecond();
    extraCalls = new double[Extra.values().length][];
    for (Extra e : Extra.values()) {
      extraCalls[e.ordinal()] = perOperation(AwsCallModel.EXTRAS.get(e).calls());
      // The worker's duration is billed per invocation as simulated (dispatch): its assumed time is taken out.
      extraUsdOf[e.ordinal()] = AwsCallModel.EXTRAS.get(e).usd(prices) - perInvocationPart(extraCalls[e.ordinal()])
          - AwsCallModel.EXTRAS.get(e).durationUsd(prices, WORKER_INVOKE);
    }
    retryAloneUsd = AwsCallModel.EXTRAS.get(Extra.retry).usd(prices);
    // The worker's steps as part 3 measured them carry one receive, one delete and one invocation each
    // (a batch of one message); here they are counted once per batch instead (dispatch, workerDone).
    // Their duration too: part 3 timed them against sandbox locks that answer at once; here each invocation is
    // billed for its simulated duration (store time and the lock's latency) instead.
    for (Lifecycle l : Lifecycle.values()) {
      for (At at : At.values()) {
        stepUsdOf[l.ordinal()][at.ordinal()][1] -= perInvocationPart(stepCalls[l.ordinal()][at.ordinal()][1])
            + model.durationUsdAt(l, at, true);
      }
    }
  }

  private static final String CREATE_SCHEDULE = "Scheduler.CreateSchedule", SEND_MESSAGE = "Sqs.SendMessage",
      RECEIVE = "Sqs.ReceiveMessage", DELETE_BATCH = "Sqs.DeleteMessageBatch", WORKER_INVOKE = "Lambda.worker";

  /**
   * Takes the worker invocation's own requests out of a cost: the event source mapping's
   * ReceiveMessage and DeleteMessageBatch and the worker's request (its duration is taken out by
   * the caller: each invocation is billed for its simulated duration in {@link #dispatch}).
   *
   * @return the dollars taken out
   */
  private double perInvocationPart(double[] workerCalls) {
    double usd = 0;
    for (int o = 0; o < workerCalls.length; o++) {
      String op = operations.get(o);
      if (op.equals(RECEIVE) || op.equals(DELETE_BATCH)) {
        usd += workerCalls[o] * sendMessageUsd;
        workerCalls[o] = 0;
      } else if (op.equals(WORKER_INVOKE) || op.equals("Lambda.Invoke")) { // the worker's (part 3 names it Lambda.Invoke)
        usd += workerCalls[o] * lambdaRequestUsd;
        workerCalls[o] = 0;
      }
    }
    return usd;
  }

  private double[] perOperation(Map<String, Double> calls) {
    double[] v = new double[operations.size()];
    calls.forEach((k, c) -> v[operations.indexOf(k)] += c);
    return v;
  }

  private void setUpLocks() {
    double[] cumulative = new double[brands.size()];
    double sum = 0;
    for (int b = 0; b < brands.size(); b++) {
      sum += cfg.brandWeights().getOrDefault(brands.get(b).deviceType(), 1.0);
      cumulative[b] = sum;
    }
    // Homes in a few time zones (UTC-8 to UTC+2); check-in at 15:00 or 16:00, check-out at 10:00 or 11:00 local.
    int[] zones = {-8, -7, -6, -5, -4, 0, 1, 2};
    for (int l = 0; l < cfg.locks(); l++) {
      double pick = bookings.nextDouble() * sum;
      int b = 0;
      while (cumulative[b] <= pick) b++;
      lockBrand[l] = (byte) b;
      lockTz[l] = (byte) zones[bookings.nextInt(zones.length)];
      lockCheckIn[l] = (byte) (15 + bookings.nextInt(2));
      lockCheckOut[l] = (byte) (10 + bookings.nextInt(2));
      lockDead[l] = bookings.nextDouble() < cfg.deadLockShare();
      if (brands.get(b).backupPool() && bookings.nextDouble() < cfg.backupPoolShare()) {
        lockPool[l] = true;
        // The pool was turned on and filled before the simulated period.
        poolReadyRole[l] = cfg.backupPoolSize();
        poolReadySet[l] = cfg.backupPoolSize();
      }
    }
  }

  /**
   * Runs the simulation until every code is created and fired and every code on a working lock is
   * set and removed.
   * What is left then retries on locks offline for good, for ever (a fresh copy every hundred
   * receives, at the long-haul pace): it is counted, with what it costs a day, not run on.
   */
  public SimResult run() {
    long wall0 = System.nanoTime();
    int nextCreate = 0;
    int day = 0;
    while (nextCreate < createdMs.length || (!events.isEmpty() && (openOnLiveLocks > 0 || pendingSchedules > 0))) {
      long now;
      if (nextCreate < createdMs.length && (events.isEmpty() || createdMs[nextCreate] <= time(events.peek()))) {
        now = createdMs[nextCreate];
        advance(now);
        create(nextCreate++, now);
      } else {
        long key = events.poll();
        now = time(key);
        advance(now);
        int type = (int) (key >>> 24) & 15;
        int payload = (int) (key & 0xFFFFFF);
        if (type < WORKER_DONE) fire(type, payload, now);
        else if (type == WORKER_DONE) workerDone(payload, now);
        else makeWaiting(payload, now);
      }
      dispatch(now);
      eventCount++;
      lastMs = now;
      if (progress != null && now / DAY_MS > day) {
        day = (int) (now / DAY_MS);
        progress.day(day, eventCount);
      }
    }
    flushSecond();
    return result((System.nanoTime() - wall0) / 1e9);
  }

  // ------------------------------------------------------------------------------------------- events

  private static long key(long timeMs, int type, int payload) {
    if (payload >>> 24 != 0) throw new IllegalStateException("payload out of range: " + payload);
    return (timeMs << 28) | ((long) type << 24) | payload;
  }

  private static long time(long key) {
    return key >>> 28;
  }

  private void schedule(int code, Transition t, long atMs) {
    events.add(key(atMs, t.ordinal(), code));
    pendingSchedules++;
    peakPendingSchedules = Math.max(peakPendingSchedules, pendingSchedules);
  }

  /** Closes the current virtual second's rate buckets when time moves past it. */
  private void advance(long now) {
    nowMs = now;
    long second = now / 1000;
    if (second != curSecond) {
      flushSecond();
      curSecond = second;
    }
  }

  private void flushSecond() {
    peakFireDemand = Math.max(peakFireDemand, curFireDemand);
    peakSends = Math.max(peakSends, curSends);
    peakRetries = Math.max(peakRetries, curRetries);
    for (int i = 0; i < curCalls.length; i++) {
      peakCalls[i] = Math.max(peakCalls[i], curCalls[i]);
      curCalls[i] = 0;
    }
    for (int i = 0; i < curServiceCalls.length; i++) {
      peakServiceCalls[i] = Math.max(peakServiceCalls[i], curServiceCalls[i]);
      curServiceCalls[i] = 0;
    }
    peakReceived = Math.max(peakReceived, curReceived);
    peakWcu = Math.max(peakWcu, curWcu);
    peakRcu = Math.max(peakRcu, curRcu);
    curWcu = curRcu = 0;
    peakDeleted = Math.max(peakDeleted, curDeleted);
    curFireDemand = curFireDelivered = curSends = curRetries = curReceived = curDeleted = 0;
  }

  private void calls(double[] perOperation) {
    for (int i = 0; i < perOperation.length; i++) {
      if (perOperation[i] == 0) continue;
      curCalls[i] += perOperation[i];
      totalCalls[i] += perOperation[i];
      curServiceCalls[serviceOf[i]] += perOperation[i];
    }
  }

  /**
   * The calls of an extra, without the worker invocation's own requests in it: every worker run
   * an extra stands for is a message the simulation hands to a worker invocation, whose receive,
   * request and delete are counted per batch ({@link #dispatch}, {@link #workerDone}).
   */
  private void extra(Extra e) {
    calls(extraCalls[e.ordinal()]);
    units(AwsCallModel.EXTRAS.get(e).wcu(), AwsCallModel.EXTRAS.get(e).rcu());
    extraUsd += extraUsdOf[e.ordinal()];
  }

  /** The calls of a code's step: those made when the moment fires, or those of the worker's operation. */
  private void step(int code, At at, boolean onWorker) {
    Lifecycle l = lifecycle(code);
    calls(stepCalls[l.ordinal()][at.ordinal()][onWorker ? 1 : 0]);
    double[] u = stepUnits[l.ordinal()][at.ordinal()][onWorker ? 1 : 0];
    units(u[0], u[1]);
    stepUsd += stepUsdOf[l.ordinal()][at.ordinal()][onWorker ? 1 : 0];
  }

  /** DynamoDB write and read units consumed in this second. */
  private void units(double wcu, double rcu) {
    curWcu += wcu;
    curRcu += rcu;
  }

  private Lifecycle lifecycle(int code) {
    return (flags[code] & NATIVE) != 0 ? Lifecycle.time_bound_native : Lifecycle.time_bound_jit;
  }

  /** {@code n} calls of one operation, in this second. */
  private void calls(int operation, double n) {
    curCalls[operation] += n;
    totalCalls[operation] += n;
    curServiceCalls[serviceOf[operation]] += n;
  }

  // ------------------------------------------------------------------------------------------- create

  /** How long before its stay a booking is made, for a uniform draw {@code u} (log-uniform: short leads are common). */
  public static long leadMs(SimConfig cfg, double u) {
    double lnMin = Math.log(Math.max(cfg.minLeadHours() * HOUR_MS, HOUR_MS));
    double lnMax = Math.log(cfg.maxLeadDays() * DAY_MS);
    return (long) Math.exp(lnMin + u * (lnMax - lnMin));
  }

  /** Nights of a stay for a uniform draw {@code u} (short stays are common). */
  public static int nights(SimConfig cfg, double u) {
    return 1 + (int) Math.min(cfg.maxNights() - 1, -Math.log(1 - u) * 2.5);
  }

  /**
   * The mean time a booking's code is stored, from its creation to its {@code ends_at} (lead plus
   * nights, as the simulation draws them; check-in and check-out hours left aside): what a sweep
   * that reads every stored code pays for, per code.
   */
  public static double meanStoredDays(SimConfig cfg, int samples) {
    SplittableRandom r = new SplittableRandom(cfg.seed());
    double sum = 0;
    for (int i = 0; i < samples; i++) sum += leadMs(cfg, r.nextDouble()) / (double) DAY_MS + nights(cfg, r.nextDouble());
    return sum / samples;
  }

  /** A booking creates a time-bound code: AccessCodeService.create via Planner. */
  private void create(int c, long now) {
    int lock = bookings.nextInt(cfg.locks());
    BrandProfile brand = brands.get(lockBrand[lock]);
    long minLeadMs = cfg.minLeadHours() * HOUR_MS;
    long wantedStart = now + leadMs(cfg, bookings.nextDouble());
    // Stays start at the home's check-in hour, local time.
    long tzMs = lockTz[lock] * HOUR_MS;
    long starts = Math.floorDiv(wantedStart + tzMs, DAY_MS) * DAY_MS + lockCheckIn[lock] * HOUR_MS - tzMs;
    while (starts < now + minLeadMs) starts += DAY_MS;
    int nights = nights(cfg, bookings.nextDouble());
    long ends = starts + nights * DAY_MS - (lockCheckIn[lock] - lockCheckOut[lock]) * HOUR_MS;

    Instant nowI = Instant.ofEpochMilli(T0_MS + now);
    AccessCode code = new AccessCode(null, null, null, null, null, null, CodeType.time_bound, CodeStatus.unset,
        Instant.ofEpochMilli(T0_MS + starts), Instant.ofEpochMilli(T0_MS + ends), nowI, List.of(), List.of(), List.of(),
        false, false, false, false, true, false, 1);
    Planner.Plan plan = Planner.plan(code, brand, nowI);
    boolean nativeScheduling = SchedulePolicy.usesNativeScheduling(brand, code.preferNativeScheduling());

    codeLock[c] = lock;
    startsSec[c] = (int) (starts / 1000);
    endsSec[c] = (int) (ends / 1000);
    flags[c] = nativeScheduling ? NATIVE : 0;
    if (nativeScheduling) nativeCodes++;
    if (lockDead[lock]) codesOnDeadLocks++;
    else openOnLiveLocks++;
    status[c] = Planner.initialStatus(code, brand, nowI) == CodeStatus.setting ? SETTING : UNSET;
    if (status[c] == SETTING) flags[c] |= STORED_SETTING;
    // AccessCodeService.create: one CreateSchedule per later moment, the code stored, and when its first
    // trip to the lock is due now the api enqueues it itself (no Scheduler invocation, no programmer).
    Lifecycle l = lifecycle(c);
    calls(createCalls[l.ordinal()]);
    double[] u = stepUnits[l.ordinal()][At.create.ordinal()][0];
    units(u[0], u[1]);
    calls(createScheduleOp, plan.later().size());
    stepUsd += stepUsdOf[l.ordinal()][At.create.ordinal()][0];
    if (observer != null) observer.codeCreated(c, lock, now, starts, ends, nativeScheduling);
    for (Fire f : plan.later()) schedule(c, f.transition(), f.at().toEpochMilli() - T0_MS);
    if (plan.programNow()) {
      dueAtCreate++;
      calls(sendMessageOp, 1);
      stepUsd += sendMessageUsd;
      enqueue(lock, c, OP_SET, At.program);
    }
  }

  // ------------------------------------------------------------------------------------------- fires

  private long dueMs(int code, Transition t) {
    long starts = startsSec[code] * 1000L;
    return switch (t) {
      case PRELOAD -> starts - SchedulePolicy.NATIVE_LEAD.toMillis();
      case PROGRAM -> starts - SchedulePolicy.JUST_IN_TIME_LEAD.toMillis();
      case ACTIVATE -> starts;
      case REMOVE -> endsSec[code] * 1000L;
    };
  }

  /** A schedule fires: Scheduler's quota, then ProgrammingService.fire's checks. */
  private void fire(int type, int c, long now) {
    boolean delayed = type >= DELAYED;
    Transition t = TRANSITIONS[type & 3];
    if (!delayed) curFireDemand++;
    if (cfg.schedulerInvocationsPerSecond() > 0 && curFireDelivered >= cfg.schedulerInvocationsPerSecond()) {
      if (!delayed) firesDelayed++;
      events.add(key((now / 1000 + 1) * 1000, (type & 3) + DELAYED, c));
      return;
    }
    curFireDelivered++;
    pendingSchedules--;
    fires++;
    if (delayed) maxFireDelayMs = Math.max(maxFireDelayMs, now - dueMs(c, t));
    int f = flags[c];
    boolean backup = (f & BACKUP) != 0;
    At at = switch (t) {
      case REMOVE -> At.ends_at;
      case ACTIVATE -> At.starts_at;
      default -> At.program;
    };
    byte s = status[c];
    if (s == DELETED) { // the code is gone: the fire is dropped
      extra(Extra.dropped_fire);
      return;
    }
    if (t == Transition.REMOVE) {
      if (backup) extra(Extra.backup_remove);
      else step(c, at, false);
      // ProgrammingService.remove: a code that never reached its lock is stored as removing with its failure first.
      // (once reported as failed by the worker, without a second failed_to_set_on_device event)
      if (!backup && s != REMOVING && (f & (ON_LOCK | SCHEDULED | PULLED)) == 0) {
        extra((f & SET_FAILED) != 0 ? Extra.remove_never_set_reported : Extra.remove_never_set);
      }
      if (s != REMOVING) {
        if ((f & (BACKUP | EVER_ON_LOCK)) == 0) {
          neverSet++;
          if ((f & PULLED) != 0) neverSetCovered++;
        }
        status[c] = REMOVING;
      }
      enqueue(codeLock[c], c, OP_REMOVE, backup ? null : at);
      return;
    }
    // ProgrammingService.program's checks, in its order.
    boolean done = t == Transition.PRELOAD ? (f & ON_LOCK) != 0 || s == SET : s == SET;
    if (done || s == REMOVING) { // a duplicate
      extra(Extra.dropped_fire);
      return;
    }
    boolean activation = t == Transition.ACTIVATE && preloaded(c) && endsSec[c] * 1000L > now;
    // An ACTIVATE of a code that is not preloaded sends its set (two reads and a SendMessage), not the activation's writes.
    if (t == Transition.ACTIVATE && !activation) extra(Extra.activate_not_preloaded);
    else step(c, at, false);
    if (!activation && !backup && c < createdMs.length && (f & (ON_LOCK | SCHEDULED)) == 0
        && now - createdMs[c] < Reconciler.RECENT_WINDOW.toMillis()) {
      // ProgrammingService.firstSetOfANewCode: the first set of a code created within the sweeps' window reads its PIN
      // claim (happy path: counted with the steps).
      calls(extraCalls[Extra.new_code_claim_read.ordinal()]);
      units(0, AwsCallModel.EXTRAS.get(Extra.new_code_claim_read).rcu());
      stepUsd += extraUsdOf[Extra.new_code_claim_read.ordinal()];
      newCodeClaimReads++;
    }
    if (activation) {
      // A preloaded code on a natively scheduling lock: the lock turns it on by itself, so the programmer
      // records the activation (DeviceWorker.programmed(c, false, true)); nothing is enqueued, no worker runs.
      status[c] = SET;
      flags[c] &= ~(SET_WARNED | SET_FAILED);
      activationsRecorded++;
      return;
    }
    if ((t == Transition.PROGRAM || t == Transition.ACTIVATE) && s == UNSET) status[c] = SETTING;
    // A native code whose preload never made it goes to the lock now: the worker's set costs what a preload does.
    enqueue(codeLock[c], c, OP_SET, t == Transition.ACTIVATE ? At.program : at);
  }

  /**
   * DeviceWorker.preloaded (package-private in dev.keyrack.app, so mirrored here): on the lock,
   * scheduled on it, and no pending mutation (a sim code has one only until it reaches its lock).
   */
  private boolean preloaded(int c) {
    return (flags[c] & (ON_LOCK | SCHEDULED)) == (ON_LOCK | SCHEDULED);
  }

  // ------------------------------------------------------------------------------------------- queue

  /** @param at the step whose worker calls the operation costs when it succeeds (null: counted elsewhere) */
  private void enqueue(int lock, int code, byte kind, At at) {
    int m = allocMessage();
    msgCode[m] = code;
    msgKind[m] = kind;
    msgAt[m] = (byte) (at == null ? -1 : at.ordinal());
    msgNext[m] = -1;
    msgReceives[m] = 0;
    msgSinceCopy[m] = 0;
    if (tailMsg[lock] < 0) headMsg[lock] = m;
    else msgNext[tailMsg[lock]] = m;
    tailMsg[lock] = m;
    queueDepth++;
    peakQueueDepth = Math.max(peakQueueDepth, queueDepth);
    curSends++;
    if (lockState[lock] == IDLE) makeWaiting(lock, nowMs);
  }

  private int allocMessage() {
    if (msgFree >= 0) {
      int m = msgFree;
      msgFree = msgNext[m];
      return m;
    }
    if (msgHigh == msgCode.length) {
      int n = msgCode.length * 2;
      msgCode = Arrays.copyOf(msgCode, n);
      msgKind = Arrays.copyOf(msgKind, n);
      msgAt = Arrays.copyOf(msgAt, n);
      msgNext = Arrays.copyOf(msgNext, n);
      msgReceives = Arrays.copyOf(msgReceives, n);
      msgSinceCopy = Arrays.copyOf(msgSinceCopy, n);
    }
    return msgHigh++;
  }

  private void popHead(int lock, long now) {
    int m = headMsg[lock];
    headMsg[lock] = msgNext[m];
    if (headMsg[lock] < 0) tailMsg[lock] = -1;
    msgNext[m] = msgFree;
    msgFree = m;
    queueDepth--;
    if (headMsg[lock] >= 0) makeWaiting(lock, now);
    else lockState[lock] = IDLE;
  }

  /** The head message, sent again as a fresh copy: it goes behind the lock's other messages. */
  private void requeueAtTail(int lock, int m, long now) {
    msgSinceCopy[m] = 0;
    if (msgNext[m] >= 0) {
      headMsg[lock] = msgNext[m];
      msgNext[m] = -1;
      msgNext[tailMsg[lock]] = m;
      tailMsg[lock] = m;
    }
    makeWaiting(lock, now);
  }

  private void makeWaiting(int lock, long now) {
    lockState[lock] = WAITING;
    waitingSince[lock] = now;
    ready[(readyHead + readySize) % ready.length] = lock;
    readySize++;
    peakLocksWaiting = Math.max(peakLocksWaiting, readySize);
  }


  /**
   * A free worker invocation takes the first message of up to {@code batchSize} waiting locks,
   * oldest waiting first (one receive), and carries them out at the same time (ProviderWorkerHandler:
   * a thread per lock); the invocation ends, and its messages are deleted in one batch, when the
   * slowest is done.
   */
  private void dispatch(long now) {
    while (freeWorkers > 0 && readySize > 0) {
      int slot = -1, taken = 0;
      double longest = 0;
      while (taken < cfg.batchSize() && readySize > 0) {
        int lock = ready[readyHead];
        readyHead = (readyHead + 1) % ready.length;
        readySize--;
        if (lockState[lock] != WAITING) {
          concurrentOps++; // a lock was handed out twice: must never happen
          continue;
        }
        if (slot < 0) {
          slot = freeSlots[--freeSlotCount];
          freeWorkers--;
          peakWorkersBusy = Math.max(peakWorkersBusy, cfg.workerConcurrency() - freeWorkers);
        }
        lockState[lock] = BUSY;
        maxWorkerWaitMs = Math.max(maxWorkerWaitMs, now - waitingSince[lock]);
        int m = headMsg[lock];
        msgReceives[m]++;
        msgSinceCopy[m]++;
        opStart[lock] = now;
        boolean callsProvider = msgKind[m] == OP_REMOVE ? status[msgCode[m]] == REMOVING : setAction(msgCode[m], now) >= PRELOAD;
        double duration = callsProvider ? STORE_MS + brands.get(lockBrand[lock]).latencyMillis() * (0.5 + ops.nextDouble()) : STORE_MS;
        longest = Math.max(longest, duration);
        slotLocks[slot * cfg.batchSize() + taken++] = lock;
      }
      if (slot < 0) continue;
      slotSize[slot] = taken;
      workerInvocations++;
      workerMessages += taken;
      curReceived += taken;
      calls(receiveOp, 1);
      calls(workerInvokeOp, 1);
      invocationUsd += sendMessageUsd + lambdaRequestUsd;
      // Billed duration: the slowest of its operations (they run at once), rounded up to the millisecond.
      long billedMs = (long) Math.ceil(longest);
      workerBilledMs += billedMs;
      workerDurationUsd += billedMs * workerUsdPerMs;
      events.add(key(now + billedMs, WORKER_DONE, slot));
    }
  }

  /** A worker invocation ends: each of its locks' operations is judged, then its messages deleted in one batch. */
  private void workerDone(int slot, long now) {
    int deleted = 0;
    for (int i = 0; i < slotSize[slot]; i++) if (lockDone(slotLocks[slot * cfg.batchSize() + i], now)) deleted++;
    curDeleted += deleted;
    if (deleted > 0) {
      calls(deleteBatchOp, 1);
      invocationUsd += sendMessageUsd;
    }
    freeSlots[freeSlotCount++] = slot;
    freeWorkers++;
  }

  /** @return whether the lock's message is deleted with the batch (done, nothing to do, or replaced by a fresh copy) */
  private boolean lockDone(int lock, long now) {
    if (lockState[lock] != BUSY) throw new IllegalStateException("worker finished on a lock that was not busy");
    int m = headMsg[lock];
    int c = msgCode[m];
    int attempt = msgReceives[m];
    nothingToDo = false;
    boolean set = msgKind[m] == OP_SET;
    boolean ok = set ? workerSet(c, lock, now, attempt) : workerRemove(c, lock, now, attempt);
    if (ok) {
      if (nothingToDo) extra(set ? Extra.worker_nothing_to_do : Extra.worker_nothing_to_do_removal);
      else if (msgAt[m] >= 0) step(c, At.values()[msgAt[m]], true);
      popHead(lock, now);
      return true;
    }
    retries++;
    curRetries++;
    if (msgSinceCopy[m] >= DeviceOperation.FRESH_COPY_AFTER) {
      // ProviderWorkerHandler: a fresh copy at the end of the lock's queue, carrying the attempts so
      // far (so the retry policy's pace goes on), visible at once; the old message is deleted.
      freshCopies++;
      extra(set ? Extra.fresh_copy : Extra.fresh_copy_removal);
      requeueAtTail(lock, m, now);
      return true;
    }
    extra(set ? Extra.retry : Extra.retry_removal);
    // ChangeMessageVisibility: the message stays first in its group, which is blocked until it is visible again.
    lockState[lock] = BACKING_OFF;
    events.add(key(now + retry.backoff(attempt).toMillis(), GROUP_VISIBLE, lock));
    return false;
  }

  // ------------------------------------------------------------------------------------------- worker

  /**
   * DeviceWorker.set's checks, in its order, with the project's {@link Planner} deciding whether the
   * code is due and whether this is a preload: what a SET finds to do now.
   */
  private int setAction(int c, long now) {
    byte s = status[c];
    if (s != SETTING && s != UNSET) return NOTHING;
    AccessCode code = view(c);
    BrandProfile brand = brands.get(lockBrand[codeLock[c]]);
    Instant at = Instant.ofEpochMilli(T0_MS + now);
    if (!Planner.due(code, brand, at)) return NOTHING;
    if (code.endsAt() != null && !code.endsAt().isAfter(at)) return NOTHING; // its removal takes over
    boolean preload = Planner.preloadOnly(code, brand, at);
    if (preload) return preloaded(c) ? NOTHING : PRELOAD;
    return preloaded(c) ? STORE_ONLY : ACTIVE;
  }

  /** The code as the project's own policies see it (a backup waiting in a pool is an ongoing code). */
  private AccessCode view(int c) {
    boolean window = startsSec[c] >= 0 && endsSec[c] >= 0;
    CodeStatus st = switch (status[c]) {
      case SETTING -> CodeStatus.setting;
      case SET -> CodeStatus.set;
      case REMOVING, DELETED -> CodeStatus.removing;
      default -> CodeStatus.unset;
    };
    return new AccessCode(null, null, null, null, null, null, window ? CodeType.time_bound : CodeType.ongoing, st,
        window ? Instant.ofEpochMilli(T0_MS + startsSec[c] * 1000L) : null,
        window ? Instant.ofEpochMilli(T0_MS + endsSec[c] * 1000L) : null, Instant.ofEpochMilli(T0_MS), List.of(),
        List.of(), List.of(), (flags[c] & SCHEDULED) != 0, false, false, false, true, (flags[c] & ON_LOCK) != 0, 1);
  }

  /** @return false when the operation must be retried */
  private boolean workerSet(int c, int lock, long now, int attempt) {
    int action = setAction(c, now);
    if (action == NOTHING) return nothingToDo = true;
    if (action != STORE_ONLY) {
      boolean ok = providerCall(lock, c, true, now);
      if (status[c] == DELETED) setAfterRemoval++;
      if (!ok) {
        reportDelay(c, lock, now, attempt, true, action == PRELOAD);
        return false;
      }
    }
    boolean preload = action == PRELOAD;
    status[c] = preload ? UNSET : SET;
    int f = flags[c] & ~(SET_WARNED | SET_FAILED | SCHEDULED | STORED_SETTING);
    f |= ON_LOCK;
    if (preload || action == STORE_ONLY) f |= SCHEDULED;
    if ((f & EVER_ON_LOCK) == 0) {
      f |= EVER_ON_LOCK;
      if ((f & BACKUP) != 0) {
        poolReadySet[lock]++;
      } else if (now <= startsSec[c] * 1000L) {
        onTime++;
        if (!lockDead[lock]) onTimeOnLiveLocks++;
      } else {
        setLate++;
        maxLateMs = Math.max(maxLateMs, now - startsSec[c] * 1000L);
      }
    }
    flags[c] = f;
    return true;
  }

  /** DeviceWorker.remove: the provider removal, then the code is deleted. */
  private boolean workerRemove(int c, int lock, long now, int attempt) {
    if (status[c] != REMOVING) return nothingToDo = true;
    if (!providerCall(lock, c, false, now)) {
      reportDelay(c, lock, now, attempt, false, false);
      return false;
    }
    if ((flags[c] & BACKUP) == 0 && now < startsSec[c] * 1000L) removedBeforeStart++;
    status[c] = DELETED;
    flags[c] &= ~(ON_LOCK | SCHEDULED);
    if (!lockDead[lock]) {
      lastLiveRemovalMs = now;
      if (c < cfg.codes() || endsSec[c] >= 0) openOnLiveLocks--; // a booking's code or a pulled backup (not one waiting in a pool)
    }
    return true;
  }

  private boolean providerCall(int lock, int c, boolean set, long now) {
    providerCalls++;
    boolean ok = !(lockDead[lock] || inOutage(lock, now)
        || (cfg.transientFailureRate() > 0 && ops.nextDouble() < cfg.transientFailureRate()));
    if (observer != null) observer.providerCall(lock, c, set, opStart[lock], now, ok);
    return ok;
  }

  /** Outages are a pure function of (seed, lock, day): no state, and the same in every run. */
  private boolean inOutage(int lock, long now) {
    if (cfg.outageRatePerLockDay() <= 0) return false;
    long day = now / DAY_MS;
    for (long d = day; d >= Math.max(0, day - 1); d--) {
      long h = mix(cfg.seed() ^ mix(lock * 0x9E3779B97F4A7C15L + d));
      if ((h >>> 40) / (double) (1L << 24) >= cfg.outageRatePerLockDay()) continue;
      long start = d * DAY_MS + Math.floorMod(h, DAY_MS);
      long spread = (cfg.outageMaxHours() - cfg.outageMinHours()) * HOUR_MS;
      long length = cfg.outageMinHours() * HOUR_MS + (spread == 0 ? 0 : Math.floorMod(mix(h), spread + 1));
      if (now >= start && now < start + length) return true;
    }
    return false;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** DeviceWorker.reportDelay: a warning, then an error, each once; a set that fails for good pulls a backup. */
  private void reportDelay(int c, int lock, long now, int attempt, boolean setting, boolean preload) {
    int warnedFlag = setting ? SET_WARNED : REMOVE_WARNED;
    int failedFlag = setting ? SET_FAILED : REMOVE_FAILED;
    boolean warn = retry.warns(attempt) && (flags[c] & warnedFlag) == 0;
    boolean fail = retry.fails(attempt) && (flags[c] & failedFlag) == 0;
    if (warn) {
      flags[c] |= warnedFlag;
      delayWarnings++;
    }
    if (fail) {
      flags[c] |= failedFlag;
      if (setting) setFailures++;
    }
    // DeviceWorker.onItsWay: a set (not a preload) of a code stored unset writes it as setting, with the report if any.
    boolean onItsWay = setting && !preload && (flags[c] & STORED_SETTING) == 0;
    if (onItsWay) flags[c] |= STORED_SETTING;
    if (warn || fail) extra(Extra.delay_report); // the code with its new warning or error, and their events
    else if (onItsWay) extra(Extra.set_on_its_way); // the code stored as setting, no event
    if (setting && retry.fails(attempt)) onSetFailure(c, lock, now); // every failed attempt after the threshold
  }

  // ------------------------------------------------------------------------------------------- backups

  /** BackupPools.onSetFailure and pull, deciding by the project's own {@link BackupPolicy}. */
  private void onSetFailure(int c, int lock, long now) {
    int f = flags[c];
    if (!BackupPolicy.pullOnSetFailure(true, (f & BACKUP) != 0, (f & PULLED) != 0,
        Instant.ofEpochSecond(startsSec[c]), Instant.ofEpochSecond(endsSec[c]), Instant.ofEpochMilli(now))) {
      return;
    }
    extra(Extra.pool_check); // store.backupPoolEnabled
    if (!lockPool[lock]) return;
    if (poolReadySet[lock] == 0) {
      backupPoolEmpty++;
      extra(Extra.backup_pool_empty);
      fill(lock);
      return;
    }
    poolReadySet[lock]--;
    poolReadyRole[lock]--;
    flags[c] |= PULLED;
    backupsPulled++;
    if (now < startsSec[c] * 1000L) backupsPulledBeforeStart++;
    extra(Extra.backup_pull);
    // The pulled backup is on the lock already; it leaves at the original's ends_at.
    int b = newCode(lock, (int) (now / 1000), endsSec[c], SET, BACKUP | ON_LOCK | EVER_ON_LOCK);
    if (!lockDead[lock]) openOnLiveLocks++; // it is removed at that end, as a booking's code is
    schedule(b, Transition.REMOVE, endsSec[c] * 1000L);
    fill(lock);
  }

  /** BackupPools.fill: top the pool up with new backup codes, each sent to the lock. */
  private void fill(int lock) {
    while (poolReadyRole[lock] < cfg.backupPoolSize()) {
      poolReadyRole[lock]++;
      int b = newCode(lock, -1, -1, SETTING, BACKUP | STORED_SETTING);
      extra(Extra.backup_fill);
      enqueue(lock, b, OP_SET, null);
    }
  }

  private int newCode(int lock, int starts, int ends, byte st, int fl) {
    if (nextBackup == codeLock.length) {
      int n = codeLock.length + codeLock.length / 2;
      codeLock = Arrays.copyOf(codeLock, n);
      startsSec = Arrays.copyOf(startsSec, n);
      endsSec = Arrays.copyOf(endsSec, n);
      status = Arrays.copyOf(status, n);
      flags = Arrays.copyOf(flags, n);
    }
    if (nextBackup >>> 24 != 0) throw new IllegalStateException("too many codes for the event encoding");
    int b = nextBackup++;
    codeLock[b] = lock;
    startsSec[b] = starts;
    endsSec[b] = ends;
    status[b] = st;
    flags[b] = fl;
    return b;
  }

  // ------------------------------------------------------------------------------------------- result

  private SimResult result(double wallSeconds) {
    int removalsNotDone = 0;
    for (int c = 0; c < cfg.codes(); c++) if (status[c] != DELETED) removalsNotDone++;
    Map<String, SimResult.ServiceRate> rates = new LinkedHashMap<>();
    for (int i = 0; i < services.size(); i++) {
      double total = 0;
      for (int o = 0; o < operations.size(); o++) if (serviceOf[o] == i) total += totalCalls[o];
      rates.put(services.get(i), new SimResult.ServiceRate(peakServiceCalls[i], total));
    }
    Map<String, SimResult.ServiceRate> opRates = new LinkedHashMap<>();
    for (int o = 0; o < operations.size(); o++) opRates.put(operations.get(o), new SimResult.ServiceRate(peakCalls[o], totalCalls[o]));
    Map<String, Long> violations = new LinkedHashMap<>();
    violations.put("lock_handed_to_two_workers", concurrentOps);
    violations.put("removed_before_starts_at", removedBeforeStart);
    violations.put("set_after_removal", setAfterRemoval);
    int liveLeft = 0, stuckLocks = 0, stuckMessages = 0;
    for (int l = 0; l < cfg.locks(); l++) {
      int n = 0;
      for (int m = headMsg[l]; m >= 0; m = msgNext[m]) n++;
      if (n == 0) continue;
      if (lockDead[l]) {
        stuckLocks++;
        stuckMessages += n;
      } else {
        liveLeft += n;
      }
    }
    // Locks offline for good keep retrying their first job at the long-haul pace, for ever.
    double stuckPerDay = stuckLocks * (DAY_MS / (double) retry.longHaul().toMillis());
    violations.put("messages_left_on_working_locks", (long) liveLeft);
    return new SimResult(cfg.seed(), cfg.codes(), cfg.locks(), nativeCodes, cfg.codes() - nativeCodes, lastMs / (double) DAY_MS,
        lastLiveRemovalMs / (double) DAY_MS, wallSeconds, eventCount, codesOnDeadLocks, onTime, onTimeOnLiveLocks, setLate, neverSet, neverSetCovered, maxLateMs / 1000, backupsPulled,
        backupsPulledBeforeStart, backupPoolEmpty, retries, setFailures, delayWarnings, deadLettered, removalsNotDone,
        providerCalls, fires, firesDelayed, maxFireDelayMs / 1000, peakFireDemand, peakSends, peakRetries, peakPendingSchedules,
        peakQueueDepth, peakLocksWaiting, peakWorkersBusy, maxWorkerWaitMs / 1000, rates, extraUsd / cfg.codes() * 1_000_000, violations,
        opRates, stepUsd / cfg.codes() * 1_000_000, dueAtCreate, activationsRecorded, freshCopies, stuckLocks, stuckMessages,
        stuckPerDay, stuckPerDay * retryAloneUsd, workerInvocations, workerMessages,
        invocationUsd / cfg.codes() * 1_000_000, peakReceived, peakDeleted, newCodeClaimReads,
        workerDurationUsd / cfg.codes() * 1_000_000, workerBilledMs, workerMemoryMb, peakWcu, peakRcu);
  }
}
