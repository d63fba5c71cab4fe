package dev.keyrack.local.adapters;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Ids;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.Workspace;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders of domain values for the adapter tests. */
final class Fixtures {
  static final Ids IDS = new Ids();
  /** A fixed base time with sub-millisecond precision, so serialization must keep it. */
  static final Instant T0 = Instant.parse("2025-06-01T12:00:00.123456Z");

  private Fixtures() {}

  static Workspace workspace() {
    return new Workspace(IDS.random(), "ws " + UUID.randomUUID(), true);
  }

  static Device device(Workspace w, String type, Instant createdAt, String name) {
    return new Device(IDS.random(), w.workspaceId(), IDS.random(), type, name, createdAt, true);
  }

  static Device device(Workspace w) {
    return device(w, "august_lock", T0, "Front door");
  }

  static AccessCode code(Device d, String pin, Instant createdAt) {
    return new AccessCode(IDS.random(), d.workspaceId(), d.deviceId(), "Guest " + pin, pin, null, CodeType.time_bound,
        CodeStatus.unset, createdAt.plusSeconds(3600), createdAt.plusSeconds(7200), createdAt,
        List.of(new Notice("some_error", "a message", createdAt)), List.of(),
        List.of(new PendingMutation("creating", "being created", createdAt, createdAt.plusSeconds(60),
            Map.of("code", "x"), null)),
        false, false, false, false, true, false, 1);
  }

  static AccessCode code(Device d, String pin) {
    return code(d, pin, T0);
  }

  /**
   * An event whose id carries exactly {@code at}. A fresh generator per event: one shared generator
   * is monotonic, so an instant earlier than one it has already seen would get a later id.
   */
  static Event event(AccessCode c, String type, Instant at) {
    return new Event(new Ids().timeOrdered(at), c.workspaceId(), type, at, at, c.deviceId(), c.accessCodeId(), IDS.random(),
        Map.of("note", "n", "count", 3));
  }

  static Event event(AccessCode c, String type) {
    return event(c, type, T0);
  }
}
