package dev.keyrack.adapters.sandbox;

import java.util.UUID;

/** Where simulated locks keep their memory (so that every worker container sees the same lock). */
public interface LockMemoryStore {
  LockMemory load(UUID deviceId);

  /** Saves {@code m} if the stored version is still {@code m.version()}; false if someone else wrote first. */
  boolean save(LockMemory m);
}
