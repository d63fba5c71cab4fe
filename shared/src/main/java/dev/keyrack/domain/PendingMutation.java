package dev.keyrack.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A change on its way to the lock ({@code creating}, {@code deleting}, {@code updating_code},
 * {@code updating_name}, {@code updating_time_frame}, {@code deferring_creation}). {@code from} and
 * {@code to} carry the before and after values for the updating kinds.
 */
public record PendingMutation(String mutationCode, String message, Instant createdAt,
                              Instant scheduledAt, Map<String, Object> from, Map<String, Object> to) {
  public static PendingMutation of(String mutationCode, String message, Instant createdAt) {
    return new PendingMutation(mutationCode, message, createdAt, null, null, null);
  }
}
