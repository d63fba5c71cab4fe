package dev.keyrack.domain;

import java.util.UUID;

/** A Seam action attempt: {@code action_type} (e.g. DELETE_ACCESS_CODE) and its outcome. */
public record ActionAttempt(UUID actionAttemptId, UUID workspaceId, String actionType, String status,
                            String errorType, String errorMessage) {}
