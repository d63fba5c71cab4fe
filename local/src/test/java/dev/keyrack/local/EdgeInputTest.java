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

  static int codesOnAugust() {
    return TestStack.call("GET", "/access_codes/list?device_id=" + TestStack.AUGUST_1, TestStack.KEY_1, null).body()
        .path("access_codes").size();
  }

  @Test
  void aTimestampBeyondYear9999IsRefused() {
    int before = codesOnAugust();
    assertRefused(TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":\"" + TestStack.AUGUST_1
        + "\",\"name\":\"Far\",\"starts_at\":\"+10000-01-01T00:00:00Z\",\"ends_at\":\"+10000-01-02T00:00:00Z\"}"), "year 10000");
    assertThat(codesOnAugust()).isEqualTo(before);
  }

  /** A lone surrogate in a name would be stored as '?': refused instead, on create and update. */
  @Test
  void aNameWithHalfASurrogatePairIsRefused() {
    int before = codesOnAugust();
    TestStack.Response r = TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":\"" + TestStack.AUGUST_1
        + "\",\"name\":\"Guest \\ud800\"}");
    assertRefused(r, "lone high surrogate");
    assertThat(r.body().at("/error/validation_errors/name/_errors/0").asText()).contains("Unicode");
    assertThat(codesOnAugust()).isEqualTo(before);
    TestStack.Response ok = TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":\"" + TestStack.AUGUST_1
        + "\",\"name\":\"Guest \\ud83d\\udd11\"}");
    assertThat(ok.status()).as("a whole pair (an emoji) is fine: " + ok.body()).isEqualTo(200);
    assertThat(ok.body().at("/access_code/name").asText()).isEqualTo("Guest \ud83d\udd11");
    String id = ok.body().at("/access_code/access_code_id").asText();
    assertRefused(TestStack.post("/access_codes/update", TestStack.KEY_1, "{\"access_code_id\":\"" + id
        + "\",\"name\":\"\\udc00 trailing\"}"), "lone low surrogate on update");
    // (cleanup: a 409 while the worker stores the code as set; retried)
    TestStack.await("the code deleted", java.time.Duration.ofSeconds(20), () -> TestStack.post("/access_codes/delete",
        TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}").status() == 200);
    TestStack.await("the code off the lock", java.time.Duration.ofSeconds(20), () -> codesOnAugust() == before);
  }

  @Test
  void trailingContentAfterTheJsonBodyIsMalformed() {
    int before = codesOnAugust();
    assertRefused(TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":\"" + TestStack.AUGUST_1
        + "\",\"name\":\"Trailing\",\"code\":\"8642\"} {\"more\":1}"), "trailing JSON");
    assertThat(codesOnAugust()).isEqualTo(before);
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
}
