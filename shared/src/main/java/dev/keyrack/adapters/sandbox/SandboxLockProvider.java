package dev.keyrack.adapters.sandbox;

import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.PinRules;
import dev.keyrack.ports.LockProvider;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A simulated manufacturer cloud that behaves like the brand of each device: it holds the lock's
 * slots, enforces the brand's PIN rules and slot count, refuses a PIN the lock already holds,
 * takes the brand's programming latency (scaled, so tests can run at zero latency), and fails on
 * demand (offline lock, failure rates, extra latency) as set in the lock's {@link LockMemory}.
 */
public final class SandboxLockProvider implements LockProvider {
  private final LockMemoryStore memory;
  private final RandomGenerator random;
  private final double latencyScale;
  private volatile AfterChange afterChange = AfterChange.NONE;

  /**
   * Told each time an operation has taken effect on a lock, before its caller hears back: the
   * moment a worker that dies leaves the lock changed and the store not yet. A fault-injecting
   * harness arms it to crash the worker right there; it does nothing by default.
   */
  @FunctionalInterface
  public interface AfterChange {
    AfterChange NONE = (deviceId, accessCodeId, set) -> { };

    void changed(UUID deviceId, UUID accessCodeId, boolean set);
  }

  /**
   * @param latencyScale 1.0 simulates each brand's typical latency, 0 programs instantly
   */
  public SandboxLockProvider(LockMemoryStore memory, RandomGenerator random, double latencyScale) {
    this.memory = memory;
    this.random = random;
    this.latencyScale = latencyScale;
  }

  @Override
  public void set(Device device, Programming p) throws ProviderException {
    BrandProfile brand = device.profile();
    // The brand's cloud judges a PIN by the brand's rules: it knows nothing of the lengths its owner
    // reported to Keyrack (which keeps new codes to them), so a code set before a report is set again.
    BrandProfile cloud = BrandProfile.forDeviceType(device.deviceType());
    mutate(device, brand, true, p.accessCodeId(), m -> {
      Optional<String> violation = cloud.generatesPin() ? Optional.empty() : PinRules.violation(cloud, p.pin());
      if (violation.isPresent()) throw new Refusal(ProviderException.Kind.REJECTED_PIN, violation.get());
      for (Map.Entry<UUID, LockMemory.Slot> e : m.slots().entrySet()) {
        if (!e.getKey().equals(p.accessCodeId()) && e.getValue().pin().equals(p.pin())) {
          throw new Refusal(ProviderException.Kind.DUPLICATE_CODE, "The lock already holds this code for another entry.");
        }
      }
      int capacity = m.slotLimit() > 0 ? Math.min(m.slotLimit(), brand.usableSlots()) : brand.usableSlots();
      if (!m.slots().containsKey(p.accessCodeId()) && m.slots().size() >= capacity) {
        throw new Refusal(ProviderException.Kind.NO_SPACE, "The lock has no free slot (" + capacity + " codes at most).");
      }
      Map<UUID, LockMemory.Slot> slots = new HashMap<>(m.slots());
      slots.put(p.accessCodeId(), new LockMemory.Slot(p.pin(), brand.nameOnLock(p.name()), p.startsAt(), p.endsAt()));
      return m.withSlots(slots);
    });
  }

  @Override
  public void remove(Device device, UUID accessCodeId) throws ProviderException {
    mutate(device, device.profile(), false, accessCodeId, m -> {
      if (!m.slots().containsKey(accessCodeId)) return m;
      Map<UUID, LockMemory.Slot> slots = new HashMap<>(m.slots());
      slots.remove(accessCodeId);
      return m.withSlots(slots);
    });
  }

  /** The simulated lock's current memory (what is really on the lock). */
  public LockMemory memory(UUID deviceId) {
    return memory.load(deviceId);
  }

  /** Arms (or, with {@link AfterChange#NONE}, disarms) the hook run after each operation takes effect. */
  public void afterChange(AfterChange hook) {
    this.afterChange = hook == null ? AfterChange.NONE : hook;
  }

  /** Changes a lock's fault settings or connectivity. */
  public void configure(UUID deviceId, UnaryOperator<LockMemory> change) {
    while (true) {
      LockMemory m = memory.load(deviceId);
      if (memory.save(change.apply(m))) return;
    }
  }

  private static final class Refusal extends RuntimeException {
    final ProviderException.Kind kind;

    Refusal(ProviderException.Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }
  }

  private void mutate(Device device, BrandProfile brand, boolean isSet, UUID accessCodeId, UnaryOperator<LockMemory> change)
      throws ProviderException {
    LockMemory first = memory.load(device.deviceId());
    simulateLatency(brand.latencyMillis() * latencyScale + first.extraLatencyMillis());
    for (int attempt = 0; ; attempt++) {
      LockMemory m = attempt == 0 ? first : memory.load(device.deviceId());
      if (!m.online()) {
        throw new ProviderException(ProviderException.Kind.TRANSIENT, "The lock is offline.");
      }
      double rate = isSet ? m.failSetRate() : m.failRemoveRate();
      if (attempt == 0 && rate > 0 && random.nextDouble() < rate) {
        throw new ProviderException(ProviderException.Kind.TRANSIENT, "The manufacturer's cloud did not answer in time.");
      }
      LockMemory next;
      try {
        next = change.apply(m);
      } catch (Refusal r) {
        throw new ProviderException(r.kind, r.getMessage());
      }
      if (next == m || memory.save(next)) {
        afterChange.changed(device.deviceId(), accessCodeId, isSet);
        return;
      }
    }
  }

  private static void simulateLatency(double millis) {
    if (millis <= 0) return;
    try {
      Thread.sleep((long) millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
