package dev.keyrack.ports;

import dev.keyrack.domain.DeviceOperation;

/** The per-device FIFO of lock operations. */
public interface JobQueue {
  void enqueue(DeviceOperation op);

  /**
   * Sends a fresh copy of a job that has been received many times (at the end of its lock's queue),
   * so that neither the queue's retention period nor its receive limit ends a retry that must go on.
   * {@code copyOf} (the old message's id) makes the copy's deduplication id, so a redelivered old
   * message does not send a second copy.
   */
  default void enqueueFreshCopy(DeviceOperation op, String copyOf) {
    enqueue(op);
  }

  /** Makes a received message come back after {@code wait} (the retry backoff). */
  default void retryLater(String receiptHandle, java.time.Duration wait) { }

  /** Makes received messages visible again at once (in one call per ten messages). */
  default void releaseNow(java.util.List<String> receiptHandles) { }

  /** Moves a message that can never be processed to the dead-letter queue, where it stays visible. */
  default void deadLetter(String body, String reason) {
    throw new IllegalStateException("no dead-letter queue configured");
  }
}
