package dev.keyrack.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The size of a DynamoDB item as DynamoDB bills it: each attribute's name (UTF-8) plus its value
 * (UTF-8 strings, binary length, numbers about one byte per two digits plus one, one byte for a
 * boolean or null, three bytes of overhead for a list or map plus its elements).
 */
public final class ItemSize {
  private ItemSize() {}

  public static int bytes(Map<String, AttributeValue> item) {
    int n = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) n += utf8(e.getKey()) + value(e.getValue());
    return n;
  }

  /** Write units of writing one item of this size outside a transaction: one per KB started. */
  public static int writeUnits(int bytes) {
    return Math.max(1, (bytes + 1023) / 1024);
  }

  static int value(AttributeValue v) {
    if (v.s() != null) return utf8(v.s());
    if (v.n() != null) return number(v.n());
    if (v.b() != null) return v.b().asByteArray().length;
    if (v.bool() != null || Boolean.TRUE.equals(v.nul())) return 1;
    if (v.hasSs()) return v.ss().stream().mapToInt(ItemSize::utf8).sum();
    if (v.hasNs()) return v.ns().stream().mapToInt(ItemSize::number).sum();
    if (v.hasBs()) return v.bs().stream().mapToInt(b -> b.asByteArray().length).sum();
    if (v.hasL()) return 3 + v.l().stream().mapToInt(x -> 1 + value(x)).sum();
    if (v.hasM()) return 3 + v.m().entrySet().stream().mapToInt(e -> 1 + utf8(e.getKey()) + value(e.getValue())).sum();
    return 0;
  }

  private static int number(String n) {
    int digits = (int) n.chars().filter(Character::isDigit).count();
    return (digits + 1) / 2 + 1;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
