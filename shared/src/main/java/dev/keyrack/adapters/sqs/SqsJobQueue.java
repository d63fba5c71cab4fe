package dev.keyrack.adapters.sqs;

import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.json.Docs;
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
  private final String deadLetterUrl;

  public SqsJobQueue(SqsClient sqs, String queueUrl) {
    this(sqs, queueUrl, null);
  }

  public SqsJobQueue(SqsClient sqs, String queueUrl, String deadLetterUrl) {
    this.sqs = Objects.requireNonNull(sqs);
    this.queueUrl = Objects.requireNonNull(queueUrl);
    this.deadLetterUrl = deadLetterUrl;
  }

  @Override
  public void retryLater(String receiptHandle, java.time.Duration wait) {
    int seconds = (int) Math.min(43_200, Math.max(0, wait.toSeconds()));
    sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle).visibilityTimeout(seconds));
  }

  @Override
  public void releaseNow(java.util.List<String> receiptHandles) {
    for (int i = 0; i < receiptHandles.size(); i += 10) {
      var chunk = receiptHandles.subList(i, Math.min(receiptHandles.size(), i + 10));
      var entries = new java.util.ArrayList<software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry>();
      for (int j = 0; j < chunk.size(); j++) {
        String handle = chunk.get(j);
        entries.add(software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry.builder()
            .id("m" + j).receiptHandle(handle).visibilityTimeout(0).build());
      }
      sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
    }
  }

  @Override
  public void deadLetter(String body, String reason) {
    if (deadLetterUrl == null) throw new IllegalStateException("no dead-letter queue configured (DEVICE_JOBS_DLQ_URL)");
    sqs.sendMessage(b -> b.queueUrl(deadLetterUrl).messageBody(body)
        .messageGroupId("unprocessable").messageDeduplicationId(Integer.toHexString(body.hashCode()) + "-" + body.length())
        .messageAttributes(java.util.Map.of("reason", software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
            .dataType("String").stringValue(reason).build())));
  }

  @Override
  public void enqueue(DeviceOperation op) {
    send(op, op.deduplicationId());
  }

  @Override
  public void enqueueFreshCopy(DeviceOperation op, String copyOf) {
    // At most 128 characters: a message id is a UUID.
    send(op, "copy-" + copyOf);
  }

  private void send(DeviceOperation op, String deduplicationId) {
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(Docs.write(op))
        .messageGroupId(op.deviceId().toString())
        .messageDeduplicationId(deduplicationId));
  }

  public static DeviceOperation parse(String body) {
    return Docs.deviceOperation(body);
  }
}
