package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.SchedulePolicy.Transition;
import dev.keyrack.ports.Conflict;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the programmer function does with a schedule's fire: re-read the code, drop the fire if it
 * is stale (the code was deleted, or its plan changed since the schedule was made) or already
 * done (a duplicate delivery), and otherwise hand the operation to the device's queue. The
 * activation of a code preloaded on a natively scheduling lock needs nothing from the lock (the
 * lock turns it on at its start by itself), so it is recorded here, without a trip through the
 * queue and the worker. Scheduler delivers at least once; the effect happens once.
 */
public final class ProgrammingService {
  private static final Logger LOG = LoggerFactory.getLogger(ProgrammingService.class);

  public enum Outcome { ENQUEUED, ACTIVATED, DROPPED_DELETED, DROPPED_STALE, DROPPED_DUPLICATE, DROPPED_EARLY, WITHDRAWN }

  /**
   * Scheduler fires at or after a moment, never before it: a delivery more than this ahead of its
   * moment is a stray copy (replayed, mis-routed) and must not act early (remove a guest's code
   * before its end, show it active before its start). Within it, clocks may simply disagree.
   */
  public static final java.time.Duration EARLY_TOLERANCE = java.time.Duration.ofMinutes(1);

  private final Store store;
  private final JobQueue queue;
  private final Clock clock;

  public ProgrammingService(Store store, JobQueue queue, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.clock = clock;
  }

  public Outcome fire(Fire f) {
    if (f.at() != null && Clocks.now(clock).isBefore(f.at().minus(EARLY_TOLERANCE))) {
      LOG.warn("fire {} for code {} arrived before its moment {}; dropped", f.transition(), f.accessCodeId(), f.at());
      return Outcome.DROPPED_EARLY;
    }
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<AccessCode> found = store.accessCode(f.workspaceId(), f.accessCodeId());
      Optional<Device> device = store.device(f.workspaceId(), f.deviceId());
      if (found.isEmpty() || device.isEmpty()) {
        LOG.info("fire {} for deleted code {} dropped", f.transition(), f.accessCodeId());
        return Outcome.DROPPED_DELETED;
      }
      AccessCode c = found.get();
      if (!Fire.planOf(c, device.get().profile()).equals(f.plan())) {
        LOG.info("stale fire {} for code {} dropped (its plan changed)", f.transition(), c.accessCodeId());
        return Outcome.DROPPED_STALE;
      }
      Instant now = Clocks.now(clock);
      try {
        return switch (f.transition()) {
          case PROGRAM, PRELOAD, ACTIVATE -> program(c, device.get(), f.transition(), now);
          case REMOVE -> remove(c, device.get(), now);
        };
      } catch (Conflict.StaleVersion e) {
        LOG.info("code {} changed while handling a fire; re-reading", c.accessCodeId());
      }
    }
    throw new IllegalStateException("code " + f.accessCodeId() + " kept changing; the schedule will retry");
  }

  private Outcome program(AccessCode c, Device device, Transition t, Instant now) {
    boolean done = switch (t) {
      case PRELOAD -> c.onLock() || c.status() == CodeStatus.set;
      default -> c.status() == CodeStatus.set;
    };
    if (done || c.status() == CodeStatus.removing) return Outcome.DROPPED_DUPLICATE;
    if (t == Transition.ACTIVATE && DeviceWorker.preloaded(c) && (c.endsAt() == null || c.endsAt().isAfter(now))) {
      AccessCode next = DeviceWorker.programmed(c, false, true);
      store.update(c, next, List.of(DeviceWorker.programmedEvent(Ids.shared(), next, device, false, now)));
      LOG.info("access code activated id={} device={}", c.accessCodeId(), c.deviceId());
      return Outcome.ACTIVATED;
    }
    if (firstSetOfANewCode(c, now)) {
      // A create that stopped half-way can leave a code holding a PIN another code of the lock
      // claimed (see Reconciler#withdrawDuplicates). The frequent sweep withdraws such a code
      // within minutes, but this fire may come first: a code created since the sweeps' window
      // began reads its claim (one read unit, for codes programmed soon after their create only).
      Optional<java.util.UUID> holder = store.pinHolder(c);
      if (holder.isEmpty() || !holder.get().equals(c.accessCodeId())) {
        Deletion.withdraw(store, queue, c, holder.orElse(null), device, now);
        return Outcome.WITHDRAWN;
      }
    }
    // Programming starts (just in time), or a native code whose preload never made it is due now.
    // Nothing is stored here (a write unit per code saved): the worker stores the code as set, or,
    // when the lock does not take it at once, as setting with the delay. Until then the code is
    // unset with its programming moment past, which deletes, updates and the sweep all treat as
    // on its way to the lock.
    queue.enqueue(new DeviceOperation(DeviceOperation.Kind.SET, c.workspaceId(), c.deviceId(), c.accessCodeId(), c.version()));
    return Outcome.ENQUEUED;
  }

  /**
   * A code about to be sent to its lock for the first time, created so recently that the frequent
   * sweep may not yet have checked it against its PIN's claim ({@link Reconciler#RECENT_WINDOW}:
   * every code created before that has been seen by several sweeps).
   */
  private static boolean firstSetOfANewCode(AccessCode c, Instant now) {
    return c.code() != null && !c.onLock() && !c.scheduledOnDevice() && c.createdAt() != null
        && c.createdAt().isAfter(now.minus(Reconciler.RECENT_WINDOW));
  }

  /**
   * A code whose window ended is removed by the worker as it is stored (its ended window is the
   * worker's cue), so nothing is written here; except for a code that never reached its lock,
   * whose failure to be set is recorded with its event first.
   */
  private Outcome remove(AccessCode c, Device device, Instant now) {
    AccessCode next = c;
    boolean neverOnLock = !c.onLock() && !c.scheduledOnDevice() && c.pulledBackupAccessCodeId() == null && !c.isBackup();
    if (c.status() != CodeStatus.removing && (neverOnLock || !c.windowEnded(now))) {
      next = c.withStatus(CodeStatus.removing)
          .withPendingMutations(List.of(PendingMutation.of("deleting", "Keyrack is removing the access code from the device.", now)))
          .withVersion(c.version() + 1);
      List<Event> events = new java.util.ArrayList<>();
      if (neverOnLock) {
        // Its window ended before it ever reached the lock: say so, so its events tell the whole story;
        // once: a code the worker already reported (failed for good, or refused by the lock) has had
        // its failed_to_set_on_device event, and keeps the error that says why.
        boolean reported = c.errors().stream().anyMatch(n -> DeviceWorker.setErrors().contains(n.code()));
        if (!reported) {
          List<Notice> errors = new java.util.ArrayList<>(c.errors());
          errors.add(new Notice(DeviceWorker.SET_FAILED,
              "The access code's window ended before it could be set on the device.", now));
          next = next.withNotices(errors, c.warnings());
          events.add(Event.forCode(Ids.shared(), "access_code.failed_to_set_on_device", next, device.connectedAccountId(), now,
              DeviceWorker.problems(next)));
        }
      }
      store.update(c, next, events);
    }
    // Enqueued again on a duplicate fire too: removal is idempotent, and a lost message must not leave a code behind.
    queue.enqueue(new DeviceOperation(DeviceOperation.Kind.REMOVE, c.workspaceId(), c.deviceId(), c.accessCodeId(), next.version()));
    return Outcome.ENQUEUED;
  }
}
