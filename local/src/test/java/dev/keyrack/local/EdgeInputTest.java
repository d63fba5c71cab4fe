package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Inputs at the edges of what parses: each gets a 400 in the Seam error envelope and writes
 * nothing (the contract suite's bad-input battery covers the common cases).
 */
class EdgeInputTest {
  static void assertRefused(TestStack.Response r, String what) {
    assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
    assertThat(r.body().path("ok").asBoolean(true)).as(what).isFalse();
    assertThat(r.body().at("/error/type").asText()).as(what).isNotBlank();
  }

  /** A create on the shared August lock: {@code fields} are the body's fields after its device_id. */
  static TestStack.Response createOnAugust(String fields) {
    return TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":\"" + TestStack.AUGUST_1 + "\"," + fields);
  }

  /**
   * The ids of the codes listed on the shared August lock. Compared as sets, not counted: another
   * test's deleted code may leave the list in the meantime, as its removal from the lock ends.
   */
  static java.util.Set<String> codesOnAugust() {
    java.util.Set<String> ids = new java.util.HashSet<>();
    TestStack.call("GET", "/access_codes/list?device_id=" + TestStack.AUGUST_1, TestStack.KEY_1, null).body()
        .path("access_codes").forEach(c -> ids.add(c.path("access_code_id").asText()));
    return ids;
  }

  @Test
  void aTimestampBeyondYear9999IsRefused() {
    java.util.Set<String> before = codesOnAugust();
    assertRefused(createOnAugust("\"name\":\"Far\","
        + "\"starts_at\":\"+10000-01-01T00:00:00Z\",\"ends_at\":\"+10000-01-02T00:00:00Z\"}"), "year 10000");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
    // The message names the bounds as they are checked (a review found "between 1970 and 9999" refusing 9999's last second).
    TestStack.Response beyond = createOnAugust("\"name\":\"Far\","
        + "\"starts_at\":\"9999-12-30T00:00:00Z\",\"ends_at\":\"9999-12-31T23:59:59.500Z\"}");
    assertRefused(beyond, "after the last whole second of 9999");
    assertThat(beyond.body().at("/error/message").asText()).contains("9999-12-31T23:59:59Z");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
    TestStack.Response last = createOnAugust("\"name\":\"Far\","
        + "\"starts_at\":\"9999-12-30T00:00:00Z\",\"ends_at\":\"9999-12-31T23:59:59Z\"}");
    assertThat(last.status()).as(last.body().toString()).isEqualTo(200);
    assertThat(last.body().at("/access_code/ends_at").asText()).startsWith("9999-12-31T23:59:59");
    String id = last.body().at("/access_code/access_code_id").asText();
    assertThat(TestStack.post("/access_codes/delete", TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}").status())
        .isEqualTo(200);
  }

  /**
   * An update naming another device than its code's is refused as a move (a 400 on device_id), not
   * answered as a code not found: the code is there, and stays as it was. Its own device is fine.
   */
  @Test
  void anUpdateCannotMoveACodeToAnotherDevice() {
    TestStack.Response made = createOnAugust("\"name\":\"Stays here\"}");
    assertThat(made.status()).as(made.body().toString()).isEqualTo(200);
    String id = made.body().at("/access_code/access_code_id").asText();
    String yale = "e64484c1-1dd8-37bc-9d4d-7fda0287bb51"; // workspace 1's Yale lock
    assertThat(TestStack.call("GET", "/devices/get?device_id=" + yale, TestStack.KEY_1, null).status()).isEqualTo(200);
    TestStack.Response moved = TestStack.post("/access_codes/update", TestStack.KEY_1, "{\"access_code_id\":\"" + id
        + "\",\"device_id\":\"" + yale + "\",\"name\":\"Moved\"}");
    assertRefused(moved, "another device");
    assertThat(moved.body().at("/error/validation_errors/device_id/_errors/0").asText()).contains("cannot be moved");
    TestStack.Response kept = TestStack.call("GET", "/access_codes/get?access_code_id=" + id, TestStack.KEY_1, null);
    assertThat(kept.body().at("/access_code/name").asText()).isEqualTo("Stays here");
    assertThat(kept.body().at("/access_code/device_id").asText()).isEqualTo(TestStack.AUGUST_1);
    TestStack.Response own = TestStack.post("/access_codes/update", TestStack.KEY_1, "{\"access_code_id\":\"" + id
        + "\",\"device_id\":\"" + TestStack.AUGUST_1 + "\",\"name\":\"Renamed\"}");
    assertThat(own.status()).as(own.body().toString()).isEqualTo(200);
    TestStack.await("the code deleted", java.time.Duration.ofSeconds(20), () -> TestStack.post("/access_codes/delete",
        TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}").status() == 200);
  }

  /** A lone surrogate in a name would be stored as '?': refused instead, on create and update. */
  @Test
  void aNameWithHalfASurrogatePairIsRefused() {
    java.util.Set<String> before = codesOnAugust();
    TestStack.Response r = createOnAugust("\"name\":\"Guest \\ud800\"}");
    assertRefused(r, "lone high surrogate");
    assertThat(r.body().at("/error/validation_errors/name/_errors/0").asText()).contains("Unicode");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
    TestStack.Response ok = createOnAugust("\"name\":\"Guest \\ud83d\\udd11\"}");
    assertThat(ok.status()).as("a whole pair (an emoji) is fine: " + ok.body()).isEqualTo(200);
    assertThat(ok.body().at("/access_code/name").asText()).isEqualTo("Guest \ud83d\udd11");
    String id = ok.body().at("/access_code/access_code_id").asText();
    assertRefused(TestStack.post("/access_codes/update", TestStack.KEY_1, "{\"access_code_id\":\"" + id
        + "\",\"name\":\"\\udc00 trailing\"}"), "lone low surrogate on update");
    // (cleanup: a 409 while the worker stores the code as set; retried)
    TestStack.await("the code deleted", java.time.Duration.ofSeconds(20), () -> TestStack.post("/access_codes/delete",
        TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}").status() == 200);
    TestStack.await("the code off the lock", java.time.Duration.ofSeconds(20), () -> !codesOnAugust().contains(id));
  }

  @Test
  void trailingContentAfterTheJsonBodyIsMalformed() {
    java.util.Set<String> before = codesOnAugust();
    assertRefused(createOnAugust("\"name\":\"Trailing\",\"code\":\"8642\"} {\"more\":1}"), "trailing JSON");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
  }

  /** Valid JSON past the parser's depth limit is refused for that, not called invalid JSON (a review's finding). */
  @Test
  void aBodyNestedTooDeeplyIsRefusedAsSuch() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    TestStack.Response r = createOnAugust("\"name\":\"Deep\",\"custom\":" + deep + "}");
    assertRefused(r, "5000 levels");
    assertThat(r.body().at("/error/message").asText()).contains("nested too deeply").doesNotContain("not valid JSON");
    TestStack.Response broken = TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":");
    assertThat(broken.body().at("/error/message").asText()).contains("not valid JSON");
  }

  /** A field given twice is ambiguous (which lock?): refused, nothing created, the PIN not quoted. */
  @Test
  void aFieldGivenTwiceIsRefused() {
    java.util.Set<String> before = codesOnAugust();
    TestStack.Response r = createOnAugust("\"name\":\"Twice\",\"code\":\"8642\",\"code\":\"9753\"}");
    assertRefused(r, "code twice");
    assertThat(r.body().at("/error/message").asText()).contains("twice").doesNotContain("8642").doesNotContain("9753");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
  }

  /** A field in both the query string and the body is as ambiguous: refused, nothing created, neither value quoted. */
  @Test
  void aFieldInTheQueryAndTheBodyIsRefused() {
    java.util.Set<String> before = codesOnAugust();
    TestStack.Response r = TestStack.post("/access_codes/create?code=8642", TestStack.KEY_1, "{\"device_id\":\""
        + TestStack.AUGUST_1 + "\",\"name\":\"Both\",\"code\":\"9753\"}");
    assertRefused(r, "code in the query and the body");
    assertThat(r.body().at("/error/message").asText()).contains("code is given both").doesNotContain("8642").doesNotContain("9753");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
    // the SDK's _strict in the query string, and fields split between the two, are fine
    TestStack.Response ok = TestStack.post("/access_codes/create?_strict=true&name=Split", TestStack.KEY_1,
        "{\"device_id\":\"" + TestStack.AUGUST_1 + "\"}");
    assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
    assertThat(ok.body().at("/access_code/name").asText()).isEqualTo("Split");
    String id = ok.body().at("/access_code/access_code_id").asText();
    TestStack.await("the code deleted", java.time.Duration.ofSeconds(20), () -> TestStack.post("/access_codes/delete",
        TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}").status() == 200);
    TestStack.await("the code off the lock", java.time.Duration.ofSeconds(20), () -> !codesOnAugust().contains(id));
  }

  @Test
  void aMalformedPercentEscapeInTheQueryIsRefusedNotAServerError() throws Exception {
    // java.net.http refuses to send such a URL, so this one goes over a plain socket.
    java.net.URI endpoint = TestStack.get().endpoint();
    try (java.net.Socket socket = new java.net.Socket(endpoint.getHost(), endpoint.getPort())) {
      socket.setSoTimeout(10_000);
      String request = "GET /access_codes/list?device_id=%zz HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\n"
          + "Authorization: Bearer " + TestStack.KEY_1 + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      // The JDK's HTTP server refuses the request line itself (before the gateway sees it): a 400, never a 5xx.
      assertThat(response).startsWith("HTTP/1.1 400");
    }
  }

  /** {@code between} is read as {@code since} is: a time outside 1970-9999 is a 400 (it was a 500, an overflow). */
  @Test
  void aBetweenOutsideTheTimestampRangeIsRefused() {
    for (String between : new String[] {"[\"2020-01-01T00:00:00Z\",\"+999999999-12-31T23:59:59Z\"]",
        "[\"-999999999-01-01T00:00:00Z\",\"2030-01-01T00:00:00Z\"]", "[\"2020-01-01T00:00:00Z\"]", "[\"soon\",\"later\"]"}) {
      TestStack.Response r = TestStack.post("/events/list", TestStack.KEY_1, "{\"between\":" + between + "}");
      assertRefused(r, "between " + between);
      assertThat(r.body().at("/error/validation_errors/between/_errors/0").asText()).as(between).isNotBlank();
    }
    assertRefused(TestStack.call("GET", "/events/list?between=2020-01-01T00:00:00Z&between=%2B999999999-12-31T23:59:59Z",
        TestStack.KEY_1, null), "between in the query");
    assertThat(TestStack.post("/events/list", TestStack.KEY_1,
        "{\"between\":[\"2020-01-01T00:00:00Z\",\"9999-12-31T00:00:00Z\"],\"limit\":1}").status()).isEqualTo(200);
  }

  /** An event type not in the OpenAPI document's enum is refused (it listed nothing, 200); one Keyrack never emits lists nothing. */
  @Test
  void anUnknownEventTypeIsRefusedAndAKnownOneKeyrackNeverEmitsListsNothing() {
    TestStack.Response one = TestStack.call("GET", "/events/list?event_type=bogus", TestStack.KEY_1, null);
    assertRefused(one, "event_type bogus");
    assertThat(one.body().at("/error/validation_errors/event_type/_errors/0").asText()).isNotBlank();
    assertRefused(TestStack.post("/events/list", TestStack.KEY_1, "{\"event_types\":[\"access_code.set_on_device\",\"nope\"]}"),
        "event_types with one unknown");
    TestStack.Response known = TestStack.post("/events/list", TestStack.KEY_1, "{\"event_type\":\"lock.unlocked\"}");
    assertThat(known.status()).isEqualTo(200);
    assertThat(known.body().path("events").size()).isZero();
    assertThat(TestStack.post("/events/list", TestStack.KEY_1, "{\"event_types\":[\"access_code.created\",\"access_code.deleted\"]}")
        .status()).isEqualTo(200);
  }

  /** A query parameter given twice is refused as such (it was read as one value, joined by the gateway, and refused as too long). */
  @Test
  void aQueryParameterGivenTwiceIsRefusedForThat() {
    String a = java.util.UUID.randomUUID().toString(), b = java.util.UUID.randomUUID().toString();
    TestStack.Response r = TestStack.call("GET", "/access_codes/list?device_id=" + a + "&device_id=" + b, TestStack.KEY_1, null);
    assertRefused(r, "device_id twice");
    assertThat(r.body().at("/error/message").asText()).contains("more than once");
    assertThat(TestStack.call("GET", "/events/list?access_code_ids=" + a + "&access_code_ids=" + b + "&limit=1", TestStack.KEY_1,
        null).status()).as("a list parameter may repeat").isEqualTo(200);
  }

  /** Times are kept to the millisecond: a window shorter than that would be kept empty, so it is refused. */
  @Test
  void aWindowShorterThanAMillisecondIsRefused() {
    java.util.Set<String> before = codesOnAugust();
    TestStack.Response r = createOnAugust("\"name\":\"Blink\","
        + "\"starts_at\":\"2027-01-01T00:00:00.0001Z\",\"ends_at\":\"2027-01-01T00:00:00.0002Z\"}");
    assertRefused(r, "a 0.1 ms window");
    assertThat(r.body().at("/error/message").asText()).contains("ends_at");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
  }

  /** Names are counted in characters (an emoji is one) and may not carry control characters. */
  @Test
  void aNameIsCountedInCharactersAndRefusesControlCharacters() {
    java.util.Set<String> before = codesOnAugust();
    for (String name : new String[] {"Guest\\u0000", "Back\\bspace", "Esc\\u001b[2J", "Del\\u007f", "C1\\u0085"}) {
      TestStack.Response r = createOnAugust("\"name\":\"" + name + "\"}");
      assertRefused(r, name);
      assertThat(r.body().at("/error/validation_errors/name/_errors/0").asText()).as(name).contains("control characters");
    }
    String key = "\\ud83d\\udd11";
    TestStack.Response tooLong = createOnAugust("\"name\":\"" + key.repeat(201) + "\"}");
    assertRefused(tooLong, "201 emoji");
    assertThat(tooLong.body().at("/error/message").asText()).contains("at most 200 characters");
    TestStack.Response longAscii = createOnAugust("\"name\":\"" + "x".repeat(450) + "\"}");
    assertRefused(longAscii, "450 letters");
    assertThat(longAscii.body().at("/error/message").asText()).contains("at most 200 characters");
    assertThat(codesOnAugust()).as("no code written").isSubsetOf(before);
    TestStack.Response ok = createOnAugust("\"name\":\"" + key.repeat(199) + "\\t\"}");
    assertThat(ok.status()).as("199 emoji and a tab are 200 characters (a tab, as a line break, is kept): " + ok.body())
        .isEqualTo(200);
    assertThat(ok.body().at("/access_code/name").asText()).isEqualTo("\ud83d\udd11".repeat(199) + "\t");
    String id = ok.body().at("/access_code/access_code_id").asText();
    assertThat(TestStack.post("/access_codes/delete", TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}").status()).isEqualTo(200);
    TestStack.await("the code off the lock", java.time.Duration.ofSeconds(20), () -> !codesOnAugust().contains(id));
  }
}
