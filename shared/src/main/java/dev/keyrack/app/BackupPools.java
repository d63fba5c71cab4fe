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

  /** Turns the device's pool on (for good) and fills it. */
  public void enable(Device device) {
    if (!device.profile().backupPool()) {
      throw new ApiError(400, "backup_access_code_pool_not_supported",
          device.profile().manufacturerDisplayName() + " locks do not support backup access code pools.");
    }
    store.enableBackupPool(device.workspaceId(), device.deviceId());
    fill(device);
  }

  /** Tops the pool up to its size with new backup codes, each sent to the lock. */
  public int fill(Device device) {
    List<AccessCode> all = store.accessCodes(device.workspaceId(), device.deviceId());
    long ready = all.stream().filter(c -> c.backupRole() == BackupRole.READY).count();
    Set<String> taken = new HashSet<>();
    all.forEach(c -> taken.add(c.code()));
    BrandProfile brand = device.profile();
    int made = 0;
    Instant now = Clocks.now(clock);
    for (long i = ready; i < size && all.size() + made < brand.usableSlots(); i++) {
      String pin;
      do {
        pin = PinRules.generate(brand, null, random);
      } while (!taken.add(pin));
      UUID id = ids.random();
      AccessCode backup = new AccessCode(id, device.workspaceId(), device.deviceId(), "Backup code", pin, null,
          CodeType.ongoing, CodeStatus.setting, null, null, now, List.of(), List.of(),
          List.of(PendingMutation.of("creating", "Keyrack is setting the backup code on the device.", now)), false, false,
          false, false, true, false, 1, BackupRole.READY, null);
      try {
        store.create(backup, List.of());
      } catch (Conflict.DuplicatePin e) {
        continue;
      }
      queue.enqueue(new DeviceOperation(DeviceOperation.Kind.SET, device.workspaceId(), device.deviceId(), id, 1));
      made++;
    }
    if (made > 0) LOG.info("backup pool of device {} refilled with {} codes", device.deviceId(), made);
    return made;
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
        if (b.isPresent()) return new Pulled(original, b.get());
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
        fill(device);
        throw new ApiError(409, "empty_backup_access_code_pool",
            "The device's backup access code pool is empty; it is being refilled. Retry shortly.");
      }
      Instant now = Clocks.now(clock);
      AccessCode b = ready.get();
      AccessCode pulled = b.withBackup(BackupRole.PULLED, null).withName("Backup for " + (original.name() == null ? "access code" : original.name()))
          .withWindow(CodeType.time_bound, b.createdAt(), original.endsAt()).withVersion(b.version() + 1);
      AccessCode linked = original.withBackup(original.backupRole(), b.accessCodeId()).withVersion(original.version() + 1);
      try {
        store.updateAll(List.of(new Store.Change(b, pulled), new Store.Change(original, linked)),
            List.of(Event.forCode(ids, "access_code.backup_access_code_pulled", linked, device.connectedAccountId(), now,
                Map.of("backup_access_code_id", b.accessCodeId().toString()))));
      } catch (Conflict.StaleVersion e) {
        continue; // pulled concurrently, or the backup was taken by someone else: look again
      }
      // The backup leaves the lock when the original's window ends.
      if (original.endsAt() != null) {
        scheduler.schedule(new Fire(workspaceId, device.deviceId(), b.accessCodeId(), Transition.REMOVE, original.endsAt(),
            Fire.planOf(pulled, device.profile())));
      }
      LOG.info("backup {} pulled for access code {}", b.accessCodeId(), original.accessCodeId());
      fill(device);
      return new Pulled(linked, pulled);
    }
    throw new ApiError(409, "access_code_changed_concurrently", "The access code kept changing; retry.");
  }

  /** Called while setting a code fails for good: pulls a backup when {@link dev.keyrack.domain.BackupPolicy} says so and the device has a pool. */
  public void onSetFailure(AccessCode code) {
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
