package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.adapters.sandbox.LockMemory;
import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import java.util.Set;
import java.util.UUID;

/**
 * POST /sandbox/locks/configure (Keyrack's own, not Seam's): how a sandbox lock misbehaves.
 * {@code fail_set_rate} and {@code fail_remove_rate} (0 to 1), {@code extra_latency_ms},
 * {@code slot_limit} (a full memory at that many codes; 0 restores the brand's own) and
 * {@code online}, and {@code external_codes}: PINs put on the lock outside Keyrack (as if typed in
 * at the keypad), which the lock then refuses to take a second time. Fields left out keep their value. Answers the lock's settings and how many
 * codes it holds (never the PINs).
 */
public final class SandboxLocksConfigure implements Route {
  @Override public String path() { return "/sandbox/locks/configure"; }

  @Override public Set<String> methods() { return Set.of("POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.requiredUuid("device_id");
    Double setRate = rate(p, "fail_set_rate");
    Double removeRate = rate(p, "fail_remove_rate");
    Integer latency = p.integer("extra_latency_ms", 0, 60_000);
    Integer slotLimit = p.integer("slot_limit", 0, 10_000);
    Boolean online = p.bool("online");
    java.util.List<String> external = java.util.Objects.requireNonNullElse(p.strings("external_codes", 20, 12), java.util.List.of());
    for (String pin : external) {
      if (!pin.matches("[0-9]{3,12}")) {
        throw dev.keyrack.app.ApiError.invalidField("external_codes", "external_codes must be PINs of 3 to 12 digits.");
      }
    }
    p.rejectUnknown();
    Device d = SandboxRoutes.sandboxDevice(req, id);
    var locks = SandboxRoutes.locks(req);
    locks.configure(d.deviceId(), m -> {
      LockMemory n = m.withFaults(setRate != null ? setRate : m.failSetRate(), removeRate != null ? removeRate : m.failRemoveRate(),
          latency != null ? latency : m.extraLatencyMillis());
      if (slotLimit != null) n = n.withSlotLimit(slotLimit);
      if (online != null) n = n.withOnline(online);
      if (!external.isEmpty()) {
        var slots = new java.util.HashMap<>(n.slots());
        // As at a real keypad, a PIN the lock already holds (or one listed twice) is refused: a lock never holds a PIN twice.
        java.util.Set<String> held = new java.util.HashSet<>();
        slots.values().forEach(s -> held.add(s.pin()));
        for (String pin : external) {
          if (!held.add(pin)) {
            throw dev.keyrack.app.ApiError.invalidField("external_codes",
                "external_codes lists a PIN the lock already holds, or one PIN twice; a lock refuses a PIN it has.");
          }
        }
        for (String pin : external) slots.put(UUID.randomUUID(), new LockMemory.Slot(pin, "Set at the keypad", null, null));
        n = n.withSlots(slots);
      }
      return n;
    });
    if (online != null) SandboxRoutes.storeOnline(req, d.deviceId(), online);
    LockMemory m = locks.memory(d.deviceId());
    ObjectNode body = Request.body();
    ObjectNode lock = body.putObject("sandbox_lock");
    lock.put("device_id", d.deviceId().toString());
    lock.put("online", m.online());
    lock.put("fail_set_rate", m.failSetRate());
    lock.put("fail_remove_rate", m.failRemoveRate());
    lock.put("extra_latency_ms", m.extraLatencyMillis());
    lock.put("slot_limit", m.slotLimit());
    lock.put("codes_on_lock", m.slots().size());
    return body;
  }

  private static Double rate(Params p, String field) {
    return p.number(field, 0, 1);
  }
}
