package dev.keyrack.app;

import java.util.List;
import java.util.Map;

/**
 * A failure the caller can act on, in the Seam error envelope: an HTTP status, a snake_case type,
 * a message that says what to do, and optional per-field validation errors. Messages never
 * contain a PIN, a key or internal exception text.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String type;
  private final List<Map<String, String>> validationErrors;

  public ApiError(int status, String type, String message) {
    this(status, type, message, List.of());
  }

  public ApiError(int status, String type, String message, List<Map<String, String>> validationErrors) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.validationErrors = List.copyOf(validationErrors);
  }

  public static ApiError invalid(String message) {
    return new ApiError(400, "invalid_input", message);
  }

  public static ApiError invalidField(String field, String message) {
    return new ApiError(400, "invalid_input", message, List.of(Map.of("path", field, "message", message)));
  }

  public static ApiError deviceNotFound() {
    return new ApiError(404, "device_not_found", "Device not found.");
  }

  public static ApiError accessCodeNotFound() {
    return new ApiError(404, "access_code_not_found", "Access code not found.");
  }

  /** The same error with words before its message (which lock of several it is about, say); its field errors kept. */
  public ApiError prefixed(String prefix) {
    return new ApiError(status, type, prefix + getMessage(), validationErrors);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public List<Map<String, String>> validationErrors() {
    return validationErrors;
  }
}
