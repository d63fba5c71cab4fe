package dev.keyrack.adapters.sqs;

import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.json.Json;
import dev.keyrack.ports.JobQueue;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The device-job FIFO queue: one message group per device, so one lock is programmed one operation
 * at a time, in order, while other locks proceed in parallel. The deduplication id is derived from
 * the operation, so a repeated enqueue within SQS's five-minute window is dropped by SQS itself.
 */
public final class SqsJobQueue implements JobQueue {
  private final SqsClient sqs;
  private final String queueUrl;

  public SqsJobQueue(SqsClient sqs, String queueUrl) {
    this.sqs = Objects.requireNonNull(sqs);
    this.queueUrl = Objects.requireNonNull(queueUrl);
  }

  @Override
  public void enqueue(DeviceOperation op) {
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(Json.write(op))
        .messageGroupId(op.deviceId().toString())
        .messageDeduplicationId(op.deduplicationId()));
  }

  public static DeviceOperation parse(String body) {
    return Json.read(body, DeviceOperation.class);
  }
}
