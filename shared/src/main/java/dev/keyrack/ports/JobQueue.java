package dev.keyrack.ports;

import dev.keyrack.domain.DeviceOperation;

/** The per-device FIFO of lock operations. */
public interface JobQueue {
  void enqueue(DeviceOperation op);

  /** Makes a received message come back after {@code wait} (the retry backoff). */
  default void retryLater(String receiptHandle, java.time.Duration wait) { }

  /** Makes received messages visible again at once (in one call per ten messages). */
  default void releaseNow(java.util.List<String> receiptHandles) { }

  /** Moves a message that can never be processed to the dead-letter queue, where it stays visible. */
  default void deadLetter(String body, String reason) {
    throw new IllegalStateException("no dead-letter queue configured");
  }
}
