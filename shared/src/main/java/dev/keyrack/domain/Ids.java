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

  private static final Ids SHARED = new Ids();

  /** The container's one generator, so every event written in this JVM is ordered after the last. */
  public static Ids shared() {
    return SHARED;
  }

  public UUID random() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80);
    return fromBytes(b);
  }

  private long lastMs = -1;
  private int counter;

  /**
   * RFC 9562 version 7: 48 bits of Unix milliseconds, a 12-bit counter (method 1 of section 6.2),
   * then randomness. Ids made by one generator are strictly increasing as text, even within one
   * millisecond, so events written together keep their order.
   */
  public synchronized UUID timeOrdered(Instant at) {
    long ms = at.toEpochMilli();
    if (ms <= lastMs) {
      ms = lastMs;
      if (++counter > 0xfff) {
        ms++;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;
    byte[] b = new byte[16];
    random.nextBytes(b);
    for (int i = 0; i < 6; i++) b[i] = (byte) (ms >>> (40 - 8 * i));
    b[6] = (byte) (0x70 | ((counter >>> 8) & 0x0f));
    b[7] = (byte) counter;
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
