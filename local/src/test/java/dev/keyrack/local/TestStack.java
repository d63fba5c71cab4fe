package dev.keyrack.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * One local stack for the whole test JVM (started on first use, stopped at exit), with the API
 * keys the sample events in events/ carry, and zero simulated lock latency.
 */
public final class TestStack {
  public static final String KEY_1 = "seam_sandbox_key_workspace_1";
  public static final String KEY_2 = "seam_sandbox_key_workspace_2";
  /** The August lock of workspace 1: the device the sample events name. */
  public static final String AUGUST_1 = "775b495d-7220-3a19-b3d2-08dbdffda9cb";

  private static LocalStack stack;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestStack() {}

  public static synchronized LocalStack get() {
    if (stack == null) {
      try {
        // Fast retries so failure paths finish in seconds. The per-device guardrails are lifted: this
        // stack is shared by every test class that uses it, and together they make more codes on one
        // seeded lock within a minute than one client may; GuardrailsTest checks the deployed limits
        // on a stack of its own.
        stack = LocalStack.start(LocalStack.Options.defaults().withKeys(KEY_1, KEY_2)
            .withParameters(java.util.Map.of("RetryBaseSeconds", "1", "RetryMaxSeconds", "2",
                "DeviceCreatesPerMinute", "1000000", "DeviceUpdatesPerMinute", "1000000", "DeviceDeletesPerMinute", "1000000")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
    }
    return stack;
  }

  public static Path repo() {
    return Template.locate(Path.of("")).getParent();
  }

  public static Path event(String name) {
    return repo().resolve("events").resolve(name);
  }

  /** A response: status and parsed body. */
  public record Response(int status, JsonNode body) {}

  public static Response call(String method, String path, String key, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(get().endpoint() + path)).timeout(Duration.ofSeconds(20));
    if (key != null) b.header("Authorization", "Bearer " + key);
    if (body != null) b.header("content-type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Response post(String path, String key, String body) {
    return call("POST", path, key, body);
  }

  /** Polls until the condition holds; fails with the message after the deadline. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) return;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }

  /**
   * An assertion that holds within a few seconds: a change's event item is written just after the
   * change itself (DynamoStore), so a test that saw the change may look a moment too early for its
   * events. The last failure is thrown if it never holds.
   */
  public static void eventually(Runnable assertion) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > end) throw e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
