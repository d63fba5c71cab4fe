package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.functions.api.Pages;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * GET|POST /access_codes/list: by device_id or access_code_ids, with search; in pages of limit
 * codes (OpenAPI's default 55000), oldest first.
 */
public final class AccessCodesList implements Route {
  /** The OpenAPI document's default limit. */
  public static final int DEFAULT_LIMIT = 55_000;

  @Override public String path() { return "/access_codes/list"; }

  @Override public Set<String> methods() { return Set.of("GET", "POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID deviceId = p.uuid("device_id");
    List<UUID> ids = p.uuids("access_code_ids", 500);
    String search = p.nonEmptyString("search", 200);
    Pages pages = Pages.read(p, path(), req.workspaceId(), DEFAULT_LIMIT, 2, deviceId, ids, search);
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
      // OpenAPI: "a partial match using name, code or access_code_id".
      String s = search.toLowerCase(Locale.ROOT);
      codes = codes.filter(c -> (c.name() != null && c.name().toLowerCase(Locale.ROOT).contains(s))
          || (c.code() != null && c.code().contains(s)) || c.accessCodeId().toString().contains(s));
    }
    // The store's order: oldest first, then by id.
    Pages.Page<AccessCode> page = pages.page(codes.toList(), c -> List.of(Pages.key(c.createdAt()), Pages.key(c.accessCodeId())));
    ObjectNode body = Request.body();
    java.util.Map<UUID, Boolean> available = new java.util.HashMap<>();
    body.set("access_codes", Wire.array(page.items().stream().map(c -> Wire.accessCode(c, available.computeIfAbsent(c.deviceId(),
        d -> req.services().accessCodes().backupAvailable(req.workspaceId(), d)))).toList()));
    body.set("pagination", page.pagination());
    return body;
  }
}
