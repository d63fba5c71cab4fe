package dev.keyrack.local.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.adapters.sqs.SqsJobQueue;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.DeviceOperation.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link SqsJobQueue} on the FIFO queue that template.yaml declares, against each {@link Backend}:
 * one subclass per backend ({@link SqsJobQueueTest} in process, {@link LocalstackSqsJobQueueTest} in
 * LocalStack), the same tests for both.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class AbstractSqsJobQueueTest {
  Backend backend;
  String queueUrl;
  SqsJobQueue queue;

  /** Starts (or connects to) the services these tests run against; closed after the last test. */
  abstract Backend startBackend();

  @BeforeAll
  void start() {
    backend = startBackend();
    queueUrl = backend.resources().queueUrl("DeviceJobsQueue");
    queue = new SqsJobQueue(backend.sqs(), queueUrl);
  }

  @AfterAll
  void stop() throws Exception {
    if (backend != null) backend.close();
  }

  /** A message as received, with the attributes this test looks at. */
  record Received(DeviceOperation op, String groupId, String dedupId) {}

  /**
   * Receives (and deletes) messages until {@code expected} have arrived or the deadline passes, then
   * keeps polling briefly to catch any extra message.
   */
  static List<Received> drain(SqsClient sqs, String url, int expected, Duration deadline) {
    List<Received> out = new ArrayList<>();
    Instant end = Instant.now().plus(deadline);
    int emptyAfterExpected = 0;
    while (Instant.now().isBefore(end) && emptyAfterExpected < 1) {
      List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
          .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID,
              MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).messages();
      for (Message m : batch) {
        out.add(new Received(SqsJobQueue.parse(m.body()),
            m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
            m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)));
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
      if (batch.isEmpty() && out.size() >= expected) emptyAfterExpected++;
    }
    return out;
  }

  List<Received> drain(int expected) {
    return drain(backend.sqs(), queueUrl, expected, Duration.ofSeconds(30));
  }

  static DeviceOperation op(Kind kind, UUID device, UUID code, long version) {
    return new DeviceOperation(kind, UUID.randomUUID(), device, code, version);
  }

  @Test
  void queueFromTheTemplateIsFifo() {
    assertThat(queueUrl).endsWith(".fifo");
    Map<QueueAttributeName, String> attrs = backend.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.ALL)).attributes();
    assertThat(attrs).containsEntry(QueueAttributeName.FIFO_QUEUE, "true");
    assertThat(attrs.get(QueueAttributeName.REDRIVE_POLICY)).contains("DeviceJobsDeadLetterQueue");
  }

  @Test
  void operationsAreGroupedByDeviceAndKeepTheirOrderWithinAGroup() {
    UUID lockA = UUID.randomUUID(), lockB = UUID.randomUUID();
    List<DeviceOperation> sent = new ArrayList<>();
    // interleaved: A1 B1 A2 A3 B2 A4 B3 A5
    UUID[] codes = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
    sent.add(op(Kind.SET, lockA, codes[0], 1));
    sent.add(op(Kind.SET, lockB, codes[1], 1));
    sent.add(op(Kind.REMOVE, lockA, codes[0], 2));
    sent.add(op(Kind.SET, lockA, codes[0], 3));
    sent.add(op(Kind.REMOVE, lockB, codes[1], 2));
    sent.add(op(Kind.SET, lockA, codes[2], 1));
    sent.add(op(Kind.SET, lockB, codes[1], 3));
    sent.add(op(Kind.REMOVE, lockA, codes[2], 2));
    sent.forEach(queue::enqueue);

    List<Received> got = drain(sent.size());

    assertThat(got).hasSize(sent.size());
    assertThat(got).extracting(Received::op).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(got).allSatisfy(r -> {
      assertThat(r.groupId()).isEqualTo(r.op().deviceId().toString());
      assertThat(r.dedupId()).isEqualTo(r.op().deduplicationId());
    });
    Map<UUID, List<DeviceOperation>> byDevice = got.stream().map(Received::op)
        .collect(Collectors.groupingBy(DeviceOperation::deviceId));
    assertThat(byDevice.get(lockA)).containsExactlyElementsOf(sent.stream().filter(o -> o.deviceId().equals(lockA)).toList());
    assertThat(byDevice.get(lockB)).containsExactlyElementsOf(sent.stream().filter(o -> o.deviceId().equals(lockB)).toList());
  }

  @Test
  void theSameOperationEnqueuedTwiceIsOneMessage() {
    UUID lock = UUID.randomUUID(), code = UUID.randomUUID();
    DeviceOperation set = op(Kind.SET, lock, code, 4);
    queue.enqueue(set);
    queue.enqueue(set);
    // the same planned operation, even from another sender with another workspace field, is the same message
    queue.enqueue(new DeviceOperation(Kind.SET, UUID.randomUUID(), lock, code, 4));
    // a different version or kind is a different operation
    DeviceOperation newer = op(Kind.SET, lock, code, 5);
    DeviceOperation remove = op(Kind.REMOVE, lock, code, 4);
    queue.enqueue(newer);
    queue.enqueue(remove);
    queue.enqueue(newer);

    List<Received> got = drain(3);

    assertThat(got).extracting(Received::op).containsExactly(set, newer, remove);
  }
}
