package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.BackupPools;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import dev.keyrack.functions.api.Wire;
import java.util.Set;
import java.util.UUID;

/**
 * POST /access_codes/pull_backup_access_code: link a ready backup to a time-bound code (the same
 * one when pulled again). Both {@code access_code} and {@code backup_access_code} carry the backup,
 * as Seam answers: the JavaScript SDK reads the first, older SDKs the second. The original shows
 * the link in its {@code pulled_backup_access_code_id}.
 */
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
    ObjectNode backup = Wire.accessCode(pulled.backup(), available);
    body.set("access_code", backup);
    body.set("backup_access_code", backup.deepCopy());
    return body;
  }
}
