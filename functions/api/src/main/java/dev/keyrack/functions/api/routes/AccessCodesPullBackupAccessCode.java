package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.BackupPools;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;
import java.util.UUID;

/** POST /access_codes/pull_backup_access_code: link a ready backup to a time-bound code (the same one when pulled again). */
public final class AccessCodesPullBackupAccessCode implements Route {
  @Override public String path() { return "/access_codes/pull_backup_access_code"; }

  @Override public Set<String> methods() { return Set.of("POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.requiredUuid("access_code_id");
    p.rejectUnknown();
    BackupPools.Pulled pulled = req.services().accessCodes().pools().pull(req.workspaceId(), id);
    boolean available = req.services().accessCodes().backupAvailable(req.workspaceId(), pulled.original().deviceId());
    ObjectNode body = Request.body();
    body.set("access_code", Wire.accessCode(pulled.original(), available));
    body.set("backup_access_code", Wire.accessCode(pulled.backup(), available));
    return body;
  }
}
