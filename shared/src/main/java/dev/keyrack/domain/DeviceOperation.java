package dev.keyrack.domain;

import java.util.UUID;

/**
 * One operation for a lock, carried on the device's FIFO message group. {@code codeVersion} is the
 * version of the access code the operation was planned from; it makes the deduplication id (the
 * worker itself always acts on the code as stored now, whatever version sent it). {@code failedBefore} counts the attempts made before this message
 * (by the messages it replaced; 0 for a first message).
 */
public record DeviceOperation(Kind kind, UUID workspaceId, UUID deviceId, UUID accessCodeId, long codeVersion,
                              int failedBefore) {
  /**
   * A message received this many times is replaced by a fresh copy at the end of its lock's queue
   * (ProviderWorkerHandler): a retry goes on as long as the code needs it, past SQS's 14-day
   * retention and the redrive policy's receive limit. The copy carries the attempts so far in
   * {@code failedBefore}, so the retry policy's pace goes on where it was.
   */
  public static final int FRESH_COPY_AFTER = 100;

  public DeviceOperation(Kind kind, UUID workspaceId, UUID deviceId, UUID accessCodeId, long codeVersion) {
    this(kind, workspaceId, deviceId, accessCodeId, codeVersion, 0);
  }

  /** The same operation, as a fresh copy after {@code failed} attempts in all. */
  public DeviceOperation withFailedBefore(int failed) {
    return new DeviceOperation(kind, workspaceId, deviceId, accessCodeId, codeVersion, failed);
  }

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
