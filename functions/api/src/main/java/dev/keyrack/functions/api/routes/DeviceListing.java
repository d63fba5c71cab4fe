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
    Pages pages = Pages.read(p, list, req.workspaceId(), DEFAULT_LIMIT, 3, ids, type, types, manufacturer, account, accounts, search);
    p.rejectUnknown();
    Stream<Device> s = req.services().store().devices(req.workspaceId()).stream();
    if (ids != null) s = s.filter(d -> ids.contains(d.deviceId()));
    if (type != null) s = s.filter(d -> d.deviceType().equals(type));
    if (types != null) s = s.filter(d -> types.contains(d.deviceType()));
    if (manufacturer != null) s = s.filter(d -> d.profile().manufacturer().equals(manufacturer));
    if (account != null) s = s.filter(d -> d.connectedAccountId().equals(account));
    if (accounts != null) s = s.filter(d -> accounts.contains(d.connectedAccountId()));
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
