package dev.keyrack.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.adapters.lambda.Observability;
import dev.keyrack.adapters.lambda.Priming;
import java.time.Clock;
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
 * written), round-trips an access code through JSON in memory, and warms the SQS and Scheduler
 * clients with reads.
 */
public final class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
  private final Api api;
  private final dev.keyrack.ports.Telemetry telemetry;
  private final Runnable primeClients;

  public ApiHandler() {
    this(AwsWiring.fromEnvironment());
    Core.getGlobalContext().register(this);
  }

  public ApiHandler(Services services) {
    this(services, () -> { });
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ApiHandler(AwsWiring aws) {
    this(services(aws), aws::primeClients);
  }

  private ApiHandler(Services services, Runnable primeClients) {
    this.api = new Api(services);
    this.telemetry = services.telemetry();
    this.primeClients = primeClients;
  }

  private static Services services(AwsWiring aws) {
    Clock clock = aws.clock();
    var store = aws.store();
    return new Services(new AccessCodeService(store, aws.jobQueue(), aws.scheduler(), aws.backupPools(), clock), store, clock,
        aws.telemetry(), aws.sandboxProvider());
  }

  /** A create request with an API key no workspace has: answered 401 after a DynamoDB read. */
  static APIGatewayV2HTTPEvent primingRequest() {
    return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRawPath("/access_codes/create")
        .withRouteKey("POST /access_codes/create")
        .withHeaders(Map.of("authorization", "Bearer seam_priming_" + Priming.absentId(), "content-type", "application/json"))
        .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("snapstart-priming")
            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/access_codes/create")
                .build()).build())
        .withBody("{\"device_id\": \"" + Priming.absentId() + "\", \"name\": \"priming\", \"code\": \"4821\"}")
        .withIsBase64Encoded(false).build();
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    handleRequest(primingRequest(), Priming.context());
    Priming.warmJson();
    primeClients.run();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to refresh: API key cache entries carry their own expiry (priming caches none), and the
    // JDK's default SecureRandom on Linux (NativePRNG) mixes /dev/urandom into every nextBytes, so
    // restored copies of one snapshot draw different PINs and ids.
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Observability.around(context, telemetry, () -> api.handle(event));
  }
}
