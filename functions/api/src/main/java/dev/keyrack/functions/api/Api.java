package dev.keyrack.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.ApiKeys;
import dev.keyrack.domain.Workspace;
import dev.keyrack.functions.api.routes.AccessCodesCreate;
import dev.keyrack.functions.api.routes.AccessCodesCreateMultiple;
import dev.keyrack.functions.api.routes.AccessCodesUpdateMultiple;
import dev.keyrack.functions.api.routes.AccessCodesDelete;
import dev.keyrack.functions.api.routes.AccessCodesGenerateCode;
import dev.keyrack.functions.api.routes.AccessCodesGet;
import dev.keyrack.functions.api.routes.AccessCodesList;
import dev.keyrack.functions.api.routes.AccessCodesPullBackupAccessCode;
import dev.keyrack.functions.api.routes.AccessCodesUpdate;
import dev.keyrack.functions.api.routes.ActionAttemptsGet;
import dev.keyrack.functions.api.routes.ActionAttemptsList;
import dev.keyrack.functions.api.routes.DevicesGet;
import dev.keyrack.functions.api.routes.AccessCodesReportDeviceConstraints;
import dev.keyrack.functions.api.routes.DevicesUpdate;
import dev.keyrack.functions.api.routes.DevicesList;
import dev.keyrack.functions.api.routes.DevicesSimulateConnect;
import dev.keyrack.functions.api.routes.DevicesSimulateDisconnect;
import dev.keyrack.functions.api.routes.SandboxLocksConfigure;
import dev.keyrack.functions.api.routes.EventsGet;
import dev.keyrack.functions.api.routes.EventsList;
import dev.keyrack.functions.api.routes.LocksGet;
import dev.keyrack.functions.api.routes.LocksList;
import dev.keyrack.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP API: routing, authentication, parameter parsing and the Seam envelope. A route's
 * {@link ApiError} becomes a 4xx; anything unexpected becomes a 500 whose body carries the request
 * id and no exception text.
 */
public final class Api {
  private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
      Json.MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // a field given twice is ambiguous (which device?): refused rather than the last one winning
          .with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final Logger LOG = LoggerFactory.getLogger(Api.class);
  public static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Duration KEY_CACHE_TTL = Duration.ofSeconds(60);

  public static final List<Route> ROUTES = List.of(
      new AccessCodesCreate(), new AccessCodesGet(), new AccessCodesList(), new AccessCodesUpdate(),
      new AccessCodesDelete(), new AccessCodesGenerateCode(), new AccessCodesPullBackupAccessCode(),
      new AccessCodesCreateMultiple(), new AccessCodesUpdateMultiple(), new AccessCodesReportDeviceConstraints(),
      new LocksList(), new LocksGet(), new DevicesList(), new DevicesGet(), new DevicesUpdate(),
      new EventsList(), new EventsGet(), new ActionAttemptsGet(), new ActionAttemptsList(),
      new DevicesSimulateConnect(), new DevicesSimulateDisconnect(), new SandboxLocksConfigure());

  private final Services services;
  private final Map<String, Route> routes = new LinkedHashMap<>();
  private final Map<String, CachedKey> keyCache = new ConcurrentHashMap<>();

  private record CachedKey(Workspace workspace, Instant until) {}

  public Api(Services services) {
    this.services = services;
    ROUTES.forEach(r -> routes.put(r.path(), r));
  }

  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    String requestId = event.getRequestContext() != null ? event.getRequestContext().getRequestId() : null;
    // The gateway's request id, the one the response hands the caller, goes on every log line as
    // Powertools' correlation_id (what its API_GATEWAY_HTTP correlation path would capture, without
    // the JMESPath library), so an id a caller reports finds its log lines.
    if (requestId != null) MDC.put("correlation_id", requestId);
    try {
      String method = method(event);
      String path = event.getRawPath() == null ? "/" : event.getRawPath();
      Route route = routes.get(path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
      if (route == null) throw new ApiError(404, "endpoint_not_found", "No endpoint at this path.");
      if (!route.methods().contains(method)) {
        throw new ApiError(405, "method_not_allowed", "Use " + String.join(" or ", route.methods().stream().sorted().toList())
            + " for " + route.path() + ".");
      }
      Workspace ws = authenticate(event);
      MDC.put("workspace_id", ws.workspaceId().toString());
      // Parameters come in the query string (GET, and DELETE as the SDK sends it) and/or the JSON body.
      ObjectNode input = query(event);
      ObjectNode sent = body(event);
      // A field in both is as ambiguous as a field given twice in the body (which lock?): refused, not read as the body's.
      sent.fieldNames().forEachRemaining(f -> {
        if (input.has(f) && !f.equals("_strict")) {
          throw new ApiError(400, "invalid_input", (f.matches("[a-z_]{1,64}") ? f : "A field")
              + " is given both in the query string and in the body; give each field once.");
        }
      });
      input.setAll(sent);
      input.remove("_strict"); // added by the Seam SDK to every query string
      Params params = new Params(input);
      ObjectNode result = route.handle(new Request(ws, params, services));
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("ok", true);
      body.setAll(result);
      return respond(200, body, requestId);
    } catch (ApiError e) {
      return respond(e.status(), envelope(e.type(), e.getMessage(), e.validationErrors(), requestId), requestId);
    } catch (RuntimeException e) {
      // Log the failure's type and where it happened; never its message, which may carry request values.
      LOG.error("unexpected failure handling {} {}: {} at {}", event.getRequestContext() == null ? "?" : method(event),
          event.getRawPath(), e.getClass().getName(), e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
      return respond(500, envelope("internal_server_error",
          "Something went wrong on our side. Retry the request; if it keeps failing, report request id " + requestId + ".",
          List.of(), requestId), requestId);
    } finally {
      MDC.remove("workspace_id");
      MDC.remove("correlation_id");
    }
  }

  private static String method(APIGatewayV2HTTPEvent event) {
    if (event.getRequestContext() != null && event.getRequestContext().getHttp() != null) {
      return event.getRequestContext().getHttp().getMethod().toUpperCase(java.util.Locale.ROOT);
    }
    return "POST";
  }

  private Workspace authenticate(APIGatewayV2HTTPEvent event) {
    String header = header(event, "authorization");
    if (header == null || header.isBlank()) {
      throw new ApiError(401, "unauthorized", "Missing API key: send 'Authorization: Bearer <your API key>'.");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized", "Send the API key as 'Authorization: Bearer <your API key>'.");
    }
    String key = header.substring(7).trim();
    if (key.isEmpty() || key.length() > 200) throw new ApiError(401, "unauthorized", "Invalid API key.");
    String hash = ApiKeys.hash(key);
    Instant now = Instant.now();
    CachedKey cached = keyCache.get(hash);
    if (cached != null && cached.until().isAfter(now)) return cached.workspace();
    Optional<Workspace> ws = services.store().workspaceForKeyHash(hash);
    if (ws.isEmpty()) throw new ApiError(401, "unauthorized", "Invalid API key.");
    keyCache.put(hash, new CachedKey(ws.get(), now.plus(KEY_CACHE_TTL)));
    return ws.get();
  }

  private static String header(APIGatewayV2HTTPEvent event, String name) {
    if (event.getHeaders() == null) return null;
    for (Map.Entry<String, String> h : event.getHeaders().entrySet()) {
      if (h.getKey().equalsIgnoreCase(name)) return h.getValue();
    }
    return null;
  }

  private static ObjectNode query(APIGatewayV2HTTPEvent event) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (event.getQueryStringParameters() == null) return n;
    java.util.Set<String> repeated = repeatedNames(event.getRawQueryString());
    event.getQueryStringParameters().forEach((k, v) -> {
      // Arrays arrive as name[]=a&name[]=b or name=a,b (API Gateway joins repeated names with commas).
      String key = k.endsWith("[]") ? k.substring(0, k.length() - 2) : k;
      if (k.endsWith("[]") || key.endsWith("_ids") || key.equals("event_types") || key.equals("device_types")
          || key.equals("between")) {
        var arr = n.putArray(key);
        for (String part : v.split(",")) if (!part.isEmpty()) arr.add(part);
      } else if (repeated.contains(k)) {
        // (joined by the gateway, the values would be read as one, and refused for what they are not)
        throw ApiError.invalidField(key, "The query gives " + key + " more than once; give it once.");
      } else if (!v.isEmpty()) { // the SDK sends null as "key="
        n.put(key, v);
      }
    });
    return n;
  }

  /** The parameter names the raw query string gives more than once. */
  private static java.util.Set<String> repeatedNames(String raw) {
    if (raw == null || raw.isEmpty()) return java.util.Set.of();
    java.util.Set<String> seen = new java.util.HashSet<>(), repeated = new java.util.HashSet<>();
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String name;
      try {
        name = java.net.URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        continue; // a malformed escape: the gateway's own decoding answers for it
      }
      if (!seen.add(name)) repeated.add(name);
    }
    return repeated;
  }

  private static ObjectNode body(APIGatewayV2HTTPEvent event) {
    String raw = event.getBody();
    if (raw == null || raw.isBlank()) return JsonNodeFactory.instance.objectNode();
    byte[] bytes = event.getIsBase64Encoded() ? decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ApiError(413, "payload_too_large", "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
    }
    JsonNode node;
    try {
      node = STRICT.readTree(bytes); // trailing content after the JSON value is malformed too
    } catch (java.io.IOException e) {
      // (the parser's message would quote the input, which may hold a PIN: never passed on)
      if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
        throw new ApiError(400, "invalid_input", "The request body gives a field twice; give each field once.");
      }
      if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
        // (valid JSON, past the parser's limits: nesting depth, a number's or a name's length)
        throw new ApiError(400, "invalid_json", "The request body is beyond what is read: nested too deeply, or a number or"
            + " field name too long. No Seam request needs more than a few levels.");
      }
      throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
    }
    if (node == null || node.isMissingNode()) return JsonNodeFactory.instance.objectNode();
    if (!node.isObject()) throw new ApiError(400, "invalid_input", "The request body must be a JSON object.");
    return (ObjectNode) node;
  }

  private static byte[] decode(String raw) {
    try {
      return Base64.getDecoder().decode(raw);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "invalid_input", "The request body is not valid base64.");
    }
  }

  private static ObjectNode envelope(String type, String message, List<Map<String, String>> validation, String requestId) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("ok", false);
    ObjectNode error = body.putObject("error");
    error.put("type", type);
    error.put("message", message);
    if (requestId != null) error.put("request_id", requestId);
    if (!validation.isEmpty()) {
      // Seam's shape: {"<param>": {"_errors": ["message", ...]}}
      ObjectNode v = error.putObject("validation_errors");
      for (Map<String, String> e : validation) {
        ObjectNode field = v.has(e.get("path")) ? (ObjectNode) v.get(e.get("path")) : v.putObject(e.get("path"));
        (field.has("_errors") ? (com.fasterxml.jackson.databind.node.ArrayNode) field.get("_errors") : field.putArray("_errors"))
            .add(e.get("message"));
      }
    }
    return body;
  }

  private static APIGatewayV2HTTPResponse respond(int status, ObjectNode body, String requestId) {
    String text;
    try {
      text = Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
        .withHeaders(requestId == null ? Map.of("content-type", "application/json")
            : Map.of("content-type", "application/json", "seam-request-id", requestId)).withBody(text).build();
  }
}
