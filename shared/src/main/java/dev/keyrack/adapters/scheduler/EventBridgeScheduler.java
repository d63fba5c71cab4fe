package dev.keyrack.adapters.scheduler;

import dev.keyrack.domain.Fire;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.ports.Scheduler;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.Target;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;

/**
 * EventBridge Scheduler: one one-time schedule per pending moment, {@code at(...)} in UTC with
 * the flexible window off, deleted after it fires, retried by Scheduler and dead-lettered to SQS
 * when the programmer cannot be reached. Names derive from the code and the transition, so a
 * repeated create replaces instead of duplicating.
 */
public final class EventBridgeScheduler implements Scheduler {
  static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  /** Where schedules deliver and how. */
  public record Config(String groupName, String targetArn, String roleArn, String deadLetterArn, int maxRetries,
                       int maxEventAgeSeconds) {}

  private final java.util.function.Supplier<SchedulerClient> clients;
  private final Config config;

  public EventBridgeScheduler(SchedulerClient client, Config config) {
    this(() -> client, config);
  }

  /**
   * With the client built on first use: a container that never schedules (an api container that
   * only serves ongoing codes) never pays for building a Scheduler client on its cold start.
   */
  public EventBridgeScheduler(java.util.function.Supplier<SchedulerClient> clients, Config config) {
    this.clients = clients;
    this.config = config;
  }

  /** SnapStart priming: reads a schedule that does not exist (a read; it changes nothing). */
  public static void primeWithRead(SchedulerClient client, String groupName) {
    try {
      client.getSchedule(b -> b.name("keyrack-priming-" + UUID.randomUUID()).groupName(groupName));
    } catch (ResourceNotFoundException expected) {
      // the answer to a warm-up read
    }
  }

  /** The schedule expression of a moment: whole seconds, rounded up so it never fires early. */
  public static String expression(java.time.Instant at) {
    java.time.Instant s = at.truncatedTo(ChronoUnit.SECONDS);
    if (s.isBefore(at)) s = s.plusSeconds(1);
    return "at(" + AT.format(s) + ")";
  }

  private Target target(Fire f) {
    return Target.builder().arn(config.targetArn()).roleArn(config.roleArn()).input(dev.keyrack.json.Docs.write(f))
        .retryPolicy(r -> r.maximumRetryAttempts(config.maxRetries()).maximumEventAgeInSeconds(config.maxEventAgeSeconds()))
        .deadLetterConfig(d -> d.arn(config.deadLetterArn()))
        .build();
  }

  @Override
  public void schedule(Fire f) {
    String expression = expression(f.at());
    try {
      clients.get().createSchedule(CreateScheduleRequest.builder().name(f.scheduleName()).groupName(config.groupName())
          .scheduleExpression(expression).scheduleExpressionTimezone("UTC")
          .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF))
          .actionAfterCompletion(ActionAfterCompletion.DELETE)
          .target(target(f)).build());
    } catch (ConflictException exists) {
      clients.get().updateSchedule(UpdateScheduleRequest.builder().name(f.scheduleName()).groupName(config.groupName())
          .scheduleExpression(expression).scheduleExpressionTimezone("UTC")
          .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF))
          .actionAfterCompletion(ActionAfterCompletion.DELETE)
          .target(target(f)).build());
    }
  }

  @Override
  public void cancelAll(UUID accessCodeId) {
    for (SchedulePolicy.Transition t : SchedulePolicy.Transition.values()) {
      try {
        clients.get().deleteSchedule(b -> b.name(Fire.scheduleName(accessCodeId, t)).groupName(config.groupName()));
      } catch (ResourceNotFoundException gone) {
        // never scheduled, or fired and deleted itself
      }
    }
  }
}
