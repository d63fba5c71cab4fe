package dev.keyrack.adapters.dynamodb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A JSON document stored deflated, as a binary attribute. DynamoDB bills a write by the kilobyte
 * of the item: an access code's JSON is about 0.8 KB, so with the events of its change carried in
 * the same item (the outbox) it would cost two write units per write; deflated, both fit in one.
 *
 * <p>Format: one version byte, then raw deflate data made with {@link #DICTIONARY} as preset
 * dictionary (short JSON compresses poorly without one: the field names are most of it). The
 * dictionary is part of the format: change it only under a new version byte, and keep reading the
 * old one. A string attribute is read as plain JSON.
 */
final class PackedDoc {
  static final byte V1 = 1;

  /** Field names and values common in access codes and events (the most frequent last, as deflate prefers). */
  static final byte[] DICTIONARY = ("\"mutationCode\":\"deferring_creation\",\"message\":\"Keyrack will program the access code closer to its start.\","
      + "\"mutationCode\":\"deleting\",\"message\":\"Keyrack is removing the access code from the device.\","
      + "\"delay_in_setting_on_device\",\"failed_to_set_on_device\",\"delay_in_removing_from_device\",\"from\":null,\"to\":null,"
      + "\"eventType\":\"access_code.removed_from_device\",\"access_code.deleted\",\"access_code.set_on_device\","
      + "\"access_code.created\",\"occurredAt\":\"2026-\",\"connectedAccountId\":\"\",\"extra\":{\"code\":\"\"},\"eventId\":\"\","
      + "{\"accessCodeId\":\"\",\"workspaceId\":\"\",\"deviceId\":\"\",\"name\":\"\",\"code\":\"\",\"commonCodeKey\":null,"
      + "\"type\":\"time_bound\",\"ongoing\",\"status\":\"unset\",\"setting\",\"set\",\"removing\",\"startsAt\":\"\",\"endsAt\":\"\","
      + "\"errors\":[],\"warnings\":[],\"pendingMutations\":[{\"mutationCode\":\"creating\",\"message\":\"Keyrack is setting the "
      + "access code on the device.\",\"createdAt\":\"2026-12-01T00:00:00.000Z\",\"scheduledAt\":null,\"from\":null,\"to\":null}],"
      + "\"scheduledOnDevice\":false,\"externalModificationAllowed\":false,\"oneTimeUse\":false,\"offlineAccessCode\":false,"
      + "\"preferNativeScheduling\":true,\"onLock\":false,\"version\":1,\"backupRole\":null,\"pulledBackupAccessCodeId\":null,"
      + "\"backup\":false}").getBytes(StandardCharsets.UTF_8);

  private PackedDoc() {}

  static AttributeValue pack(String json) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      d.setDictionary(DICTIONARY);
      d.setInput(json.getBytes(StandardCharsets.UTF_8));
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(json.length() / 2 + 16);
      out.write(V1);
      byte[] buf = new byte[1024];
      while (!d.finished()) out.write(buf, 0, d.deflate(buf));
      return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(out.toByteArray()));
    } finally {
      d.end();
    }
  }

  static String unpack(AttributeValue v) {
    if (v.s() != null) return v.s();
    byte[] b = v.b().asByteArrayUnsafe();
    if (b.length == 0 || b[0] != V1) throw new IllegalStateException("unknown packed document version " + (b.length == 0 ? "(empty)" : b[0]));
    Inflater inf = new Inflater(true);
    try {
      inf.setDictionary(DICTIONARY); // raw deflate carries no dictionary flag: it is set up front
      // Raw inflate needs one byte past the data (java.util.zip.Inflater, "nowrap"): without it, a
      // document whose data ends just so reads as truncated (found by PackedDocTest's property).
      byte[] in = java.util.Arrays.copyOfRange(b, 1, b.length + 1);
      inf.setInput(in);
      ByteArrayOutputStream out = new ByteArrayOutputStream(b.length * 3);
      byte[] buf = new byte[2048];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) throw new IllegalStateException("truncated packed document");
        out.write(buf, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt packed document", e);
    } finally {
      inf.end();
    }
  }
}
