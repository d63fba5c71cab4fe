package dev.keyrack.functions.api.routes;

import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/** The filters /devices/list and /locks/list share. */
final class DeviceListing {
  private DeviceListing() {}

  /** A device as the API shows it, with its backup pool's state among its errors. */
  static com.fasterxml.jackson.databind.node.ObjectNode render(Request req, Device d) {
    boolean empty = d.profile().backupPool() && req.services().store().backupPoolEnabled(req.workspaceId(), d.deviceId())
        && !req.services().accessCodes().backupAvailable(req.workspaceId(), d.deviceId());
    return dev.keyrack.functions.api.Wire.device(d, empty);
  }

  static List<Device> list(Request req) {
    Params p = req.params();
    List<UUID> ids = p.uuids("device_ids", 500);
    String type = p.string("device_type", 100);
    List<String> types = p.strings("device_types", 100, 100);
    String manufacturer = p.string("manufacturer", 100);
    UUID account = p.uuid("connected_account_id");
    List<UUID> accounts = p.uuids("connected_account_ids", 500);
    String search = p.string("search", 200);
    Integer limit = p.integer("limit", 1, 10_000);
    p.rejectUnknown();
    Stream<Device> s = req.services().store().devices(req.workspaceId()).stream();
    if (ids != null) s = s.filter(d -> ids.contains(d.deviceId()));
    if (type != null) s = s.filter(d -> d.deviceType().equals(type));
    if (types != null) s = s.filter(d -> types.contains(d.deviceType()));
    if (manufacturer != null) s = s.filter(d -> d.profile().manufacturer().equals(manufacturer));
    if (account != null) s = s.filter(d -> d.connectedAccountId().equals(account));
    if (accounts != null) s = s.filter(d -> accounts.contains(d.connectedAccountId()));
    if (search != null) {
      String q = search.toLowerCase(Locale.ROOT);
      s = s.filter(d -> d.displayName().toLowerCase(Locale.ROOT).contains(q));
    }
    if (limit != null) s = s.limit(limit);
    return s.toList();
  }
}
