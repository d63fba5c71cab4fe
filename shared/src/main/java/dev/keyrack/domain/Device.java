package dev.keyrack.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A lock connected to a workspace. Its behaviour comes from its {@link BrandProfile}. {@code
 * offlineSince} is when it went offline (null while online, or when not known). {@code
 * reportedCodeLengths} are the PIN lengths its owner reported it takes
 * ({@code access_codes/report_device_constraints}), already narrowed to its brand's; null if none
 * were reported.
 */
public record Device(UUID deviceId, UUID workspaceId, UUID connectedAccountId, String deviceType,
                     String displayName, Instant createdAt, boolean online, Instant offlineSince,
                     List<Integer> reportedCodeLengths) {
  public Device {
    reportedCodeLengths = reportedCodeLengths == null ? null : List.copyOf(reportedCodeLengths);
  }

  public Device(UUID deviceId, UUID workspaceId, UUID connectedAccountId, String deviceType, String displayName,
                Instant createdAt, boolean online, Instant offlineSince) {
    this(deviceId, workspaceId, connectedAccountId, deviceType, displayName, createdAt, online, offlineSince, null);
  }

  public Device(UUID deviceId, UUID workspaceId, UUID connectedAccountId, String deviceType, String displayName,
                Instant createdAt, boolean online) {
    this(deviceId, workspaceId, connectedAccountId, deviceType, displayName, createdAt, online, null, null);
  }

  /** Its brand's profile, with the PIN lengths reported for this lock if any were. */
  public BrandProfile profile() {
    BrandProfile brand = BrandProfile.forDeviceType(deviceType);
    return reportedCodeLengths == null ? brand : brand.withCodeLengths(reportedCodeLengths);
  }

  public Device withOnline(boolean o) {
    return withOnline(o, null);
  }

  /** Online or offline as of {@code at}; going offline records when (staying offline keeps the first moment). */
  public Device withOnline(boolean o, Instant at) {
    Instant since = o ? null : (!online && offlineSince != null ? offlineSince : at);
    return new Device(deviceId, workspaceId, connectedAccountId, deviceType, displayName, createdAt, o, since, reportedCodeLengths);
  }

  public Device withDisplayName(String name) {
    return new Device(deviceId, workspaceId, connectedAccountId, deviceType, name, createdAt, online, offlineSince,
        reportedCodeLengths);
  }

  /** @param lengths PIN lengths the lock takes, among its brand's ({@link BrandProfile#narrowedLengths}) */
  public Device withReportedCodeLengths(List<Integer> lengths) {
    return new Device(deviceId, workspaceId, connectedAccountId, deviceType, displayName, createdAt, online, offlineSince,
        lengths);
  }
}
