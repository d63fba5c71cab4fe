package dev.keyrack.ports;

import dev.keyrack.domain.DeviceOperation;

/** The per-device FIFO of lock operations. */
public interface JobQueue {
  void enqueue(DeviceOperation op);
}
