package dev.keyrack.app;

import dev.keyrack.domain.SlotUse;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.ActionAttempt;
import dev.keyrack.domain.ActionAttempts;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.Guardrails;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.PinRules;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.ports.Conflict;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Scheduler;
import dev.keyrack.ports.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access-code use cases behind the API: validate against the device's rules, store the
 * declared state with its events, and hand what is due now to the device's queue. It never talks
 * to a lock.
 */
public final class AccessCodeService {
  private static final Logger LOG = LoggerFactory.getLogger(AccessCodeService.class);
  /** In characters (code points, an emoji is one), not UTF-16 units. */
  public static final int MAX_NAME_LENGTH = 200;

  private final Store store;
  private final JobQueue queue;
  private final Scheduler scheduler;
  private final BackupPools pools;
  private final Clock clock;
  private final Ids ids;
  private final java.security.SecureRandom attemptRandom = new java.security.SecureRandom();
  private final RandomGenerator pinRandom;

  public AccessCodeService(Store store, JobQueue queue, Scheduler scheduler, BackupPools pools, Clock clock, Ids ids,
                           RandomGenerator pinRandom) {
    this(store, queue, scheduler, pools, clock, ids, pinRandom, Guardrails.DEFAULT);
  }

  public AccessCodeService(Store store, JobQueue queue, Scheduler scheduler, BackupPools pools, Clock clock, Ids ids,
                           RandomGenerator pinRandom, Guardrails guardrails) {
    this.guardrails = guardrails;
    this.store = store;
    this.queue = queue;
    this.scheduler = scheduler;
    this.pools = pools;
    this.clock = clock;
    this.ids = ids;
    this.pinRandom = pinRandom;
  }

  public AccessCodeService(Store store, JobQueue queue, Scheduler scheduler, BackupPools pools, Clock clock) {
    this(store, queue, scheduler, pools, clock, Ids.shared(), new SecureRandom());
  }

  public AccessCodeService(Store store, JobQueue queue, Scheduler scheduler, BackupPools pools, Clock clock,
                           Guardrails guardrails) {
    this(store, queue, scheduler, pools, clock, Ids.shared(), new SecureRandom(), guardrails);
  }

  private final Guardrails guardrails;

  /** The PIN generator (secure, unless a test seeded one). */
  RandomGenerator pinRandom() {
    return pinRandom;
  }

  public BackupPools pools() {
    return pools;
  }

  /** Whether the device's backup pool has a programmed backup ready (false when it has no pool). */
  public boolean backupAvailable(UUID workspaceId, UUID deviceId) {
    return store.backupPoolEnabled(workspaceId, deviceId)
        && pools.available(workspaceId, deviceId, store.accessCodes(workspaceId, deviceId));
  }

  /**
   * Whether each device of the workspace asked about is online, read once per device (eventually
   * consistent: a device that went offline a moment ago may still be shown online); a device that
   * is gone counts as online (its codes show as stored).
   */
  public java.util.function.Predicate<UUID> deviceOnline(UUID workspaceId) {
    Map<UUID, Boolean> online = new java.util.HashMap<>();
    return id -> online.computeIfAbsent(id, d -> store.device(workspaceId, d).map(Device::online).orElse(true));
  }

  public Device device(UUID workspaceId, UUID deviceId) {
    return store.device(workspaceId, deviceId).orElseThrow(ApiError::deviceNotFound);
  }

  /** A code by id; backups waiting in a pool are internal and answer 404. */
  public AccessCode get(UUID workspaceId, UUID accessCodeId) {
    return store.accessCode(workspaceId, accessCodeId).filter(c -> c.backupRole() != AccessCode.BackupRole.READY)
        .orElseThrow(ApiError::accessCodeNotFound);
  }

  /** The workspace's (or device's) codes, without the backups waiting in pools. */
  public List<AccessCode> list(UUID workspaceId, UUID deviceId) {
    if (deviceId != null) device(workspaceId, deviceId);
    return store.accessCodes(workspaceId, deviceId).stream()
        .filter(c -> c.backupRole() != AccessCode.BackupRole.READY).toList();
  }

  public record Created(AccessCode accessCode, ActionAttempt actionAttempt) {}

  public Created create(UUID workspaceId, CreateRequest r) {
    return commit(workspaceId, check(workspaceId, r));
  }

  /** A create request checked against its device's rules, not stored yet. */
  record Checked(CreateRequest request, Device device, CodeType type, boolean usePool, Store.Slots slots, Instant now) {
    /** When the new code would be on its lock ({@link SlotUse}). */
    SlotUse.Hold hold() {
      return holdOf(request, device);
    }
  }

  private static SlotUse.Hold holdOf(CreateRequest r, Device device) {
    return SlotUse.hold(r.startsAt(), r.endsAt(), device.profile(), r.preferNativeScheduling() == null || r.preferNativeScheduling());
  }

  /** The most slots the device's codes take at once while a new code of this hold would be on it. */
  private int taken(Store.Slots slots, Device device, SlotUse.Hold hold, Instant now) {
    return slots.busiest(SlotUse.lead(device.profile()), hold, now);
  }

  /** Everything a create checks before it writes: its device, name, window, pool, PIN, slots and guardrail. */
  Checked check(UUID workspaceId, CreateRequest r) {
    Device device = device(workspaceId, r.deviceId());
    BrandProfile brand = device.profile();
    Instant now = Clocks.now(clock);
    validateName(brand, r.name());
    if (Boolean.TRUE.equals(r.isOfflineAccessCode())) {
      throw new ApiError(400, "offline_access_codes_not_supported",
          "Offline access codes are not supported yet; omit is_offline_access_code.");
    }
    CodeType type = validateWindow(brand, r.startsAt(), r.endsAt(), now, true);
    boolean usePool = Boolean.TRUE.equals(r.useBackupAccessCodePool());
    if (usePool) checkPool(brand, type);
    String pin = r.code();
    if (pin != null) PinRules.violation(brand, pin).ifPresent(v -> { throw ApiError.invalidField("code", v); });
    Store.Slots slots = roomFor(workspaceId, device, holdOf(r, device), now);
    return new Checked(r, device, type, usePool, slots, now);
  }

  /**
   * Stores a checked create: its schedules, the code with its event, its first job. Near its
   * device's last free slots (or once it has withdrawn for want of one) it holds the device's slot
   * lease while it stores, so that creates racing for those slots store one at a time and as many
   * win as there are slots: without it, each could see the others over the limit and all withdraw.
   */
  Created commit(UUID workspaceId, Checked checked) {
    return commit(workspaceId, checked, System.nanoTime() + LEASE_WAIT.toNanos());
  }

  /**
   * {@link #commit(UUID, Checked)}, waiting for the device's slot lease until {@code
   * leaseWaitUntilNanos} at most ({@link System#nanoTime}): a request that stores several codes
   * shares one wait among them, so that it ends well within the API's timeout.
   */
  Created commit(UUID workspaceId, Checked checked, long leaseWaitUntilNanos) {
    try (SlotLease lease = new SlotLease(workspaceId, checked.device().deviceId(), leaseWaitUntilNanos)) {
      if (checked.device().profile().usableSlots() - taken(checked.slots(), checked.device(), checked.hold(), checked.now())
          <= LEASE_FREE_SLOTS && lease.take()) {
        checked = recheck(workspaceId, checked);
      }
      return commit(workspaceId, checked, lease);
    }
  }

  /**
   * Whether the device has a free slot once others racing for it are done: read after a moment of
   * this create's own, and, if the lock looks full, again after a store's time (a racer that
   * stored without the lease may still be withdrawing).
   */
  private boolean slotFreeAfterAMoment(UUID workspaceId, Device device, SlotUse.Hold hold, int attempt) {
    var random = java.util.concurrent.ThreadLocalRandom.current();
    pause(random.nextLong(5, 40L * attempt));
    if (slotFree(workspaceId, device, hold)) return true;
    pause(random.nextLong(50, 100));
    return slotFree(workspaceId, device, hold);
  }

  private boolean slotFree(UUID workspaceId, Device device, SlotUse.Hold hold) {
    return taken(store.slots(workspaceId, device.deviceId()), device, hold, Clocks.now(clock)) < device.profile().usableSlots();
  }

  /** The create's slots read again under the lease: those before it may have taken the last one, and PINs. */
  private Checked recheck(UUID workspaceId, Checked c) {
    return new Checked(c.request(), c.device(), c.type(), c.usePool(), roomFor(workspaceId, c.device(), c.hold(), c.now()), c.now());
  }

  /**
   * The device's slots, refusing a create when none is free while the new code would be on the
   * lock (a future stay takes a slot only from its programming moment to its end) or its create
   * guardrail is reached.
   */
  private Store.Slots roomFor(UUID workspaceId, Device device, SlotUse.Hold hold, Instant now) {
    Store.Slots slots = store.slots(workspaceId, device.deviceId());
    if (taken(slots, device, hold, now) >= device.profile().usableSlots()) throw noSpace(device.profile());
    if (slots.createdLastMinute() >= guardrails.createsPerMinute()) throw tooMany("created", guardrails.createsPerMinute());
    return slots;
  }

  private Created commit(UUID workspaceId, Checked checked, SlotLease lease) {
    CreateRequest r = checked.request();
    Device device = checked.device();
    BrandProfile brand = device.profile();
    Instant now = checked.now();
    CodeType type = checked.type();
    boolean usePool = checked.usePool();
    String pin = r.code();
    if (pin == null) pin = generateUnique(brand, r.preferredCodeLength(), checked.slots().pinTaken());
    boolean preferNative = r.preferNativeScheduling() == null || r.preferNativeScheduling();
    // Time-ordered: the sweep of recently created codes (Reconciler, Scope.RECENT) reads them as a key range.
    UUID id = ids.timeOrdered(now);
    AccessCode draft = new AccessCode(id, workspaceId, device.deviceId(), r.name(), pin, r.commonCodeKey(), type,
        CodeStatus.unset, r.startsAt(), r.endsAt(), now, List.of(), List.of(), List.of(), false,
        Boolean.TRUE.equals(r.allowExternalModification()), Boolean.TRUE.equals(r.isOneTimeUse()), false, preferNative,
        false, 1);
    Planner.Plan plan = Planner.plan(draft, brand, now);
    PendingMutation mutation = plan.programNow()
        ? PendingMutation.of("creating", "Keyrack is setting the access code on the device.", now)
        : new PendingMutation("deferring_creation", "Keyrack will program the access code closer to its start.", now,
            plan.firstAt(), null, null);
    AccessCode code = draft.withStatus(Planner.initialStatus(draft, brand, now)).withPendingMutations(List.of(mutation));
    // Its group first (a code with a common_code_key, found by update_multiple): a create that then
    // fails leaves an id in the group that names no code, which update_multiple passes over.
    if (r.commonCodeKey() != null) store.addToGroup(workspaceId, r.commonCodeKey(), id);
    // Schedules first: if storing then fails, their fires find no code and are dropped; the
    // other way round, a stored code could miss its schedules.
    plan.later().forEach(scheduler::schedule);
    for (int attempt = 1; ; attempt++) {
      try {
        // The pool is turned on in the same write as the code: nothing after this write may fail the request.
        store.create(code, List.of(Event.forCode(ids, "access_code.created", code, device.connectedAccountId(), now, null)),
            usePool, new Store.Limits(brand.usableSlots(), guardrails.createsPerMinute(), SlotUse.lead(brand), checked.hold()));
        break;
      } catch (Conflict.NoSpace e) {
        // Creates racing for a lock's last slots each withdraw when they see it over (the last to
        // store sees all of them), so all may withdraw. One that finds a slot free again once it has
        // withdrawn tries again, after a moment of its own, rather than refuse with room on the lock.
        // It takes the device's lease for its next try, and pauses first so that the others'
        // withdrawals are done before it looks for a free slot.
        if (attempt < NO_SPACE_TRIES) {
          lease.take();
          if (slotFreeAfterAMoment(workspaceId, device, checked.hold(), attempt)) continue;
        }
        scheduler.cancelAll(id);
        throw noSpace(brand);
      } catch (Conflict.DuplicatePin e) {
        scheduler.cancelAll(id);
        throw duplicate();
      } catch (Conflict.TooManyCreates e) {
        scheduler.cancelAll(id);
        throw tooMany("created", guardrails.createsPerMinute());
      }
    }
    lease.close(); // stored: the next create may go
    if (plan.programNow()) enqueue(new DeviceOperation(DeviceOperation.Kind.SET, workspaceId, device.deviceId(), id, code.version()));
    if (usePool) pools.fillQuietly(device); // a failure is logged; the next create with the pool or a pull fills it
    LOG.info("access code created id={} device={} type={} status={} scheduled={}", id, device.deviceId(), type,
        code.status(), plan.later().size());
    return new Created(code, actionAttempt(workspaceId, "CREATE_ACCESS_CODE"));
  }

  /** What a create or an update asking for its device's backup pool refuses: a code that is not time-bound, a brand without pools. */
  private static void checkPool(BrandProfile brand, CodeType type) {
    if (type != CodeType.time_bound) {
      throw ApiError.invalidField("use_backup_access_code_pool", "Backup access code pools are for time-bound codes; give starts_at and ends_at.");
    }
    if (!brand.backupPool()) {
      throw new ApiError(400, "backup_access_code_pool_not_supported",
          brand.manufacturerDisplayName() + " locks do not support backup access code pools.");
    }
  }

  /**
   * An update that asks for the pool turns it on once its change is stored (a request refused
   * turns nothing on), then fills it. If turning it on fails, the request fails after its change
   * was stored, and the same update sent again (a retry changes nothing else) turns it on.
   */
  private void turnPoolOn(Device device) {
    if (!store.backupPoolEnabled(device.workspaceId(), device.deviceId())) {
      store.enableBackupPool(device.workspaceId(), device.deviceId());
      LOG.info("backup pool of device {} turned on by an update", device.deviceId());
    }
    pools.fillQuietly(device); // a failure is logged; the next create with the pool or a pull fills it
  }

  /**
   * Applies the update to the code as stored. The worker writes a code too (as set, as failed, with
   * its warnings), so an update that loses the race for a version is applied again to the code as
   * the worker left it, re-validated; only a code that keeps changing answers 409. Counted once
   * against the device's guardrail, however many tries it takes.
   */
  public ActionAttempt update(UUID workspaceId, UpdateRequest r) {
    return tried(admission -> updateOnce(workspaceId, r, admission));
  }

  /**
   * Runs one try after another while a try loses its code's version, up to {@link #TRIES}; one
   * admission for all, taken back when the request ends refused (a 4xx: a duplicate PIN, a code
   * removed or deleted meanwhile, a window no longer valid, a code that kept changing). A 503 after
   * the change was stored keeps its count: the change was accepted.
   */
  private ActionAttempt tried(java.util.function.Function<Admission, ActionAttempt> once) {
    Admission admission = new Admission();
    for (int attempt = 1; ; attempt++) {
      try {
        return once.apply(admission);
      } catch (Lost e) {
        if (attempt == TRIES) throw admission.refused(changedConcurrently());
      } catch (ApiError e) {
        throw e.status() < 500 ? admission.refused(e) : e;
      }
    }
  }

  /**
   * What an update of name and window would refuse on this code, checked without changing anything
   * (update_multiple checks every code of a group before it changes the first).
   */
  void checkUpdate(UUID workspaceId, AccessCode current, UpdateRequest r) {
    if (current.status() == CodeStatus.removing) {
      throw new ApiError(409, "access_code_being_removed", "The access code is being removed and can no longer be changed.");
    }
    BrandProfile brand = device(workspaceId, current.deviceId()).profile();
    if (r.name() != null && !r.name().equals(current.name())) validateName(brand, r.name());
    Instant start = r.startsAt() != null ? r.startsAt() : current.startsAt();
    Instant end = r.endsAt() != null ? r.endsAt() : current.endsAt();
    if (!Objects.equals(start, current.startsAt()) || !Objects.equals(end, current.endsAt())) {
      validateWindow(brand, start, end, Clocks.now(clock), !Objects.equals(start, current.startsAt()));
    }
  }

  private ActionAttempt updateOnce(UUID workspaceId, UpdateRequest r, Admission admission) {
    AccessCode current = get(workspaceId, r.accessCodeId());
    if (current.status() == CodeStatus.removing) {
      throw new ApiError(409, "access_code_being_removed", "The access code is being removed and can no longer be changed.");
    }
    Device device = device(workspaceId, current.deviceId());
    BrandProfile brand = device.profile();
    Instant now = Clocks.now(clock);
    List<PendingMutation> mutations = new ArrayList<>(current.pendingMutations());
    AccessCode next = current;
    boolean reprogram = false;

    if (r.name() != null && !r.name().equals(current.name())) {
      validateName(brand, r.name());
      mutations.add(new PendingMutation("updating_name", "Keyrack is updating the name on the device.", now, null,
          nullable("name", current.name()), nullable("name", r.name())));
      next = next.withName(r.name());
      reprogram = true;
    }
    if (r.code() != null && !r.code().equals(current.code())) {
      PinRules.violation(brand, r.code()).ifPresent(v -> { throw ApiError.invalidField("code", v); });
      mutations.add(new PendingMutation("updating_code", "Keyrack is updating the code on the device.", now, null,
          nullable("code", current.code()), nullable("code", r.code())));
      next = next.withCode(r.code());
      reprogram = true;
    }
    Instant start = current.startsAt(), end = current.endsAt();
    if ("ongoing".equals(r.type())) {
      if (r.startsAt() != null || r.endsAt() != null) {
        throw ApiError.invalid("An ongoing access code has no starts_at or ends_at; omit them with type 'ongoing'.");
      }
      start = null;
      end = null;
    } else if (r.type() != null && !"time_bound".equals(r.type())) {
      throw ApiError.invalidField("type", "type must be 'ongoing' or 'time_bound'.");
    }
    if (r.startsAt() != null) start = r.startsAt();
    if (r.endsAt() != null) end = r.endsAt();
    if ("time_bound".equals(r.type()) && (start == null || end == null)) {
      throw ApiError.invalid("A time-bound access code needs both starts_at and ends_at.");
    }
    if (!Objects.equals(start, current.startsAt()) || !Objects.equals(end, current.endsAt())) {
      if (current.type() == CodeType.ongoing && "time_bound".equals(r.type()) && (start == null || end == null)) {
        throw ApiError.invalid("A time-bound access code needs both starts_at and ends_at.");
      }
      // An active code keeps its start: a brand's future-start rule applies only to a new start.
      CodeType t = validateWindow(brand, start, end, now, !Objects.equals(start, current.startsAt()));
      Map<String, Object> from = new java.util.HashMap<>(), to = new java.util.HashMap<>();
      from.put("starts_at", current.startsAt()); from.put("ends_at", current.endsAt());
      to.put("starts_at", start); to.put("ends_at", end);
      // Only a code on its lock has a time frame there to update (a code being set takes its new one with it).
      if (current.onLock() || current.scheduledOnDevice()) {
        mutations.add(new PendingMutation("updating_time_frame", "Keyrack is updating the time frame on the device.", now,
            null, from, to));
      }
      next = next.withWindow(t, start, end);
      reprogram = true;
    }
    if (r.allowExternalModification() != null) {
      next = next.withExternalModificationAllowed(r.allowExternalModification());
    }
    if (r.preferNativeScheduling() != null && r.preferNativeScheduling() != current.preferNativeScheduling()) {
      next = next.withPreferNativeScheduling(r.preferNativeScheduling());
      reprogram = true;
    }
    boolean usePool = Boolean.TRUE.equals(r.useBackupAccessCodePool());
    if (usePool) checkPool(brand, next.type());
    boolean planChanged = !Fire.planOf(current, brand).equals(Fire.planOf(next, brand));
    if (next == current) {
      if (usePool) turnPoolOn(device);
      // A repeated update (a retry after a failure): make sure the schedules of the stored plan
      // exist, and send again the device operation the code is waiting for, if any (its first send
      // may have failed; the queue drops a copy within its deduplication window).
      if (current.type() == CodeType.time_bound) Planner.plan(current, brand, now).later().forEach(scheduler::schedule);
      DeviceOperation.Kind pending = Planner.pending(current, brand, now);
      if (pending != null) {
        store.noteSending(workspaceId, current.accessCodeId(), now); // a retry that fails too is still swept soon
        enqueueOrFail(new DeviceOperation(pending, workspaceId, current.deviceId(), current.accessCodeId(), current.version()));
      }
      return actionAttempt(workspaceId, "UPDATE_ACCESS_CODE");
    }

    Planner.Plan plan = Planner.plan(next, brand, now);
    DeviceOperation.Kind op = null;
    if (reprogram && plan.programNow()) {
      op = DeviceOperation.Kind.SET;
      next = next.withStatus(Planner.initialStatus(next, brand, now));
      // Its programming moment has come (moved into its lead time): its creation is no longer deferred.
      mutations.removeIf(m -> m.mutationCode().equals("deferring_creation"));
    } else if (planChanged && !plan.programNow()) {
      // Its programming moment moved into the future: off the lock until then.
      // (an unset code whose programming moment has come may have a set in flight, as for a delete)
      if (current.onLock() || current.status() == CodeStatus.setting
          || current.status() == CodeStatus.unset && Planner.due(current, brand, now)) {
        op = DeviceOperation.Kind.UNLOAD;
      }
      next = next.withStatus(CodeStatus.unset);
      // (a code on its lock keeps its updating_time_frame: the unload takes the old window off, and ends it)
      mutations.removeIf(m -> !m.mutationCode().equals("updating_time_frame"));
      mutations.add(new PendingMutation("deferring_creation", "Keyrack will program the access code closer to its start.",
          now, plan.firstAt(), null, null));
    } else if (reprogram && !plan.programNow()) {
      mutations.removeIf(m -> !m.mutationCode().equals("deferring_creation"));
    }
    next = next.withPendingMutations(mutations).withVersion(current.version() + 1);
    // What the worker was retrying it no longer does (its job finds nothing to do): a window moved
    // out of its lead time leaves no set to retry until its new moment, and a window extended past
    // now no removal; their delay warnings and failure errors go with them.
    if (planChanged && !plan.programNow()) {
      // (the lock's refusals too: the set at the new moment is a new try, and a refusal then is news)
      List<String> setNotices = new ArrayList<>(DeviceWorker.setErrors());
      setNotices.add(DeviceWorker.SET_DELAYED);
      next = withoutNotices(next, setNotices);
    }
    if (current.windowEnded(now) && !next.windowEnded(now)) {
      next = withoutNotices(next, List.of(DeviceWorker.REMOVE_DELAYED, DeviceWorker.REMOVE_FAILED));
    }
    // A pulled backup stood in for a code that could not be set in its window. Moved to a later
    // start, the code is programmed again at its new moment (and a backup pulled again should that
    // fail): the backup leaves the lock now, or it would let its guest in before the new start.
    UUID retiredBackup = null;
    if (current.pulledBackupAccessCodeId() != null && start != null && start.isAfter(now)
        && !Objects.equals(start, current.startsAt())) {
      retiredBackup = current.pulledBackupAccessCodeId();
      next = next.withBackup(next.backupRole(), null);
    }
    // A pulled backup lasts as long as its code: a new ends_at moves the backup's end too, in the same write.
    AccessCode backup = null, backupNext = null;
    if (retiredBackup == null && current.pulledBackupAccessCodeId() != null && end != null
        && !Objects.equals(end, current.endsAt())) {
      backup = store.accessCode(workspaceId, current.pulledBackupAccessCodeId())
          .filter(BackupPools::pulledInUse).orElse(null);
      if (backup != null) backupNext = backup.withWindow(CodeType.time_bound, backup.startsAt(), end).withVersion(backup.version() + 1);
    }
    // Noted before it is stored: if this function stops between storing and sending, the frequent
    // sweep finds the code by the note (it reads new codes and noted ones, not every code).
    admission.admit(workspaceId, device, "update", guardrails.updatesPerMinute(), "updated", now);
    if (op != null) store.noteSending(workspaceId, next.accessCodeId(), now);
    try {
      List<Event> events = List.of(Event.forCode(ids, "access_code.changed", next, device.connectedAccountId(), now, null));
      if (backup == null) {
        store.update(current, next, events);
      } else {
        store.updateAll(List.of(new Store.Change(current, next), new Store.Change(backup, backupNext)), events);
      }
    } catch (Conflict.DuplicatePin e) {
      throw duplicate();
    } catch (Conflict.StaleVersion e) {
      throw new Lost();
    }
    if (planChanged) {
      scheduler.cancelAll(next.accessCodeId());
      plan.later().forEach(scheduler::schedule);
    }
    // The backup's removal moves with it (its schedule, named by code and transition, is replaced;
    // a fire of the old one would find its plan changed and be dropped).
    if (backupNext != null) pools.scheduleRemoval(device, backupNext);
    if (retiredBackup != null) retireBackup(workspaceId, device, retiredBackup, now);
    boolean program = op != null;
    if (program) enqueueOrFail(new DeviceOperation(op, workspaceId, next.deviceId(), next.accessCodeId(), next.version()));
    if (usePool) turnPoolOn(device);
    LOG.info("access code updated id={} reprogram={}", next.accessCodeId(), program);
    return actionAttempt(workspaceId, "UPDATE_ACCESS_CODE");
  }

  /** Deletes the code as stored, trying again (as {@link #update} does) when the worker wrote it meanwhile. */
  public ActionAttempt delete(UUID workspaceId, UUID accessCodeId) {
    return tried(admission -> deleteOnce(workspaceId, accessCodeId, admission));
  }

  private ActionAttempt deleteOnce(UUID workspaceId, UUID accessCodeId, Admission admission) {
    AccessCode current = get(workspaceId, accessCodeId);
    Device device = device(workspaceId, current.deviceId());
    Instant now = Clocks.now(clock);
    admission.admit(workspaceId, device, "delete", guardrails.deletesPerMinute(), "deleted", now);
    if (current.status() == CodeStatus.removing) {
      // A repeated delete sends the removal again: a client retrying after an error heals a send that
      // failed the first time (the queue drops a copy within its deduplication window; removal is idempotent).
      // Its backup too: the first try may have stopped before it (a backup gone or going is passed over).
      if (current.pulledBackupAccessCodeId() != null) retireBackup(workspaceId, device, current.pulledBackupAccessCodeId(), now);
      store.noteSending(workspaceId, accessCodeId, now);
      enqueueOrFail(new DeviceOperation(DeviceOperation.Kind.REMOVE, workspaceId, current.deviceId(), accessCodeId, current.version()));
      return actionAttempt(workspaceId, "DELETE_ACCESS_CODE");
    }
    // A code that may be on the lock is removed from the lock first (Deletion); any other is deleted now.
    DeviceOperation removal;
    try {
      removal = Deletion.store(store, ids, current, device, now);
    } catch (Conflict.StaleVersion e) {
      throw new Lost();
    }
    // A booking cancelled takes its backup with it: the backup was its guest's way in. Before the
    // code's own send, which may answer 503 (a retried delete retires it too).
    if (current.pulledBackupAccessCodeId() != null) retireBackup(workspaceId, device, current.pulledBackupAccessCodeId(), now);
    if (current.backupRole() == AccessCode.BackupRole.PULLED) unlinkBackup(workspaceId, device, current, now);
    if (removal != null) enqueueOrFail(removal);
    // Only a time-bound code has schedules (a change to ongoing cancels them, and a fire left over
    // from a failed cancel finds its plan changed and is dropped).
    if (current.type() == CodeType.time_bound) scheduler.cancelAll(accessCodeId);
    LOG.info("access code delete requested id={} onLock={}", accessCodeId, removal != null);
    return actionAttempt(workspaceId, "DELETE_ACCESS_CODE");
  }

  /**
   * A pulled backup deleted by its owner no longer stands in for its code: the code stops naming it
   * ({@code pulled_backup_access_code_id}), so a pull gives it a new one. The backup's deletion is
   * stored already; should this fail, the code names a backup that answers 404 until its next pull
   * (logged).
   */
  private void unlinkBackup(UUID workspaceId, Device device, AccessCode backup, Instant now) {
    for (int round = 0; round < TRIES; round++) {
      Optional<AccessCode> original = store.accessCodes(workspaceId, device.deviceId()).stream()
          .filter(c -> backup.accessCodeId().equals(c.pulledBackupAccessCodeId())).findFirst();
      if (original.isEmpty()) return;
      AccessCode o = original.get(), next = o.withBackup(o.backupRole(), null).withVersion(o.version() + 1);
      try {
        store.update(o, next, List.of(Event.forCode(ids, "access_code.changed", next, device.connectedAccountId(), now, null)));
        LOG.info("access code {} no longer names its deleted backup {}", o.accessCodeId(), backup.accessCodeId());
        return;
      } catch (Conflict.StaleVersion e) {
        // changed meanwhile: look again
      } catch (RuntimeException e) {
        LOG.error("could not unlink deleted backup {}: {}", backup.accessCodeId(), e.getClass().getSimpleName());
        return;
      }
    }
    LOG.error("the code of deleted backup {} kept changing and still names it", backup.accessCodeId());
  }

  /**
   * Takes a pulled backup off its lock and deletes it, as a delete would (its removal schedule
   * cancelled), once the code it stood in for no longer needs it. The code's own change is stored
   * already; should this fail, the backup still leaves at its ends_at (its schedule, cancelled
   * last) and the failure is logged.
   */
  private void retireBackup(UUID workspaceId, Device device, UUID backupId, Instant now) {
    for (int round = 0; round < TRIES; round++) {
      Optional<AccessCode> found = store.accessCode(workspaceId, backupId).filter(BackupPools::pulledInUse);
      if (found.isEmpty()) return;
      try {
        DeviceOperation removal = Deletion.store(store, ids, found.get(), device, now);
        if (removal != null) enqueue(removal); // a failed send is noted: the frequent sweep sends it
        scheduler.cancelAll(backupId);
        LOG.info("pulled backup {} retired with its code", backupId);
        return;
      } catch (Conflict.StaleVersion e) {
        // changed meanwhile (the worker stored it): look again
      } catch (RuntimeException e) {
        LOG.error("could not retire pulled backup {}: {}; it leaves its lock at its ends_at", backupId, e.getClass().getSimpleName());
        return;
      }
    }
    LOG.error("pulled backup {} kept changing and was not retired; it leaves its lock at its ends_at", backupId);
  }

  private static AccessCode withoutNotices(AccessCode c, List<String> codes) {
    return c.withNotices(DeviceWorker.withoutCodes(c.errors(), codes), DeviceWorker.withoutCodes(c.warnings(), codes));
  }

  /** A PIN that fits the brand and is not held by another code on the device. */
  public String generateCode(UUID workspaceId, UUID deviceId, Integer preferredLength) {
    Device d = device(workspaceId, deviceId);
    return generateUnique(d.profile(), preferredLength, store.slots(workspaceId, deviceId).pinTaken());
  }

  String generateUnique(BrandProfile brand, Integer preferredLength, java.util.function.Predicate<String> taken) {
    for (int i = 0; i < 1000; i++) {
      String pin = PinRules.generate(brand, preferredLength, pinRandom);
      if (!taken.test(pin)) return pin;
    }
    throw new ApiError(409, "no_code_available", "No free code of that length is left on this device; try a longer code.");
  }

  private static Map<String, Object> nullable(String k, Object v) {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put(k, v);
    return m;
  }

  /** How many times a create that withdrew from a lock's last slots, and finds one free again, stores itself. */
  static final int NO_SPACE_TRIES = 5;
  /** A create that finds this few free slots on its device, or fewer, stores under the device's slot lease. */
  static final int LEASE_FREE_SLOTS = 5;
  /** How long a slot lease lasts should its holder stop, and how long a create waits for one before going on without. */
  static final java.time.Duration LEASE_HOLD = java.time.Duration.ofSeconds(3), LEASE_WAIT = java.time.Duration.ofSeconds(5);

  /** The device's slot lease, taken at most once by a create; a failure to take it is logged and the create goes on without. */
  private final class SlotLease implements AutoCloseable {
    private final UUID workspaceId, deviceId;
    private final long waitUntilNanos;
    private Optional<Store.Lease> held = Optional.empty();
    private boolean tried;

    SlotLease(UUID workspaceId, UUID deviceId, long waitUntilNanos) {
      this.workspaceId = workspaceId;
      this.deviceId = deviceId;
      this.waitUntilNanos = waitUntilNanos;
    }

    /** @return whether the lease is held */
    boolean take() {
      if (tried) return held.isPresent();
      tried = true;
      try {
        java.time.Duration wait = java.time.Duration.ofNanos(Math.max(0, waitUntilNanos - System.nanoTime()));
        held = store.leaseSlots(workspaceId, deviceId, LEASE_HOLD, wait);
        if (held.isEmpty()) LOG.warn("slot lease of device {} not got within {} ms; creating without it", deviceId, wait.toMillis());
      } catch (RuntimeException e) {
        LOG.warn("could not take the slot lease of device {}: {}; creating without it", deviceId, e.toString());
      }
      return held.isPresent();
    }

    @Override
    public void close() {
      held.ifPresent(Store.Lease::close);
      held = Optional.empty();
    }
  }

  /** Sleeps; an interrupt ends the pause early (and is kept), the request goes on. */
  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many times an update or a delete is applied to a code that changed under it before it answers 409. */
  static final int TRIES = 5;

  /** A version lost to another writer (the worker, or another request): the change is applied again to the code as it is now. */
  private static final class Lost extends RuntimeException {
    Lost() {
      super(null, null, false, false);
    }
  }

  private static ApiError changedConcurrently() {
    return new ApiError(409, "access_code_changed_concurrently", "The access code kept changing under this request; retry.");
  }

  /**
   * A request's one count against its device's guardrail, taken on its first try that gets that
   * far, and taken back if the request is then refused: only accepted changes use up the limit.
   */
  private final class Admission {
    private UUID workspaceId, deviceId;
    private String operation;
    private Instant at;

    void admit(UUID workspaceId, Device device, String operation, int perMinute, String done, Instant now) {
      if (at != null) return;
      if (!store.admit(workspaceId, device.deviceId(), operation, perMinute, now)) throw tooMany(done, perMinute);
      this.workspaceId = workspaceId;
      this.deviceId = device.deviceId();
      this.operation = operation;
      this.at = now;
    }

    /** The request is refused after it was counted: its count is taken back (a failure to is only logged). */
    ApiError refused(ApiError e) {
      if (at == null) return e;
      try {
        store.unadmit(workspaceId, deviceId, operation, at);
      } catch (RuntimeException failed) {
        LOG.warn("the guardrail count of a refused {} on device {} was not taken back: {}", operation, deviceId,
            failed.getClass().getSimpleName());
      }
      at = null;
      return e;
    }
  }

  private static ApiError noSpace(BrandProfile brand) {
    return new ApiError(409, "no_space_for_access_code_on_device",
        "The device holds at most " + brand.usableSlots() + " access codes at a time, and would hold as many while this one"
            + " is on it; delete one first, or choose a time when it has room.");
  }

  /** Over a guardrail (CONTRACT.md): 429, and when to try again. */
  private static ApiError tooMany(String done, int perMinute) {
    return new ApiError(429, "too_many_requests", "At most " + perMinute + " access codes can be " + done
        + " on one device per minute; try again in a minute.");
  }

  static ApiError duplicate() {
    return new ApiError(409, "duplicate_code_on_device",
        "Another access code on this device already uses this code; choose a different code.");
  }

  private void validateName(BrandProfile brand, String name) {
    if (name == null) return;
    if (!wellFormed(name)) {
      // (stored as it is, a lone surrogate would come back as '?': refused rather than changed)
      throw ApiError.invalidField("name", "name must be valid Unicode text (it has half of a surrogate pair).");
    }
    // Characters as a reader counts them (an emoji is one), not UTF-16 units.
    int characters = name.codePointCount(0, name.length());
    if (characters > MAX_NAME_LENGTH) throw ApiError.invalidField("name", "name must be at most " + MAX_NAME_LENGTH + " characters.");
    if (name.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
      // (a NUL, an escape sequence or a backspace has no place on a lock's display or in a list; tabs
      // and line breaks, which names copied from other systems carry, are kept as they are)
      throw ApiError.invalidField("name", "name must not contain control characters (such as NUL or an escape).");
    }
    if (characters < brand.nameMin()) {
      throw ApiError.invalidField("name", "name must be at least " + brand.nameMin() + " characters on a "
          + brand.manufacturerDisplayName() + " lock.");
    }
  }

  /** Whether every surrogate in the text is half of a pair. */
  static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static CodeType validateWindow(BrandProfile brand, Instant start, Instant end, Instant now, boolean newStart) {
    if (start == null && end == null) return CodeType.ongoing;
    if (end == null) throw ApiError.invalidField("ends_at", "A time-bound access code needs ends_at.");
    if (start == null && (brand.deviceType().equals("kwikset_lock") || brand.constraints().contains("start_date_in_future"))) {
      throw ApiError.invalidField("starts_at", "A time-bound access code on a " + brand.manufacturerDisplayName()
          + " lock needs starts_at.");
    }
    if (start != null && !end.isAfter(start)) throw ApiError.invalidField("ends_at", "ends_at must be after starts_at.");
    boolean futureStart = brand.deviceType().equals("kwikset_lock") || brand.constraints().contains("start_date_in_future");
    if (futureStart && newStart && !start.isAfter(now)) {
      throw ApiError.invalidField("starts_at", "starts_at must be in the future on a " + brand.manufacturerDisplayName() + " lock.");
    }
    if (!end.isAfter(now)) throw ApiError.invalidField("ends_at", "ends_at must be in the future.");
    return CodeType.time_bound;
  }

  /**
   * Sends an update's or a delete's device operation; if the queue stays unreachable (after the
   * SDK's retries), answers 503: the change is stored, and a retry of the same request sends the
   * operation again (a repeated delete or update re-sends what the code waits for). Without a
   * retry, the frequent sweep sends it within minutes: the change was noted before it was stored
   * ({@link Store#noteSending}).
   */
  private void enqueueOrFail(DeviceOperation op) {
    try {
      queue.enqueue(op);
    } catch (RuntimeException e) {
      LOG.error("could not enqueue {} for code {}: {}; answering 503 so that the caller retries", op.kind(), op.accessCodeId(),
          e.getClass().getSimpleName());
      throw new ApiError(503, "service_unavailable",
          "The change is saved, but Keyrack could not pass it on to the device just now; retry the same request.");
    }
  }

  private void enqueue(DeviceOperation op) {
    // A new code: stored first and the SDK retries the send. If the queue stays unreachable, the code
    // keeps its pending status (the stored state is the truth) and the frequent sweep
    // (ReconcilerFunction, codes created in the last half hour) re-sends it within minutes. The
    // caller's request has been accepted either way.
    try {
      queue.enqueue(op);
    } catch (RuntimeException e) {
      LOG.error("could not enqueue {} for code {}: {}; it stays pending until re-sent", op.kind(), op.accessCodeId(),
          e.getClass().getSimpleName());
    }
  }

  /** Finished when answered, so nothing is stored: its id says what it was (ActionAttempts). */
  private ActionAttempt actionAttempt(UUID workspaceId, String type) {
    return ActionAttempts.issue(workspaceId, type, attemptRandom);
  }
}
