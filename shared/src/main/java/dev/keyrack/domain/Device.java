package dev.keyrack.domain;

import java.time.Instant;
import java.util.UUID;

/** A lock connected to a workspace. Its behaviour comes from its {@link BrandProfile}. */
public record Device(UUID deviceId, UUID workspaceId, UUID connectedAccountId, String deviceType,
                     String displayName, Instant createdAt, boolean online) {
  public BrandProfile profile() {
    return BrandProfile.forDeviceType(deviceType);
  }

  public Device withOnline(boolean o) {
    return new Device(deviceId, workspaceId, connectedAccountId, deviceType, displayName, createdAt, o);
  }
}
