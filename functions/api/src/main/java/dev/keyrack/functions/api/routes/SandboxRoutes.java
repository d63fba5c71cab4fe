package dev.keyrack.functions.api.routes;

import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import java.util.UUID;

/** What the sandbox-only routes share: the caller's sandbox device and its simulated lock. */
final class SandboxRoutes {
  private SandboxRoutes() {}

  static Device sandboxDevice(Request req, UUID deviceId) {
    if (!req.workspace().sandbox()) {
      throw new ApiError(400, "not_a_sandbox_workspace", "Simulations are only available in sandbox workspaces.");
    }
    return req.services().accessCodes().device(req.workspaceId(), deviceId);
  }

  static SandboxLockProvider locks(Request req) {
    if (req.services().sandbox() == null) {
      throw new ApiError(400, "not_a_sandbox_workspace", "This deployment has no sandbox locks.");
    }
    return req.services().sandbox();
  }

  static void setOnline(Request req, boolean online) {
    Params p = req.params();
    UUID id = p.requiredUuid("device_id");
    p.rejectUnknown();
    Device d = sandboxDevice(req, id);
    locks(req).configure(d.deviceId(), m -> m.withOnline(online));
    storeOnline(req, d.deviceId(), online);
  }

  /** The stored device online or offline as of now. */
  static void storeOnline(Request req, UUID deviceId, boolean online) {
    java.time.Instant now = req.services().clock().instant();
    DeviceChanges.change(req, deviceId, current -> current.withOnline(online, now));
  }
}
