package dev.keyrack.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The parameters of one request (the JSON body, or the query string of a GET), read with types
 * checked field by field. Every failure is a 400 {@code invalid_input} naming the field; a value
 * is never echoed back (it may be a PIN).
 */
public final class Params {
  public static final int MAX_STRING = 2_000;

  private final ObjectNode node;
  private final Set<String> read = new HashSet<>();

  public Params(ObjectNode node) {
    this.node = node;
  }

  private JsonNode value(String field) {
    read.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  public boolean has(String field) {
    return node.has(field);
  }

  public boolean isExplicitNull(String field) {
    return node.has(field) && node.get(field).isNull();
  }

  public String string(String field, int maxLength) {
    String s = textual(field);
    if (s != null && s.length() > maxLength) throw ApiError.invalidField(field, field + " must be at most " + maxLength + " characters.");
    return s;
  }

  /** {@link #string}, its length counted in characters as a reader counts them (code points: an emoji is one). */
  public String text(String field, int maxCharacters) {
    String s = textual(field);
    if (s != null && s.length() > maxCharacters && s.codePointCount(0, s.length()) > maxCharacters) {
      throw ApiError.invalidField(field, field + " must be at most " + maxCharacters + " characters.");
    }
    return s;
  }

  private String textual(String field) {
    JsonNode v = value(field);
    if (v == null) return null;
    if (!v.isTextual()) throw ApiError.invalidField(field, field + " must be a string.");
    return v.textValue();
  }

  /** {@link #string}, refusing an empty one (a {@code minLength: 1} field). */
  public String nonEmptyString(String field, int maxLength) {
    String s = string(field, maxLength);
    if ("".equals(s)) throw ApiError.invalidField(field, field + " must not be empty.");
    return s;
  }

  public String requiredString(String field, int maxLength) {
    String s = string(field, maxLength);
    if (s == null) throw ApiError.invalidField(field, field + " is required.");
    return s;
  }

  public UUID uuid(String field) {
    String s = string(field, 64);
    if (s == null) return null;
    try {
      if (s.length() != 36) throw new IllegalArgumentException();
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalidField(field, field + " must be a UUID.");
    }
  }

  public UUID requiredUuid(String field) {
    UUID u = uuid(field);
    if (u == null) throw ApiError.invalidField(field, field + " is required.");
    return u;
  }

  public List<UUID> uuids(String field, int maxItems) {
    JsonNode v = value(field);
    if (v == null) return null;
    if (!v.isArray()) throw ApiError.invalidField(field, field + " must be an array of UUIDs.");
    if (v.size() > maxItems) throw ApiError.invalidField(field, field + " may list at most " + maxItems + " ids.");
    List<UUID> out = new ArrayList<>();
    for (JsonNode e : v) {
      try {
        if (!e.isTextual() || e.textValue().length() != 36) throw new IllegalArgumentException();
        out.add(UUID.fromString(e.textValue()));
      } catch (IllegalArgumentException ex) {
        throw ApiError.invalidField(field, field + " must be an array of UUIDs.");
      }
    }
    return out;
  }

  public List<String> strings(String field, int maxItems, int maxLength) {
    JsonNode v = value(field);
    if (v == null) return null;
    if (!v.isArray()) throw ApiError.invalidField(field, field + " must be an array of strings.");
    if (v.size() > maxItems) throw ApiError.invalidField(field, field + " may list at most " + maxItems + " values.");
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual() || e.textValue().length() > maxLength) throw ApiError.invalidField(field, field + " must be an array of strings.");
      out.add(e.textValue());
    }
    return out;
  }

  // (the schedules are made at whole seconds, rounded up: a later moment would name the year 10000)
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  public Instant instant(String field) {
    String s = string(field, 64);
    return s == null ? null : timestamp(field, s);
  }

  /** Exactly {@code count} timestamps (each as {@link #instant} reads one), or null when absent. */
  public List<Instant> instants(String field, int count) {
    List<String> texts = strings(field, count, 64);
    if (texts == null) return null;
    if (texts.size() != count) throw ApiError.invalidField(field, field + " must list " + count + " timestamps.");
    return texts.stream().map(t -> timestamp(field, t)).toList();
  }

  private static Instant timestamp(String field, String s) {
    Instant t;
    try {
      t = OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiError.invalidField(field, field + " must be an ISO 8601 timestamp with a time zone, e.g. 2026-12-01T15:00:00.000Z.");
    }
    if (t.isBefore(Instant.EPOCH) || t.isAfter(LATEST)) {
      throw ApiError.invalidField(field, field + " must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z.");
    }
    // Kept and answered to the millisecond: checked as it is kept, so a window shorter than 1 ms is
    // refused (ends_at must be after starts_at) rather than stored with starts_at equal to ends_at.
    return t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  public Boolean bool(String field) {
    JsonNode v = value(field);
    if (v == null) return null;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) return Boolean.valueOf(v.textValue());
    throw ApiError.invalidField(field, field + " must be true or false.");
  }

  public Integer integer(String field, int min, int max) {
    JsonNode v = value(field);
    return v == null ? null : whole(field, v, min, max);
  }

  /** An array of whole numbers, each between {@code min} and {@code max}; null if absent. */
  public List<Integer> integers(String field, int minItems, int maxItems, int min, int max) {
    JsonNode v = value(field);
    if (v == null) return null;
    if (!v.isArray()) throw ApiError.invalidField(field, field + " must be an array of whole numbers.");
    if (v.size() < minItems || v.size() > maxItems) {
      throw ApiError.invalidField(field, field + " must list " + minItems + " to " + maxItems + " numbers.");
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : v) out.add(whole(field, e, min, max));
    return out;
  }

  private static int whole(String field, JsonNode v, int min, int max) {
    long n;
    ApiError outOfRange = ApiError.invalidField(field, field + " must be between " + min + " and " + max + ".");
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) throw outOfRange;
      n = v.longValue();
    } else if (v.isFloatingPointNumber() && Double.isFinite(v.doubleValue()) && v.doubleValue() == Math.rint(v.doubleValue())) {
      // a whole number written as a float (5.0, 1e2): the OpenAPI document types some of these as numbers
      if (Math.abs(v.doubleValue()) > 1e15) throw outOfRange;
      n = (long) v.doubleValue();
    } else if (v.isTextual() && v.textValue().matches("-?\\d{1,10}")) {
      n = Long.parseLong(v.textValue());
    } else {
      throw ApiError.invalidField(field, field + " must be a whole number.");
    }
    if (n < min || n > max) throw outOfRange;
    return (int) n;
  }

  public Double number(String field, double min, double max) {
    JsonNode v = value(field);
    if (v == null) return null;
    double d;
    if (v.isNumber()) {
      d = v.doubleValue();
    } else if (v.isTextual()) {
      try {
        d = Double.parseDouble(v.textValue());
      } catch (NumberFormatException e) {
        throw ApiError.invalidField(field, field + " must be a number.");
      }
    } else {
      throw ApiError.invalidField(field, field + " must be a number.");
    }
    if (!(d >= min && d <= max)) throw ApiError.invalidField(field, field + " must be between " + min + " and " + max + ".");
    return d;
  }

  public String oneOf(String field, String... allowed) {
    String s = string(field, 64);
    if (s == null) return null;
    for (String a : allowed) if (a.equals(s)) return s;
    throw ApiError.invalidField(field, field + " must be one of " + String.join(", ", allowed) + ".");
  }

  /** A nested object's parameters, read with the same checks (the caller refuses its unknown fields); null if absent. */
  public Params object(String field) {
    JsonNode v = value(field);
    if (v == null) return null;
    if (!v.isObject()) throw ApiError.invalidField(field, field + " must be an object.");
    return new Params((ObjectNode) v);
  }

  /** Marks fields the API accepts but ignores (documented no-ops in Seam's contract). */
  public void accept(String... fields) {
    for (String f : fields) read.add(f);
  }

  /** Refuses any field the route did not read, so a typo is an error instead of a silent no-op. */
  public void rejectUnknown() {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!read.contains(f)) unknown.add(f);
    }
    if (!unknown.isEmpty()) {
      String first = unknown.get(0).length() > 64 ? unknown.get(0).substring(0, 64) + "..." : unknown.get(0);
      throw ApiError.invalidField(first, "Unknown or unsupported parameter" + (unknown.size() > 1 ? "s" : "") + ": "
          + String.join(", ", unknown.stream().map(u -> u.length() > 64 ? u.substring(0, 64) + "..." : u).toList()) + ".");
    }
  }
}
