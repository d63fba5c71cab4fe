package dev.keyrack.app;

import java.time.Instant;
import java.util.UUID;

/** A validated-for-shape create request (types checked by the API layer, rules checked by the service). */
public record CreateRequest(UUID deviceId, String name, String code, Instant startsAt, Instant endsAt,
                            Integer preferredCodeLength, Boolean preferNativeScheduling,
                            Boolean allowExternalModification, Boolean isOneTimeUse, Boolean isOfflineAccessCode,
                            String commonCodeKey, Boolean useBackupAccessCodePool) {
  @Override
  public String toString() {
    return "CreateRequest[device=" + deviceId + "]";
  }
}
