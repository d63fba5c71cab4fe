package dev.keyrack.domain;

import java.util.UUID;

/**
 * One operation for a lock, carried on the device's FIFO message group. {@code codeVersion} is the
 * version of the access code the operation was planned from: a worker that finds a newer version
 * knows the message is stale.
 */
public record DeviceOperation(Kind kind, UUID workspaceId, UUID deviceId, UUID accessCodeId, long codeVersion) {
  public enum Kind { SET, REMOVE }

  /** Deduplication id: the same planned operation is the same message, however often it is sent. */
  public String deduplicationId() {
    return accessCodeId + ":" + kind + ":" + codeVersion;
  }
}
