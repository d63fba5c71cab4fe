package dev.keyrack.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The declared state of one access code, as stored. Immutable; every change produces a new value
 * with {@link #version} incremented by the store's conditional write, so that concurrent writers
 * and stale queue messages can be told apart.
 *
 * @param onLock whether the PIN is currently programmed on the lock (as far as Keyrack knows)
 */
public record AccessCode(
    UUID accessCodeId,
    UUID workspaceId,
    UUID deviceId,
    String name,
    String code,
    String commonCodeKey,
    CodeType type,
    CodeStatus status,
    Instant startsAt,
    Instant endsAt,
    Instant createdAt,
    List<Notice> errors,
    List<Notice> warnings,
    List<PendingMutation> pendingMutations,
    boolean scheduledOnDevice,
    boolean externalModificationAllowed,
    boolean oneTimeUse,
    boolean offlineAccessCode,
    boolean preferNativeScheduling,
    boolean onLock,
    long version) {

  public AccessCode {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    pendingMutations = List.copyOf(pendingMutations);
  }

  public AccessCode withStatus(CodeStatus s) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, s, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version);
  }

  public AccessCode withName(String n) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, n, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version);
  }

  public AccessCode withCode(String c) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, c, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version);
  }

  public AccessCode withWindow(CodeType t, Instant start, Instant end) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, t, status, start, end,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version);
  }

  public AccessCode withNotices(List<Notice> errs, List<Notice> warns) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errs, warns, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version);
  }

  public AccessCode withPendingMutations(List<PendingMutation> p) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, p, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version);
  }

  public AccessCode withOnLock(boolean on, boolean scheduled) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduled, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, on, version);
  }

  public AccessCode withVersion(long v) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, v);
  }

  /** A string for logs: identifiers and state only, never the PIN. */
  @Override
  public String toString() {
    return "AccessCode[" + accessCodeId + " device=" + deviceId + " status=" + status + " type=" + type + " v" + version + "]";
  }
}
