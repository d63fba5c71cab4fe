package dev.keyrack.local;

import dev.keyrack.domain.ApiKeys;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Workspace;
import dev.keyrack.ports.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Sandbox workspaces with one lock of every sandbox brand. Ids are derived from names, so seeding
 * again (a restart on the same data directory) finds the same workspace and devices.
 */
public final class Seeder {
  private Seeder() {}

  public static UUID stableId(String name) {
    return UUID.nameUUIDFromBytes(("keyrack-local/" + name).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Adds {@code count} more sandbox locks of one brand to a seeded workspace (for load runs), with
   * ids derived from their names like the others, so seeding again finds them.
   */
  public static List<Device> seedExtraLocks(Store store, String workspaceName, String deviceType, int count, Instant now) {
    BrandProfile b = BrandProfile.forDeviceType(deviceType);
    UUID ws = stableId(workspaceName);
    UUID account = stableId(workspaceName + "/connected-account");
    List<Device> devices = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      UUID id = stableId(workspaceName + "/" + deviceType + "/" + i);
      int n = i;
      devices.add(store.device(ws, id).orElseGet(() -> {
        Device created = new Device(id, ws, account, deviceType, b.manufacturerDisplayName() + " Door " + n, now, true);
        store.putDevice(created);
        return created;
      }));
    }
    return devices;
  }

  public static List<Device> seedWorkspace(Store store, String workspaceName, String apiKey, Instant now) {
    Workspace ws = new Workspace(stableId(workspaceName), workspaceName, true);
    store.putWorkspace(ws, ApiKeys.hash(apiKey));
    UUID account = stableId(workspaceName + "/connected-account");
    List<Device> devices = new ArrayList<>();
    for (BrandProfile b : BrandProfile.all()) {
      UUID id = stableId(workspaceName + "/" + b.deviceType());
      Device d = store.device(ws.workspaceId(), id).orElseGet(() -> {
        Device created = new Device(id, ws.workspaceId(), account, b.deviceType(),
            b.manufacturerDisplayName() + " Front Door", now, true);
        store.putDevice(created);
        return created;
      });
      devices.add(d);
    }
    return devices;
  }
}
