package dev.keyrack.functions.api.routes;

import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Pages;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/** The filters and pages /devices/list and /locks/list share. */
final class DeviceListing {
  private DeviceListing() {}

  /** A device as the API shows it, with its backup pool's state among its errors. */
  static com.fasterxml.jackson.databind.node.ObjectNode render(Request req, Device d) {
    boolean empty = d.profile().backupPool() && req.services().store().backupPoolEnabled(req.workspaceId(), d.deviceId())
        && !req.services().accessCodes().backupAvailable(req.workspaceId(), d.deviceId());
    return dev.keyrack.functions.api.Wire.device(d, empty);
  }

  /** The capability flags {@code include_if} and {@code exclude_if} may name (the OpenAPI document's enum). */
  static final java.util.Set<String> CAPABILITIES = java.util.Set.of("can_remotely_unlock", "can_remotely_lock",
      "can_program_offline_access_codes", "can_program_online_access_codes", "can_hvac_heat", "can_hvac_cool",
      "can_hvac_heat_cool", "can_turn_off_hvac", "can_simulate_removal", "can_simulate_connection",
      "can_simulate_disconnection", "can_unlock_with_code", "can_run_thermostat_programs",
      "can_program_thermostat_programs_as_weekday_weekend", "can_program_thermostat_programs_as_different_each_day",
      "can_program_thermostat_programs_as_same_each_day", "can_simulate_hub_connection", "can_simulate_hub_disconnection",
      "can_simulate_paid_subscription", "can_configure_auto_lock");

  private static List<String> capabilities(Params p, String field) {
    List<String> flags = p.strings(field, CAPABILITIES.size(), 100);
    if (flags != null && !CAPABILITIES.containsAll(flags)) {
      throw dev.keyrack.app.ApiError.invalidField(field, field + " must list device capabilities such as can_remotely_unlock.");
    }
    return flags;
  }

  /** The OpenAPI document's default limit. */
  static final int DEFAULT_LIMIT = 500;

  /** The page of the workspace's devices the request asks for, in the store's order (oldest first, then by name). */
  static Pages.Page<Device> list(Request req, String list) {
    Params p = req.params();
    List<UUID> ids = p.uuids("device_ids", 500);
    String type = p.string("device_type", 100);
    List<String> types = p.strings("device_types", 100, 100);
    String manufacturer = p.string("manufacturer", 100);
    UUID account = p.uuid("connected_account_id");
    List<UUID> accounts = p.uuids("connected_account_ids", 500);
    String search = p.nonEmptyString("search", 200);
    java.time.Instant createdBefore = p.instant("created_before");
    List<String> includeIf = capabilities(p, "include_if"), excludeIf = capabilities(p, "exclude_if");
    Pages pages = Pages.read(p, list, req.workspaceId(), DEFAULT_LIMIT, 3, ids, type, types, manufacturer, account, accounts, search,
        createdBefore, includeIf, excludeIf);
    p.rejectUnknown();
    Stream<Device> s = req.services().store().devices(req.workspaceId()).stream();
    if (ids != null) s = s.filter(d -> ids.contains(d.deviceId()));
    if (type != null) s = s.filter(d -> d.deviceType().equals(type));
    if (types != null) s = s.filter(d -> types.contains(d.deviceType()));
    if (manufacturer != null) s = s.filter(d -> d.profile().manufacturer().equals(manufacturer));
    if (account != null) s = s.filter(d -> d.connectedAccountId().equals(account));
    if (accounts != null) s = s.filter(d -> accounts.contains(d.connectedAccountId()));
    if (createdBefore != null) s = s.filter(d -> d.createdAt().isBefore(createdBefore));
    if (includeIf != null || excludeIf != null) {
      // by the capability flags the device is shown with (a flag it does not show is false)
      s = s.filter(d -> {
        com.fasterxml.jackson.databind.JsonNode shown = dev.keyrack.functions.api.Wire.device(d, false);
        return (includeIf == null || includeIf.stream().allMatch(f -> shown.path(f).asBoolean(false)))
            && (excludeIf == null || excludeIf.stream().noneMatch(f -> shown.path(f).asBoolean(false)));
      });
    }
    if (search != null) {
      // OpenAPI: "a partial match using device_id (full or partial UUID prefix, minimum 4 characters),
      // connected_account_id, display_name, custom_metadata or location.location_name" (Keyrack's
      // location name is the display name, and its custom_metadata is always empty).
      String q = search.toLowerCase(Locale.ROOT);
      s = s.filter(d -> d.displayName().toLowerCase(Locale.ROOT).contains(q)
          || (q.length() >= 4 && d.deviceId().toString().startsWith(q))
          || d.connectedAccountId().toString().contains(q));
    }
    return pages.page(s.toList(), d -> List.of(Pages.key(d.createdAt()), d.displayName(), Pages.key(d.deviceId())));
  }
}
