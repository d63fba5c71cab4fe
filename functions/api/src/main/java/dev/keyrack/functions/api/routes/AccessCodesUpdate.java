package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.app.UpdateRequest;
import dev.keyrack.domain.ActionAttempt;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;
import java.util.UUID;

/** POST|PUT|PATCH /access_codes/update: name, code, window, type; turning the device's backup pool on. */
public final class AccessCodesUpdate implements Route {
  @Override public String path() { return "/access_codes/update"; }

  @Override public Set<String> methods() { return Set.of("POST", "PUT", "PATCH"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.requiredUuid("access_code_id");
    UUID deviceId = p.uuid("device_id");
    UpdateRequest r = new UpdateRequest(id,
        p.text("name", AccessCodeService.MAX_NAME_LENGTH),
        p.string("code", 64),
        p.instant("starts_at"),
        p.instant("ends_at"),
        p.oneOf("type", "ongoing", "time_bound"),
        p.bool("prefer_native_scheduling"),
        p.bool("allow_external_modification") != null ? p.bool("allow_external_modification") : p.bool("is_external_modification_allowed"),
        p.bool("use_backup_access_code_pool"));
    Boolean managed = p.bool("is_managed");
    if (Boolean.FALSE.equals(managed)) throw ApiError.invalidField("is_managed", "Turning a managed code into an unmanaged one is not supported.");
    p.integer("preferred_code_length", 1, 32);
    p.oneOf("max_time_rounding", "1hour", "1day", "1h", "1d");
    p.bool("attempt_for_offline_device");
    p.bool("sync");
    if (Boolean.TRUE.equals(p.bool("is_offline_access_code")) || Boolean.TRUE.equals(p.bool("use_offline_access_code"))) {
      throw new ApiError(400, "offline_access_codes_not_supported", "Offline access codes are not supported yet.");
    }
    p.rejectUnknown();
    // A code stays on its device: naming another one is refused as such, not as a code not found
    // (which would tell the caller the code is gone). Nothing is said of the other device.
    if (deviceId != null && !deviceId.equals(req.services().accessCodes().get(req.workspaceId(), id).deviceId())) {
      throw ApiError.invalidField("device_id", "An access code cannot be moved to another device; device_id must be the code's own"
          + " device, or left out. To move it, create a code on the other device and delete this one.");
    }
    ActionAttempt a = req.services().accessCodes().update(req.workspaceId(), r);
    ObjectNode body = Request.body();
    body.set("action_attempt", Wire.actionAttempt(a));
    return body;
  }
}
