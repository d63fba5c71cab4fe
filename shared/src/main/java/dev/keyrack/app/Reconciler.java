package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Workspace;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-sends the device operations that stored codes are waiting for ({@link Planner#pending}): a
 * code in {@code setting} or {@code removing}, a time-bound code whose window has ended, an
 * {@code unset} code whose programming moment has passed, or one still on its lock whose moment
 * moved into the future. Queue messages are hints and the stored state is the truth, so
 * re-sending is always safe; it covers a send that failed after the state was stored, a function
 * stopped between the two, a fire that Scheduler gave up on, and a queue that lost its messages
 * (a restarted local stack). Deployed, {@code ReconcilerFunction} runs it on two schedules
 * (template.yaml); the local stack runs it at start and on the same schedules.
 *
 * <p>What a sweep reads is what it costs, so the sweeps are tiered ({@link Scope}): every few
 * minutes only the codes created in the last {@link #RECENT_WINDOW} (a key range, since code ids
 * are time-ordered), where a lost send is by far most likely (the api stores a new code, then
 * sends its first job), and the older codes whose update or delete noted a send in that time
 * (another key range, {@link Store#noteSending}); once a day every code,
 * read eventually consistent. Reading every stored code every few minutes would cost more than
 * the rest of a code's life together (a code is stored for days or weeks before its stay).
 *
 * <p>While the queue keeps its messages, a code whose notices are the worker's about the operation
 * it waits for is left alone ({@link #workerIsOnIt}): its job is alive (retrying, in order, in its
 * lock's message group) or was refused for good; re-sending it would only stack copies behind the
 * retrying one. A code noted since is re-sent all the same: its change is newer than its notices. After
 * the queue lost its messages ({@link Scope#EMPTY_QUEUE}) every pending code is re-sent. A re-send
 * within SQS's five-minute deduplication window of the original send is dropped by the queue
 * (same deduplication id).
 *
 * <p>Before re-sending, a sweep withdraws a code left holding another code's PIN by a create that
 * stopped half-way ({@link #withdrawDuplicates}).
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** How far back the frequent sweep looks: a few of its runs, so a run that failed is covered by the next. */
  public static final Duration RECENT_WINDOW = Duration.ofMinutes(30);
  /** The frequent sweep checks that the events of changes of this long ago were written (a run, and a bit). */
  public static final Duration RECENT_REPAIR = Duration.ofMinutes(12);
  /** The daily sweep does so for the last day (and a bit). */
  public static final Duration DAILY_REPAIR = Duration.ofHours(26);

  /**
   * How old a code must be before the daily sweep may release a claim naming it that it does not
   * hold: a create writes its claim a moment before its code (DynamoStore), and may be retried.
   */
  public static final Duration CLAIM_GRACE = Duration.ofHours(1);

  private final Store store;
  private final JobQueue queue;
  private final Clock clock;

  public Reconciler(Store store, JobQueue queue, Clock clock) {
    this.store = store;
    this.queue = queue;
    this.clock = clock;
  }

  /** Which codes a sweep reads, and what the queue may still hold. */
  public enum Scope {
    /** Codes created in the last {@link #RECENT_WINDOW}; the queue keeps its messages. */
    RECENT,
    /** Every code; the queue keeps its messages: re-send only codes whose job may never have been sent. */
    LOST_SENDS,
    /** Every code; the queue lost every message (a local stack restarted): re-send every pending code. */
    EMPTY_QUEUE;

    /** The scope named by a schedule's input ({@code {"scope": "RECENT"}}); absent or unknown: LOST_SENDS. */
    public static Scope named(Object name) {
      for (Scope s : values()) if (s.name().equals(name)) return s;
      return LOST_SENDS;
    }
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
    Instant now = clock.instant();
    // The events of a change are checked by the frequent sweep if it is a new code's (of its last
    // run or two), by the daily sweep otherwise (a change of the last day), and by the next write
    // of the code, whichever comes first.
    List<AccessCode> codes = scope == Scope.RECENT
        ? store.sweepCodes(workspaceId, now.minus(RECENT_WINDOW), now.minus(RECENT_REPAIR), now)
        : store.sweepCodes(workspaceId, null, now.minus(DAILY_REPAIR), now);
    java.util.Set<UUID> noted = new java.util.HashSet<>();
    if (scope == Scope.RECENT) codes = withNoted(workspaceId, codes, now, noted);
    // Devices are read only for the codes found (a workspace's locks far outnumber its recent codes).
    Map<UUID, Optional<Device>> devices = new HashMap<>();
    java.util.Set<UUID> handled = new java.util.HashSet<>(); // withdrawn, or sent their set, by withdrawDuplicates
    int sent = withdrawDuplicates(workspaceId, codes, devices, now, handled);
    // One code a lock refused for want of a slot is tried again per lock and sweep: its oldest.
    Map<UUID, UUID> spaceRetry = new HashMap<>();
    for (AccessCode c : codes) {
      if (c.status() != CodeStatus.removing && !c.windowEnded(now)
          && refusedForSpaceBefore(c, DeviceOperation.Kind.SET, now.minus(SPACE_RETRY))) {
        spaceRetry.merge(c.deviceId(), c.accessCodeId(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    for (AccessCode c : codes) {
      if (handled.contains(c.accessCodeId())) continue;
      // An unset code needs its device's brand (has its programming moment come?); the rest do not.
      boolean needsBrand = c.status() == CodeStatus.unset && !c.windowEnded(now);
      BrandProfile brand = needsBrand
          ? devices.computeIfAbsent(c.deviceId(), id -> store.device(workspaceId, id)).map(Device::profile).orElse(null) : null;
      if (needsBrand && brand == null) continue; // its device is gone
      DeviceOperation.Kind kind = Planner.pending(c, brand, now);
      if (kind == null) continue;
      // A noted change is newer than the code's notices: its send is what may be lost.
      if (scope != Scope.EMPTY_QUEUE && !noted.contains(c.accessCodeId()) && workerIsOnIt(c, kind)
          && !(kind == DeviceOperation.Kind.SET && c.accessCodeId().equals(spaceRetry.get(c.deviceId())))) continue;
      Optional<Device> device = devices.computeIfAbsent(c.deviceId(), id -> store.device(workspaceId, id));
      if (device.isEmpty()) continue;
      // A code's first set re-sent: only for a code that holds its PIN's claim, one read of it. One
      // that does not is left by a create that stopped half-way: another code took its claim (and
      // may be gone by now, its delete releasing the claim).
      if (kind == DeviceOperation.Kind.SET && firstSet(c) && c.code() != null) {
        Optional<UUID> holder = store.pinHolder(c);
        if (holder.isEmpty() || !holder.get().equals(c.accessCodeId())) {
          sent += Math.max(0, withdraw(c, holder.orElse(null), device.get(), now));
          continue;
        }
      }
      queue.enqueue(new DeviceOperation(kind, workspaceId, c.deviceId(), c.accessCodeId(), c.version()));
      sent++;
    }
    if (scope != Scope.RECENT) {
      sent += retireOrphanedBackups(workspaceId, codes, devices, now);
      try {
        int released = store.releaseAbandonedClaims(workspaceId, codes, now.minus(CLAIM_GRACE));
        if (released > 0) LOG.info("released {} abandoned PIN claims of workspace {}", released, workspaceId);
      } catch (RuntimeException e) {
        LOG.error("could not release abandoned PIN claims of workspace {}: {}; the next daily sweep tries again", workspaceId,
            e.getClass().getSimpleName());
      }
    }
    if (sent > 0) LOG.info("re-sent {} pending device operations for workspace {} ({} sweep)", sent, workspaceId, scope);
    return sent;
  }

  /**
   * Withdraws the codes that hold a PIN another code of their device holds by its claim: what a
   * create leaves when it stopped (or failed to read) between storing its code and reading its
   * claim back, while another create took the claim over in that moment (DynamoStore's plain-write
   * create). Its client got an error, so the code is deleted as the API's delete would, removed
   * from its lock first if it may be there; its schedules' fires then find no code and are
   * dropped. The codes a sweep reads are grouped by device and PIN in memory, so only a group of
   * two or more costs a read (of the claim): such a pair was created in the same moment, so the
   * frequent sweep sees both, before it re-sends the stray code's first job (and should the other
   * code be gone by then, its delete having released the claim, that re-send reads the claim
   * itself and finds it is not the stray's: see {@link #reconcile}). A code
   * being removed counts as a holder but is never withdrawn: it is on its way out. One group's
   * failure is logged and leaves the others to go on; a code whose withdrawal failed is not
   * re-sent in this sweep.
   *
   * @return removals sent
   */
  private int withdrawDuplicates(UUID workspaceId, List<AccessCode> codes, Map<UUID, Optional<Device>> devices, Instant now,
                                 java.util.Set<UUID> handled) {
    Map<String, List<AccessCode>> byPin = new HashMap<>();
    for (AccessCode c : codes) {
      if (c.code() != null) byPin.computeIfAbsent(c.deviceId() + "/" + c.code(), k -> new java.util.ArrayList<>()).add(c);
    }
    int sent = 0;
    for (List<AccessCode> same : byPin.values()) {
      if (same.size() < 2) continue;
      try {
        Optional<UUID> holder = store.pinHolder(same.get(0));
        if (holder.isEmpty()) continue; // no claim to go by: leave them be
        boolean strayWithdrawn = false;
        for (AccessCode c : same) {
          if (c.accessCodeId().equals(holder.get()) || c.status() == CodeStatus.removing) continue;
          Optional<Device> device = devices.computeIfAbsent(c.deviceId(), id -> store.device(workspaceId, id));
          if (device.isEmpty()) continue;
          handled.add(c.accessCodeId());
          int removals = withdraw(c, holder.get(), device.get(), now);
          if (removals >= 0) strayWithdrawn = true;
          sent += Math.max(0, removals);
        }
        if (strayWithdrawn) sent += resendRefusedHolder(same, holder.get(), devices, now, handled);
      } catch (RuntimeException e) {
        LOG.error("could not check the codes sharing a PIN on device {}: {}; the next sweep looks again",
            same.get(0).deviceId(), e.getClass().getSimpleName());
      }
    }
    return sent;
  }

  /**
   * The holder of a PIN whose stray duplicate was on the lock first, so that the lock refused the
   * holder as a duplicate (possible only when no sweep ran between the stray's create and its
   * programming fire's read of its claim, see ProgrammingService): its set is sent again, behind
   * the stray's removal in the lock's queue. A refusal is otherwise left alone (retrying cannot
   * cure it), so this is the one re-send of a refused set. @return sets sent (0 or 1)
   */
  private int resendRefusedHolder(List<AccessCode> same, UUID holder, Map<UUID, Optional<Device>> devices, Instant now,
                                  java.util.Set<UUID> handled) {
    for (AccessCode c : same) {
      if (!c.accessCodeId().equals(holder) || c.errors().stream().noneMatch(n -> n.code().equals(DeviceWorker.DUPLICATE_REFUSED))) continue;
      Optional<Device> device = devices.computeIfAbsent(c.deviceId(), id -> store.device(c.workspaceId(), id));
      if (device.isEmpty() || Planner.pending(c, device.get().profile(), now) != DeviceOperation.Kind.SET) return 0;
      handled.add(c.accessCodeId()); // sent here: not again below
      queue.enqueue(new DeviceOperation(DeviceOperation.Kind.SET, c.workspaceId(), c.deviceId(), c.accessCodeId(), c.version()));
      LOG.info("access code {} refused by its lock as a duplicate of a withdrawn code: set again", c.accessCodeId());
      return 1;
    }
    return 0;
  }

  /**
   * Retires the pulled backups that no code links any more: the code they stood in for is gone, or
   * was moved to a later start, and the backup's own retirement then failed (AccessCodeService
   * logs it). Left alone, such a backup would let its guest in until its old ends_at. A candidate
   * (read eventually consistent) is checked against its device's codes, read consistently, first.
   *
   * @return removals sent
   */
  private int retireOrphanedBackups(UUID workspaceId, List<AccessCode> codes, Map<UUID, Optional<Device>> devices, Instant now) {
    java.util.Set<UUID> linked = new java.util.HashSet<>();
    codes.forEach(c -> {
      if (c.pulledBackupAccessCodeId() != null) linked.add(c.pulledBackupAccessCodeId());
    });
    int sent = 0;
    for (AccessCode c : codes) {
      if (!BackupPools.pulledInUse(c) || linked.contains(c.accessCodeId())) continue;
      try {
        List<AccessCode> ofDevice = store.accessCodes(workspaceId, c.deviceId());
        if (ofDevice.stream().anyMatch(o -> c.accessCodeId().equals(o.pulledBackupAccessCodeId()))) continue;
        Optional<AccessCode> backup = ofDevice.stream().filter(o -> o.accessCodeId().equals(c.accessCodeId())).findFirst()
            .filter(BackupPools::pulledInUse);
        Optional<Device> device = devices.computeIfAbsent(c.deviceId(), id -> store.device(workspaceId, id));
        if (backup.isEmpty() || device.isEmpty()) continue;
        DeviceOperation removal = Deletion.store(store, dev.keyrack.domain.Ids.shared(), backup.get(), device.get(), now);
        LOG.warn("pulled backup {} on device {} was linked from no code: retired", c.accessCodeId(), c.deviceId());
        if (removal != null) {
          queue.enqueue(removal);
          sent++;
        }
      } catch (dev.keyrack.ports.Conflict.StaleVersion e) {
        LOG.info("pulled backup {} changed meanwhile; the next daily sweep looks again", c.accessCodeId());
      } catch (RuntimeException e) {
        LOG.error("could not retire pulled backup {}: {}; the next daily sweep tries again", c.accessCodeId(),
            e.getClass().getSimpleName());
      }
    }
    return sent;
  }

  /** A code that has never been on its lock (nor is scheduled there): its first set is pending. */
  private static boolean firstSet(AccessCode c) {
    return !c.onLock() && !c.scheduledOnDevice();
  }

  /**
   * Deletes a code whose PIN {@code holder} holds (null: nobody does), through its lock if it may be there.
   * @return removals sent (0 or 1), or -1 when the code changed meanwhile and nothing was done
   */
  private int withdraw(AccessCode c, UUID holder, Device device, Instant now) {
    try {
      return Deletion.withdraw(store, queue, c, holder, device, now) ? 1 : 0;
    } catch (dev.keyrack.ports.Conflict.StaleVersion e) {
      LOG.info("duplicate access code {} changed meanwhile; the next sweep looks again", c.accessCodeId());
      return -1;
    }
  }

  /**
   * The recent codes and, read one by one, the older codes whose update or delete noted a send in
   * the last {@link #RECENT_WINDOW} ({@link Store#noteSending}): a sender that stopped between
   * storing such a change and sending it is covered within minutes, not by the daily sweep.
   */
  private List<AccessCode> withNoted(UUID workspaceId, List<AccessCode> recent, Instant now, java.util.Set<UUID> noted) {
    noted.addAll(store.sentSince(workspaceId, now.minus(RECENT_WINDOW)));
    if (noted.isEmpty()) return recent;
    java.util.Set<UUID> seen = new java.util.HashSet<>();
    recent.forEach(c -> seen.add(c.accessCodeId()));
    List<AccessCode> all = new java.util.ArrayList<>(recent);
    for (UUID id : noted) {
      if (seen.add(id)) store.sweepCode(workspaceId, id).ifPresent(all::add);
    }
    return all;
  }

  /**
   * How long the sweeps leave a code its lock refused for want of a slot before trying it again
   * (the daily sweep's: the frequent one reads only new codes and noted ones, which it re-sends anyway). A Keyrack code leaving the lock sends it at once (DeviceWorker); this covers a slot
   * freed by other means (a code deleted at the keypad), which Keyrack cannot see, and a waiting
   * note that failed to be written. Each refusal renews the error's time: one try a day at most,
   * and of the codes waiting on one lock only the oldest is tried (should it be set, a slot it
   * leaves later goes to the next).
   */
  public static final Duration SPACE_RETRY = Duration.ofHours(20);

  /** A pending set refused by the lock for want of a slot, last refused before {@code before}. */
  static boolean refusedForSpaceBefore(AccessCode c, DeviceOperation.Kind pending, Instant before) {
    return pending == DeviceOperation.Kind.SET && c.errors().stream()
        .anyMatch(n -> n.code().equals(DeviceWorker.NO_SPACE_REFUSED) && n.createdAt().isBefore(before));
  }

  /** The worker's notices of a set (its delay warning, its failure error, and the lock's refusals). */
  private static final java.util.Set<String> SET_NOTICES = java.util.stream.Stream.concat(DeviceWorker.setErrors().stream(),
      java.util.stream.Stream.of(DeviceWorker.SET_DELAYED)).collect(java.util.stream.Collectors.toUnmodifiableSet());
  /**
   * What says a removal is in hand: the worker's notices of a removal, and those of a set it still
   * retries (it never gives up), which holds the lock's message group, the removal behind it. A
   * refusal is no such notice: the refused set is over.
   */
  private static final java.util.Set<String> REMOVE_NOTICES = java.util.Set.of(DeviceWorker.REMOVE_DELAYED,
      DeviceWorker.REMOVE_FAILED, DeviceWorker.SET_DELAYED, DeviceWorker.SET_FAILED);

  /**
   * Whether the code's notices say the worker has the pending operation in hand: it retries it (in
   * order, in the lock's message group) or the lock refused it for good. Then a re-send would only
   * stack copies behind it (on a lock offline for good, one more a day). A refusal says nothing
   * about a removal: a refused backup retired since waits for a removal nobody may have sent.
   */
  static boolean workerIsOnIt(AccessCode c, DeviceOperation.Kind pending) {
    // (an unload's failures put no notice on the code: nothing says the worker has it)
    java.util.Set<String> theirs = switch (pending) {
      case SET -> SET_NOTICES;
      case REMOVE -> REMOVE_NOTICES;
      default -> java.util.Set.of();
    };
    return java.util.stream.Stream.concat(c.errors().stream(), c.warnings().stream()).anyMatch(n -> theirs.contains(n.code()));
  }
}
