package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored half of deleting a code, shared by the API's delete and the withdrawal of a duplicate
 * (by the sweeps and by a programming fire).
 */
final class Deletion {
  private static final Logger LOG = LoggerFactory.getLogger(Deletion.class);

  private Deletion() {}

  /**
   * Withdraws a code left holding a PIN that {@code holder} holds by its claim (null: no code does),
   * by a create that stopped before checking its claim: deletes it as the API's delete would and
   * sends its removal if it may be on its lock (should the send fail, the removal is noted: the next
   * frequent sweep sends it).
   *
   * @return whether a removal was sent
   * @throws dev.keyrack.ports.Conflict.StaleVersion if the code changed meanwhile
   */
  static boolean withdraw(Store store, JobQueue queue, AccessCode c, UUID holder, Device device, Instant now) {
    DeviceOperation removal = store(store, Ids.shared(), c, device, now);
    LOG.warn("access code {} withdrawn: its PIN on device {} is held by {} (its create stopped before checking its claim)",
        c.accessCodeId(), c.deviceId(), holder == null ? "no code (the code that took it is deleted)" : "access code " + holder);
    if (removal != null) queue.enqueue(removal);
    return removal != null;
  }

  /**
   * Stores the deletion of {@code current} (not yet {@code removing}): a code that may be on its
   * lock (programmed, or a set in flight) becomes {@code removing} and its send is noted; any other
   * is deleted with its {@code access_code.deleted} event. An unset code whose programming moment
   * has come may have a set (a native preload) in flight too: a worker can have written the lock
   * and not yet the store.
   *
   * @return the removal to send, or null when the code was deleted outright
   * @throws dev.keyrack.ports.Conflict.StaleVersion if the code changed meanwhile
   */
  static DeviceOperation store(Store store, Ids ids, AccessCode current, Device device, Instant now) {
    boolean mayBeOnLock = current.onLock() || current.status() == CodeStatus.setting || current.scheduledOnDevice()
        || current.status() == CodeStatus.unset && Planner.due(current, device.profile(), now);
    if (!mayBeOnLock) {
      store.delete(current, List.of(Event.forCode(ids, "access_code.deleted", current, device.connectedAccountId(), now,
          Map.of("code", current.code()))));
      return null;
    }
    AccessCode next = current.withStatus(CodeStatus.removing)
        .withPendingMutations(List.of(PendingMutation.of("deleting", "Keyrack is removing the access code from the device.", now)))
        .withVersion(current.version() + 1);
    store.noteSending(current.workspaceId(), current.accessCodeId(), now); // the frequent sweep finds it by the note
    store.update(current, next, List.of());
    return new DeviceOperation(DeviceOperation.Kind.REMOVE, current.workspaceId(), next.deviceId(), current.accessCodeId(),
        next.version());
  }
}
