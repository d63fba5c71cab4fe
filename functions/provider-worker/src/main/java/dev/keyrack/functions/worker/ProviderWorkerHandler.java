package dev.keyrack.functions.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.adapters.lambda.Priming;
import dev.keyrack.adapters.sqs.SqsJobQueue;
import dev.keyrack.app.DeviceWorker;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Ids;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Telemetry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The provider worker: takes batches from the device-job FIFO queue and carries each operation
 * out on its lock, the batch's locks at the same time and each lock's operations one after
 * another. Reports partial batch failures ({@code ReportBatchItemFailures}); on a FIFO
 * queue, once one message of a device fails, the later messages of the same device in the batch
 * are reported failed too without being tried, so a lock's operations never overtake each other.
 *
 * <p>SnapStart: the no-argument constructor registers the handler as a CRaC {@link Resource};
 * before the snapshot it handles a batch with a SET for each of two devices that do not exist
 * (message parsing, DynamoDB reads, nothing to do; nothing is written, enqueued or sent to a lock),
 * round-trips an access code through JSON in memory, warms the SQS and Scheduler clients with
 * reads, and sets two codes on sandbox locks on a stand-in of AWS in memory ({@link #primeJobs}).
 */
public final class ProviderWorkerHandler implements RequestStreamHandler, Resource {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderWorkerHandler.class);

  private final DeviceWorker worker;
  private final JobQueue queue;
  private final Telemetry telemetry;
  private Runnable primeClients = () -> { };
  private Runnable primeJobs = () -> { };

  public ProviderWorkerHandler() {
    this(AwsWiring.fromEnvironment());
    Core.getGlobalContext().register(this);
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ProviderWorkerHandler(AwsWiring aws) {
    this(worker(aws), aws.jobQueue(), aws.telemetry());
    this.primeClients = aws::primeClients;
    this.primeJobs = () -> Priming.onStandIn(aws, ProviderWorkerHandler::primeJobs);
  }

  private static DeviceWorker worker(AwsWiring aws) {
    DeviceWorker w = new DeviceWorker(aws.store(), aws.sandboxProvider(), aws.clock(), Ids.shared(), aws.retryPolicy());
    // A set that fails for good pulls a backup code when the device has a pool.
    w.onSetFailure(aws.backupPools()::onSetFailure);
    // A code the lock refused for want of a slot is set again when another code leaves the lock.
    w.resendThrough(aws.jobQueue());
    w.telemetry(aws.telemetry());
    return w;
  }

  public ProviderWorkerHandler(DeviceWorker worker, JobQueue queue, Telemetry telemetry) {
    this.worker = worker;
    this.queue = queue;
    this.telemetry = telemetry;
  }

  /**
   * A SET for each of two devices that do not exist: parsed, looked up, nothing to do; two locks,
   * so the path that programs a batch's locks at the same time is warmed too.
   */
  static SQSEvent primingBatch() {
    List<SQSEvent.SQSMessage> records = new ArrayList<>(2);
    for (int i = 1; i <= 2; i++) {
      SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
      m.setMessageId("snapstart-priming-" + i);
      m.setReceiptHandle("snapstart-priming-" + i);
      String device = Priming.absentId().toString();
      m.setBody("{\"kind\": \"SET\", \"workspaceId\": \"" + Priming.absentId() + "\", \"deviceId\": \""
          + device + "\", \"accessCodeId\": \"" + Priming.absentId() + "\", \"codeVersion\": 1}");
      m.setAttributes(Map.of("ApproximateReceiveCount", "1", "MessageGroupId", device));
      records.add(m);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    return event;
  }

  /**
   * The worker's representative job, on a stand-in of AWS ({@link AwsWiring#standIn}: nothing
   * leaves the process, its sandbox locks answer at once): a batch that sets a new code on each of
   * two sandbox locks (the lock's memory changed, the code stored as set with its event), through
   * the same worker, adapters and SDK clients' code as real batches.
   *
   * @return how many of the batch's jobs succeeded (the others are logged)
   */
  static int primeJobs(AwsWiring standIn) {
    var store = standIn.store();
    List<SQSEvent.SQSMessage> records = new ArrayList<>(2);
    for (int i = 1; i <= 2; i++) {
      var lock = Priming.seedLock(store, "priming-" + i);
      var code = Priming.code(lock.workspaceId(), lock.deviceId(), dev.keyrack.domain.CodeType.ongoing,
          dev.keyrack.domain.CodeStatus.setting, null, null);
      store.create(code, List.of());
      SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
      m.setMessageId("snapstart-priming-job-" + i);
      m.setReceiptHandle("snapstart-priming-job-" + i);
      m.setBody(dev.keyrack.json.Json.write(new dev.keyrack.domain.DeviceOperation(dev.keyrack.domain.DeviceOperation.Kind.SET,
          lock.workspaceId(), lock.deviceId(), code.accessCodeId(), code.version(), 0)));
      m.setAttributes(Map.of("ApproximateReceiveCount", "1", "MessageGroupId", lock.deviceId().toString()));
      records.add(m);
    }
    SQSEvent batch = new SQSEvent();
    batch.setRecords(records);
    int failed = new ProviderWorkerHandler(standIn).handle(batch, Priming.context()).getBatchItemFailures().size();
    if (failed > 0) LOG.warn("{} priming job(s) failed", failed);
    return records.size() - failed;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws java.io.IOException {
    handleRequest(new java.io.ByteArrayInputStream(SqsPayloads.eventBytes(primingBatch())), java.io.OutputStream.nullOutputStream(),
        Priming.context());
    Priming.warmJson();
    primeClients.run();
    primeJobs.run();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to refresh: no time is cached, and the JDK's default SecureRandom on Linux (NativePRNG)
    // mixes /dev/urandom into every nextBytes, so restored copies of one snapshot draw differently.
  }

  /** An invocation as Lambda makes it: the batch's bytes in, the partial batch response's out ({@link SqsPayloads}). */
  @Override
  public void handleRequest(java.io.InputStream input, java.io.OutputStream output, Context context) throws java.io.IOException {
    SqsPayloads.writeResponse(handle(SqsPayloads.readEvent(input), context), output);
  }

  /** One batch, read. */
  public SQSBatchResponse handle(SQSEvent event, Context context) {
    return Observability.around(context, telemetry, () -> process(event));
  }

  SQSBatchResponse process(SQSEvent event) {
    List<List<SQSEvent.SQSMessage>> groups = byLock(event.getRecords());
    List<Group> done = groups.size() == 1 ? List.of(processGroup(groups.get(0))) : inParallel(groups);
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    List<String> followers = new ArrayList<>();
    for (Group g : done) {
      g.failures().forEach(id -> failures.add(new SQSBatchResponse.BatchItemFailure(id)));
      followers.addAll(g.followers());
    }
    release(followers);
    return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
  }

  /** A lock's messages of a batch once handled: the ids to report failed, the receipts to hand back at once. */
  record Group(List<String> failures, List<String> followers) {}

  /**
   * The batch's messages by lock (FIFO message group), each lock's in the order received; a message
   * without a group is a group of its own.
   */
  static List<List<SQSEvent.SQSMessage>> byLock(List<SQSEvent.SQSMessage> records) {
    Map<String, List<SQSEvent.SQSMessage>> groups = new LinkedHashMap<>();
    for (SQSEvent.SQSMessage m : records) {
      String group = m.getAttributes() == null ? null : m.getAttributes().get("MessageGroupId");
      groups.computeIfAbsent(group == null ? "message:" + m.getMessageId() : "group:" + group, k -> new ArrayList<>(1)).add(m);
    }
    return new ArrayList<>(groups.values());
  }

  /**
   * Different locks of one batch are programmed at the same time, each on a virtual thread of its own
   * (the work is waiting on the lock's cloud and DynamoDB), with the invocation's log context; one
   * lock's messages still go one after another. A lock whose thread fails with an unexpected
   * exception has all its messages reported failed, so they come back in order (any of them done
   * already finds nothing to do then). An {@link Error} (the JVM in trouble, or the local stack's
   * injected crash) fails the whole invocation once the other locks are done, as a dead process
   * would: nothing of the batch is acknowledged, all of it comes back, and the locks done already
   * find nothing to do.
   */
  private List<Group> inParallel(List<List<SQSEvent.SQSMessage>> groups) {
    Map<String, String> logContext = MDC.getCopyOfContextMap();
    List<Future<Group>> running = new ArrayList<>(groups.size());
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (List<SQSEvent.SQSMessage> g : groups) {
        running.add(threads.submit(() -> {
          if (logContext != null) MDC.setContextMap(logContext);
          try {
            return processGroup(g);
          } finally {
            MDC.clear();
          }
        }));
      }
    }
    List<Group> done = new ArrayList<>(groups.size());
    Error fatal = null;
    for (int i = 0; i < groups.size(); i++) {
      try {
        done.add(running.get(i).get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          if (fatal == null) fatal = error;
          else fatal.addSuppressed(error);
          continue;
        }
        LOG.error("device jobs of one lock failed: {}", e.getCause().getClass().getName());
        done.add(new Group(groups.get(i).stream().map(SQSEvent.SQSMessage::getMessageId).toList(), List.of()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while programming locks", e);
      }
    }
    if (fatal != null) throw fatal;
    return done;
  }

  /** One lock's messages of a batch, in order; once one must be retried, the later ones wait behind it. */
  private Group processGroup(List<SQSEvent.SQSMessage> messages) {
    List<String> failures = new ArrayList<>();
    List<String> followers = new ArrayList<>();
    boolean blocked = false;
    for (SQSEvent.SQSMessage m : messages) {
      if (blocked) {
        // Behind a job of its lock that waits for a retry: it keeps its place and goes back now; the
        // FIFO group stays blocked by the waiting job, so it runs after it and not 180 s later.
        if (receiveCount(m) >= DeviceOperation.FRESH_COPY_AFTER && sendFreshCopy(m, false)) continue;
        failures.add(m.getMessageId());
        followers.add(m.getReceiptHandle());
        continue;
      }
      DeviceOperation op;
      try {
        op = SqsJobQueue.parse(m.getBody());
        if (op.kind() == null || op.workspaceId() == null || op.deviceId() == null || op.accessCodeId() == null) {
          throw new IllegalArgumentException("incomplete device operation");
        }
      } catch (RuntimeException unreadable) {
        // Retrying cannot help: park it, visibly, in the dead-letter queue, and let the lock's queue move on.
        LOG.error("unreadable device job {} moved to the dead-letter queue", m.getMessageId());
        try {
          queue.deadLetter(m.getBody(), "unreadable device operation");
          telemetry.count("DeviceJobsDeadLettered");
          continue;
        } catch (RuntimeException e) {
          failures.add(m.getMessageId());
          blocked = true;
          continue;
        }
      }
      boolean ok;
      // Every log line of this job names its workspace, lock and code (cleared before the next job).
      MDC.put("workspace_id", op.workspaceId().toString());
      MDC.put("device_id", op.deviceId().toString());
      MDC.put("access_code_id", op.accessCodeId().toString());
      try {
        int attempt = op.failedBefore() + receiveCount(m); // a fresh copy carries the attempts before it
        DeviceWorker.Outcome outcome = worker.process(op, attempt);
        boolean copied = false;
        switch (outcome) {
          // A set (or preload) is counted by the worker, which knows which it was.
          case DONE -> { if (op.kind() == DeviceOperation.Kind.REMOVE) telemetry.count("AccessCodesRemoved"); }
          case FAILED_PERMANENTLY -> telemetry.count("AccessCodesFailed");
          case RETRY -> {
            telemetry.count("DeviceJobRetries");
            copied = receiveCount(m) >= DeviceOperation.FRESH_COPY_AFTER && sendFreshCopy(m, true);
            if (!copied) backOff(m, attempt);
          }
          default -> { }
        }
        ok = outcome != DeviceWorker.Outcome.RETRY || copied; // a copy took its place: the old message goes
      } catch (RuntimeException e) {
        LOG.error("device job {} failed: {} at {}", m.getMessageId(), e.getClass().getName(),
            e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
        backOff(m, op.failedBefore() + receiveCount(m));
        ok = false;
      } finally {
        MDC.remove("workspace_id");
        MDC.remove("device_id");
        MDC.remove("access_code_id");
      }
      if (!ok) {
        failures.add(m.getMessageId());
        blocked = true;
      }
    }
    return new Group(failures, followers);
  }

  /**
   * Replaces a job received {@link DeviceOperation#FRESH_COPY_AFTER} times by a fresh copy at the end
   * of its lock's queue, so a retry outlasts SQS's retention and the redrive policy's receive limit.
   *
   * @param attempted whether its receives were attempts (a job that only waited behind its lock's
   *                  retrying job carries its count unchanged: it has not failed)
   * @return whether the copy was sent (the old message can then be deleted)
   */
  private boolean sendFreshCopy(SQSEvent.SQSMessage m, boolean attempted) {
    try {
      DeviceOperation op = SqsJobQueue.parse(m.getBody());
      queue.enqueueFreshCopy(attempted ? op.withFailedBefore(op.failedBefore() + receiveCount(m)) : op, m.getMessageId());
      telemetry.count("DeviceJobsRefreshed");
      return true;
    } catch (RuntimeException e) {
      LOG.warn("could not refresh device job {}: {}; it is retried as it is", m.getMessageId(), e.getClass().getSimpleName());
      return false;
    }
  }

  private void release(List<String> receiptHandles) {
    if (receiptHandles.isEmpty()) return;
    try {
      queue.releaseNow(receiptHandles);
    } catch (RuntimeException e) {
      LOG.warn("could not return {} waiting device jobs early: {}; they return after the queue's visibility timeout",
          receiptHandles.size(), e.getClass().getSimpleName());
    }
  }

  /**
   * The attempt number the retry policy judges by: SQS's receive count. A job that waited behind a
   * retrying job of its lock was received (and handed back) with each of those retries, so its
   * count also says how many times its lock has failed while it waited; its delay warning and
   * failure error can therefore come on its own first failure, which is what the user needs to
   * know: the lock has been failing that long.
   */
  static int receiveCount(SQSEvent.SQSMessage m) {
    try {
      return Integer.parseInt(m.getAttributes().getOrDefault("ApproximateReceiveCount", "1"));
    } catch (RuntimeException e) {
      return 1;
    }
  }

  /** The message comes back after the retry policy's backoff (it stays first in its lock's group). */
  private void backOff(SQSEvent.SQSMessage m, int attempt) {
    try {
      queue.retryLater(m.getReceiptHandle(), worker.retryPolicy().backoff(attempt));
    } catch (RuntimeException e) {
      LOG.warn("could not delay retry of {}: {}; it returns after the queue's visibility timeout", m.getMessageId(),
          e.getClass().getSimpleName());
    }
  }
}
