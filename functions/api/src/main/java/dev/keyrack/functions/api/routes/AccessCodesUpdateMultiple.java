package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.app.LinkedCodes;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import java.util.Set;

/** POST|PATCH /access_codes/update_multiple: the same name and window for every code of a common_code_key. */
public final class AccessCodesUpdateMultiple implements Route {
  @Override public String path() { return "/access_codes/update_multiple"; }

  @Override public Set<String> methods() { return Set.of("POST", "PATCH"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    String key = p.requiredString("common_code_key", 200);
    String name = p.text("name", AccessCodeService.MAX_NAME_LENGTH);
    var startsAt = p.instant("starts_at");
    var endsAt = p.instant("ends_at");
    p.rejectUnknown();
    new LinkedCodes(req.services().accessCodes(), req.services().store()).update(req.workspaceId(), key, name, startsAt, endsAt);
    return Request.body();
  }
}
