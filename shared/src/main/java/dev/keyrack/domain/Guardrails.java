package dev.keyrack.domain;

/**
 * How many API operations one device takes per minute (CONTRACT.md, Guardrails): over a limit the
 * API answers 429. Creates are counted from the device's PIN claims (each carries its code's
 * creation time: no write of its own); updates and deletes by a counter per device and minute (one
 * write unit per call).
 */
public record Guardrails(int createsPerMinute, int updatesPerMinute, int deletesPerMinute) {
  public static final Guardrails DEFAULT = new Guardrails(10, 10, 20);

  public Guardrails {
    if (createsPerMinute < 1 || updatesPerMinute < 1 || deletesPerMinute < 1) {
      throw new IllegalArgumentException("each guardrail must allow at least one operation a minute");
    }
  }
}
