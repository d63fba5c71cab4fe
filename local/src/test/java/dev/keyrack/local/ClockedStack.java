package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Event;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local stack of its own on a clock the test moves, for tests that let days pass: its store,
 * its sandbox locks, workspace 1, and small helpers to call the API and read codes and events.
 */
final class ClockedStack implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> parameters;
  // Set when the stack starts, before the test class's own @BeforeAll methods run.
  LocalStack stack;
  MutableClock clock;
  Store store;
  SandboxLockProvider locks;
  UUID ws;
  private final HttpClient http = HttpClient.newHttpClient();

  /** An API answer: status and parsed body. */
  record Answer(int status, JsonNode body) {}

  private ClockedStack(Map<String, String> parameters) {
    this.parameters = Map.copyOf(parameters);
  }

  /**
   * A stack for one test class, with template parameters overridden, started before its tests and
   * closed after them: {@code @RegisterExtension static final ClockedStack env = ClockedStack.of(Map.of());}.
   */
  static ClockedStack of(Map<String, String> parameters) {
    return new ClockedStack(parameters);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    stack = LocalStack.start(LocalStack.Options.defaults().withKeys(TestStack.KEY_1, TestStack.KEY_2).withClock(clock)
        .withParameters(parameters));
    store = stack.wiring("ApiFunction").store();
    locks = stack.wiring("ProviderWorkerFunction").sandboxProvider();
    ws = stack.devices().get(0).workspaceId();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Workspace 1's sandbox lock of a brand. */
  Device lock(String type) {
    return stack.devices().stream().filter(d -> d.workspaceId().equals(ws) && d.deviceType().equals(type)).findFirst()
        .orElseThrow();
  }

  /** POST with workspace 1's key; never a 5xx. */
  Answer call(String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.endpoint() + path))
        .header("Authorization", "Bearer " + TestStack.KEY_1).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + body + " -> " + r.body()).isLessThan(500);
    return new Answer(r.statusCode(), Json.MAPPER.readTree(r.body()));
  }

  private int seeded;

  /** A sandbox lock of workspace 1 that no other test of this stack uses (a new one each call). */
  synchronized Device freshLock(String type) {
    seeded++;
    return stack.seedExtraLocks(type, seeded).get(seeded - 1);
  }

  AccessCode code(UUID id) {
    return store.accessCode(ws, id).orElse(null);
  }

  /** The code's event types, oldest first. */
  List<String> events(UUID id) {
    return store.events(ws, new Store.EventQuery(null, id, null, null, null, 200)).stream().map(Event::eventType)
        .toList().reversed();
  }

  @Override
  public void close() {
    if (stack != null) stack.close();
  }
}
