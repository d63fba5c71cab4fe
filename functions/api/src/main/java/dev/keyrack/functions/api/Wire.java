package dev.keyrack.functions.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.ActionAttempt;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.json.Json;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Domain objects in the Seam wire format (the shapes of @seamapi/types' OpenAPI document). */
public final class Wire {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  private Wire() {}

  public static String time(Instant t) {
    // Always with milliseconds, e.g. 2026-11-22T04:05:06.000Z
    Instant ms = t.truncatedTo(ChronoUnit.MILLIS);
    String s = ISO.format(ms);
    if (ms.getNano() == 0) s = s.substring(0, s.length() - 1) + ".000Z";
    return s;
  }

  private static void putTime(ObjectNode n, String field, Instant t) {
    if (t == null) n.putNull(field);
    else n.put(field, time(t));
  }

  private static void putId(ObjectNode n, String field, UUID id) {
    if (id == null) n.putNull(field);
    else n.put(field, id.toString());
  }

  public static ObjectNode accessCode(AccessCode c) {
    return accessCode(c, false);
  }

  /** @param backupAvailable whether the device's backup pool has a ready backup */
  public static ObjectNode accessCode(AccessCode c, boolean backupAvailable) {
    ObjectNode n = F.objectNode();
    n.put("access_code_id", c.accessCodeId().toString());
    n.put("workspace_id", c.workspaceId().toString());
    n.put("device_id", c.deviceId().toString());
    n.put("name", c.name());
    n.put("code", c.code());
    n.put("common_code_key", c.commonCodeKey());
    n.put("type", c.type().name());
    n.put("status", c.status().name());
    if (c.startsAt() != null) n.put("starts_at", time(c.startsAt()));
    if (c.endsAt() != null) n.put("ends_at", time(c.endsAt()));
    n.put("created_at", time(c.createdAt()));
    ArrayNode errors = n.putArray("errors");
    for (Notice e : c.errors()) {
      ObjectNode o = errors.addObject();
      o.put("error_code", e.code());
      o.put("message", e.message());
      o.put("is_access_code_error", true);
      o.put("created_at", time(e.createdAt()));
    }
    ArrayNode warnings = n.putArray("warnings");
    for (Notice w : c.warnings()) {
      ObjectNode o = warnings.addObject();
      o.put("warning_code", w.code());
      o.put("message", w.message());
      o.put("created_at", time(w.createdAt()));
    }
    n.put("is_managed", true);
    n.put("is_scheduled_on_device", c.scheduledOnDevice());
    n.put("is_waiting_for_code_assignment", false);
    n.put("is_backup_access_code_available", backupAvailable);
    n.put("is_backup", c.isBackup());
    putId(n, "pulled_backup_access_code_id", c.pulledBackupAccessCodeId());
    n.put("is_external_modification_allowed", c.externalModificationAllowed());
    n.put("is_one_time_use", c.oneTimeUse());
    n.put("is_offline_access_code", c.offlineAccessCode());
    ArrayNode pending = n.putArray("pending_mutations");
    for (PendingMutation m : c.pendingMutations()) {
      ObjectNode o = pending.addObject();
      o.put("mutation_code", m.mutationCode());
      o.put("message", m.message());
      o.put("created_at", time(m.createdAt()));
      if (m.scheduledAt() != null) o.put("scheduled_at", time(m.scheduledAt()));
      if (m.from() != null) o.set("from", timesAsText(m.from()));
      if (m.to() != null) o.set("to", timesAsText(m.to()));
    }
    return n;
  }

  /**
   * A mutation's before or after values, with its times ({@code starts_at}, {@code ends_at}) as
   * every other time: with milliseconds. A stored code's values come back from the store as text
   * (Instant#toString, which leaves out zero milliseconds), so a {@code *_at} text is a time too.
   */
  private static ObjectNode timesAsText(Map<String, Object> values) {
    ObjectNode o = F.objectNode();
    values.forEach((k, v) -> {
      if (v == null) o.putNull(k);
      else if (v instanceof Instant i) o.put(k, time(i));
      else if (v instanceof String text && k.endsWith("_at") && instant(text) != null) o.put(k, time(instant(text)));
      else o.set(k, Json.MAPPER.valueToTree(v));
    });
    return o;
  }

  private static Instant instant(String text) {
    try {
      return java.time.OffsetDateTime.parse(text).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  public static ObjectNode device(Device d) {
    return device(d, false);
  }

  /** @param emptyBackupPool the device has a backup pool with no backup ready */
  public static ObjectNode device(Device d, boolean emptyBackupPool) {
    BrandProfile b = d.profile();
    ObjectNode n = F.objectNode();
    n.put("device_id", d.deviceId().toString());
    n.put("device_type", d.deviceType());
    n.put("display_name", d.displayName());
    n.put("nickname", d.displayName());
    n.put("workspace_id", d.workspaceId().toString());
    n.put("connected_account_id", d.connectedAccountId().toString());
    n.put("created_at", time(d.createdAt()));
    n.put("is_managed", true);
    n.putArray("space_ids");
    n.putObject("custom_metadata");
    n.putObject("location").put("location_name", d.displayName()).put("timezone", "UTC").put("time_zone", "UTC");
    ArrayNode caps = n.putArray("capabilities_supported");
    caps.add("access_code");
    caps.add("lock");
    n.put("can_program_online_access_codes", true);
    n.put("can_program_offline_access_codes", b.offlineCodes());
    // locks/lock_door and locks/unlock_door are not built yet (README): a client that offers "lock now"
    // on this flag must not be told it works. "lock" stays among the capabilities: the device is a lock.
    n.put("can_remotely_lock", false);
    n.put("can_remotely_unlock", false);
    n.put("can_simulate_connection", true);
    n.put("can_simulate_disconnection", true);
    ArrayNode errors = n.putArray("errors");
    if (!d.online()) {
      ObjectNode e = errors.addObject();
      e.put("error_code", "device_offline");
      e.put("message", "The device is offline.");
      e.put("is_device_error", true);
      e.put("created_at", time(d.offlineSince() != null ? d.offlineSince() : d.createdAt())); // (when not known: since it exists)
    }
    if (emptyBackupPool) {
      ObjectNode e = errors.addObject();
      e.put("error_code", "empty_backup_access_code_pool");
      e.put("message", "The backup access code pool is empty; Keyrack is refilling it.");
      e.put("is_device_error", true);
      e.put("created_at", time(d.createdAt()));
    }
    n.putArray("warnings");

    ObjectNode p = n.putObject("properties");
    p.put("online", d.online());
    p.put("name", d.displayName());
    p.putObject("appearance").put("name", d.displayName());
    p.put("manufacturer", b.manufacturer());
    ObjectNode model = p.putObject("model");
    model.put("display_name", b.modelDisplayName());
    model.put("manufacturer_display_name", b.manufacturerDisplayName());
    model.put("has_built_in_keypad", true);
    model.put("can_connect_accessory_keypad", false);
    model.put("online_access_codes_supported", true);
    model.put("offline_access_codes_supported", b.offlineCodes());
    p.put("battery_level", 1.0);
    p.putObject("battery").put("level", 1.0).put("status", "full");
    p.put("locked", true);
    p.put("door_open", false);
    p.put("has_native_entry_events", b.reportsCodeOnUnlock());
    p.put("online_access_codes_enabled", true);
    p.put("offline_access_codes_enabled", b.offlineCodes());
    p.put("supports_backup_access_code_pool", b.backupPool());
    p.put("supports_offline_access_codes", b.offlineCodes());
    p.put("max_active_codes_supported", b.usableSlots());
    ArrayNode lengths = p.putArray("supported_code_lengths");
    b.codeLengths().forEach(lengths::add);
    ArrayNode constraints = p.putArray("code_constraints");
    b.constraints().forEach(c -> constraints.addObject().put("constraint_type", c));
    constraints.addObject().put("constraint_type", "name_length").put("min_length", b.nameMin()).put("max_length", b.nameMax());
    return n;
  }

  public static ObjectNode event(Event e) {
    ObjectNode n = F.objectNode();
    n.put("event_id", e.eventId().toString());
    n.put("event_type", e.eventType());
    n.put("workspace_id", e.workspaceId().toString());
    n.put("created_at", time(e.createdAt()));
    n.put("occurred_at", time(e.occurredAt()));
    putId(n, "device_id", e.deviceId());
    if (e.accessCodeId() != null) n.put("access_code_id", e.accessCodeId().toString());
    putId(n, "connected_account_id", e.connectedAccountId());
    e.extra().forEach((k, v) -> {
      if (v == null) n.putNull(k);
      else n.set(k, Json.MAPPER.valueToTree(v));
    });
    return n;
  }

  public static ObjectNode actionAttempt(ActionAttempt a) {
    ObjectNode n = F.objectNode();
    n.put("action_attempt_id", a.actionAttemptId().toString());
    n.put("action_type", a.actionType());
    n.put("status", a.status());
    switch (a.status()) {
      case "success" -> {
        n.putObject("result");
        n.putNull("error");
      }
      case "error" -> {
        n.putNull("result");
        n.putObject("error").put("type", a.errorType()).put("message", a.errorMessage());
      }
      default -> {
        n.putNull("result");
        n.putNull("error");
      }
    }
    return n;
  }

  public static ArrayNode array(List<ObjectNode> items) {
    ArrayNode a = F.arrayNode();
    a.addAll(items);
    return a;
  }
}
