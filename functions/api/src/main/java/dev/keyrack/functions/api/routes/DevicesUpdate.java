package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.Device;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import java.util.Set;
import java.util.UUID;

/**
 * POST|PATCH /devices/update: a device's name ({@code name} or {@code properties.name}), and
 * turning its backup access code pool on. What Keyrack cannot do yet (unmanaging a device, custom
 * metadata, turning a pool off, clearing a name) is refused with a 400, not ignored.
 */
public final class DevicesUpdate implements Route {
  /** In characters, as for an access code's name. */
  static final int MAX_NAME = AccessCodeService.MAX_NAME_LENGTH;

  @Override public String path() { return "/devices/update"; }

  @Override public Set<String> methods() { return Set.of("POST", "PATCH"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.requiredUuid("device_id");
    boolean nameCleared = p.isExplicitNull("name");
    String name = p.text("name", MAX_NAME);
    Params properties = p.object("properties");
    if (properties != null) {
      nameCleared |= properties.isExplicitNull("name");
      String inProperties = properties.text("name", MAX_NAME);
      properties.rejectUnknown();
      if (name != null && inProperties != null && !name.equals(inProperties)) {
        throw ApiError.invalidField("name", "name and properties.name differ; give one of them.");
      }
      if (name == null) name = inProperties;
    }
    if (Boolean.FALSE.equals(p.bool("is_managed"))) {
      throw ApiError.invalidField("is_managed", "Unmanaging a device is not supported.");
    }
    if (p.has("custom_metadata") && !p.isExplicitNull("custom_metadata")) {
      p.accept("custom_metadata");
      throw ApiError.invalidField("custom_metadata", "Custom metadata is not supported yet.");
    }
    p.accept("custom_metadata");
    Boolean pool = p.bool("backup_access_code_pool_enabled");
    p.rejectUnknown();
    if (nameCleared) throw ApiError.invalidField("name", "A device's name cannot be cleared; give a new name.");
    if (Boolean.FALSE.equals(pool)) {
      throw ApiError.invalidField("backup_access_code_pool_enabled", "Turning a backup access code pool off is not supported yet.");
    }
    Device d = req.services().accessCodes().device(req.workspaceId(), id);
    // Everything checked before anything is written: a refused request changes nothing.
    if (Boolean.TRUE.equals(pool) && !d.profile().backupPool()) {
      throw new ApiError(400, "backup_access_code_pool_not_supported",
          d.profile().manufacturerDisplayName() + " locks do not support backup access code pools.");
    }
    String n = name == null ? null : name.strip();
    if (n != null && n.isEmpty()) throw ApiError.invalidField("name", "name must not be blank.");
    if (n != null && n.codePoints().anyMatch(Character::isISOControl)) {
      throw ApiError.invalidField("name", "name must not contain control characters.");
    }
    if (n != null) DeviceChanges.change(req, d.deviceId(), current -> current.withDisplayName(n));
    if (Boolean.TRUE.equals(pool)) {
      req.services().store().enableBackupPool(req.workspaceId(), d.deviceId());
      req.services().accessCodes().pools().fillQuietly(d);
    }
    return Request.body();
  }
}
