package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.RetryPolicy;
import dev.keyrack.ports.Conflict;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.LockProvider;
import dev.keyrack.ports.LockProvider.ProviderException;
import dev.keyrack.ports.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one device operation. Queue messages are hints: the stored code is the truth, so a
 * duplicated, reordered or stale message finds nothing to do and changes nothing.
 */
public final class DeviceWorker {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceWorker.class);

  /**
   * The errors of a lock's permanent refusal of a code, reported at once and not retried: the PIN is
   * already on the lock for another entry, the lock is full, or the lock's own rules refuse the PIN.
   * The OpenAPI document's access-code errors have no code for a PIN rule; {@code provider_issue}
   * ("a provider-specific issue that prevents the access code from being set", details in the
   * message) is the most specific one it allows.
   */
  /** The worker's notices of a set and of a removal that is late, then failing (it keeps retrying both). */
  static final String SET_DELAYED = "delay_in_setting_on_device", SET_FAILED = "failed_to_set_on_device",
      REMOVE_DELAYED = "delay_in_removing_from_device", REMOVE_FAILED = "failed_to_remove_from_device";
  /** The error of a lock's refusal of a PIN it already holds for another entry. */
  public static final String DUPLICATE_REFUSED = "duplicate_code_on_device";
  /** The error of a lock's refusal of a code for want of a free slot; the next code to leave the lock makes room for it. */
  public static final String NO_SPACE_REFUSED = "no_space_for_access_code_on_device";
  public static final List<String> REFUSALS = List.of(DUPLICATE_REFUSED, NO_SPACE_REFUSED, "provider_issue");

  private final ThreadLocal<Integer> attempt = ThreadLocal.withInitial(() -> 1);

  /** What became of an operation. */
  public enum Outcome { DONE, NOTHING_TO_DO, RETRY, FAILED_PERMANENTLY }

  private final Store store;
  private final LockProvider provider;
  private final Clock clock;
  private final Ids ids;
  private final RetryPolicy retry;

  public DeviceWorker(Store store, LockProvider provider, Clock clock, Ids ids, RetryPolicy retry) {
    this.store = store;
    this.provider = provider;
    this.clock = clock;
    this.ids = ids;
    this.retry = retry;
  }

  public DeviceWorker(Store store, LockProvider provider, Clock clock, Ids ids) {
    this(store, provider, clock, ids, RetryPolicy.DEFAULT);
  }

  public RetryPolicy retryPolicy() {
    return retry;
  }

  public Outcome process(DeviceOperation op) {
    return process(op, 1);
  }

  /**
   * Carries out an operation on its {@code attempt}-th delivery (1 for the first). A transient
   * failure is reported on the code by the retry policy's thresholds (a delay warning, then a
   * failure error) and answered with RETRY; the caller waits {@link RetryPolicy#backoff} and tries again.
   */
  public Outcome process(DeviceOperation op, int attempt) {
    this.attempt.set(Math.max(1, attempt));
    // A removal may hand its freed slot on: it reads the waiting list as it stands (consistently).
    Optional<Store.DeviceAtWork> work = store.deviceAtWork(op.workspaceId(), op.deviceId(), op.kind() != DeviceOperation.Kind.SET);
    if (work.isEmpty()) {
      LOG.warn("operation {} for unknown device {} dropped", op.kind(), op.deviceId());
      return Outcome.NOTHING_TO_DO;
    }
    Device device = work.get().device();
    return switch (op.kind()) {
      case SET -> set(device, op, work.get().waitingForSpace());
      case UNLOAD -> unload(device, op, work.get());
      case REMOVE -> remove(device, op, work.get());
    };
  }

  private Outcome set(Device device, DeviceOperation op, List<UUID> waiting) {
    SetRun run = new SetRun();
    Outcome o = setAsStored(device, op, waiting, run);
    // A code handed a freed slot that has no use for it now (moved later, no longer to be set, or
    // gone: deleted outright while off its lock) passes it on; not one this run may have put on the
    // lock (its call answered late, or it changed meanwhile), whose removal or unload, which must
    // follow, hands the slot on.
    if (o == Outcome.NOTHING_TO_DO && !run.calledLock
        && !passOnIfHeld(device, op.accessCodeId(), run.last == null || refused(run.last))) {
      return Outcome.RETRY;
    }
    return o;
  }

  /** What a set saw: the code as last read (null once it is gone), and whether it called the lock. */
  private static final class SetRun {
    AccessCode last;
    boolean calledLock;
  }

  private Outcome setAsStored(Device device, DeviceOperation op, List<UUID> waiting, SetRun run) {
    boolean programmed = false, programmedAsPreload = false;
    for (int round = 0; round < 5; round++) {
      Optional<AccessCode> found = store.accessCode(op.workspaceId(), op.accessCodeId());
      run.last = found.orElse(null);
      if (found.isEmpty() || (programmed && found.get().status() == CodeStatus.removing)) {
        // Deleted (or ending) while this job waited or ran: a removal that ran meanwhile may have
        // missed what this job, or an interrupted run of it, put on the lock. Removing is idempotent.
        if (found.isPresent()) recordOnLockWhileRemoving(device, found.get(), programmedAsPreload);
        return takeBackOff(device, op);
      }
      AccessCode code = found.get();
      if (code.status() != CodeStatus.setting && code.status() != CodeStatus.unset) return Outcome.NOTHING_TO_DO;
      Instant now = Clocks.now(clock);
      if (!Planner.due(code, device.profile(), now)) return Outcome.NOTHING_TO_DO;
      if (code.endsAt() != null && !code.endsAt().isAfter(now)) return Outcome.NOTHING_TO_DO; // its removal takes over
      boolean preload = Planner.preloadOnly(code, device.profile(), now);
      if (preload && preloaded(code)) return Outcome.NOTHING_TO_DO; // already preloaded as it stands
      // (a code scheduled natively and since turned to prefer_native_scheduling: false is programmed again)
      boolean natively = Planner.scheduledNatively(code, device.profile());
      boolean alreadyPreloaded = !preload && natively && preloaded(code);
      if (!alreadyPreloaded) {
        run.calledLock = true; // from here on the code may be on the lock, whatever the call answers
        try {
          provider.set(device, new LockProvider.Programming(code.accessCodeId(), code.code(), code.name(),
              code.startsAt(), code.endsAt()));
        } catch (ProviderException e) {
          return failedSet(device, code, e);
        }
        programmed = true;
        programmedAsPreload = preload;
      }
      // Scheduled on the lock when it keeps the window, preloaded or set within it: the lock ends it at ends_at.
      AccessCode next = programmed(code, preload, natively);
      try {
        store.update(code, next, visible(code, List.of(programmedEvent(ids, next, device, preload, now))));
        LOG.info("access code {} id={} device={}", preload ? "preloaded" : "set", code.accessCodeId(), device.deviceId());
        // On the lock: no longer waiting for a slot, and any slot it was handed is taken (a handed
        // code was refused before: for want of a slot, maybe since for something else).
        if (refused(code) || waiting.contains(code.accessCodeId())) {
          changeSlotsOrLog(device, new Store.SlotChange(null, code.accessCodeId(), null, code.accessCodeId()));
        } else if (!waiting.isEmpty()) {
          nudgeWaiting(device, waiting);
        }
        telemetry.count(preload ? "AccessCodesPreloaded" : "AccessCodesSet");
        return Outcome.DONE;
      } catch (Conflict.StaleVersion e) {
        // Changed while we programmed it (new PIN, new name, deleted): program the new state.
        LOG.info("access code {} changed while being set; re-reading", code.accessCodeId());
      }
    }
    return Outcome.RETRY;
  }

  /**
   * A code deleted while this run put it on its lock was on the lock all the same: stored as on it
   * (still {@code removing}), with its event, so that the story reads created, set on the device,
   * removed from it, deleted, and its removal (queued behind this job) frees the slot it took.
   * Should the code change again meanwhile, only the events are the poorer: the removal follows anyway.
   */
  private void recordOnLockWhileRemoving(Device device, AccessCode code, boolean preload) {
    if (code.onLock() || code.scheduledOnDevice()) return;
    AccessCode next = code.withOnLock(true, preload).withVersion(code.version() + 1);
    try {
      store.update(code, next, visible(code, List.of(programmedEvent(ids, next, device, preload, Clocks.now(clock)))));
    } catch (Conflict.StaleVersion e) {
      LOG.info("access code {} changed again while its set was being taken back; its events miss the set", code.accessCodeId());
    }
  }

  private Outcome takeBackOff(Device device, DeviceOperation op) {
    // Tried a few times at once: the job's own retry is the fallback, but nothing else would notice.
    for (int i = 1; ; i++) {
      try {
        provider.remove(device, op.accessCodeId());
        LOG.info("set of access code {} dropped: it is deleted; made sure it is off device {}", op.accessCodeId(), device.deviceId());
        return Outcome.NOTHING_TO_DO;
      } catch (ProviderException e) {
        LOG.warn("set of access code {} dropped: it is deleted; making sure it is off device {} failed (try {}): {}",
            op.accessCodeId(), device.deviceId(), i, e.getMessage());
        if (i == 3) return Outcome.RETRY;
      }
    }
  }

  /**
   * The stored state of a code once it is on its lock: a preloaded code waits there, inactive, for
   * its start ({@code unset}); otherwise it is active ({@code set}). Earlier set failures are cleared.
   */
  static AccessCode programmed(AccessCode code, boolean preload, boolean scheduledOnDevice) {
    return code.withStatus(preload ? CodeStatus.unset : CodeStatus.set).withOnLock(true, scheduledOnDevice)
        .withPendingMutations(List.of())
        .withNotices(withoutCodes(code.errors(), setErrors()), withoutCodes(code.warnings(), List.of(SET_DELAYED)))
        .withVersion(code.version() + 1);
  }

  /** The event of {@link #programmed}: scheduled on the device (a preload) or set on it. */
  static Event programmedEvent(Ids ids, AccessCode next, Device device, boolean preload, Instant now) {
    return Event.forCode(ids, preload ? "access_code.scheduled_on_device" : "access_code.set_on_device", next,
        device.connectedAccountId(), now, Map.of("code", next.code()));
  }

  /**
   * The events of a change to {@code code}, as the workspace sees them: none for a backup still in
   * its device's pool, which is hidden from {@code get} and {@code list} (CONTRACT.md) and is
   * nothing the workspace made or asked for; once pulled it is the workspace's, and so are its events.
   */
  static List<Event> visible(AccessCode code, List<Event> events) {
    return code.backupRole() == AccessCode.BackupRole.READY ? List.of() : events;
  }

  /** Whether a code sits on its lock preloaded, exactly as stored, waiting for its start. */
  static boolean preloaded(AccessCode code) {
    return code.onLock() && code.scheduledOnDevice() && code.pendingMutations().isEmpty();
  }

  /** Takes a code off the lock but keeps it: its programming moment moved into the future. */
  private Outcome unload(Device device, DeviceOperation op, Store.DeviceAtWork work) {
    for (int round = 0; round < 5; round++) {
      Optional<AccessCode> found = store.accessCode(op.workspaceId(), op.accessCodeId());
      if (found.isEmpty()) return handOnHeldSlot(device, work, op.accessCodeId()); // gone (deleted outright while off its lock)
      AccessCode code = found.get();
      Instant now = Clocks.now(clock);
      if (code.status() == CodeStatus.removing || Planner.due(code, device.profile(), now)) return Outcome.NOTHING_TO_DO;
      try {
        provider.remove(device, code.accessCodeId());
      } catch (ProviderException e) {
        LOG.warn("unloading access code {} from device {} failed: {}", code.accessCodeId(), device.deviceId(), e.getMessage());
        return Outcome.RETRY;
      }
      boolean wasOnLock = code.onLock() || code.scheduledOnDevice();
      // Off the lock: the old time frame with it. What is left to do is the programming at its new moment.
      List<PendingMutation> left = code.pendingMutations().stream()
          .filter(m -> !m.mutationCode().equals("updating_time_frame")).toList();
      boolean held = work.holdingSlot().contains(code.accessCodeId());
      // Not on the lock, nothing to write: a slot it holds (handed to it, or owed by an earlier run) goes on.
      if (!wasOnLock && left.size() == code.pendingMutations().size()) return handOnHeldSlot(device, work, code.accessCodeId());
      AccessCode next = code.withStatus(CodeStatus.unset).withOnLock(false, false).withPendingMutations(left)
          .withVersion(code.version() + 1);
      boolean frees = wasOnLock || held;
      held = owe(device, work, code.accessCodeId(), frees, held);
      try {
        store.update(code, next, visible(code, wasOnLock ? List.of(Event.forCode(ids, "access_code.removed_from_device", next,
            device.connectedAccountId(), now, Map.of())) : List.of()));
        if (held && !slotFreed(device, work.waitingForSpace(), code.accessCodeId())) return Outcome.RETRY; // hand it on next time
        return Outcome.DONE;
      } catch (Conflict.StaleVersion e) {
        LOG.info("access code {} changed while being unloaded; re-reading", code.accessCodeId());
      }
    }
    return Outcome.RETRY;
  }

  private Outcome failedSet(Device device, AccessCode code, ProviderException e) {
    if (code.windowEnded(Clocks.now(clock))) {
      // The window ended while the lock was being called: nothing to report, its removal takes over,
      // and hands on a slot the code holds (the call may have reached the lock all the same).
      LOG.info("setting access code {} on device {} failed as its window ended: left to its removal", code.accessCodeId(),
          device.deviceId());
      return Outcome.NOTHING_TO_DO;
    }
    if (!e.permanent()) {
      LOG.warn("setting access code {} on device {} failed (attempt {}): {}", code.accessCodeId(), device.deviceId(),
          attempt.get(), e.getMessage());
      return reportDelay(device, code, true, e.getMessage());
    }
    String errorCode = switch (e.kind()) {
      case DUPLICATE_CODE -> DUPLICATE_REFUSED;
      case NO_SPACE -> NO_SPACE_REFUSED;
      case REJECTED_PIN -> "provider_issue";
      case TRANSIENT -> throw new IllegalStateException("a transient failure is retried");
    };
    Instant now = Clocks.now(clock);
    // The lock's latest refusal replaces any earlier one (a code refused for want of a slot, then for its new PIN).
    List<Notice> errors = new ArrayList<>(withoutCodes(code.errors(), REFUSALS));
    errors.add(new Notice(errorCode, e.getMessage(), now));
    AccessCode next = onItsWay(code, device, now).withNotices(errors, code.warnings()).withVersion(code.version() + 1);
    // Still waiting for a slot (tried again by the daily sweep, or reprogrammed by an update while the
    // lock is full): the error's time is renewed, and the failure it already told is not told again
    // each day. Any other refusal, or a refusal for want of a slot after another, is news.
    boolean stillWaiting = errorCode.equals(NO_SPACE_REFUSED)
        && code.errors().stream().anyMatch(n -> n.code().equals(NO_SPACE_REFUSED));
    try {
      store.update(code, next, stillWaiting ? List.of() : visible(code, List.of(Event.forCode(ids,
          "access_code.failed_to_set_on_device", next, device.connectedAccountId(), now, problems(next)))));
    } catch (Conflict.StaleVersion stale) {
      return Outcome.RETRY;
    }
    LOG.warn("access code {} refused by device {}: {}", code.accessCodeId(), device.deviceId(), errorCode);
    if (e.kind() == ProviderException.Kind.NO_SPACE) {
      // Waits for a slot (again: a slot handed to it was not there after all, taken by a code set outside Keyrack).
      changeSlotsOrLog(device, new Store.SlotChange(code.accessCodeId(), null, null, code.accessCodeId()));
    } else if (!passOnIfHeld(device, code.accessCodeId(), true)) { // refused for another reason: a slot handed to it goes on
      return Outcome.RETRY;
    }
    onSetFailure.accept(next); // refused for good: a backup may be due (BackupPolicy decides)
    return Outcome.FAILED_PERMANENTLY;
  }

  private Outcome remove(Device device, DeviceOperation op, Store.DeviceAtWork work) {
    for (int round = 0; round < 5; round++) {
      Optional<AccessCode> found = store.accessCode(op.workspaceId(), op.accessCodeId());
      // A code goes when it is being deleted, or when its window has ended (its removal fire leaves it as stored).
      if (found.isPresent() && found.get().status() != CodeStatus.removing && !found.get().windowEnded(Clocks.now(clock))) {
        return Outcome.NOTHING_TO_DO;
      }
      try {
        // Removing is idempotent on the lock: also done when the code is already gone from the store,
        // so a code can never be left behind on a lock.
        provider.remove(device, op.accessCodeId());
      } catch (ProviderException e) {
        LOG.warn("removing access code {} from device {} failed (attempt {}): {}", op.accessCodeId(), device.deviceId(),
            attempt.get(), e.getMessage());
        return found.isPresent() ? reportDelay(device, found.get(), false, e.getMessage()) : Outcome.RETRY;
      }
      // Removed and deleted before; a slot it still holds was not handed on then (the run stopped, or failed to).
      if (found.isEmpty()) return handOnHeldSlot(device, work, op.accessCodeId());
      AccessCode code = found.get();
      Instant now = Clocks.now(clock);
      List<Event> events = new ArrayList<>();
      if (code.onLock() || code.scheduledOnDevice()) {
        events.add(Event.forCode(ids, "access_code.removed_from_device", code, device.connectedAccountId(), now, Map.of()));
      }
      events.add(Event.forCode(ids, "access_code.deleted", code, device.connectedAccountId(), now, Map.of("code", code.code())));
      // A slot comes free if the code was on the lock, or if it holds one (handed to it, not yet taken).
      boolean held = work.holdingSlot().contains(code.accessCodeId());
      held = owe(device, work, code.accessCodeId(), code.onLock() || code.scheduledOnDevice() || held, held);
      try {
        store.delete(code, visible(code, events));
        LOG.info("access code removed from device and deleted id={} device={}", code.accessCodeId(), device.deviceId());
        if (work.waitingForSpace().contains(code.accessCodeId())) {
          changeSlotsOrLog(device, new Store.SlotChange(null, code.accessCodeId(), null, null));
        }
        if (held && !slotFreed(device, work.waitingForSpace(), code.accessCodeId())) return Outcome.RETRY; // hand it on next time
        return Outcome.DONE;
      } catch (Conflict.StaleVersion e) {
        LOG.info("access code {} changed while being removed; re-reading", code.accessCodeId());
      }
    }
    return Outcome.RETRY;
  }

  /**
   * Marks the slot that {@code leaving} frees (when it {@code frees} one) as held by it until it is
   * handed on, when codes wait for one: written before the change that frees it, so that a run that
   * stops after that change hands the slot on at its next delivery. One write, only when codes wait.
   *
   * @return whether {@code leaving} holds a slot to hand on
   */
  private boolean owe(Device device, Store.DeviceAtWork work, UUID leaving, boolean frees, boolean held) {
    if (!frees || resend == null) return false;
    if (held) return true;
    if (work.waitingForSpace().stream().allMatch(leaving::equals)) return false; // nobody waits for it
    store.changeSlots(device.workspaceId(), device.deviceId(), new Store.SlotChange(null, null, leaving, null));
    return true;
  }

  /**
   * Hands the slot that {@code leaving} holds (it left the lock, or will not take a slot it was
   * handed) to the oldest code the lock refused for want of one (the oldest whose guest has no
   * pulled backup code to get in with, if there is one): its set is sent again, behind
   * this operation in the lock's queue, and the slot is marked as held by it until it is on the
   * lock, in the same write that takes it off the waiting list and the slot off {@code leaving}
   * (should the lock refuse it once more, it waits again). A listed code that no longer waits (set
   * since, its window moved or over, gone) is forgotten on the way; with nobody waiting, the slot
   * is simply free.
   *
   * @return false when the slot could not be handed on (a read, send or write failed): the
   *     operation that freed it is then retried, and its next delivery hands it on
   */
  private boolean slotFreed(Device device, List<UUID> waiting, UUID leaving) {
    if (resend == null) return true;
    Instant now = Clocks.now(clock);
    try {
      // The oldest waiting code whose guest has no pulled backup code to get in with; else the oldest.
      AccessCode oldest = null, chosen = null;
      for (UUID id : waiting) {
        if (id.equals(leaving)) continue;
        Optional<AccessCode> c = store.accessCode(device.workspaceId(), id);
        if (!waitsForSlot(c, device, now)) {
          store.changeSlots(device.workspaceId(), device.deviceId(), new Store.SlotChange(null, id, null, null));
          continue;
        }
        if (oldest == null) oldest = c.get();
        if (c.get().pulledBackupAccessCodeId() == null) {
          chosen = c.get();
          break;
        }
      }
      if (chosen == null) chosen = oldest;
      if (chosen == null) { // nobody waits: the slot is simply free
        store.changeSlots(device.workspaceId(), device.deviceId(), new Store.SlotChange(null, null, null, leaving));
        return true;
      }
      UUID id = chosen.accessCodeId();
      // Sent, then recorded: should the record fail, the operation is retried and sends the same
      // message again, which the queue drops as a copy (same deduplication id).
      resend.enqueue(new DeviceOperation(DeviceOperation.Kind.SET, device.workspaceId(), device.deviceId(), id,
          chosen.version()));
      store.changeSlots(device.workspaceId(), device.deviceId(), new Store.SlotChange(null, id, id, leaving));
      LOG.info("access code {} refused for want of a slot: a slot came free on device {}, set again", id, device.deviceId());
      return true;
    } catch (RuntimeException e) {
      LOG.warn("could not hand on the slot access code {} freed on device {}: {}; the operation is retried",
          leaving, device.deviceId(), e.getClass().getSimpleName());
      return false;
    }
  }

  /** Whether a code of the waiting list still waits: refused for want of a slot, its set still pending. */
  private static boolean waitsForSlot(Optional<AccessCode> c, Device device, Instant now) {
    return c.isPresent() && refusedForSpace(c.get()) && Planner.pending(c.get(), device.profile(), now) == DeviceOperation.Kind.SET;
  }

  /**
   * The lock took a code that was not waiting for a slot, while others are: it had room after all
   * (a slot freed at the keypad, which Keyrack does not see, or a lock that holds more than it
   * did). The oldest code waiting is sent again, so it is not passed over by newer codes until the
   * daily sweep; refused again, it keeps waiting (no new failure event). One send per such set.
   */
  private void nudgeWaiting(Device device, List<UUID> waiting) {
    if (resend == null) return;
    Instant now = Clocks.now(clock);
    try {
      for (UUID id : waiting) {
        Optional<AccessCode> c = store.accessCode(device.workspaceId(), id);
        if (!waitsForSlot(c, device, now)) continue;
        resend.enqueue(new DeviceOperation(DeviceOperation.Kind.SET, device.workspaceId(), device.deviceId(), id, c.get().version()));
        LOG.info("access code {} waits for a slot and device {} just took another code: set again", id, device.deviceId());
        return;
      }
    } catch (RuntimeException e) {
      LOG.warn("could not send a waiting code of device {} again: {}; the daily sweep tries it", device.deviceId(),
          e.getClass().getSimpleName());
    }
  }


  /**
   * An operation with nothing else to do for code {@code id}: a slot the code holds is handed on.
   * @return NOTHING_TO_DO if it holds none, DONE once handed on, RETRY if handing it on failed
   */
  private Outcome handOnHeldSlot(Device device, Store.DeviceAtWork work, UUID id) {
    if (!work.holdingSlot().contains(id)) return Outcome.NOTHING_TO_DO;
    return slotFreed(device, work.waitingForSpace(), id) ? Outcome.DONE : Outcome.RETRY;
  }

  /**
   * Whether the lock's latest refusal of the code was for want of a free slot (only such a code
   * waits for a slot, or is handed one).
   */
  private static boolean refusedForSpace(AccessCode c) {
    return c.errors().stream().anyMatch(n -> n.code().equals(NO_SPACE_REFUSED));
  }

  /**
   * Passes on a slot that code {@code id} holds and will not take (it is not to be set now, gone,
   * or refused for another reason), read consistently; only when it {@code mayHold} one: a code
   * handed a slot was refused before (for want of one, and maybe since for something else), or is
   * gone. @return false if passing it on failed
   */
  private boolean passOnIfHeld(Device device, UUID id, boolean mayHold) {
    if (!mayHold || resend == null) return true;
    try {
      Optional<Store.DeviceAtWork> now = store.deviceAtWork(device.workspaceId(), device.deviceId(), true);
      return now.isEmpty() || handOnHeldSlot(device, now.get(), id) != Outcome.RETRY;
    } catch (RuntimeException e) {
      LOG.warn("could not read the slot lists of device {}: {}; the operation is retried", device.deviceId(),
          e.getClass().getSimpleName());
      return false;
    }
  }

  /** A change of the slot lists that may fail without harm: a stale entry is forgotten by the next hand-on. */
  private void changeSlotsOrLog(Device device, Store.SlotChange change) {
    try {
      store.changeSlots(device.workspaceId(), device.deviceId(), change);
    } catch (RuntimeException e) {
      LOG.warn("could not update the slot lists of device {}: {}; the next hand-on of a slot tidies them", device.deviceId(),
          e.getClass().getSimpleName());
    }
  }

  private JobQueue resend;

  /**
   * Where a code refused for want of a slot is sent again when a slot comes free (the device jobs
   * queue); without one, such a code waits for an update that reprograms it.
   */
  public void resendThrough(JobQueue queue) {
    this.resend = Objects.requireNonNull(queue);
  }

  /**
   * A due code that the lock did not take at once shows that it is on its way ({@code setting},
   * pending {@code creating}): the programmer stores nothing when programming starts, so this is
   * where an unset code due now becomes setting. A preload (a native code before its start) stays
   * unset.
   */
  static AccessCode onItsWay(AccessCode code, Device device, Instant now) {
    if (code.status() != CodeStatus.unset || Planner.preloadOnly(code, device.profile(), now)) return code;
    return code.withStatus(CodeStatus.setting)
        .withPendingMutations(List.of(PendingMutation.of("creating", "Keyrack is setting the access code on the device.", now)));
  }

  /**
   * Puts the retry policy's verdict on the code: past {@code warnAfter} failed attempts the delay
   * warning and its event, past {@code failAfter} the failure error and its event. Each is added
   * once; a later success clears them.
   */
  private Outcome reportDelay(Device device, AccessCode code, boolean setting, String reason) {
    int failed = attempt.get();
    String warning = setting ? SET_DELAYED : REMOVE_DELAYED;
    String error = setting ? SET_FAILED : REMOVE_FAILED;
    boolean warn = retry.warns(failed) && code.warnings().stream().noneMatch(n -> n.code().equals(warning));
    boolean fail = retry.fails(failed) && code.errors().stream().noneMatch(n -> n.code().equals(error));
    Instant now = Clocks.now(clock);
    AccessCode shown = setting ? onItsWay(code, device, now) : code;
    if (!warn && !fail && shown == code) {
      if (setting && retry.fails(failed)) onSetFailure.accept(code); // still failing: a backup may be due now
      return Outcome.RETRY;
    }
    List<Notice> warnings = new ArrayList<>(code.warnings());
    List<Notice> errors = new ArrayList<>(code.errors());
    List<Event> events = new ArrayList<>();
    if (warn) {
      warnings.add(new Notice(warning, (setting ? "Setting" : "Removing") + " the access code on the device is taking longer "
          + "than expected (" + failed + " attempts so far); Keyrack keeps trying.", now));
      events.add(Event.forCode(ids, "access_code." + warning, code, device.connectedAccountId(), now,
          problems(code.withNotices(errors, warnings))));
    }
    if (fail) {
      errors.add(new Notice(error, (setting ? "Could not set" : "Could not remove") + " the access code on the device after "
          + failed + " attempts: " + reason + " Keyrack keeps retrying.", now));
      events.add(Event.forCode(ids, "access_code." + error, code, device.connectedAccountId(), now,
          problems(code.withNotices(errors, warnings))));
    }
    try {
      store.update(code, shown.withNotices(errors, warnings).withVersion(code.version() + 1), visible(code, events));
      if (warn) telemetry.count(setting ? "AccessCodesDelayed" : "AccessCodeRemovalsDelayed");
      if (fail) telemetry.count(setting ? "AccessCodesFailed" : "AccessCodeRemovalsFailed");
      if (fail && setting) onSetFailure.accept(code);
    } catch (Conflict.StaleVersion e) {
      LOG.info("access code {} changed while reporting its delay", code.accessCodeId());
    }
    return Outcome.RETRY;
  }

  private java.util.function.Consumer<AccessCode> onSetFailure = c -> { };

  /**
   * Called when a set is reported failed and on every failed attempt after that (the backup pool
   * decides here whether to pull a backup code).
   */
  public void onSetFailure(java.util.function.Consumer<AccessCode> hook) {
    this.onSetFailure = hook;
  }

  private dev.keyrack.ports.Telemetry telemetry = dev.keyrack.ports.Telemetry.NONE;

  /**
   * Where the business counters go: AccessCodesSet and AccessCodesPreloaded when a code reaches
   * its lock, AccessCodesDelayed and AccessCodesFailed (AccessCodeRemovalsDelayed/Failed for a
   * removal) when the retry policy's warning or error is first put on a code.
   */
  public void telemetry(dev.keyrack.ports.Telemetry t) {
    this.telemetry = Objects.requireNonNull(t);
  }

  /** The errors and warnings a delay or failure event carries, as the Seam event shape requires. */
  static Map<String, Object> problems(AccessCode c) {
    return Map.of(
        "access_code_errors", c.errors().stream().map(n -> notice("error_code", n)).toList(),
        "access_code_warnings", c.warnings().stream().map(n -> notice("warning_code", n)).toList(),
        "device_errors", List.of(), "device_warnings", List.of(),
        "connected_account_errors", List.of(), "connected_account_warnings", List.of());
  }

  private static Map<String, Object> notice(String key, Notice n) {
    return Map.of(key, n.code(), "message", n.message(), "created_at", n.createdAt().toString());
  }

  /** The errors a successful set clears: the failure error and every refusal. */
  static List<String> setErrors() {
    List<String> all = new ArrayList<>(REFUSALS);
    all.add(SET_FAILED);
    return all;
  }

  /** Whether a lock refused the code for good (a refusal error that retrying cannot cure). */
  public static boolean refused(AccessCode code) {
    return code.errors().stream().anyMatch(n -> REFUSALS.contains(n.code()));
  }

  static List<Notice> withoutCodes(List<Notice> notices, List<String> codes) {
    return notices.stream().filter(n -> !codes.contains(n.code())).toList();
  }
}
