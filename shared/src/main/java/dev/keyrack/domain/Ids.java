package dev.keyrack.domain;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** Identifier source: random v4 UUIDs for resources and time-ordered v7 UUIDs for events. */
public final class Ids {
  private final SecureRandom random;

  public Ids(SecureRandom random) {
    this.random = random;
  }

  public Ids() {
    this(new SecureRandom());
  }

  public UUID random() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80);
    return fromBytes(b);
  }

  /** RFC 9562 version 7: 48 bits of Unix milliseconds, then randomness. Sorts by time as text. */
  public UUID timeOrdered(Instant at) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    long ms = at.toEpochMilli();
    for (int i = 0; i < 6; i++) b[i] = (byte) (ms >>> (40 - 8 * i));
    b[6] = (byte) ((b[6] & 0x0f) | 0x70);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80);
    return fromBytes(b);
  }

  private static UUID fromBytes(byte[] b) {
    long hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) hi = (hi << 8) | (b[i] & 0xff);
    for (int i = 8; i < 16; i++) lo = (lo << 8) | (b[i] & 0xff);
    return new UUID(hi, lo);
  }
}
