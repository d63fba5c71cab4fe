package dev.keyrack.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.domain.Workspace;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stored documents (the records Keyrack keeps in DynamoDB and sends on its queue) written and
 * read field by field, in the JSON Jackson's data binding gave them: the same property names (the
 * record components'), instants as {@link Instant#toString}, enums by name, nulls written out.
 *
 * <p>Why not data binding: a record's first (de)serialization in a JVM makes Jackson introspect
 * the class (its constructor, generic signatures, annotations), about 100 ms of a cold start for
 * the four documents an api request touches (measured in a fresh JVM on the api's package). Here
 * a document is read as a tree (which every request's body already is) and written with the
 * streaming generator, so no bean (de)serializer is ever built.
 *
 * <p>Compatible both ways, as DocsTest checks over generated documents: what data binding wrote
 * (which also has a {@code backup} property, from {@link AccessCode#isBackup}) reads back the
 * same here, and what is written here reads back the same with data binding, so items stored by
 * an earlier version and by this one read alike. As with data binding, unknown properties are
 * ignored, a missing one is null (false or 0 for a primitive, empty for a list), and an unknown
 * enum name fails.
 */
public final class Docs {
  private Docs() {}

  // --- writing ----------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String written(Body body) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static String write(Workspace w) {
    return written(g -> workspace(g, w));
  }

  public static String write(Device d) {
    return written(g -> device(g, d));
  }

  public static String write(AccessCode c) {
    return written(g -> accessCode(g, c));
  }

  public static String write(Event e) {
    return written(g -> event(g, e));
  }

  /** Events as an array, oldest first (an event item of one change). */
  public static String write(List<Event> events) {
    return written(g -> {
      g.writeStartArray();
      for (Event e : events) event(g, e);
      g.writeEndArray();
    });
  }

  public static String write(DeviceOperation op) {
    return written(g -> {
      g.writeStartObject();
      str(g, "kind", op.kind() == null ? null : op.kind().name());
      uuid(g, "workspaceId", op.workspaceId());
      uuid(g, "deviceId", op.deviceId());
      uuid(g, "accessCodeId", op.accessCodeId());
      g.writeNumberField("codeVersion", op.codeVersion());
      g.writeNumberField("failedBefore", op.failedBefore());
      g.writeEndObject();
    });
  }

  /** A schedule's input: the moment it carries to the programmer. */
  public static String write(Fire f) {
    return written(g -> {
      g.writeStartObject();
      uuid(g, "workspaceId", f.workspaceId());
      uuid(g, "deviceId", f.deviceId());
      uuid(g, "accessCodeId", f.accessCodeId());
      str(g, "transition", f.transition() == null ? null : f.transition().name());
      instant(g, "at", f.at());
      str(g, "plan", f.plan());
      g.writeEndObject();
    });
  }

  private static void workspace(JsonGenerator g, Workspace w) throws IOException {
    g.writeStartObject();
    uuid(g, "workspaceId", w.workspaceId());
    str(g, "name", w.name());
    g.writeBooleanField("sandbox", w.sandbox());
    g.writeEndObject();
  }

  private static void device(JsonGenerator g, Device d) throws IOException {
    g.writeStartObject();
    uuid(g, "deviceId", d.deviceId());
    uuid(g, "workspaceId", d.workspaceId());
    uuid(g, "connectedAccountId", d.connectedAccountId());
    str(g, "deviceType", d.deviceType());
    str(g, "displayName", d.displayName());
    instant(g, "createdAt", d.createdAt());
    g.writeBooleanField("online", d.online());
    instant(g, "offlineSince", d.offlineSince());
    g.writeFieldName("reportedCodeLengths");
    if (d.reportedCodeLengths() == null) {
      g.writeNull();
    } else {
      g.writeStartArray();
      for (Integer n : d.reportedCodeLengths()) any(g, n);
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void accessCode(JsonGenerator g, AccessCode c) throws IOException {
    g.writeStartObject();
    uuid(g, "accessCodeId", c.accessCodeId());
    uuid(g, "workspaceId", c.workspaceId());
    uuid(g, "deviceId", c.deviceId());
    str(g, "name", c.name());
    str(g, "code", c.code());
    str(g, "commonCodeKey", c.commonCodeKey());
    str(g, "type", c.type() == null ? null : c.type().name());
    str(g, "status", c.status() == null ? null : c.status().name());
    instant(g, "startsAt", c.startsAt());
    instant(g, "endsAt", c.endsAt());
    instant(g, "createdAt", c.createdAt());
    notices(g, "errors", c.errors());
    notices(g, "warnings", c.warnings());
    g.writeArrayFieldStart("pendingMutations");
    for (PendingMutation m : c.pendingMutations()) {
      g.writeStartObject();
      str(g, "mutationCode", m.mutationCode());
      str(g, "message", m.message());
      instant(g, "createdAt", m.createdAt());
      instant(g, "scheduledAt", m.scheduledAt());
      g.writeFieldName("from");
      any(g, m.from());
      g.writeFieldName("to");
      any(g, m.to());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanField("scheduledOnDevice", c.scheduledOnDevice());
    g.writeBooleanField("externalModificationAllowed", c.externalModificationAllowed());
    g.writeBooleanField("oneTimeUse", c.oneTimeUse());
    g.writeBooleanField("offlineAccessCode", c.offlineAccessCode());
    g.writeBooleanField("preferNativeScheduling", c.preferNativeScheduling());
    g.writeBooleanField("onLock", c.onLock());
    g.writeNumberField("version", c.version());
    str(g, "backupRole", c.backupRole() == null ? null : c.backupRole().name());
    uuid(g, "pulledBackupAccessCodeId", c.pulledBackupAccessCodeId());
    g.writeEndObject();
  }

  private static void notices(JsonGenerator g, String field, List<Notice> notices) throws IOException {
    g.writeArrayFieldStart(field);
    for (Notice n : notices) {
      g.writeStartObject();
      str(g, "code", n.code());
      str(g, "message", n.message());
      instant(g, "createdAt", n.createdAt());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void event(JsonGenerator g, Event e) throws IOException {
    g.writeStartObject();
    uuid(g, "eventId", e.eventId());
    uuid(g, "workspaceId", e.workspaceId());
    str(g, "eventType", e.eventType());
    instant(g, "occurredAt", e.occurredAt());
    instant(g, "createdAt", e.createdAt());
    uuid(g, "deviceId", e.deviceId());
    uuid(g, "accessCodeId", e.accessCodeId());
    uuid(g, "connectedAccountId", e.connectedAccountId());
    g.writeFieldName("extra");
    any(g, e.extra());
    g.writeEndObject();
  }

  private static void str(JsonGenerator g, String field, String value) throws IOException {
    if (value == null) g.writeNullField(field);
    else g.writeStringField(field, value);
  }

  private static void uuid(JsonGenerator g, String field, UUID value) throws IOException {
    str(g, field, value == null ? null : value.toString());
  }

  private static void instant(JsonGenerator g, String field, Instant value) throws IOException {
    str(g, field, value == null ? null : value.toString());
  }

  /**
   * A value of a free-form map ({@code extra}, {@code from}, {@code to}): JSON's own types, and the
   * few others Keyrack puts there written as data binding writes them (UUIDs, instants and enums
   * as strings); anything else goes to data binding itself.
   */
  private static void any(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case String s -> g.writeString(s);
      case Boolean b -> g.writeBoolean(b);
      case Integer n -> g.writeNumber(n);
      case Long n -> g.writeNumber(n);
      case Short n -> g.writeNumber(n);
      case Double n -> g.writeNumber(n);
      case Float n -> g.writeNumber(n);
      case BigDecimal n -> g.writeNumber(n);
      case java.math.BigInteger n -> g.writeNumber(n);
      case UUID u -> g.writeString(u.toString());
      case Instant t -> g.writeString(t.toString());
      case Enum<?> en -> g.writeString(en.name());
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> entry : m.entrySet()) {
          g.writeFieldName(String.valueOf(entry.getKey()));
          any(g, entry.getValue());
        }
        g.writeEndObject();
      }
      case Collection<?> c -> {
        g.writeStartArray();
        for (Object o : c) any(g, o);
        g.writeEndArray();
      }
      default -> Json.MAPPER.writeValue(g, v);
    }
  }

  // --- reading ----------------------------------------------------------------------------------

  private static JsonNode tree(String doc) {
    try {
      return Json.MAPPER.readTree(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Workspace workspace(String doc) {
    JsonNode n = tree(doc);
    return new Workspace(uuid(n, "workspaceId"), str(n, "name"), bool(n, "sandbox"));
  }

  public static Device device(String doc) {
    JsonNode n = tree(doc);
    JsonNode lengths = n.path("reportedCodeLengths");
    List<Integer> reported = null;
    if (lengths.isArray()) {
      reported = new ArrayList<>();
      for (JsonNode l : lengths) reported.add(l.isNull() ? null : l.asInt());
    }
    return new Device(uuid(n, "deviceId"), uuid(n, "workspaceId"), uuid(n, "connectedAccountId"), str(n, "deviceType"),
        str(n, "displayName"), instant(n, "createdAt"), bool(n, "online"), instant(n, "offlineSince"), reported);
  }

  public static AccessCode accessCode(String doc) {
    JsonNode n = tree(doc);
    List<PendingMutation> mutations = new ArrayList<>();
    for (JsonNode m : n.path("pendingMutations")) {
      mutations.add(new PendingMutation(str(m, "mutationCode"), str(m, "message"), instant(m, "createdAt"),
          instant(m, "scheduledAt"), map(m.get("from")), map(m.get("to"))));
    }
    String type = str(n, "type"), status = str(n, "status"), role = str(n, "backupRole");
    return new AccessCode(uuid(n, "accessCodeId"), uuid(n, "workspaceId"), uuid(n, "deviceId"), str(n, "name"),
        str(n, "code"), str(n, "commonCodeKey"), type == null ? null : CodeType.valueOf(type),
        status == null ? null : CodeStatus.valueOf(status), instant(n, "startsAt"), instant(n, "endsAt"),
        instant(n, "createdAt"), notices(n.path("errors")), notices(n.path("warnings")), mutations,
        bool(n, "scheduledOnDevice"), bool(n, "externalModificationAllowed"), bool(n, "oneTimeUse"),
        bool(n, "offlineAccessCode"), bool(n, "preferNativeScheduling"), bool(n, "onLock"), n.path("version").asLong(),
        role == null ? null : AccessCode.BackupRole.valueOf(role), uuid(n, "pulledBackupAccessCodeId"));
  }

  /** The events of an event item's document: one event (an object) or several (an array). */
  public static List<Event> events(String doc) {
    JsonNode n = tree(doc);
    if (!n.isArray()) return List.of(event(n));
    List<Event> out = new ArrayList<>(n.size());
    for (JsonNode e : n) out.add(event(e));
    return List.copyOf(out);
  }

  public static DeviceOperation deviceOperation(String doc) {
    JsonNode n = tree(doc);
    String kind = str(n, "kind");
    return new DeviceOperation(kind == null ? null : DeviceOperation.Kind.valueOf(kind), uuid(n, "workspaceId"),
        uuid(n, "deviceId"), uuid(n, "accessCodeId"), n.path("codeVersion").asLong(), n.path("failedBefore").asInt());
  }

  /**
   * A schedule's input as the programmer's runtime hands it over (a map of JSON values), read as
   * data binding's {@code convertValue} read it; null for none. Fails with an
   * {@link IllegalArgumentException} that names no value of the input.
   */
  public static Fire fire(Map<String, ?> input) {
    if (input == null) return null;
    try {
      String transition = text(input.get("transition"));
      Object at = input.get("at");
      JsonNode atNode = at == null ? null : at instanceof Number n
          ? Json.MAPPER.getNodeFactory().numberNode(new BigDecimal(n.toString())) // epoch seconds
          : Json.MAPPER.getNodeFactory().textNode(text(at));
      return new Fire(uuidOf(text(input.get("workspaceId"))), uuidOf(text(input.get("deviceId"))),
          uuidOf(text(input.get("accessCodeId"))), transition == null ? null : SchedulePolicy.Transition.valueOf(transition),
          atNode == null ? null : instant(atNode), text(input.get("plan")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable schedule input: " + e.getClass().getSimpleName());
    }
  }

  private static String text(Object v) {
    if (v == null) return null;
    if (v instanceof String || v instanceof Number || v instanceof Boolean) return v.toString();
    throw new IllegalArgumentException("not a value");
  }

  private static UUID uuidOf(String s) {
    return s == null || s.isEmpty() ? null : UUID.fromString(s);
  }

  private static Event event(JsonNode n) {
    return new Event(uuid(n, "eventId"), uuid(n, "workspaceId"), str(n, "eventType"), instant(n, "occurredAt"),
        instant(n, "createdAt"), uuid(n, "deviceId"), uuid(n, "accessCodeId"), uuid(n, "connectedAccountId"),
        map(n.get("extra")));
  }

  private static List<Notice> notices(JsonNode array) {
    List<Notice> out = new ArrayList<>(array.size());
    for (JsonNode e : array) out.add(new Notice(str(e, "code"), str(e, "message"), instant(e, "createdAt")));
    return out;
  }

  private static String str(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isValueNode()) throw new IllegalArgumentException("stored document: " + field + " is not a value");
    return v.asText();
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.asBoolean();
  }

  private static UUID uuid(JsonNode n, String field) {
    return uuidOf(str(n, field));
  }

  private static Instant instant(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null ? null : instant(v);
  }

  /** As {@code InstantModule} reads one: ISO-8601 (UTC or with an offset), or epoch seconds. */
  private static Instant instant(JsonNode v) {
    if (v.isNull()) return null;
    if (v.isIntegralNumber()) return Instant.ofEpochSecond(v.asLong());
    if (v.isNumber()) {
      BigDecimal seconds = v.decimalValue();
      long whole = seconds.longValue();
      int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
      return Instant.ofEpochSecond(whole, whole < 0 ? Math.abs(nanos) : nanos);
    }
    String s = v.asText().trim();
    if (s.isEmpty()) return null;
    try {
      return Instant.parse(s);
    } catch (java.time.DateTimeException e) {
      return OffsetDateTime.parse(s).toInstant();
    }
  }

  /** A free-form map as data binding reads one into {@code Map<String, Object>}; null stays null. */
  private static Map<String, Object> map(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (!n.isObject()) throw new IllegalArgumentException("stored document: expected an object");
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), value(e.getValue()));
    }
    return out;
  }

  private static Object value(JsonNode n) {
    if (n.isNull()) return null;
    if (n.isObject()) return map(n);
    if (n.isArray()) {
      List<Object> out = new ArrayList<>(n.size());
      for (JsonNode e : n) out.add(value(e));
      return out;
    }
    if (n.isTextual()) return n.textValue();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isNumber()) return n.numberValue();
    return n.asText();
  }
}
