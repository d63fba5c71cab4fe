package dev.keyrack.functions.api.routes;

import dev.keyrack.app.ApiError;
import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Request;
import dev.keyrack.ports.Conflict;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** A change of a stored device by a route, applied to the device as stored (Store#changeDevice). */
final class DeviceChanges {
  private DeviceChanges() {}

  static Device change(Request req, UUID deviceId, UnaryOperator<Device> change) {
    try {
      return req.services().store().changeDevice(req.workspaceId(), deviceId, change).orElseThrow(ApiError::deviceNotFound);
    } catch (Conflict.StaleVersion e) {
      throw new ApiError(409, "device_changed_concurrently", "The device kept changing while this request applied; send it again.");
    }
  }
}
