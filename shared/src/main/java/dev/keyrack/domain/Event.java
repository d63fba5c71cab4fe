package dev.keyrack.domain;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Something that happened, in the Seam event shape. {@code eventId} is time-ordered (UUIDv7) so
 * events sort by creation. {@code extra} carries type-specific fields (for example {@code code} on
 * {@code access_code.set_on_device}, which the Seam contract requires).
 */
public record Event(UUID eventId, UUID workspaceId, String eventType, Instant occurredAt, Instant createdAt,
                    UUID deviceId, UUID accessCodeId, UUID connectedAccountId, Map<String, Object> extra) {

  public static Event forCode(Ids ids, String type, AccessCode c, UUID connectedAccountId, Instant now,
                              Map<String, Object> extra) {
    return new Event(ids.timeOrdered(now), c.workspaceId(), type, now, now, c.deviceId(), c.accessCodeId(),
        connectedAccountId, extra == null ? Map.of() : Map.copyOf(extra));
  }

  @Override
  public String toString() {
    return "Event[" + eventType + " " + eventId + " code=" + accessCodeId + "]";
  }
}
