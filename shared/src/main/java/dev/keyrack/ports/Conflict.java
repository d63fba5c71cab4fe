package dev.keyrack.ports;

/** A write refused because of what is already stored. */
public sealed class Conflict extends RuntimeException {
  Conflict(String m) {
    super(m, null, false, false);
  }

  /** Another code on the device already holds this PIN. */
  public static final class DuplicatePin extends Conflict {
    public DuplicatePin() {
      super("another access code on this device has the same code");
    }
  }

  /** The device's slots are all taken. */
  public static final class NoSpace extends Conflict {
    public NoSpace() {
      super("the device has no free slot for another access code");
    }
  }

  /** Too many codes of the device were created in the last minute. */
  public static final class TooManyCreates extends Conflict {
    public TooManyCreates() {
      super("too many access codes were created on this device in the last minute");
    }
  }

  /** The item changed (or vanished) since it was read. */
  public static final class StaleVersion extends Conflict {
    public StaleVersion() {
      super("the item changed since it was read");
    }
  }
}
