package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.crac.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Each function's SnapStart priming ({@code beforeCheckpoint}) runs its representative request
 * against the local stack and leaves nothing behind: no item written, no message enqueued, no
 * schedule created, updated or deleted.
 */
class SnapStartPrimingTest {
  /** Everything priming could change: items in the table, messages in every queue, Scheduler writes. */
  record Footprint(int items, Map<String, String> messages, long schedulerWrites) {}

  static Footprint footprint(LocalStack stack) {
    var ddb = stack.engines().dynamo();
    String table = stack.resources().tableName("KeyrackTable");
    int items = ddb.scan(b -> b.tableName(table).select(Select.COUNT).consistentRead(true)).count();
    Map<String, String> messages = new java.util.TreeMap<>();
    stack.resources().queueUrls().forEach((id, url) -> {
      var a = stack.engines().sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
      messages.put(id, a.values().toString());
    });
    long writes = stack.scheduler().recorded().stream().filter(r -> !r.method().equals("GET")).count();
    return new Footprint(items, messages, writes);
  }

  /** The footprint once background work left by earlier tests (retries, pollers) has stopped changing it. */
  static Footprint settled(LocalStack stack) throws InterruptedException {
    Footprint last = footprint(stack);
    for (int i = 0; i < 40; i++) {
      Thread.sleep(250);
      Footprint now = footprint(stack);
      if (now.equals(last)) return now;
      last = now;
    }
    return last;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ApiFunction", "ProgrammerFunction", "ProviderWorkerFunction"})
  void primingReadsButWritesNothing(String functionId) throws Exception {
    LocalStack stack = TestStack.get();
    Object handler = stack.handler(functionId);
    assertThat(handler).isInstanceOf(Resource.class);
    int readsBefore = stack.scheduler().recorded().size();
    Footprint before = settled(stack);

    ((Resource) handler).beforeCheckpoint(null);
    ((Resource) handler).afterRestore(null);

    assertThat(footprint(stack)).isEqualTo(before);
    if (!functionId.equals("ProgrammerFunction")) {
      // the api and the worker also warm their Scheduler client, with a read
      assertThat(stack.scheduler().recorded().subList(readsBefore, stack.scheduler().recorded().size()))
          .extracting(SchedulerEmulator.Recorded::method).containsOnly("GET").isNotEmpty();
    }
    assertThat(before.items()).isPositive(); // the seeded stack is not empty: the count means something
  }
}
