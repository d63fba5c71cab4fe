package dev.keyrack.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The floor under the cost target: what a just-in-time time-bound code, created ahead of its
 * programming moment, costs if it made only calls that ARCHITECTURE.md's flow cannot do without, at
 * the checked-in prices, with no Lambda duration at all. Every call counted is one the flow makes; not
 * every call the flow makes is counted, so a real design costs more. Each count and where it comes from:
 * <ul>
 *   <li>HTTP API: 1 request, the create;</li>
 *   <li>Scheduler: 2 invocations, the programming moment and {@code ends_at} (one one-time schedule per
 *       pending transition);</li>
 *   <li>Lambda: the api once, the programmer once per fire (2), the worker once per batch of jobs
 *       (2 jobs: the set and the removal);</li>
 *   <li>SQS FIFO: per job a SendMessage (the programmer sends one code's job per fire, so it cannot
 *       batch), and a ReceiveMessage and a DeleteMessageBatch per batch;</li>
 *   <li>DynamoDB: 3 writes of at most 1 KB, the code stored at its create, its set and its removal,
 *       each carrying its event (ARCHITECTURE.md: a state change and its event in one item write);
 *       reads: the device looked up by the create (0.5 RCU, eventually consistent) and the code
 *       re-read by each fire to drop a stale one (2 x 1 RCU: consistent, since an eventually consistent
 *       read could miss the update that made the fire stale, and no other read is counted before the
 *       lock is called).</li>
 * </ul>
 * Left out, though Keyrack needs them: a PIN's uniqueness on its lock, events as items of their own
 * (so that {@code events/list} reads a time range), the outbox's check that they were written, the
 * webhooks' fan-out, the worker's read of the code before it calls the lock, the sweeps, every
 * retry, and all Lambda duration. A code created within its lead time skips one fire, one
 * programmer invocation and one re-read ($1.31 less); the booking codes priced here are created ahead.
 */
record DesignFloor(double jobsPerBatch) {
  static final int JOBS = 2, FIRES = 2, WRITES = 3;
  static final double READ_UNITS = 0.5 + FIRES * 1.0;

  DesignFloor {
    if (!(jobsPerBatch >= 1 && jobsPerBatch <= 10)) throw new IllegalArgumentException("an SQS batch holds 1 to 10 jobs");
  }

  /** Dollars per million codes, by service, in {@link PriceTable#SERVICES} order. */
  Map<String, Double> usdPerMillion(PriceTable p) {
    double batches = JOBS / jobsPerBatch;
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("ApiGateway", p.apiGatewayPerMillionRequests());
    out.put("Lambda", (1 + FIRES + batches) * p.lambdaPerMillionRequests());
    out.put("Scheduler", FIRES * p.schedulerPerMillionInvocations());
    out.put("Sqs", (JOBS + 2 * batches) * p.sqsPerMillionRequests());
    out.put("DynamoDb", WRITES * p.dynamoPerMillionWriteUnits() + READ_UNITS * p.dynamoPerMillionReadUnits());
    return out;
  }

  double total(PriceTable p) {
    return usdPerMillion(p).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The note: the floor at batches of one and of ten, against the target and what was measured. */
  static String note(PriceTable p, double targetUsd, double measuredWithoutDuration) {
    DesignFloor one = new DesignFloor(1), ten = new DesignFloor(10);
    return String.format(Locale.ROOT, "Design floor (DesignFloor: only calls ARCHITECTURE.md's flow cannot do without, for "
            + "a just-in-time code created ahead of its programming moment, no Lambda duration, no PIN claim, no event items, no sweeps or retries): $%.2f per million "
            + "with every SQS receive bringing one job, as here, %s the $%.2f target by itself; $%.2f if every receive brought "
            + "10 jobs (%s), leaving $%.2f for everything it leaves out. Measured without duration: $%.2f.",
        one.total(p), one.total(p) >= targetUsd ? "at or over" : "under", targetUsd, ten.total(p),
        ten.usdPerMillion(p).entrySet().stream().map(e -> String.format(Locale.ROOT, "%s $%.2f", e.getKey(), e.getValue()))
            .collect(java.util.stream.Collectors.joining(", ")),
        Math.max(0, targetUsd - ten.total(p)), measuredWithoutDuration);
  }
}
