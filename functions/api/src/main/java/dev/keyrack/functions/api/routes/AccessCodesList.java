package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/** GET|POST /access_codes/list: by device_id or access_code_ids, with search and limit. */
public final class AccessCodesList implements Route {
  @Override public String path() { return "/access_codes/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID deviceId = p.uuid("device_id");
    List<UUID> ids = p.uuids("access_code_ids", 500);
    String search = p.string("search", 200);
    Integer limit = p.integer("limit", 1, 10_000);
    p.rejectUnknown();
    if (deviceId == null && ids == null) {
      throw ApiError.invalid("Give device_id or access_code_ids.");
    }
    java.time.Instant now = req.services().clock().instant();
    var online = req.services().accessCodes().deviceOnline(req.workspaceId());
    Stream<AccessCode> codes = req.services().accessCodes().list(req.workspaceId(), deviceId).stream()
        .map(c -> c.shownAt(now, online.test(c.deviceId())));
    if (ids != null) codes = codes.filter(c -> ids.contains(c.accessCodeId()));
    if (search != null) {
      String s = search.toLowerCase(Locale.ROOT);
      codes = codes.filter(c -> (c.name() != null && c.name().toLowerCase(Locale.ROOT).contains(s))
          || (c.code() != null && c.code().contains(s)));
    }
    if (limit != null) codes = codes.limit(limit);
    ObjectNode body = Request.body();
    java.util.Map<UUID, Boolean> available = new java.util.HashMap<>();
    body.set("access_codes", Wire.array(codes.map(c -> Wire.accessCode(c, available.computeIfAbsent(c.deviceId(),
        d -> req.services().accessCodes().backupAvailable(req.workspaceId(), d)))).toList()));
    body.set("pagination", Wire.singlePage());
    return body;
  }
}
