package dev.keyrack.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A lock connected to a workspace. Its behaviour comes from its {@link BrandProfile}. {@code
 * offlineSince} is when it went offline (null while online, or when not known).
 */
public record Device(UUID deviceId, UUID workspaceId, UUID connectedAccountId, String deviceType,
                     String displayName, Instant createdAt, boolean online, Instant offlineSince) {
  public Device(UUID deviceId, UUID workspaceId, UUID connectedAccountId, String deviceType, String displayName,
                Instant createdAt, boolean online) {
    this(deviceId, workspaceId, connectedAccountId, deviceType, displayName, createdAt, online, null);
  }

  public BrandProfile profile() {
    return BrandProfile.forDeviceType(deviceType);
  }

  public Device withOnline(boolean o) {
    return withOnline(o, null);
  }

  /** Online or offline as of {@code at}; going offline records when (staying offline keeps the first moment). */
  public Device withOnline(boolean o, Instant at) {
    Instant since = o ? null : (!online && offlineSince != null ? offlineSince : at);
    return new Device(deviceId, workspaceId, connectedAccountId, deviceType, displayName, createdAt, o, since);
  }
}
