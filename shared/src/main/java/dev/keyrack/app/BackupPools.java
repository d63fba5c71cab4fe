package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.AccessCode.BackupRole;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.PinRules;
import dev.keyrack.domain.SchedulePolicy.Transition;
import dev.keyrack.domain.SlotUse;
import dev.keyrack.ports.Conflict;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Scheduler;
import dev.keyrack.ports.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup access code pools. Once a device's pool is on, it keeps {@code size} backup codes
 * programmed on the lock (hidden from list). Pulling one for a time-bound code links the two
 * ({@code pulled_backup_access_code_id} on the code, {@code is_backup} on the backup), gives the
 * backup the code's {@code ends_at} (its removal is scheduled then) and refills the pool. Pulling
 * again returns the same backup.
 */
public final class BackupPools {
  private static final Logger LOG = LoggerFactory.getLogger(BackupPools.class);

  private final Store store;
  private final JobQueue queue;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Ids ids;
  private final RandomGenerator random;
  private final int size;

  public BackupPools(Store store, JobQueue queue, Scheduler scheduler, Clock clock, Ids ids, RandomGenerator random, int size) {
    this.store = store;
    this.queue = queue;
    this.scheduler = scheduler;
    this.clock = clock;
    this.ids = ids;
    this.random = random;
    this.size = size;
  }

  public BackupPools(Store store, JobQueue queue, Scheduler scheduler, Clock clock, int size) {
    this(store, queue, scheduler, clock, Ids.shared(), new SecureRandom(), size);
  }

  /** A backup pulled for a code and still with it: not on its way off the lock. */
  static boolean pulledInUse(AccessCode c) {
    return c.backupRole() == BackupRole.PULLED && c.status() != CodeStatus.removing;
  }

  /**
   * Whether a backup counts in its pool: programmed on the lock, or still being set without a
   * refusal. A backup the lock refused for good ({@link DeviceWorker#REFUSALS}) never will be, and
   * one being removed is on its way out.
   */
  static boolean live(AccessCode c) {
    if (c.backupRole() != BackupRole.READY) return false;
    return c.status() == CodeStatus.set
        || (c.status() == CodeStatus.setting || c.status() == CodeStatus.unset) && !DeviceWorker.refused(c);
  }

  /**
   * Tops the pool up to its size with new backup codes, each sent to the lock. Backups the lock
   * refused for good are retired first (taken off the lock, then deleted) and replaced.
   */
  public int fill(Device device) {
    List<AccessCode> all = store.accessCodes(device.workspaceId(), device.deviceId());
    Set<UUID> retired = new HashSet<>();
    for (AccessCode c : all) {
      if (c.backupRole() == BackupRole.READY && c.status() != CodeStatus.removing && DeviceWorker.refused(c)
          && retire(device, c)) {
        retired.add(c.accessCodeId());
      }
    }
    trim(device, all, retired);
    long ready = Math.min(size, all.stream().filter(BackupPools::live).count());
    Set<String> taken = new HashSet<>();
    all.forEach(c -> taken.add(c.code()));
    BrandProfile brand = device.profile();
    int made = 0;
    Instant now = Clocks.now(clock);
    // A backup is on the lock from now on, as an ongoing code: it fits while, at the busiest moment
    // from now on, the codes on the lock leave a slot (SlotUse; a time-bound code takes one only
    // while it is on the lock, and a retired backup holds none).
    int busiest = SlotUse.busiest(all.stream().filter(c -> !retired.contains(c.accessCodeId())).map(SlotUse.Window::of).toList(),
        SlotUse.lead(brand), SlotUse.Hold.ALWAYS, now);
    for (long i = ready; i < size && busiest + made < brand.usableSlots(); i++) {
      String pin;
      do {
        pin = PinRules.generate(brand, null, random);
      } while (!taken.add(pin));
      UUID id = ids.timeOrdered(now); // time-ordered, as every code (see AccessCodeService.create)
      AccessCode backup = new AccessCode(id, device.workspaceId(), device.deviceId(), "Backup code", pin, null,
          CodeType.ongoing, CodeStatus.setting, null, null, now, List.of(), List.of(),
          List.of(PendingMutation.of("creating", "Keyrack is setting the backup code on the device.", now)), false, false,
          false, false, true, false, 1, BackupRole.READY, null);
      try {
        store.create(backup, List.of());
      } catch (Conflict.DuplicatePin e) {
        continue;
      }
      made++;
      try {
        queue.enqueue(new DeviceOperation(DeviceOperation.Kind.SET, device.workspaceId(), device.deviceId(), id, 1));
      } catch (RuntimeException e) {
        // stored as setting: the Reconciler re-sends it, as for any code whose job could not be sent
        LOG.error("could not enqueue the set of backup {} on device {}: {}", id, device.deviceId(), e.getClass().getSimpleName());
      }
    }
    if (made > 0) {
      LOG.info("backup pool of device {} refilled with {} codes", device.deviceId(), made);
      // Two fills at the same moment (two pulls) each see the pool short and each top it up: read it
      // again, and keep its oldest codes only. Both fills keep the same ones, so they agree.
      trim(device, store.accessCodes(device.workspaceId(), device.deviceId()), new HashSet<>());
    }
    return made;
  }

  /**
   * {@link #fill}, for callers whose own work is already done and stored (a create that turned the
   * pool on, a pull): a failure is logged, not thrown. The pool is filled again by the next create
   * that asks for it, the next pull, and the worker when it retires a refused backup.
   */
  public void fillQuietly(Device device) {
    try {
      fill(device);
    } catch (RuntimeException e) {
      LOG.error("backup pool of device {} not refilled: {}; it is refilled by the next create with the pool or pull",
          device.deviceId(), e.getClass().getSimpleName());
    }
  }

  /**
   * Retires the live backups beyond the pool's size, the newest first to go: what fills that ran
   * at the same moment made too many. Every fill orders them alike (creation, then id), so fills
   * that race keep the same ones; each one retired is added to {@code retired}.
   */
  private void trim(Device device, List<AccessCode> codesOfDevice, Set<UUID> retired) {
    List<AccessCode> live = codesOfDevice.stream().filter(BackupPools::live)
        .sorted(Comparator.comparing(AccessCode::createdAt).thenComparing(c -> c.accessCodeId().toString())).toList();
    for (AccessCode extra : live.subList(Math.min(size, live.size()), live.size())) {
      if (retire(device, extra, "beyond the pool's " + size)) retired.add(extra.accessCodeId());
    }
  }

  private boolean retire(Device device, AccessCode backup) {
    return retire(device, backup, backup.errors().stream().map(n -> n.code()).filter(DeviceWorker.REFUSALS::contains).findFirst()
        .map(code -> "refused by the device: " + code).orElse("refused by the device"));
  }

  /**
   * Takes a backup out of its pool (refused by the lock, or one too many): marked removing (so it no longer counts) and sent to
   * the worker, which makes sure it is off the lock and deletes it. False if it changed meanwhile.
   */
  private boolean retire(Device device, AccessCode backup, String why) {
    Instant now = Clocks.now(clock);
    AccessCode next = backup.withStatus(CodeStatus.removing)
        .withPendingMutations(List.of(PendingMutation.of("deleting", "Keyrack is removing the backup code from its pool.", now)))
        .withVersion(backup.version() + 1);
    // Noted before it is stored, as an update's send is: a lost removal is re-sent by the frequent sweep.
    store.noteSending(device.workspaceId(), backup.accessCodeId(), now);
    try {
      store.update(backup, next, List.of());
    } catch (Conflict.StaleVersion e) {
      return false;
    }
    LOG.info("backup {} of device {} retired ({})", backup.accessCodeId(), device.deviceId(), why);
    try {
      queue.enqueue(new DeviceOperation(DeviceOperation.Kind.REMOVE, device.workspaceId(), device.deviceId(),
          backup.accessCodeId(), next.version()));
    } catch (RuntimeException e) {
      // stored as removing and noted: the frequent sweep re-sends its removal
      LOG.error("could not enqueue the removal of retired backup {}: {}", backup.accessCodeId(), e.getClass().getSimpleName());
    }
    return true;
  }

  /**
   * A backup the lock refused for good (the worker calls this through {@link #onSetFailure}): it is
   * retired, and when a new PIN can cure the refusal (the lock held its PIN for another entry) it
   * is replaced at once. After a full lock or a PIN rule, a new backup would most likely be refused
   * again, so the pool is topped up at its next fill (a create with the pool, a pull) instead of
   * churning codes on the lock.
   */
  private void onBackupRefused(AccessCode backup) {
    Optional<Device> device = store.device(backup.workspaceId(), backup.deviceId());
    if (device.isEmpty()) return;
    boolean retiredNow = retire(device.get(), backup);
    if (retiredNow && backup.errors().stream().anyMatch(n -> n.code().equals(DeviceWorker.DUPLICATE_REFUSED))) {
      fillQuietly(device.get());
    }
  }

  /** Whether a backup is ready (programmed) in the device's pool. */
  public boolean available(UUID workspaceId, UUID deviceId, List<AccessCode> codesOfDevice) {
    return codesOfDevice.stream().anyMatch(c -> c.backupRole() == BackupRole.READY && c.status() == CodeStatus.set);
  }

  public record Pulled(AccessCode original, AccessCode backup) {}

  /** Pulls a backup for a time-bound code, or returns the one already pulled. */
  public Pulled pull(UUID workspaceId, UUID accessCodeId) {
    for (int round = 0; round < 5; round++) {
      AccessCode original = store.accessCode(workspaceId, accessCodeId).filter(c -> c.backupRole() != BackupRole.READY)
          .orElseThrow(ApiError::accessCodeNotFound);
      Device device = store.device(workspaceId, original.deviceId()).orElseThrow(ApiError::deviceNotFound);
      if (original.pulledBackupAccessCodeId() != null) {
        Optional<AccessCode> b = store.accessCode(workspaceId, original.pulledBackupAccessCodeId());
        if (b.isPresent()) {
          // The first pull's removal schedule may not have been made (it is created after the
          // pull is stored): make sure it exists. Schedules are named by code and transition, so
          // this replaces it if it does.
          scheduleRemoval(device, b.get());
          return new Pulled(original, b.get());
        }
      }
      if (original.type() != CodeType.time_bound) {
        throw ApiError.invalid("Backup access codes are for time-bound access codes only.");
      }
      if (original.isBackup()) throw ApiError.invalid("This access code is itself a backup.");
      if (!store.backupPoolEnabled(workspaceId, device.deviceId())) {
        throw new ApiError(400, "backup_access_code_pool_not_enabled",
            "The device has no backup access code pool; create a code with use_backup_access_code_pool: true first.");
      }
      Optional<AccessCode> ready = store.accessCodes(workspaceId, device.deviceId()).stream()
          .filter(c -> c.backupRole() == BackupRole.READY && c.status() == CodeStatus.set)
          .min(Comparator.comparing(AccessCode::createdAt));
      if (ready.isEmpty()) {
        fillQuietly(device);
        throw new ApiError(409, "empty_backup_access_code_pool",
            "The device's backup access code pool is empty; it is being refilled. Retry shortly.");
      }
      Instant now = Clocks.now(clock);
      AccessCode b = ready.get();
      AccessCode pulled = b.withBackup(BackupRole.PULLED, null).withName("Backup for " + (original.name() == null ? "access code" : original.name()))
          .withWindow(CodeType.time_bound, b.createdAt(), original.endsAt()).withVersion(b.version() + 1);
      AccessCode linked = original.withBackup(original.backupRole(), b.accessCodeId()).withVersion(original.version() + 1);
      try {
        // A backup in its pool writes no events (DeviceWorker.visible): pulled, it is the workspace's
        // code, already on the lock, and its story starts here.
        store.updateAll(List.of(new Store.Change(b, pulled), new Store.Change(original, linked)),
            List.of(Event.forCode(ids, "access_code.backup_access_code_pulled", linked, device.connectedAccountId(), now,
                Map.of("backup_access_code_id", b.accessCodeId().toString())),
                DeviceWorker.programmedEvent(ids, pulled, device, false, now)));
      } catch (Conflict.StaleVersion e) {
        continue; // pulled concurrently, or the backup was taken by someone else: look again
      }
      // The backup leaves the lock when the original's window ends. (If this fails, the pull is
      // stored and answered with an error; pulling again returns the same backup and schedules it.)
      scheduleRemoval(device, pulled);
      LOG.info("backup {} pulled for access code {}", b.accessCodeId(), original.accessCodeId());
      fillQuietly(device);
      return new Pulled(linked, pulled);
    }
    throw new ApiError(409, "access_code_changed_concurrently", "The access code kept changing; retry.");
  }

  /** The removal of a pulled backup at its {@code ends_at} (which is its original's). */
  public void scheduleRemoval(Device device, AccessCode pulled) {
    if (pulled.backupRole() != BackupRole.PULLED || pulled.endsAt() == null) return;
    scheduler.schedule(new Fire(pulled.workspaceId(), device.deviceId(), pulled.accessCodeId(), Transition.REMOVE,
        pulled.endsAt(), Fire.planOf(pulled, device.profile())));
  }

  /** Called while setting a code fails for good: pulls a backup when {@link dev.keyrack.domain.BackupPolicy} says so and the device has a pool. */
  public void onSetFailure(AccessCode code) {
    if (code.backupRole() == BackupRole.READY) {
      if (DeviceWorker.refused(code)) onBackupRefused(code);
      return;
    }
    if (!dev.keyrack.domain.BackupPolicy.pullOnSetFailure(code.type() == CodeType.time_bound, code.isBackup(),
        code.pulledBackupAccessCodeId() != null, code.startsAt(), code.endsAt(), Clocks.now(clock))) {
      return;
    }
    if (!store.backupPoolEnabled(code.workspaceId(), code.deviceId())) return;
    try {
      pull(code.workspaceId(), code.accessCodeId());
    } catch (ApiError e) {
      LOG.warn("no backup could be pulled for access code {}: {}", code.accessCodeId(), e.type());
    }
  }
}
