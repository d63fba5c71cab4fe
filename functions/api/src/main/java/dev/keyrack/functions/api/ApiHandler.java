package dev.keyrack.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.adapters.lambda.Priming;
import dev.keyrack.domain.ApiKeys;
import dev.keyrack.domain.Device;
import dev.keyrack.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;

/**
 * The api function: API Gateway HTTP API (payload v2) to {@link Api}. Lambda uses the no-argument
 * constructor, which builds the adapters once per container from the environment; tests pass
 * adapters to the other constructors.
 *
 * <p>SnapStart: the no-argument constructor registers the handler as a CRaC {@link Resource};
 * before the snapshot it handles one request that is refused at authentication (an API key no
 * workspace has: routing, the key lookup in DynamoDB, the error envelope as JSON; nothing is
 * written), round-trips an access code through JSON in memory, warms the SQS and Scheduler
 * clients with reads, and runs representative requests (create, list, delete) on a stand-in of
 * AWS in memory ({@link #primeRequests}).
 */
public final class ApiHandler implements RequestStreamHandler, Resource {
  private final Api api;
  private final dev.keyrack.ports.Telemetry telemetry;
  private final Runnable primeClients;
  private final Runnable primeRequests;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiHandler.class);

  public ApiHandler() {
    this(AwsWiring.fromEnvironment());
    Core.getGlobalContext().register(this);
  }

  public ApiHandler(Services services) {
    this(services, () -> { }, () -> { });
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ApiHandler(AwsWiring aws) {
    this(services(aws), aws::primeClients, () -> Priming.onStandIn(aws, ApiHandler::primeRequests));
  }

  private ApiHandler(Services services, Runnable primeClients, Runnable primeRequests) {
    this.api = new Api(services);
    this.telemetry = services.telemetry();
    this.primeClients = primeClients;
    this.primeRequests = primeRequests;
  }

  private static Services services(AwsWiring aws) {
    Clock clock = aws.clock();
    var store = aws.store();
    return new Services(new AccessCodeService(store, aws.jobQueue(), aws.scheduler(), aws.backupPools(), clock, aws.guardrails()), store, clock,
        aws.telemetry(), aws.sandboxProvider());
  }

  /** A create request with an API key no workspace has: answered 401 after a DynamoDB read. */
  static APIGatewayV2HTTPEvent primingRequest() {
    return request("/access_codes/create", "seam_priming_" + Priming.absentId(),
        "{\"device_id\": \"" + Priming.absentId() + "\", \"name\": \"priming\", \"code\": \"4821\"}");
  }

  /** A POST to an API path with a bearer key, as API Gateway hands it over. */
  static APIGatewayV2HTTPEvent request(String path, String apiKey, String body) {
    return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRawPath(path).withRouteKey("POST " + path)
        .withHeaders(Map.of("authorization", "Bearer " + apiKey, "content-type", "application/json"))
        .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("snapstart-priming")
            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath(path).build()).build())
        .withBody(body).withIsBase64Encoded(false).build();
  }

  /**
   * The api's representative requests, on a stand-in of AWS ({@link AwsWiring#standIn}: nothing
   * leaves the process): in a workspace of its own with one sandbox lock, an ongoing code is
   * created (its SET sent), a time-bound one (its schedules made), the lock's codes listed and the
   * first code deleted (its removal sent). They go through the same routes, services, adapters and
   * SDK clients' code as real requests, so a restored snapshot finds those paths warm.
   *
   * @return how many were answered 200 (the others are logged)
   */
  static int primeRequests(AwsWiring standIn) {
    String key = "seam_priming_" + Priming.absentId();
    Device lock = Priming.seedLock(standIn.store(), ApiKeys.hash(key));
    Api primed = new Api(services(standIn));
    Instant start = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
    String device = "\"device_id\": \"" + lock.deviceId() + "\"";
    int ok = 0;
    String firstCode = null;
    for (String[] call : new String[][] {
        {"/access_codes/create", "{" + device + ", \"name\": \"Priming resident\", \"code\": \"4821\"}"},
        {"/access_codes/create", "{" + device + ", \"name\": \"Priming guest\", \"starts_at\": \"" + start
            + "\", \"ends_at\": \"" + start.plus(Duration.ofDays(2)) + "\"}"},
        {"/access_codes/list", "{" + device + "}"},
        {"/access_codes/delete", null}}) {
      String body = call[1] != null ? call[1] : "{\"access_code_id\": \"" + firstCode + "\"}";
      APIGatewayV2HTTPResponse r = primed.handle(request(call[0], key, body));
      if (r.getStatusCode() == 200) {
        ok++;
        if (firstCode == null) firstCode = Json.read(r.getBody(), Map.class).get("access_code") instanceof Map<?, ?> c
            ? String.valueOf(c.get("access_code_id")) : null;
      } else {
        LOG.warn("priming request {} answered {}", call[0], r.getStatusCode());
      }
    }
    return ok;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws java.io.IOException {
    handleRequest(new java.io.ByteArrayInputStream(HttpPayloads.eventBytes(primingRequest())), java.io.OutputStream.nullOutputStream(),
        Priming.context());
    Priming.warmJson();
    primeClients.run();
    primeRequests.run();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to refresh: API key cache entries carry their own expiry (priming caches none), and the
    // JDK's default SecureRandom on Linux (NativePRNG) mixes /dev/urandom into every nextBytes, so
    // restored copies of one snapshot draw different PINs and ids.
  }

  /** An invocation as Lambda makes it: the HTTP API event's bytes in, the response's out ({@link HttpPayloads}). */
  @Override
  public void handleRequest(java.io.InputStream input, java.io.OutputStream output, Context context) throws java.io.IOException {
    HttpPayloads.writeResponse(handle(HttpPayloads.readEvent(input), context), output);
  }

  /** One request, read. */
  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
    return Observability.around(context, telemetry, () -> api.handle(event));
  }
}
