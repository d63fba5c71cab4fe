package dev.keyrack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.json.Json;
import dev.keyrack.local.Instrumentation;
import dev.keyrack.local.LocalStack;
import dev.keyrack.local.QueuePoller;
import dev.keyrack.local.Template;
import dev.keyrack.ports.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A local stack started for a benchmark, in this JVM on free ports with zero sandbox latency: its
 * SDK clients carry an {@link AwsCallCounter}, its invocations are watched by an
 * {@link InvocationLog}, and the benchmark looks at the table through a client of its own, so
 * that watching never shows up in the counts.
 */
final class BenchStack implements AutoCloseable {
  final LocalStack stack;
  final AwsCallCounter counter;
  final InvocationLog invocations;
  final Store observer;
  private final DynamoDbClient observerClient;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private BenchStack(LocalStack stack, AwsCallCounter counter, InvocationLog invocations, DynamoDbClient observerClient) {
    this.stack = stack;
    this.counter = counter;
    this.invocations = invocations;
    this.observerClient = observerClient;
    this.observer = new DynamoStore(observerClient, table());
  }

  /**
   * @param sizeTransactions look up stored items to price transactional writes exactly (one extra
   *                         uncounted read per item written; leave off for load runs)
   */
  static BenchStack start(Path repo, Clock clock, int pollers, Map<String, String> parameters, boolean sizeTransactions)
      throws IOException {
    logToFile(repo.resolve("bench/target/bench-functions.log"));
    InvocationLog invocations = new InvocationLog();
    // The observer's client is built before the stack and pointed at it once it is up.
    DynamoDbClient[] observer = new DynamoDbClient[1];
    AwsCallCounter.ItemSizer sizer = !sizeTransactions ? AwsCallCounter.ItemSizer.NONE : (table, key) -> {
      var item = observer[0] == null ? null : observer[0].getItem(b -> b.tableName(table).key(key).consistentRead(true));
      return item == null || !item.hasItem() ? 0 : ItemSize.bytes(item.item());
    };
    AwsCallCounter counter = new AwsCallCounter(invocations::currentFunction, AwsCallCounter::isLockMemory, sizer);
    LocalStack stack = LocalStack.start(LocalStack.Options.defaults().withTemplate(repo.resolve("template.yaml"))
        .withClock(clock).withPollers(pollers).withLatencyScale(0).withParameters(parameters)
        .withInstrumentation(new Instrumentation(List.of(counter), invocations)));
    observer[0] = DynamoDbClient.builder().endpointOverride(stack.engines().dynamoEndpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create()).build();
    return new BenchStack(stack, counter, invocations, observer[0]);
  }

  /** The functions log as in Lambda, into a file instead of over the tables (see log4j2-bench.xml). */
  static void logToFile(Path file) {
    System.setProperty("keyrack.bench.log", file.toAbsolutePath().toString());
    try {
      org.apache.logging.log4j.core.config.Configurator.reconfigure(BenchStack.class.getResource("/log4j2-bench.xml").toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  Template.Function apiFunction() {
    return stack.template().functions().stream().filter(f -> !f.routes().isEmpty()).findFirst().orElseThrow();
  }

  Template.Function workerFunction() {
    return stack.template().functions().stream().filter(f -> !f.queueTriggers().isEmpty()).findFirst().orElseThrow();
  }

  /** The function one-time schedules fire: neither the API, the queue worker, nor the rate-scheduled sweep. */
  Template.Function programmerFunction() {
    return stack.template().functions().stream()
        .filter(f -> f.routes().isEmpty() && f.queueTriggers().isEmpty() && f.schedules().isEmpty())
        .findFirst().orElseThrow();
  }

  Template.Function function(String id) {
    return stack.template().functions().stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
  }

  DynamoDbClient observerClient() {
    return observerClient;
  }

  String table() {
    return stack.wiring(apiFunction().id()).require("TABLE_NAME");
  }

  UUID workspace() {
    return stack.devices().get(0).workspaceId();
  }

  AccessCode code(UUID id) {
    return observer.accessCode(workspace(), id).orElse(null);
  }

  /** POSTs JSON to the API with workspace 1's key; the parsed response, which must not be a 5xx. */
  JsonNode post(String path, String body) {
    return call("POST", path, body);
  }

  JsonNode call(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.endpoint() + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + stack.apiKey()).header("content-type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 500) throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      sleep(10);
    }
  }

  /**
   * Waits until the stack has gone quiet: no invocation running, no poller holding a batch, and no
   * new SDK call or invocation (idle long polls aside) for {@code quietMillis}.
   */
  void quiesce(long quietMillis) {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    long since = System.nanoTime();
    while (System.nanoTime() < end) {
      boolean busy = invocations.running() > 0 || stack.pollers().stream().anyMatch(QueuePoller::busy);
      String now = counter.total().totalCalls() + "/" + invocations.count() + "/" + busy;
      if (!now.equals(last)) {
        last = now;
        since = System.nanoTime();
      } else if (!busy && System.nanoTime() - since >= quietMillis * 1_000_000) {
        return;
      }
      sleep(10);
    }
    throw new IllegalStateException("the local stack did not go quiet within 60 s");
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    observerClient.close();
    stack.close();
  }
}
