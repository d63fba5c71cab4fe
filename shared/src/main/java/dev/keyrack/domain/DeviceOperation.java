package dev.keyrack.domain;

import java.util.UUID;

/**
 * One operation for a lock, carried on the device's FIFO message group. {@code codeVersion} is the
 * version of the access code the operation was planned from: a worker that finds a newer version
 * knows the message is stale.
 */
public record DeviceOperation(Kind kind, UUID workspaceId, UUID deviceId, UUID accessCodeId, long codeVersion) {
  /**
   * SET programs the code as its plan wants it now (preloaded with its window, or active);
   * UNLOAD takes it off the lock but keeps it (its window moved later); REMOVE takes it off and
   * deletes it.
   */
  public enum Kind { SET, UNLOAD, REMOVE }

  /** Deduplication id: the same planned operation is the same message, however often it is sent. */
  public String deduplicationId() {
    return accessCodeId + ":" + kind + ":" + codeVersion;
  }
}
