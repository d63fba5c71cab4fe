package dev.keyrack.app;

import java.time.Instant;
import java.util.UUID;

/**
 * An update: null fields are left as they are. {@code type} "ongoing" clears the window.
 * {@code useBackupAccessCodePool} true turns its device's backup pool on, as on a create (a pool
 * once on stays on, so false changes nothing).
 */
public record UpdateRequest(UUID accessCodeId, String name, String code, Instant startsAt, Instant endsAt,
                            String type, Boolean preferNativeScheduling, Boolean allowExternalModification,
                            Boolean useBackupAccessCodePool) {
  public UpdateRequest(UUID accessCodeId, String name, String code, Instant startsAt, Instant endsAt, String type,
      Boolean preferNativeScheduling, Boolean allowExternalModification) {
    this(accessCodeId, name, code, startsAt, endsAt, type, preferNativeScheduling, allowExternalModification, null);
  }

  @Override
  public String toString() {
    return "UpdateRequest[" + accessCodeId + "]";
  }
}
