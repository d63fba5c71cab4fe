package dev.keyrack.domain;

import java.time.Instant;

/**
 * An error or warning on an access code or device: {@code error_code}/{@code warning_code}, a
 * human message and when it was raised. Messages never contain a PIN.
 */
public record Notice(String code, String message, Instant createdAt) {}
