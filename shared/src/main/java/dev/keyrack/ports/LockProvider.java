package dev.keyrack.ports;

import dev.keyrack.domain.Device;
import java.time.Instant;
import java.util.UUID;

/**
 * A manufacturer's cloud, seen from Keyrack: programs and removes PINs on one lock. Implementations
 * must be idempotent per access code id: setting the same code twice leaves one slot, removing a
 * code that is not there succeeds.
 */
public interface LockProvider {

  /** What the lock should hold for one code. {@code startsAt}/{@code endsAt} are null for ongoing codes. */
  record Programming(UUID accessCodeId, String pin, String name, Instant startsAt, Instant endsAt) {
    @Override
    public String toString() {
      return "Programming[" + accessCodeId + "]"; // never the PIN
    }
  }

  void set(Device device, Programming p) throws ProviderException;

  void remove(Device device, UUID accessCodeId) throws ProviderException;

  /** A refusal or failure of the manufacturer's cloud. */
  final class ProviderException extends Exception {
    public enum Kind {
      /** Worth retrying: timeouts, offline lock, cloud errors. */
      TRANSIENT,
      /** The lock already holds this PIN for another code. */
      DUPLICATE_CODE,
      /** No free slot on the lock. */
      NO_SPACE,
      /** The PIN breaks a rule of the lock. */
      REJECTED_PIN
    }

    private final Kind kind;

    public ProviderException(Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }

    public boolean permanent() {
      return kind != Kind.TRANSIENT;
    }
  }
}
