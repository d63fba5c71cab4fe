package dev.keyrack.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keyrack.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small emulator of the EventBridge Scheduler API (REST-JSON, as the AWS SDK v2 SchedulerClient
 * speaks it): schedule groups and one-time {@code at(...)} schedules. When a schedule comes due on
 * the stack's clock it invokes the target function in process with the schedule's input, retries
 * per the retry policy ({@code MaximumRetryAttempts}, and {@code MaximumEventAgeInSeconds} counted
 * from the schedule's moment), then hands what keeps failing to the dead-letter queue its
 * {@code DeadLetterConfig} names (dropped, as Scheduler does, when it names none) and keeps it in
 * {@link #deadLettered()}; and honours {@code ActionAfterCompletion: DELETE}. A target that throws
 * counts as a failed invocation. (On AWS, Scheduler invokes a Lambda function asynchronously: an
 * error the function returns is retried by Lambda and lands in the function's own dead-letter
 * queue, which template.yaml points at the same queue; here both paths end in that queue.) Schedules are kept in a file when the stack has a data
 * directory, so they survive a restart. Every request is recorded for tests to inspect.
 */
public final class SchedulerEmulator implements AutoCloseable {
  private static final Pattern SCHEDULE = Pattern.compile("^/schedules/([^/]+)$");
  private static final Pattern GROUP = Pattern.compile("^/schedule-groups/([^/]+)$");
  private static final Pattern AT = Pattern.compile("^at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)$");

  /** A request as the SDK sent it. */
  public record Recorded(String method, String path, Map<String, String> query, JsonNode body) {}

  /** A stored schedule (the CreateSchedule body plus bookkeeping). */
  public record Schedule(String name, String group, JsonNode definition, Instant due, int attempts, Instant nextTry,
                         Instant created) {}

  private final HttpServer server;
  private final Clock clock;
  private final Path file;
  private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();
  private final Map<String, Instant> groups = new ConcurrentHashMap<>();
  private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
  private final Map<String, Function<byte[], Object>> targets = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker;
  /** A fire that kept failing: what Scheduler puts in the dead-letter queue, and where. */
  public record DeadLettered(String schedule, String group, String input, String deadLetterArn, int attempts,
                             String errorCode, Instant at) {}

  private final List<DeadLettered> deadLettered = new CopyOnWriteArrayList<>();
  private java.util.function.BiConsumer<String, DeadLettered> deadLetter = (arn, d) -> { };
  private volatile int fired;

  public SchedulerEmulator(Clock clock, Path dataDir) throws IOException {
    this.clock = clock;
    this.file = dataDir == null ? null : dataDir.resolve("schedules.json");
    load();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> daemon(r, "scheduler-api")));
    server.createContext("/", ex -> {
      try (ex) {
        handle(ex);
      } catch (RuntimeException e) {
        respond(ex, 500, "InternalServerException", "{\"Message\":\"" + e.getClass().getSimpleName() + "\"}");
      }
    });
    server.start();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "scheduler-fire"));
    ticker.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Where a target ARN leads: a function invoked in process, handed the schedule's {@code Input}
   * as the invocation's payload bytes (UTF-8), as Scheduler hands it to Lambda: not parsed here.
   */
  public void target(String arn, Function<byte[], Object> invoke) {
    targets.put(arn, invoke);
  }

  /** Where dead-lettered fires go: called with the schedule's dead-letter queue ARN and the fire. */
  public void deadLetter(java.util.function.BiConsumer<String, DeadLettered> sink) {
    this.deadLetter = sink;
  }

  /** Every fire given up on since the emulator started (sent to its dead-letter queue, or dropped if it had none). */
  public List<DeadLettered> deadLettered() {
    return List.copyOf(deadLettered);
  }

  public List<Recorded> recorded() {
    return List.copyOf(recorded);
  }

  public Map<String, Schedule> schedules() {
    return Map.copyOf(schedules);
  }

  public int fired() {
    return fired;
  }

  // ------------------------------------------------------------------ API

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    byte[] raw = ex.getRequestBody().readAllBytes();
    JsonNode body = raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(raw);
    recorded.add(new Recorded(method, path, query, body));
    Matcher g = GROUP.matcher(path);
    if (g.matches()) {
      String name = decode(g.group(1));
      if (method.equals("POST")) {
        if (groups.putIfAbsent(name, clock.instant()) != null) {
          respond(ex, 409, "ConflictException", "{\"Message\":\"Schedule group " + name + " already exists.\"}");
          return;
        }
        save();
        respond(ex, 200, null, "{\"ScheduleGroupArn\":\"" + groupArn(name) + "\"}");
      } else {
        respond(ex, 200, null, "{\"Arn\":\"" + groupArn(name) + "\",\"Name\":\"" + name + "\",\"State\":\"ACTIVE\"}");
      }
      return;
    }
    Matcher m = SCHEDULE.matcher(path);
    if (!m.matches()) {
      respond(ex, 404, "ResourceNotFoundException", "{\"Message\":\"No such operation: " + method + " " + path + "\"}");
      return;
    }
    String name = decode(m.group(1));
    String group = method.equals("POST") || method.equals("PUT")
        ? textOr(body.get("GroupName"), "default") : query.getOrDefault("groupName", "default");
    String key = group + "/" + name;
    switch (method) {
      case "POST", "PUT" -> {
        if (!groups.containsKey(group) && !group.equals("default")) {
          respond(ex, 404, "ResourceNotFoundException", "{\"Message\":\"Schedule group " + group + " does not exist.\"}");
          return;
        }
        if (method.equals("POST") && schedules.containsKey(key)) {
          respond(ex, 409, "ConflictException", "{\"Message\":\"Schedule " + name + " already exists.\"}");
          return;
        }
        if (method.equals("PUT") && !schedules.containsKey(key)) {
          respond(ex, 404, "ResourceNotFoundException", "{\"Message\":\"Schedule " + name + " does not exist.\"}");
          return;
        }
        Instant due;
        try {
          due = due(body);
        } catch (IllegalArgumentException e) {
          respond(ex, 400, "ValidationException", "{\"Message\":\"" + e.getMessage() + "\"}");
          return;
        }
        schedules.put(key, new Schedule(name, group, body, due, 0, due, clock.instant()));
        save();
        respond(ex, 200, null, "{\"ScheduleArn\":\"" + scheduleArn(group, name) + "\"}");
      }
      case "DELETE" -> {
        if (schedules.remove(key) == null) {
          respond(ex, 404, "ResourceNotFoundException", "{\"Message\":\"Schedule " + name + " does not exist.\"}");
          return;
        }
        save();
        respond(ex, 200, null, "{}");
      }
      case "GET" -> {
        Schedule s = schedules.get(key);
        if (s == null) {
          respond(ex, 404, "ResourceNotFoundException", "{\"Message\":\"Schedule " + name + " does not exist.\"}");
          return;
        }
        ObjectNode out = s.definition().deepCopy();
        out.put("Arn", scheduleArn(group, name));
        out.put("Name", name);
        out.put("GroupName", group);
        out.put("State", textOr(s.definition().get("State"), "ENABLED"));
        out.put("CreationDate", s.created().getEpochSecond());
        respond(ex, 200, null, Json.write(out));
      }
      default -> respond(ex, 405, "ValidationException", "{\"Message\":\"method not allowed\"}");
    }
  }

  /** The moment an {@code at(...)} expression names, in its time zone. Other expressions are refused. */
  static Instant due(JsonNode body) {
    String expr = textOr(body.get("ScheduleExpression"), "");
    Matcher at = AT.matcher(expr);
    if (!at.matches()) throw new IllegalArgumentException("only one-time at(yyyy-mm-ddThh:mm:ss) schedules are emulated, got " + expr);
    ZoneId zone = ZoneId.of(textOr(body.get("ScheduleExpressionTimezone"), "UTC"));
    return LocalDateTime.parse(at.group(1), DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(zone).toInstant();
  }

  // ------------------------------------------------------------------ firing

  private void tick() {
    Instant now = clock.instant();
    for (Map.Entry<String, Schedule> e : new ArrayList<>(schedules.entrySet())) {
      Schedule s = e.getValue();
      if (s.nextTry().isAfter(now)) continue;
      JsonNode target = s.definition().get("Target");
      String arn = textOr(target == null ? null : target.get("Arn"), "");
      String input = textOr(target == null ? null : target.get("Input"), "{}");
      Function<byte[], Object> invoke = targets.get(arn);
      boolean ok;
      String error = null;
      try {
        if (invoke == null) throw new IllegalStateException("no function at " + arn);
        invoke.apply(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ok = true;
      } catch (Exception ex) {
        error = ex.getClass().getSimpleName();
        System.err.println("local scheduler: schedule " + s.name() + " failed: " + error);
        ok = false;
      }
      if (ok) {
        fired++;
        if ("DELETE".equals(textOr(s.definition().get("ActionAfterCompletion"), "NONE"))) {
          schedules.remove(e.getKey(), s);
        } else {
          schedules.put(e.getKey(), new Schedule(s.name(), s.group(), s.definition(), s.due(), s.attempts(), Instant.MAX, s.created()));
        }
      } else {
        int max = target != null && target.has("RetryPolicy") ? target.at("/RetryPolicy/MaximumRetryAttempts").asInt(185) : 185;
        long maxAge = target != null && target.has("RetryPolicy")
            ? target.at("/RetryPolicy/MaximumEventAgeInSeconds").asLong(86_400) : 86_400;
        if (s.attempts() >= max || !now.isBefore(s.due().plusSeconds(maxAge))) {
          String dlq = target == null ? null : textOr(target.at("/DeadLetterConfig/Arn"), null);
          if (dlq != null && dlq.isEmpty()) dlq = null;
          DeadLettered d = new DeadLettered(s.name(), s.group(), input, dlq, s.attempts() + 1,
              error == null ? "TargetInvocationFailed" : error, now);
          schedules.remove(e.getKey(), s); // gone before it shows as dead-lettered: a reader never sees both
          deadLettered.add(d);
          System.err.println("local scheduler: schedule " + s.name() + " given up after " + d.attempts() + " attempt(s)"
              + (dlq == null ? "; no dead-letter queue, dropped" : "; sent to its dead-letter queue"));
          if (dlq != null) {
            try {
              deadLetter.accept(dlq, d);
            } catch (RuntimeException sinkFailed) {
              System.err.println("local scheduler: dead-letter queue unreachable: " + sinkFailed.getClass().getSimpleName());
            }
          }
        } else {
          long backoff = Math.min(60, 1L << Math.min(6, s.attempts()));
          schedules.put(e.getKey(), new Schedule(s.name(), s.group(), s.definition(), s.due(), s.attempts() + 1,
              now.plusSeconds(backoff), s.created()));
        }
      }
      save();
    }
  }

  // ------------------------------------------------------------------ persistence and helpers

  private synchronized void save() {
    if (file == null) return;
    try {
      Map<String, Object> state = new HashMap<>();
      state.put("groups", new TreeMap<>(groups));
      state.put("schedules", new TreeMap<>(schedules));
      Path tmp = file.resolveSibling("schedules.json.tmp");
      Files.writeString(tmp, Json.write(state));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      System.err.println("local scheduler: could not save schedules to " + file + ": " + e.getMessage());
    }
  }

  private void load() throws IOException {
    if (file == null || !Files.exists(file)) return;
    JsonNode state = Json.MAPPER.readTree(file.toFile());
    state.path("groups").fields().forEachRemaining(e -> groups.put(e.getKey(), Instant.parse(e.getValue().asText())));
    state.path("schedules").fields().forEachRemaining(e -> schedules.put(e.getKey(),
        Json.MAPPER.convertValue(e.getValue(), Schedule.class)));
  }

  private static String textOr(JsonNode n, String d) {
    return n == null || n.isNull() ? d : n.asText();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) return q;
    for (String p : raw.split("&")) {
      int eq = p.indexOf('=');
      if (eq > 0) q.put(decode(p.substring(0, eq)), decode(p.substring(eq + 1)));
    }
    return q;
  }

  private static String groupArn(String name) {
    return "arn:aws:scheduler:us-east-1:000000000000:schedule-group/" + name;
  }

  private static String scheduleArn(String group, String name) {
    return "arn:aws:scheduler:us-east-1:000000000000:schedule/" + group + "/" + name;
  }

  private static void respond(HttpExchange ex, int status, String errorType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("content-type", "application/json");
    if (errorType != null) ex.getResponseHeaders().add("x-amzn-ErrorType", errorType);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    server.stop(0);
  }
}
