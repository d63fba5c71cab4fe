package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Workspace;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-sends the device operations that stored codes are waiting for: a code in {@code setting} or
 * {@code removing}, a time-bound code whose window has ended, or an {@code unset} code whose
 * programming moment has passed. Queue messages
 * are hints and the stored state is the truth, so re-sending is always safe; it covers a queue
 * that lost its messages (a restarted local stack), a send that failed after the state was stored,
 * or a function stopped between the two. Deployed, {@code ReconcilerFunction} runs it on a schedule
 * (template.yaml); the local stack runs it at start and on the same schedule.
 *
 * <p>While the queue keeps its messages ({@link Scope#LOST_SENDS}), a code that carries an error or
 * a warning is left alone: the worker put it there, so its job is alive (retrying, in order, in its
 * lock's message group) or was refused for good; re-sending it would only stack copies behind the
 * retrying one. After the queue lost its messages ({@link Scope#EMPTY_QUEUE}) every pending code is re-sent. A re-send within SQS's five-minute deduplication
 * window of the original send is dropped by the queue (same deduplication id).
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Store store;
  private final JobQueue queue;
  private final Clock clock;

  public Reconciler(Store store, JobQueue queue, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.clock = clock;
  }

  /** What the queue may still hold. */
  public enum Scope {
    /** The queue keeps its messages: re-send only codes whose job may never have been sent. */
    LOST_SENDS,
    /** The queue lost every message (a local stack restarted): re-send every pending code. */
    EMPTY_QUEUE
  }

  /** Reconciles every workspace; one workspace's failure does not stop the others. @return operations re-sent */
  public int reconcileAll(Scope scope) {
    int sent = 0;
    for (Workspace w : store.workspaces()) {
      try {
        sent += reconcile(w.workspaceId(), scope);
      } catch (RuntimeException e) {
        LOG.error("could not reconcile workspace {}: {}; the next sweep tries again", w.workspaceId(),
            e.getClass().getSimpleName());
      }
    }
    return sent;
  }

  /** @return how many operations were re-sent */
  public int reconcile(UUID workspaceId, Scope scope) {
    Map<UUID, Device> devices = store.devices(workspaceId).stream().collect(Collectors.toMap(Device::deviceId, Function.identity()));
    Instant now = clock.instant();
    int sent = 0;
    for (AccessCode c : store.accessCodes(workspaceId, null)) {
      Device d = devices.get(c.deviceId());
      if (d == null) continue;
      if (scope == Scope.LOST_SENDS && (!c.errors().isEmpty() || !c.warnings().isEmpty())) continue;
      DeviceOperation.Kind kind = c.windowEnded(now) ? DeviceOperation.Kind.REMOVE : switch (c.status()) {
        case setting -> DeviceOperation.Kind.SET;
        case removing -> DeviceOperation.Kind.REMOVE;
        case unset -> Planner.due(c, d.profile(), now) && !(c.onLock() && Planner.preloadOnly(c, d.profile(), now))
            ? DeviceOperation.Kind.SET : null;
        default -> null;
      };
      if (kind == null) continue;
      queue.enqueue(new DeviceOperation(kind, workspaceId, c.deviceId(), c.accessCodeId(), c.version()));
      sent++;
    }
    if (sent > 0) LOG.info("re-sent {} pending device operations for workspace {}", sent, workspaceId);
    return sent;
  }
}
