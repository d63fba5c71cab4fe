package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.app.CreateRequest;
import dev.keyrack.app.LinkedCodes;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** POST|PUT /access_codes/create_multiple: one code per device, the same PIN where the locks allow, linked by a common_code_key. */
public final class AccessCodesCreateMultiple implements Route {
  @Override public String path() { return "/access_codes/create_multiple"; }

  @Override public Set<String> methods() { return Set.of("POST", "PUT"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    List<UUID> deviceIds = p.uuids("device_ids", LinkedCodes.MAX_DEVICES);
    if (deviceIds == null) throw ApiError.invalidField("device_ids", "device_ids is required.");
    String behavior = p.oneOf("behavior_when_code_cannot_be_shared", "throw", "create_random_code");
    CreateRequest template = AccessCodesCreate.fields(p, null, null);
    Boolean attemptForOffline = p.bool("attempt_for_offline_device");
    p.rejectUnknown();
    AccessCodesCreate.refuseIfOffline(req, attemptForOffline, deviceIds);
    List<AccessCode> made = new LinkedCodes(req.services().accessCodes(), req.services().store()).create(req.workspaceId(),
        deviceIds, "create_random_code".equals(behavior) ? LinkedCodes.WhenNotShared.CREATE_RANDOM_CODE
            : LinkedCodes.WhenNotShared.THROW, template);
    made.forEach(c -> req.services().telemetry().count("AccessCodesCreated"));
    var available = new java.util.HashMap<UUID, Boolean>();
    ObjectNode body = Request.body();
    ArrayNode codes = body.putArray("access_codes");
    for (AccessCode c : made) {
      codes.add(Wire.accessCode(c, available.computeIfAbsent(c.deviceId(),
          d -> req.services().accessCodes().backupAvailable(req.workspaceId(), d))));
    }
    return body;
  }
}
