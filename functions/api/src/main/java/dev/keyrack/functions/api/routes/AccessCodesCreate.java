package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.app.CreateRequest;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;

/** POST /access_codes/create */
public final class AccessCodesCreate implements Route {
  @Override public String path() { return "/access_codes/create"; }

  @Override public Set<String> methods() { return Set.of("POST"); }

  static CreateRequest read(Params p) {
    String key = p.string("common_code_key", 200);
    if (key != null && key.isBlank()) {
      // (it would link this code with every other code given a blank key)
      throw dev.keyrack.app.ApiError.invalidField("common_code_key", "common_code_key must not be empty; omit it to link nothing.");
    }
    CreateRequest r = fields(p, p.requiredUuid("device_id"), key);
    p.rejectUnknown();
    return r;
  }

  /**
   * {@code attempt_for_offline_device: false}: a device that is offline now gets no code (by default
   * one is accepted and waits for the device to come back).
   */
  static void refuseIfOffline(Request req, Boolean attemptForOfflineDevice, java.util.List<java.util.UUID> deviceIds) {
    if (!Boolean.FALSE.equals(attemptForOfflineDevice)) return;
    for (java.util.UUID id : deviceIds) {
      if (!req.services().accessCodes().device(req.workspaceId(), id).online()) {
        throw new dev.keyrack.app.ApiError(400, "device_offline", "Device " + id + " is offline, and attempt_for_offline_device "
            + "is false; leave it out to have the code set once the device is back.");
      }
    }
  }

  /**
   * The fields of a new code other than its device and key, read from {@code p} (create_multiple
   * shares them): the accepted no-ops read too; the caller refuses what is left.
   */
  static CreateRequest fields(Params p, java.util.UUID deviceId, String commonCodeKey) {
    CreateRequest r = new CreateRequest(
        deviceId,
        p.text("name", AccessCodeService.MAX_NAME_LENGTH),
        p.string("code", 64),
        p.instant("starts_at"),
        p.instant("ends_at"),
        p.integer("preferred_code_length", 1, 32),
        p.bool("prefer_native_scheduling"),
        firstNonNull(p.bool("allow_external_modification"), p.bool("is_external_modification_allowed")),
        p.bool("is_one_time_use"),
        firstNonNull(p.bool("is_offline_access_code"), p.bool("use_offline_access_code")),
        commonCodeKey,
        p.bool("use_backup_access_code_pool"));
    p.oneOf("max_time_rounding", "1hour", "1day", "1h", "1d");
    p.bool("sync");
    return r;
  }

  private static Boolean firstNonNull(Boolean a, Boolean b) {
    return a != null ? a : b;
  }

  @Override
  public ObjectNode handle(Request req) {
    Boolean attemptForOffline = req.params().bool("attempt_for_offline_device");
    CreateRequest r = read(req.params());
    refuseIfOffline(req, attemptForOffline, java.util.List.of(r.deviceId()));
    AccessCodeService.Created created = req.services().accessCodes().create(req.workspaceId(), r);
    req.services().telemetry().count("AccessCodesCreated");
    ObjectNode body = Request.body();
    body.set("access_code", Wire.accessCode(created.accessCode(),
        req.services().accessCodes().backupAvailable(req.workspaceId(), created.accessCode().deviceId())));
    body.set("action_attempt", Wire.actionAttempt(created.actionAttempt()));
    return body;
  }
}
