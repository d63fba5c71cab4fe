package dev.keyrack.ports;

import dev.keyrack.domain.SlotUse;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Workspace;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable state. Every read takes the workspace id, so a caller can only ever reach its own
 * workspace's items. Every state change is stored together with its events, atomically: the
 * events go in the same write as the change (the changed code carries them), and are then
 * written as event items for {@link #events} to list; should that second step not happen (the
 * writer stopped in between), the next write of the code does it, or a sweep ({@link #sweepCodes}:
 * within minutes for a new code, within a day for any). So a reader can see a
 * change a moment (the second write) before its events: events are listed after the fact, as
 * webhooks deliver them.
 */
public interface Store {

  Optional<Workspace> workspaceForKeyHash(String apiKeyHash);

  /** Stores a workspace under one of its API keys (by hash) and lists it among {@link #workspaces()}. */
  void putWorkspace(Workspace w, String apiKeyHash);

  /** Every workspace (for the periodic sweep that re-sends lost device operations). */
  List<Workspace> workspaces();

  Optional<Device> device(UUID workspaceId, UUID deviceId);

  List<Device> devices(UUID workspaceId);

  /** Stores a device's record; its slot lists ({@link #changeSlots}) are kept. */
  void putDevice(Device d);

  /**
   * Applies {@code change} to the device as stored (read consistently) and stores the result on
   * condition that the device did not change meanwhile, trying again on the device as it then is
   * (up to 5 times): so that a rename, a report of its PIN lengths and going offline, each a
   * read-modify-write of the one item, do not undo each other.
   *
   * @return the device as stored after the change; empty if there is no such device
   * @throws Conflict.StaleVersion if it kept changing
   */
  Optional<Device> changeDevice(UUID workspaceId, UUID deviceId, java.util.function.UnaryOperator<Device> change);

  /**
   * A device as its worker reads it, in one read: the device and its slot lists ({@link
   * #changeSlots}): the codes its lock refused for want of a free slot, oldest first, and the
   * codes holding a slot in trust: one whose leaving freed a slot not yet handed on, or one handed
   * a freed slot and not yet on the lock with it. A code that holds a slot and does not end up on
   * the lock passes it on.
   */
  record DeviceAtWork(Device device, List<UUID> waitingForSpace, java.util.Set<UUID> holdingSlot) {
    public DeviceAtWork(Device device, List<UUID> waitingForSpace) {
      this(device, waitingForSpace, java.util.Set.of());
    }
  }

  /**
   * @param consistent whether the waiting list must reflect every write before the read (a removal,
   *                   which hands a freed slot on, needs it; a set only forgets itself)
   */
  Optional<DeviceAtWork> deviceAtWork(UUID workspaceId, UUID deviceId, boolean consistent);

  /**
   * A change of a device's slot lists, made in one write: a code to add to ({@code waits}) or take
   * off ({@code waitsNoMore}) the codes waiting for a slot, a code that now holds a slot ({@code
   * holds}) or holds one no more ({@code holdsNoMore}). Null parts change nothing; a code is not
   * added to and taken off the same list at once.
   */
  record SlotChange(UUID waits, UUID waitsNoMore, UUID holds, UUID holdsNoMore) {
    public SlotChange {
      if (waits != null && waits.equals(waitsNoMore) || holds != null && holds.equals(holdsNoMore)) {
        throw new IllegalArgumentException("a code both added to and taken off a slot list");
      }
    }
  }

  void changeSlots(UUID workspaceId, UUID deviceId, SlotChange change);

  Optional<AccessCode> accessCode(UUID workspaceId, UUID accessCodeId);

  /** Managed codes of the workspace, optionally of one device, oldest first. */
  List<AccessCode> accessCodes(UUID workspaceId, UUID deviceIdOrNull);

  /**
   * What a new code on a device needs to know of the device's codes, without reading them: how
   * many there are, their windows (from their claims; {@link SlotUse.Window#ONGOING} for a claim
   * that records none, as one stored before claims did) and whether a PIN is taken.
   */
  record Slots(int used, java.util.function.Predicate<String> pinTaken, int createdLastMinute,
               java.util.List<SlotUse.Window> windows) {
    public Slots {
      windows = java.util.List.copyOf(windows);
    }

    /** The most slots the device's codes take at once while a new code of this hold would be on it ({@link SlotUse#busiest}). */
    public int busiest(java.time.Duration lead, SlotUse.Hold candidate, java.time.Instant now) {
      return SlotUse.busiest(windows, lead, candidate, now);
    }
  }

  /**
   * The device's slots in use, its PINs, and how many of its codes were created (not made by a
   * backup pool) in the last minute, from its PIN claims (read consistently).
   */
  Slots slots(UUID workspaceId, UUID deviceId);

  /**
   * Managed codes of the workspace for the periodic sweep, read eventually consistent (a code
   * stored a moment ago may be missed; the next sweep sees it): all of them, or only those created
   * at or after {@code createdSinceOrNull} (codes have time-ordered ids, so that is a key range and
   * costs reads only for those codes). Unordered. On the way it writes the events of any change
   * made since {@code repairSince} (and over a minute before {@code now}) whose writer stopped
   * before writing them (see {@link #update}); a read per such change.
   */
  List<AccessCode> sweepCodes(UUID workspaceId, java.time.Instant createdSinceOrNull, java.time.Instant repairSince,
                              java.time.Instant now);

  /**
   * Notes, before a change of an existing code is stored, that the change will send the code a
   * device operation: if the sender stops between storing and sending, the frequent sweep finds
   * the code by this note ({@link #sentSince}) instead of waiting for the daily sweep of every
   * code. One small write; the note expires by itself.
   */
  void noteSending(UUID workspaceId, UUID accessCodeId, java.time.Instant at);

  /** The codes noted by {@link #noteSending} at or after {@code since} (read eventually consistent), each once. */
  List<UUID> sentSince(UUID workspaceId, java.time.Instant since);

  /**
   * The code that holds the PIN of {@code code} on its device (the one its PIN claim names, read
   * consistently), if any. Normally the code itself; another code when {@code code} is a duplicate
   * its create did not get to withdraw.
   */
  Optional<UUID> pinHolder(AccessCode code);

  /**
   * Adds a code to the group of its {@code common_code_key} (one small item per key, a set of code
   * ids), before the code is stored: {@link #group} then finds it. An id whose code was never
   * stored, or is gone, stays in the group; its readers pass over it.
   */
  void addToGroup(UUID workspaceId, String commonCodeKey, UUID accessCodeId);

  /** The ids of the codes created with this {@code common_code_key} (read consistently), oldest first; empty if none. */
  List<UUID> group(UUID workspaceId, String commonCodeKey);

  /** Takes ids whose codes are gone out of the group (a deleted code leaves its group by itself, {@link #delete}). */
  void leaveGroup(UUID workspaceId, String commonCodeKey, java.util.Collection<UUID> accessCodeIds);

  /**
   * Releases the PIN claims of the workspace left behind by a writer that stopped: a claim naming a
   * code that is gone (a delete, or a create's withdrawal, that stopped before releasing it) or
   * that holds another PIN now. Until then such a claim counts as a used slot of its device. The
   * daily sweep calls it with the codes it read ({@code stored}: the claims they hold cost no
   * further read); every other claim made for a code created before {@code createdBefore} (so not
   * one of a create still under way) is checked against its code, read consistently, and released
   * on condition that neither has changed. A claim held by one of {@code stored} whose window is
   * not its code's (an update that stopped between its two writes, or a claim older than windows on
   * claims) is given the code's window, on condition that the code has not changed since.
   *
   * @return claims released
   */
  int releaseAbandonedClaims(UUID workspaceId, List<AccessCode> stored, java.time.Instant createdBefore);

  /**
   * A managed code as a sweep reads it: eventually consistent, for half the read units (a code
   * changed a moment ago may be read as it was; the next sweep reads it again).
   */
  Optional<AccessCode> sweepCode(UUID workspaceId, UUID accessCodeId);

  /**
   * Stores a new code with its events and claims its PIN on the device.
   *
   * @throws Conflict.DuplicatePin if another code on the device holds the PIN
   */
  default void create(AccessCode code, List<Event> events) {
    create(code, events, false, Limits.NONE);
  }

  /**
   * What a new code may not take its device beyond, checked after it is stored (so that creates
   * racing each other cannot pass together what each would pass alone): the slots of the lock the
   * codes on it at once may take while the new one is ({@link SlotUse#busiest}, the others counted
   * from {@code lead} ahead of their start; with no {@code hold}, every code counts), and the codes
   * created in the last minute.
   */
  record Limits(int slots, int createsPerMinute, java.time.Duration lead, SlotUse.Hold hold) {
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public Limits(int slots, int createsPerMinute) {
      this(slots, createsPerMinute, null, null);
    }
  }

  /**
   * {@link #create}, and when {@code enableBackupPool} also turns the device's backup pool on, in
   * the same write (a create with {@code use_backup_access_code_pool} is stored whole or not at all).
   * Once stored, the code is withdrawn again if its device's codes then exceed {@code limits}: a
   * create that sees the device over a limit withdraws itself, so those that stay never exceed it.
   *
   * @throws Conflict.DuplicatePin if another code on the device holds the PIN
   * @throws Conflict.NoSpace if the device's codes would exceed {@code limits.slots()}
   * @throws Conflict.TooManyCreates if more than {@code limits.createsPerMinute()} codes of the
   *     device would be created in the last minute
   */
  void create(AccessCode code, List<Event> events, boolean enableBackupPool, Limits limits);

  /**
   * Replaces a code whose stored version is {@code code.version() - 1}, with its events; moves the
   * PIN claim if the PIN changed.
   *
   * @throws Conflict.StaleVersion if the code changed meanwhile
   * @throws Conflict.DuplicatePin if the new PIN is held by another code on the device
   */
  void update(AccessCode previous, AccessCode code, List<Event> events);

  /** Deletes a code (at {@code code.version()}) and writes the events; its PIN is free for another code. */
  void delete(AccessCode code, List<Event> events);

  /** Replaces several codes (each at {@code previous.version()}) and writes the events, all or nothing. */
  void updateAll(List<Change> changes, List<Event> events);

  record Change(AccessCode previous, AccessCode next) {}

  /**
   * Counts one {@code operation} (a name such as "update") on the device in the minute of {@code
   * now}, if fewer than {@code perMinute} were counted in that minute: one conditional write.
   *
   * @return false, counting nothing, when the minute's count has reached {@code perMinute}
   */
  boolean admit(UUID workspaceId, UUID deviceId, String operation, int perMinute, java.time.Instant now);

  /** Takes back one count {@link #admit} made at {@code now}, for a request that was then refused (never below zero). */
  void unadmit(UUID workspaceId, UUID deviceId, String operation, java.time.Instant now);

  /**
   * A short lease on a device's slots, taken by creates near its last free slots so that they
   * store one at a time: a create that stores, reads its device's claims and finds it over its
   * limit withdraws itself (see {@link #create}), so creates that race for the last slots can all
   * withdraw; under the lease each sees those before it. The lease lapses by itself after {@code
   * hold}, should its holder stop. Two writes (the lease and its release); waiting costs a
   * conditional write a try.
   *
   * @return the lease, to close when the create is stored or refused; empty when another holder
   *     kept it for {@code wait} (the create then goes on without it: the check after its store
   *     still keeps the device within its limit)
   */
  Optional<Lease> leaseSlots(UUID workspaceId, UUID deviceId, java.time.Duration hold, java.time.Duration wait);

  /** A lease from {@link #leaseSlots}; closing releases it (a failure to is logged: it lapses). */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /** Whether the device's backup access code pool is on (it stays on once turned on). */
  boolean backupPoolEnabled(UUID workspaceId, UUID deviceId);

  void enableBackupPool(UUID workspaceId, UUID deviceId);

  Optional<Event> event(UUID workspaceId, UUID eventId);

  /** Events of the workspace, newest first, filtered. */
  List<Event> events(UUID workspaceId, EventQuery q);

  record EventQuery(UUID deviceId, UUID accessCodeId, List<String> eventTypes, java.time.Instant since,
                    java.time.Instant until, int limit) {}
}
