package dev.keyrack.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * API Gateway HTTP API on one port: matches a request against the routes template.yaml declares
 * (method and path, then {@code $default}), turns it into a payload-v2 event exactly as API
 * Gateway does (lower-cased headers, repeated query names joined by commas), invokes the
 * function's handler, and writes its response back.
 */
public final class HttpGateway implements AutoCloseable {
  /** One routed function. */
  public record Target(Template.Function function, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {}

  private static final int MAX_BODY = 10 * 1024 * 1024; // API Gateway's own payload limit

  private final HttpServer server;
  private final ExecutorService pool;
  private final Map<String, Target> routes = new LinkedHashMap<>();
  private Target defaultRoute;

  public HttpGateway(String host, int port, List<Target> targets, java.util.function.Function<Template.Function, Context> context)
      throws IOException {
    for (Target t : targets) {
      for (Template.HttpRoute r : t.function().routes()) {
        if (r.path().equals("$default")) defaultRoute = t;
        else routes.put(r.method() + " " + r.path(), t);
      }
    }
    this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
    // As many requests at once as a burst from a client brings (Lambda scales out per request), not one per core.
    this.pool = Executors.newFixedThreadPool(Math.max(32, Runtime.getRuntime().availableProcessors() * 4));
    server.setExecutor(pool);
    server.createContext("/", exchange -> {
      try (exchange) {
        handle(exchange, context);
      } catch (RuntimeException | IOException e) {
        System.err.println("local gateway: " + e.getClass().getSimpleName() + " while serving " + exchange.getRequestURI().getPath());
      }
    });
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex, java.util.function.Function<Template.Function, Context> contextFor) throws IOException {
    String method = ex.getRequestMethod().toUpperCase();
    String path = ex.getRequestURI().getRawPath();
    Target target = routes.get(method + " " + path);
    String routeKey = method + " " + path;
    if (target == null) {
      target = routes.get("ANY " + path);
    }
    if (target == null && defaultRoute != null) {
      target = defaultRoute;
      routeKey = "$default";
    }
    if (target == null) {
      write(ex, 404, "{\"message\":\"Not Found\"}");
      return;
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      write(ex, 413, "{\"message\":\"Request Entity Too Large\"}");
      return;
    }
    APIGatewayV2HTTPEvent event = toEvent(ex, method, path, routeKey, body);
    Context ctx = contextFor.apply(target.function());
    APIGatewayV2HTTPResponse response;
    try {
      response = target.handler().handleRequest(event, ctx);
    } catch (RuntimeException e) {
      // What API Gateway answers when the integration fails.
      System.err.println("local gateway: function " + target.function().id() + " threw " + e.getClass().getName());
      write(ex, 500, "{\"message\":\"Internal Server Error\"}");
      return;
    }
    if (response.getHeaders() != null) response.getHeaders().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("apigw-requestid", event.getRequestContext().getRequestId());
    write(ex, response.getStatusCode(), response.getBody() == null ? "" : response.getBody());
  }

  static APIGatewayV2HTTPEvent toEvent(HttpExchange ex, String method, String path, String routeKey, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
    String rawQuery = ex.getRequestURI().getRawQuery();
    Map<String, String> query = null;
    if (rawQuery != null && !rawQuery.isEmpty()) {
      query = new LinkedHashMap<>();
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        query.merge(k, v, (a, b) -> a + "," + b);
      }
    }
    String contentType = headers.getOrDefault("content-type", "");
    boolean text = body.length == 0 || contentType.isEmpty() || contentType.contains("json") || contentType.startsWith("text/");
    String requestId = UUID.randomUUID().toString();
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey(routeKey)
        .withRawPath(path)
        .withRawQueryString(rawQuery == null ? "" : rawQuery)
        .withHeaders(headers)
        .withQueryStringParameters(query)
        .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8)
            : java.util.Base64.getEncoder().encodeToString(body))
        .withIsBase64Encoded(!text)
        .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
            .withRequestId(requestId)
            .withRouteKey(routeKey)
            .withStage("$default")
            .withTimeEpoch(Instant.now().toEpochMilli())
            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                .withProtocol("HTTP/1.1").withSourceIp(ex.getRemoteAddress().getAddress().getHostAddress())
                .withUserAgent(headers.getOrDefault("user-agent", "")).build())
            .build())
        .build();
  }

  private static void write(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!ex.getResponseHeaders().containsKey("content-type")) ex.getResponseHeaders().add("content-type", "application/json");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  /** Percent-decodes a query part; a malformed escape is passed on as written (the API then refuses the value). */
  private static String decode(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return part;
    }
  }
}
