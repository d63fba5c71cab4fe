package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.ActionAttempts;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.ports.Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cursor pagination of the list endpoints: limit and page_cursor in, pagination out; every item
 * exactly once across the pages; a cursor that is not this list's (malformed, another list's,
 * other filters', another workspace's) a 400 invalid_input.
 */
class PaginationTest {
  static Store store;
  static UUID workspace;
  static String door;
  static final List<AccessCode> stored = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    store = TestStack.get().wiring("ApiFunction").store();
    JsonNode d = TestStack.call("GET", "/devices/list?device_type=dormakaba_oracode_door", TestStack.KEY_1, null).body()
        .at("/devices/0");
    door = d.path("device_id").asText();
    workspace = UUID.fromString(d.path("workspace_id").asText());
    // Seven codes created in the same millisecond: their order is by id.
    Instant at = Instant.parse("2026-03-01T10:00:00.123Z");
    for (int i = 0; i < 7; i++) {
      AccessCode c = Codes.ongoingCreatedAt(workspace, UUID.fromString(door), String.valueOf(314_150 + i * 7), CodeStatus.set, at);
      store.create(c, List.of());
      stored.add(c);
    }
  }

  @AfterAll
  static void tearDown() {
    for (AccessCode c : stored) store.accessCode(workspace, c.accessCodeId()).ifPresent(x -> store.delete(x, List.of()));
  }

  /** Walks a list by GET, following next_page_cursor; the ids of every page in order. */
  static List<String> walk(String path, String query, String items, String idField, int limit) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 1000; pages++) {
      String q = query + (query.isEmpty() ? "" : "&") + "limit=" + limit
          + (cursor == null ? "" : "&page_cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      TestStack.Response r = TestStack.call("GET", path + "?" + q, TestStack.KEY_1, null);
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      JsonNode page = r.body().path(items);
      assertThat(page.size()).isLessThanOrEqualTo(limit);
      page.forEach(n -> ids.add(n.path(idField).asText()));
      JsonNode p = r.body().path("pagination");
      assertThat(p.has("next_page_url")).isTrue();
      if (!p.path("has_next_page").asBoolean()) {
        assertThat(p.path("next_page_cursor").isNull()).isTrue();
        return ids;
      }
      assertThat(page.size()).as("a page before the last is full").isEqualTo(limit);
      cursor = p.path("next_page_cursor").asText();
    }
    throw new AssertionError("more than 1000 pages");
  }

  static List<String> ids(JsonNode items, String idField) {
    List<String> ids = new ArrayList<>();
    items.forEach(n -> ids.add(n.path(idField).asText()));
    return ids;
  }

  static void assertBadCursor(TestStack.Response r, String what) {
    assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
    assertThat(r.body().path("ok").asBoolean(true)).isFalse();
    assertThat(r.body().at("/error/type").asText()).as(what).isEqualTo("invalid_input");
    assertThat(r.body().at("/error/validation_errors/page_cursor").isMissingNode()).as(what).isFalse();
    assertThat(r.body().at("/error/message").asText()).as(what).doesNotContain("Exception");
  }

  @Test
  void devicesComeInPagesOfLimitEachExactlyOnce() {
    JsonNode all = TestStack.call("GET", "/devices/list", TestStack.KEY_1, null).body();
    List<String> everyId = ids(all.path("devices"), "device_id");
    assertThat(everyId).hasSizeGreaterThan(3);
    assertThat(all.at("/pagination/has_next_page").asBoolean(true)).isFalse();
    for (int limit : new int[] {1, 2, 3, everyId.size()}) {
      List<String> walked = walk("/devices/list", "", "devices", "device_id", limit);
      assertThat(walked).as("limit " + limit).doesNotHaveDuplicates().containsExactlyElementsOf(everyId);
      assertThat(walk("/locks/list", "", "locks", "device_id", limit)).as("locks, limit " + limit).containsExactlyElementsOf(everyId);
    }
  }

  @Test
  void aLimitSmallerThanTheListSaysThereIsANextPage() {
    JsonNode r = TestStack.call("GET", "/devices/list?limit=3", TestStack.KEY_1, null).body();
    assertThat(r.path("devices").size()).isEqualTo(3);
    assertThat(r.at("/pagination/has_next_page").asBoolean()).isTrue();
    assertThat(r.at("/pagination/next_page_cursor").asText()).isNotBlank();
  }

  @Test
  void accessCodesComeInPagesByGetAndPost() {
    List<String> everyId = ids(TestStack.call("GET", "/access_codes/list?device_id=" + door, TestStack.KEY_1, null).body()
        .path("access_codes"), "access_code_id");
    assertThat(everyId).hasSizeGreaterThanOrEqualTo(7);
    for (int limit : new int[] {1, 2, 3, 7}) {
      assertThat(walk("/access_codes/list", "device_id=" + door, "access_codes", "access_code_id", limit))
          .as("limit " + limit).doesNotHaveDuplicates().containsExactlyElementsOf(everyId);
    }
    // POST, with page_cursor null on the first page
    List<String> viaPost = new ArrayList<>();
    String cursor = null;
    do {
      String body = "{\"device_id\":\"" + door + "\",\"limit\":2,\"page_cursor\":" + (cursor == null ? "null" : "\"" + cursor + "\"") + "}";
      JsonNode r = TestStack.post("/access_codes/list", TestStack.KEY_1, body).body();
      viaPost.addAll(ids(r.path("access_codes"), "access_code_id"));
      cursor = r.at("/pagination/next_page_cursor").isNull() ? null : r.at("/pagination/next_page_cursor").asText();
    } while (cursor != null);
    assertThat(viaPost).containsExactlyElementsOf(everyId);
  }

  @Test
  void aCodeDeletedOrAddedBetweenPagesMovesNoOtherCode() {
    AccessCode extra = Codes.ongoingCreatedAt(workspace, UUID.fromString(door), "271828", CodeStatus.set,
        Instant.parse("2026-03-01T10:00:00.123Z"));
    store.create(extra, List.of());
    stored.add(extra);
    List<String> before = ids(TestStack.call("GET", "/access_codes/list?device_id=" + door, TestStack.KEY_1, null).body()
        .path("access_codes"), "access_code_id");
    JsonNode first = TestStack.call("GET", "/access_codes/list?limit=3&device_id=" + door, TestStack.KEY_1, null).body();
    List<String> firstIds = ids(first.path("access_codes"), "access_code_id");
    assertThat(firstIds).containsExactlyElementsOf(before.subList(0, 3));
    // The first page's last code is deleted, and a new code comes, before the second page is read.
    UUID last = UUID.fromString(firstIds.get(2));
    store.accessCode(workspace, last).ifPresent(c -> store.delete(c, List.of()));
    AccessCode added = Codes.ongoingCreatedAt(workspace, UUID.fromString(door), "161803", CodeStatus.set, Instant.now());
    store.create(added, List.of());
    stored.add(added);
    String cursor = URLEncoder.encode(first.at("/pagination/next_page_cursor").asText(), StandardCharsets.UTF_8);
    JsonNode second = TestStack.call("GET", "/access_codes/list?limit=3&device_id=" + door + "&page_cursor=" + cursor,
        TestStack.KEY_1, null).body();
    assertThat(ids(second.path("access_codes"), "access_code_id")).containsExactlyElementsOf(before.subList(3, Math.min(6, before.size())));
  }

  @Test
  void actionAttemptsComeInPagesInTheOrderAsked() {
    Random random = new Random(7);
    List<String> asked = new ArrayList<>();
    for (int i = 0; i < 5; i++) asked.add(ActionAttempts.issue(workspace, "DELETE_ACCESS_CODE", random).actionAttemptId().toString());
    asked.add(2, UUID.randomUUID().toString()); // unknown: left out
    String query = "action_attempt_ids=" + String.join(",", asked);
    List<String> walked = walk("/action_attempts/list", query, "action_attempts", "action_attempt_id", 2);
    List<String> known = new ArrayList<>(asked);
    known.remove(2);
    assertThat(walked).containsExactlyElementsOf(known);
  }

  @Test
  void aCursorThatIsNotThisListsIsABadRequest() {
    String devicesCursor = TestStack.call("GET", "/devices/list?limit=1", TestStack.KEY_1, null).body()
        .at("/pagination/next_page_cursor").asText();
    String codesCursor = TestStack.call("GET", "/access_codes/list?limit=1&device_id=" + door, TestStack.KEY_1, null).body()
        .at("/pagination/next_page_cursor").asText();
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"f\":\"x\",\"k\":[\"a\",\"b\",\"c\"]}".getBytes(StandardCharsets.UTF_8));
    for (String bad : new String[] {"%%%", "bm90IGpzb24", b64, "W10", "", devicesCursor.substring(0, devicesCursor.length() - 3)}) {
      assertBadCursor(TestStack.post("/devices/list", TestStack.KEY_1, "{\"page_cursor\":\"" + bad + "\"}"), "cursor '" + bad + "'");
    }
    assertBadCursor(TestStack.post("/devices/list", TestStack.KEY_1, "{\"page_cursor\":42}"), "a number");
    assertBadCursor(TestStack.post("/devices/list", TestStack.KEY_1, "{\"page_cursor\":\"" + devicesCursor + "\",\"device_type\":\"august_lock\"}"),
        "other filters");
    assertBadCursor(TestStack.post("/locks/list", TestStack.KEY_1, "{\"page_cursor\":\"" + devicesCursor + "\"}"), "another list's");
    assertBadCursor(TestStack.post("/devices/list", TestStack.KEY_2, "{\"page_cursor\":\"" + devicesCursor + "\"}"), "another workspace's");
    assertBadCursor(TestStack.post("/devices/list", TestStack.KEY_1, "{\"page_cursor\":\"" + codesCursor + "\"}"), "a codes cursor");
    assertBadCursor(TestStack.post("/access_codes/list", TestStack.KEY_1, "{\"device_id\":\"" + door + "\",\"search\":\"T\",\"page_cursor\":\""
        + codesCursor + "\"}"), "codes, other search");
    // The same filters with another limit: the cursor is good.
    assertThat(TestStack.post("/devices/list", TestStack.KEY_1, "{\"limit\":2,\"page_cursor\":\"" + devicesCursor + "\"}").status()).isEqualTo(200);
  }
}
