package dev.keyrack.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Action attempts without storage. Every action attempt Keyrack answers is already finished when
 * it is answered ({@code status: success}): the request's change is stored and its lock work runs
 * behind it, reported on the code and by events. So an attempt holds nothing but its type, and
 * its id can carry that: writing an item per request (a DynamoDB write unit, on every create,
 * update and delete) would store what the id already says.
 *
 * <p>The id is an RFC 9562 version 8 UUID: one byte of action type, 52 random bits, and a 62-bit
 * tag, a SHA-256 of the workspace and the rest of the id. {@code action_attempts/get} of an id
 * issued to another workspace (or made up) finds no matching tag and answers not found, as it
 * would for an item stored under another workspace. The tag is not a secret signature (ids are
 * not credentials); it keeps one workspace's attempts out of another's, as the store's keys do.
 */
public final class ActionAttempts {
  /** The action types Keyrack issues, by their code in the id (index + 1). */
  static final List<String> TYPES = List.of("CREATE_ACCESS_CODE", "UPDATE_ACCESS_CODE", "DELETE_ACCESS_CODE");

  private ActionAttempts() {}

  /** A finished (successful) action attempt of {@code actionType} for the workspace, with a fresh id. */
  public static ActionAttempt issue(UUID workspaceId, String actionType, RandomGenerator random) {
    int type = TYPES.indexOf(actionType);
    if (type < 0) throw new IllegalArgumentException("unknown action type " + actionType);
    byte[] b = new byte[16];
    b[0] = (byte) (type + 1);
    for (int i = 1; i < 8; i++) b[i] = (byte) random.nextInt(256);
    b[6] = (byte) ((b[6] & 0x0f) | 0x80); // version 8
    byte[] tag = tag(workspaceId, b);
    System.arraycopy(tag, 0, b, 8, 8);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // RFC 9562 variant
    ByteBuffer bb = ByteBuffer.wrap(b);
    return new ActionAttempt(new UUID(bb.getLong(), bb.getLong()), workspaceId, actionType, "success", null, null);
  }

  /** The attempt an id stands for, if it was issued to this workspace. */
  public static Optional<ActionAttempt> read(UUID workspaceId, UUID id) {
    if (id.version() != 8 || id.variant() != 2) return Optional.empty();
    byte[] b = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    int type = (b[0] & 0xff) - 1;
    if (type < 0 || type >= TYPES.size()) return Optional.empty();
    byte[] tag = tag(workspaceId, b);
    tag[0] = (byte) ((tag[0] & 0x3f) | 0x80);
    for (int i = 0; i < 8; i++) if (tag[i] != b[8 + i]) return Optional.empty();
    return Optional.of(new ActionAttempt(id, workspaceId, TYPES.get(type), "success", null, null));
  }

  /** SHA-256 of the workspace id and the id's first eight bytes. */
  private static byte[] tag(UUID workspaceId, byte[] id) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update("keyrack-action-attempt|".getBytes(StandardCharsets.US_ASCII));
      md.update(workspaceId.toString().getBytes(StandardCharsets.US_ASCII));
      md.update(id, 0, 8);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
