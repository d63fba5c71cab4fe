package dev.keyrack.adapters.sandbox;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a simulated lock holds, and how it is told to misbehave. {@code version} guards concurrent
 * writers of the same lock.
 *
 * @param slots        programmed codes by access code id
 * @param online       an offline lock refuses every operation (transiently)
 * @param failSetRate  probability in [0,1] that a set fails transiently
 * @param failRemoveRate probability in [0,1] that a removal fails transiently
 * @param extraLatencyMillis latency added to the brand's own
 * @param slotLimit    fewer slots than the brand has (a full memory on demand); 0 for the brand's own
 */
public record LockMemory(UUID deviceId, long version, Map<UUID, Slot> slots, boolean online,
                         double failSetRate, double failRemoveRate, int extraLatencyMillis, int slotLimit) {

  /** A lock with the brand's own slot count. */
  public LockMemory(UUID deviceId, long version, Map<UUID, Slot> slots, boolean online, double failSetRate,
                    double failRemoveRate, int extraLatencyMillis) {
    this(deviceId, version, slots, online, failSetRate, failRemoveRate, extraLatencyMillis, 0);
  }

  public record Slot(String pin, String name, Instant startsAt, Instant endsAt) {
    @Override
    public String toString() {
      return "Slot[" + name + "]"; // never the PIN
    }
  }

  public LockMemory {
    slots = new TreeMap<>(slots);
  }

  public static LockMemory empty(UUID deviceId) {
    return new LockMemory(deviceId, 0, Map.of(), true, 0, 0, 0);
  }

  public LockMemory withSlots(Map<UUID, Slot> s) {
    return new LockMemory(deviceId, version, s, online, failSetRate, failRemoveRate, extraLatencyMillis, slotLimit);
  }

  public LockMemory withOnline(boolean o) {
    return new LockMemory(deviceId, version, slots, o, failSetRate, failRemoveRate, extraLatencyMillis, slotLimit);
  }

  public LockMemory withFaults(double set, double remove, int latency) {
    return new LockMemory(deviceId, version, slots, online, set, remove, latency, slotLimit);
  }

  public LockMemory withSlotLimit(int limit) {
    return new LockMemory(deviceId, version, slots, online, failSetRate, failRemoveRate, extraLatencyMillis, limit);
  }
}
