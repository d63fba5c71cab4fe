package dev.keyrack.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * A Lambda event source mapping for one SQS queue: several pollers receive batches (FIFO queues
 * hand a message group to one receiver at a time), invoke the handler with an {@link SQSEvent}
 * shaped as Lambda shapes it, and delete what succeeded. With {@code ReportBatchItemFailures} the
 * failed items stay on the queue and come back after their visibility timeout; without it, any
 * exception fails the whole batch, as in Lambda.
 */
public final class QueuePoller implements AutoCloseable {
  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final Template.QueueTrigger trigger;
  private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
  private final Supplier<Context> context;
  private final ExecutorService pool;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong redeliveries = new AtomicLong();
  private final AtomicLong crashes = new AtomicLong();
  private final AtomicLong operationCrashes = new AtomicLong();
  private volatile double crashRate;
  private volatile java.util.Random random = new java.util.Random();

  public QueuePoller(SqsClient sqs, String queueUrl, String queueArn, Template.QueueTrigger trigger,
                     RequestHandler<SQSEvent, SQSBatchResponse> handler, Supplier<Context> context, int pollers) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.trigger = trigger;
    this.handler = handler;
    this.context = context;
    this.pool = Executors.newFixedThreadPool(pollers, r -> {
      Thread t = new Thread(r, "poller-" + trigger.queueId());
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < pollers; i++) pool.submit(this::loop);
  }

  private void loop() {
    while (running.get()) {
      try {
        ReceiveMessageResponse r = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(Math.min(10, trigger.batchSize()))
            .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL));
        if (!r.hasMessages() || r.messages().isEmpty()) continue;
        inFlight.incrementAndGet();
        try {
          invoke(r.messages());
        } finally {
          inFlight.decrementAndGet();
        }
      } catch (RuntimeException e) {
        if (running.get()) {
          System.err.println("local poller " + trigger.queueId() + ": " + e.getClass().getSimpleName() + "; retrying");
          sleep(200);
        }
      }
    }
  }

  private void invoke(List<Message> messages) {
    SQSEvent event = new SQSEvent();
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (Message m : messages) {
      SQSEvent.SQSMessage rec = new SQSEvent.SQSMessage();
      rec.setMessageId(m.messageId());
      rec.setReceiptHandle(m.receiptHandle());
      rec.setBody(m.body());
      rec.setMd5OfBody(m.md5OfBody());
      Map<String, String> attrs = new HashMap<>();
      m.attributes().forEach((k, v) -> attrs.put(k.toString(), v));
      rec.setAttributes(attrs);
      rec.setEventSource("aws:sqs");
      rec.setEventSourceArn(queueArn);
      rec.setAwsRegion(Engines.REGION.id());
      records.add(rec);
    }
    event.setRecords(records);
    Set<String> failed = new HashSet<>();
    for (Message m : messages) {
      String count = m.attributesAsStrings().get("ApproximateReceiveCount");
      if (count != null && !count.equals("1")) redeliveries.incrementAndGet();
    }
    try {
      if (crashRate > 0 && random.nextDouble() < crashRate) {
        // A crash in the middle of the batch: the first records were handled, the rest not, and
        // nothing is acknowledged, so the whole batch comes back after the visibility timeout.
        SQSEvent partial = new SQSEvent();
        partial.setRecords(records.subList(0, 1 + random.nextInt(records.size())));
        handler.handleRequest(partial, context.get());
        crashes.incrementAndGet();
        throw new InjectedCrash();
      }
      SQSBatchResponse response = handler.handleRequest(event, context.get());
      if (trigger.reportsBatchItemFailures() && response != null && response.getBatchItemFailures() != null) {
        response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
      }
    } catch (InjectedCrash e) {
      messages.forEach(m -> failed.add(m.messageId()));
    } catch (WorkerCrash e) {
      // The worker died in the middle of an operation (a fault-injection hook threw this): nothing
      // of the batch is acknowledged, and it all comes back after the visibility timeout.
      crashes.incrementAndGet();
      operationCrashes.incrementAndGet();
      messages.forEach(m -> failed.add(m.messageId()));
    } catch (RuntimeException e) {
      System.err.println("local poller " + trigger.queueId() + ": handler threw " + e.getClass().getSimpleName()
          + "; the whole batch will be retried");
      messages.forEach(m -> failed.add(m.messageId()));
    }
    batches.incrementAndGet();
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (Message m : messages) {
      if (!failed.contains(m.messageId())) {
        done.add(DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build());
      }
    }
    if (!done.isEmpty()) sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
  }

  /**
   * Thrown by a fault-injection hook to kill a worker invocation where it stands (say, right after
   * a lock was written and before the store was). An {@link Error}, so that no handler code catches
   * it as a failure of its own: like a dead process, the invocation simply ends unacknowledged.
   */
  public static final class WorkerCrash extends Error {
    public WorkerCrash() {
      super("injected worker crash in the middle of an operation", null, false, false);
    }
  }

  private static final class InjectedCrash extends RuntimeException {
    InjectedCrash() {
      super("injected worker crash", null, false, false);
    }
  }

  /** Seeds this mapping's crash decisions (its pollers share them, so threads still interleave as they may). */
  public void seed(long seed) {
    this.random = new java.util.Random(seed);
  }

  /** Fault injection: the probability that an invocation "crashes" after doing its work. */
  public void crashRate(double rate) {
    this.crashRate = rate;
  }

  public long redeliveries() {
    return redeliveries.get();
  }

  /** Every injected crash: between records of a batch, and inside an operation ({@link #operationCrashes}). */
  public long crashes() {
    return crashes.get();
  }

  /** Crashes inside an operation ({@link WorkerCrash}), e.g. after a lock was written and before the store. */
  public long operationCrashes() {
    return operationCrashes.get();
  }

  public long batchesHandled() {
    return batches.get();
  }

  public boolean busy() {
    return inFlight.get() > 0;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running.set(false);
    pool.shutdown();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
  }
}
