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
    long version,
    BackupRole backupRole,
    UUID pulledBackupAccessCodeId) {

  /**
   * A backup code's place: READY in its device's pool (programmed, hidden from list), or PULLED
   * (handed out for a code whose own PIN could not be set). Null for an ordinary code.
   */
  public enum BackupRole { READY, PULLED }

  public AccessCode {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    pendingMutations = List.copyOf(pendingMutations);
  }

  /** An ordinary code (no backup role). */
  public AccessCode(UUID accessCodeId, UUID workspaceId, UUID deviceId, String name, String code, String commonCodeKey,
                    CodeType type, CodeStatus status, Instant startsAt, Instant endsAt, Instant createdAt,
                    List<Notice> errors, List<Notice> warnings, List<PendingMutation> pendingMutations,
                    boolean scheduledOnDevice, boolean externalModificationAllowed, boolean oneTimeUse,
                    boolean offlineAccessCode, boolean preferNativeScheduling, boolean onLock, long version) {
    this(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt, createdAt, errors,
        warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse, offlineAccessCode,
        preferNativeScheduling, onLock, version, null, null);
  }

  public AccessCode withExternalModificationAllowed(boolean allowed) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, allowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withPreferNativeScheduling(boolean prefer) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, prefer, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public boolean isBackup() {
    return backupRole != null;
  }

  /** Whether a time-bound code's window has ended at {@code now}: it is to be removed from its lock. */
  public boolean windowEnded(java.time.Instant now) {
    return type == CodeType.time_bound && endsAt != null && !endsAt.isAfter(now);
  }

  /**
   * The code as the API shows it at {@code now}: once its window has ended it is being removed,
   * stored so or not yet, with its {@code deleting} mutation pending since its end (a removal at the
   * window's end writes nothing until the lock has let the code go; a review found it shown
   * removing with nothing pending, where a delete shows {@code deleting}).
   */
  public AccessCode shownAt(java.time.Instant now) {
    if (!windowEnded(now)) return this;
    AccessCode shown = status != CodeStatus.removing ? withStatus(CodeStatus.removing) : this;
    if (pendingMutations.stream().anyMatch(m -> m.mutationCode().equals("deleting"))) return shown;
    return shown.withPendingMutations(List.of(PendingMutation.of("deleting",
        "Keyrack is removing the access code from the device: its window has ended.", endsAt)));
  }

  /**
   * {@link #shownAt}, on a device that may be disconnected: a code set on a device that is offline
   * is shown {@code unknown} (CONTRACT.md): nobody can tell what the lock holds until it is back.
   * What is still to be done (setting, removing) and a code not yet active (unset) show as they are.
   */
  public AccessCode shownAt(java.time.Instant now, boolean deviceOnline) {
    AccessCode shown = shownAt(now);
    return !deviceOnline && shown.status == CodeStatus.set ? shown.withStatus(CodeStatus.unknown) : shown;
  }

  public AccessCode withBackup(BackupRole role, UUID pulledBackupId) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, role, pulledBackupId);
  }

  public AccessCode withStatus(CodeStatus s) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, s, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withName(String n) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, n, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withCode(String c) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, c, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withWindow(CodeType t, Instant start, Instant end) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, t, status, start, end,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withNotices(List<Notice> errs, List<Notice> warns) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errs, warns, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withPendingMutations(List<PendingMutation> p) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, p, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withOnLock(boolean on, boolean scheduled) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduled, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, on, version, backupRole, pulledBackupAccessCodeId);
  }

  public AccessCode withVersion(long v) {
    return new AccessCode(accessCodeId, workspaceId, deviceId, name, code, commonCodeKey, type, status, startsAt, endsAt,
        createdAt, errors, warnings, pendingMutations, scheduledOnDevice, externalModificationAllowed, oneTimeUse,
        offlineAccessCode, preferNativeScheduling, onLock, v, backupRole, pulledBackupAccessCodeId);
  }

  /** A string for logs: identifiers and state only, never the PIN. */
  @Override
  public String toString() {
    return "AccessCode[" + accessCodeId + " device=" + deviceId + " status=" + status + " type=" + type + " v" + version + "]";
  }
}
