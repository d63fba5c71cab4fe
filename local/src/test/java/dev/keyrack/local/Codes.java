package dev.keyrack.local;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Access codes as a test puts them straight into the store (no queue message is sent). */
final class Codes {
  private Codes() {}

  static String randomPin() {
    return String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 999_999));
  }

  /** An ongoing code created at {@code at}, with a time-ordered id as the api gives it. */
  static AccessCode ongoingCreatedAt(UUID workspace, UUID device, String pin, CodeStatus status, Instant at) {
    Instant created = at.truncatedTo(ChronoUnit.MILLIS);
    // a generator of its own: the shared one is monotonic, so it would give a code made after a later one a later id
    return new AccessCode(new dev.keyrack.domain.Ids().timeOrdered(created), workspace, device, "Test " + pin.hashCode(), pin,
        null, CodeType.ongoing, status, null, null, created, List.of(), List.of(), List.of(), false, false, false, false,
        true, false, 1);
  }

  /** A time-bound code as the api stores it at {@code at} (unset, its plan's schedules made), with a time-ordered id. */
  static AccessCode timeBoundCreatedAt(UUID workspace, UUID device, String pin, Instant starts, Instant ends, Instant at) {
    Instant created = at.truncatedTo(ChronoUnit.MILLIS);
    return new AccessCode(new dev.keyrack.domain.Ids().timeOrdered(created), workspace, device, "Guest " + pin.hashCode(), pin,
        null, CodeType.time_bound, CodeStatus.unset, starts, ends, created, List.of(), List.of(), List.of(), false, false,
        false, false, true, false, 1);
  }

  static AccessCode ongoing(UUID workspace, UUID device, String pin, CodeStatus status) {
    return new AccessCode(UUID.randomUUID(), workspace, device, "Test " + pin.hashCode(), pin, null, CodeType.ongoing, status,
        null, null, Instant.now().truncatedTo(ChronoUnit.MILLIS), List.of(), List.of(), List.of(), false, false, false, false,
        true, false, 1);
  }
}
