package dev.keyrack.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Seam cursor pagination of a list route: {@code limit} and {@code page_cursor} in, {@code
 * pagination} out. A route filters its whole list, then asks for one page of it. The items are
 * ordered by a key of strings (compared one by one), the last of which is unique; a page is the
 * first {@code limit} items whose key comes after the cursor's. So an item added or removed
 * between two pages moves no other item from one page to another, and a page never repeats or
 * skips an item when nothing changes in between.
 *
 * <p>The cursor is base64url of a small JSON object: the key of the previous page's last item and
 * a fingerprint (a SHA-256) of the list, the workspace and the filters it was issued for. A cursor
 * that does not decode, or whose fingerprint is not the request's (another list, another
 * workspace, other filters), is a 400 {@code invalid_input} on {@code page_cursor}. The cursor is
 * not signed: it only says where to start in the caller's own list.
 */
public final class Pages {
  /** The most {@code limit} may ask for (the OpenAPI document's default for access codes, the largest). */
  public static final int MAX_LIMIT = 55_000;
  private static final int MAX_CURSOR = 2_000;

  /** One page: its items and the {@code pagination} object to answer with. */
  public record Page<T>(List<T> items, ObjectNode pagination) {}

  private final String fingerprint;
  private final int limit;
  private final int keySize;
  private final List<String> after;

  private Pages(String fingerprint, int limit, int keySize, List<String> after) {
    this.fingerprint = fingerprint;
    this.limit = limit;
    this.keySize = keySize;
    this.after = after;
  }

  /**
   * Reads {@code limit} and {@code page_cursor}. Call it after reading the filters and before
   * {@link Params#rejectUnknown()}.
   *
   * @param list the route's path, so a cursor of one list is refused by another
   * @param defaultLimit the page size when {@code limit} is not given (the OpenAPI default)
   * @param keySize how many strings an item's key has
   * @param filters the parsed value of every filter the route applies (null when not given)
   */
  public static Pages read(Params p, String list, UUID workspaceId, int defaultLimit, int keySize, Object... filters) {
    Integer limit = p.integer("limit", 1, MAX_LIMIT);
    String cursor = p.string("page_cursor", MAX_CURSOR);
    String fingerprint = fingerprint(list, workspaceId, filters);
    List<String> after = cursor == null ? null : decode(cursor, fingerprint, keySize);
    return new Pages(fingerprint, limit == null ? defaultLimit : limit, keySize, after);
  }

  /** The page of {@code items} the request asked for, in the order of {@code key}. */
  public <T> Page<T> page(List<T> items, Function<T, List<String>> key) {
    List<Map.Entry<List<String>, T>> keyed = new ArrayList<>(items.size());
    for (T item : items) {
      List<String> k = key.apply(item);
      if (k.size() != keySize) throw new IllegalStateException("a key of " + k.size() + " strings, not " + keySize);
      keyed.add(Map.entry(k, item));
    }
    keyed.sort(Map.Entry.comparingByKey(Pages::compare));
    int start = 0;
    if (after != null) {
      while (start < keyed.size() && compare(keyed.get(start).getKey(), after) <= 0) start++;
    }
    int end = (int) Math.min((long) start + limit, keyed.size());
    List<T> page = keyed.subList(start, end).stream().map(Map.Entry::getValue).toList();
    ObjectNode pagination = JsonNodeFactory.instance.objectNode();
    boolean more = end < keyed.size();
    pagination.put("has_next_page", more);
    if (more) pagination.put("next_page_cursor", encode(fingerprint, keyed.get(end - 1).getKey()));
    else pagination.putNull("next_page_cursor");
    // The OpenAPI document allows null; the cursor is what the SDK's paginator follows.
    pagination.putNull("next_page_url");
    return new Page<>(page, pagination);
  }

  /** A key part that orders instants as {@link Instant#compareTo} does. */
  public static String key(Instant t) {
    return hex(t.getEpochSecond()) + String.format("%08x", t.getNano());
  }

  /** A key part that orders ids as {@link UUID#compareTo} does (signed, most significant half first). */
  public static String key(UUID id) {
    return hex(id.getMostSignificantBits()) + hex(id.getLeastSignificantBits());
  }

  /** A key part that orders positions as numbers. */
  public static String key(int position) {
    return String.format("%08x", position);
  }

  /** Fixed-width hex of a signed long with its sign bit flipped: text order is numeric order. */
  private static String hex(long n) {
    return String.format("%016x", n ^ Long.MIN_VALUE);
  }

  private static int compare(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) return c;
    }
    return Integer.compare(a.size(), b.size());
  }

  private static String encode(String fingerprint, List<String> key) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("f", fingerprint);
    key.forEach(n.putArray("k")::add);
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.MAPPER.writeValueAsBytes(n));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> decode(String cursor, String fingerprint, int keySize) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
    } catch (IllegalArgumentException | IOException e) {
      throw malformed();
    }
    if (n == null || !n.isObject() || !n.path("f").isTextual() || !n.path("k").isArray() || n.path("k").size() != keySize) {
      throw malformed();
    }
    List<String> key = new ArrayList<>();
    for (JsonNode part : n.get("k")) {
      if (!part.isTextual()) throw malformed();
      key.add(part.textValue());
    }
    if (!MessageDigest.isEqual(n.get("f").textValue().getBytes(StandardCharsets.UTF_8), fingerprint.getBytes(StandardCharsets.UTF_8))) {
      throw ApiError.invalidField("page_cursor", "page_cursor was issued for another list or other filters: send the "
          + "filters of the first page again, or start over without page_cursor.");
    }
    return key;
  }

  private static ApiError malformed() {
    return ApiError.invalidField("page_cursor", "page_cursor is not a cursor this API issued: pass a next_page_cursor "
        + "as it was answered, or start over without page_cursor.");
  }

  private static String fingerprint(String list, UUID workspaceId, Object... filters) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(("keyrack-page|" + list + "|" + workspaceId).getBytes(StandardCharsets.UTF_8));
      // As one JSON array, so no two lists of filters give the same bytes.
      md.update((byte) '|');
      md.update(Json.MAPPER.writeValueAsBytes(java.util.Arrays.asList(filters)));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(md.digest(), 16));
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
