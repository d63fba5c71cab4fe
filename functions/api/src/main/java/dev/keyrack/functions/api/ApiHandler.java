package dev.keyrack.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.adapters.lambda.Observability;
import java.time.Clock;

/**
 * The api function: API Gateway HTTP API (payload v2) to {@link Api}. Lambda uses the no-argument
 * constructor, which builds the adapters once per container from the environment; tests pass
 * adapters to the other constructor.
 */
public final class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final Api api;
  private final dev.keyrack.ports.Telemetry telemetry;

  public ApiHandler() {
    this(services(AwsWiring.fromEnvironment()));
  }

  public ApiHandler(Services services) {
    this.api = new Api(services);
    this.telemetry = services.telemetry();
  }

  /** Built from a container's wiring (Lambda: its environment; the local stack: template.yaml). */
  public ApiHandler(AwsWiring aws) {
    this(services(aws));
  }

  private static Services services(AwsWiring aws) {
    Clock clock = aws.clock();
    var store = aws.store();
    return new Services(new AccessCodeService(store, aws.jobQueue(), aws.scheduler(), aws.backupPools(), clock), store, clock,
        aws.telemetry(), aws.sandboxProvider());
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Observability.around(context, telemetry, () -> api.handle(event));
  }
}
