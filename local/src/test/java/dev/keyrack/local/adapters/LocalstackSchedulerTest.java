package dev.keyrack.local.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrack.adapters.scheduler.EventBridgeScheduler;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.SchedulePolicy.Transition;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;

/**
 * The EventBridge Scheduler adapter against LocalStack, where Docker exists; skipped (not failed)
 * where it does not. The schedule group comes from template.yaml, and the adapter is configured
 * from the API function's environment there (group, target alias, role, dead-letter queue), as
 * resolved by the local stack. (EventBridgeSchedulerTest runs the same adapter against the
 * in-process emulator; the storage and queue adapters' LocalStack tests are
 * {@link LocalstackDynamoStoreTest} and {@link LocalstackSqsJobQueueTest}.)
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalstackSchedulerTest {
  static Backend backend;
  static String group;
  static EventBridgeScheduler scheduler;

  @BeforeAll
  static void start() {
    backend = Backend.localstack();
    Map<String, String> env = backend.resources().environment(backend.template().function("ApiFunction"));
    group = env.get("SCHEDULE_GROUP_NAME");
    scheduler = new EventBridgeScheduler(backend.scheduler(), new EventBridgeScheduler.Config(group,
        env.get("PROGRAMMER_FUNCTION_ARN"), env.get("SCHEDULER_ROLE_ARN"), env.get("SCHEDULER_DLQ_ARN"), 3, 3600));
  }

  @AfterAll
  static void stop() throws Exception {
    if (backend != null) backend.close();
  }

  @Test
  void schedulerAdapterCreatesReplacesAndCancelsSchedules() {
    SchedulerClient client = backend.scheduler();
    UUID id = UUID.randomUUID();
    Fire fire = new Fire(UUID.randomUUID(), UUID.randomUUID(), id, Transition.REMOVE,
        Instant.parse("2030-01-01T00:00:00Z"), "p");
    scheduler.schedule(fire);
    scheduler.schedule(fire); // a repeat replaces
    var got = client.getSchedule(b -> b.name(fire.scheduleName()).groupName(group));
    assertThat(got.scheduleExpression()).isEqualTo("at(2030-01-01T00:00:00)");
    assertThat(got.actionAfterCompletionAsString()).isEqualTo("DELETE");
    scheduler.cancelAll(id);
    assertThatThrownBy(() -> client.getSchedule(b -> b.name(fire.scheduleName()).groupName(group)))
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
