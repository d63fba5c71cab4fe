package dev.keyrack.app;

import java.time.Instant;
import java.util.UUID;

/**
 * An update: null fields are left as they are. {@code type} "ongoing" clears the window;
 * {@code clearStartsAt}/{@code clearEndsAt} record an explicit JSON null.
 */
public record UpdateRequest(UUID accessCodeId, String name, String code, Instant startsAt, Instant endsAt,
                            String type, Boolean preferNativeScheduling, Boolean allowExternalModification) {
  @Override
  public String toString() {
    return "UpdateRequest[" + accessCodeId + "]";
  }
}
