package dev.keyrack.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.lambda.Payloads;
import dev.keyrack.functions.api.HttpPayloads;
import dev.keyrack.functions.worker.SqsPayloads;
import dev.keyrack.json.Json;
import java.nio.charset.StandardCharsets;
import dev.keyrack.domain.ApiKeys;
import dev.keyrack.domain.Device;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Keyrack on one machine: DynamoDB Local and ElasticMQ in this JVM, the tables and queues of
 * template.yaml, the functions of template.yaml built from their handler names, the HTTP API on a
 * port, the SQS event source mappings, and two seeded sandbox workspaces.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * How to start. {@code port} 0 picks a free port; null keys are generated; {@code instrumentation}
   * lets a caller count SDK calls and time invocations ({@link Instrumentation#NONE} by default).
   */
  public record Options(String host, int port, Path dataDir, String apiKey, String secondApiKey, double latencyScale,
                        Path template, Clock clock, int pollersPerQueue, Map<String, String> parameters,
                        Instrumentation instrumentation) {
    public Options(String host, int port, Path dataDir, String apiKey, String secondApiKey, double latencyScale,
                   Path template, Clock clock, int pollersPerQueue, Map<String, String> parameters) {
      this(host, port, dataDir, apiKey, secondApiKey, latencyScale, template, clock, pollersPerQueue, parameters,
          Instrumentation.NONE);
    }

    public Options(String host, int port, Path dataDir, String apiKey, String secondApiKey, double latencyScale,
                   Path template, Clock clock, int pollersPerQueue) {
      this(host, port, dataDir, apiKey, secondApiKey, latencyScale, template, clock, pollersPerQueue, Map.of());
    }

    public Options {
      if (instrumentation == null) instrumentation = Instrumentation.NONE;
    }

    public static Options defaults() {
      return new Options("127.0.0.1", 0, null, null, null, 0, null, Clock.systemUTC(), 2);
    }

    /** Overrides of template.yaml parameters (e.g. RetryBaseSeconds). */
    public Options withParameters(Map<String, String> p) {
      return new Options(host, port, dataDir, apiKey, secondApiKey, latencyScale, template, clock, pollersPerQueue, p,
          instrumentation);
    }

    public Options withPollers(int n) {
      return new Options(host, port, dataDir, apiKey, secondApiKey, latencyScale, template, clock, n, parameters,
          instrumentation);
    }

    public Options withPort(int p) {
      return new Options(host, p, dataDir, apiKey, secondApiKey, latencyScale, template, clock, pollersPerQueue, parameters,
          instrumentation);
    }

    public Options withKeys(String a, String b) {
      return new Options(host, port, dataDir, a, b, latencyScale, template, clock, pollersPerQueue, parameters,
          instrumentation);
    }

    public Options withDataDir(Path d) {
      return new Options(host, port, d, apiKey, secondApiKey, latencyScale, template, clock, pollersPerQueue, parameters,
          instrumentation);
    }

    public Options withLatencyScale(double s) {
      return new Options(host, port, dataDir, apiKey, secondApiKey, s, template, clock, pollersPerQueue, parameters,
          instrumentation);
    }

    public Options withClock(Clock c) {
      return new Options(host, port, dataDir, apiKey, secondApiKey, latencyScale, template, c, pollersPerQueue, parameters,
          instrumentation);
    }

    public Options withTemplate(Path t) {
      return new Options(host, port, dataDir, apiKey, secondApiKey, latencyScale, t, clock, pollersPerQueue, parameters,
          instrumentation);
    }

    public Options withInstrumentation(Instrumentation i) {
      return new Options(host, port, dataDir, apiKey, secondApiKey, latencyScale, template, clock, pollersPerQueue,
          parameters, i);
    }
  }

  private final Engines engines;
  private SchedulerEmulator scheduler;
  private software.amazon.awssdk.services.scheduler.SchedulerClient schedulerClient;
  private final Template template;
  private final LocalResources resources;
  private final Map<String, Object> handlers = new LinkedHashMap<>();
  private final Map<String, AwsWiring> wirings = new LinkedHashMap<>();
  private final HttpGateway gateway;
  private final List<QueuePoller> pollers = new ArrayList<>();
  private final java.util.concurrent.ScheduledExecutorService sweeps =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyrack-local-rate-schedules");
        t.setDaemon(true);
        return t;
      });
  private final String apiKey;
  private final String secondApiKey;
  private final List<Device> devices;
  private final List<Device> secondDevices;
  private final Clock clock;

  private LocalStack(Options o) throws IOException {
    this.template = o.template() != null ? Template.load(o.template()) : Template.find(Path.of(""));
    this.clock = o.clock();
    Instrumentation instrumentation = o.instrumentation();
    Instrumentation.InvocationObserver observer = instrumentation.invocations();
    this.engines = Engines.start(o.dataDir(), instrumentation.interceptorArray());
    try {
      this.scheduler = new SchedulerEmulator(o.clock(), o.dataDir());
      this.schedulerClient = engines.scheduler(scheduler.endpoint(), instrumentation.interceptorArray());
      this.resources = LocalResources.create(template, engines.dynamo(), engines.sqs(), schedulerClient,
          parameters(o));
      for (Template.Function f : template.functions()) {
        Map<String, String> env = new LinkedHashMap<>(resources.environment(f));
        env.put("POWERTOOLS_METRICS_DISABLED", "true"); // EMF lines are for CloudWatch, not a terminal
        AwsWiring wiring = new AwsWiring(env, engines.dynamo(), engines.sqs(), schedulerClient, o.clock());
        wirings.put(f.id(), wiring);
        handlers.put(f.id(), instantiate(f, wiring));
      }
      // Schedules fire the functions they target, in process, as Lambda invocations.
      for (Template.Function f : template.functions()) {
        Object h = handlers.get(f.id());
        scheduler.target(LocalResources.functionArn(f.id()),
            input -> observer.around(f.id(), Instrumentation.Trigger.SCHEDULE,
                () -> invoke(h, input, context(f), Payloads::readMap)));
      }
      // A fire Scheduler gives up on goes to the queue its schedule's DeadLetterConfig names, with the
      // attributes Scheduler's dead-letter events carry.
      Map<String, String> queueByArn = new LinkedHashMap<>();
      for (String id : template.resourcesOfType("AWS::SQS::Queue").keySet()) {
        String url = resources.queueUrl(id);
        queueByArn.put(engines.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes().get(QueueAttributeName.QUEUE_ARN), url);
      }
      scheduler.deadLetter((arn, d) -> {
        String url = queueByArn.get(arn);
        if (url == null) throw new IllegalStateException("no local queue with the dead-letter ARN " + arn);
        engines.sqs().sendMessage(b -> b.queueUrl(url).messageBody(d.input()).messageAttributes(Map.of(
            "ERROR_CODE", stringAttribute(d.errorCode()),
            "RETRY_ATTEMPTS", stringAttribute(String.valueOf(d.attempts() - 1)),
            "SCHEDULE_ARN", stringAttribute("arn:aws:scheduler:us-east-1:000000000000:schedule/" + d.group() + "/" + d.schedule()))));
      });
      List<HttpGateway.Target> targets = new ArrayList<>();
      for (Template.Function f : template.functions()) {
        if (f.routes().isEmpty()) continue;
        var api = apiHandler(f.id());
        targets.add(new HttpGateway.Target(f,
            (event, ctx) -> observer.around(f.id(), Instrumentation.Trigger.HTTP_API, () -> api.handleRequest(event, ctx))));
      }
      this.apiKey = o.apiKey() != null ? o.apiKey() : ApiKeys.generate();
      this.secondApiKey = o.secondApiKey() != null ? o.secondApiKey() : ApiKeys.generate();
      AwsWiring any = wirings.values().iterator().next();
      java.time.Instant now = o.clock().instant();
      this.devices = Seeder.seedWorkspace(any.store(), "sandbox-workspace-1", apiKey, now);
      this.secondDevices = Seeder.seedWorkspace(any.store(), "sandbox-workspace-2", secondApiKey, now);
      for (Template.Function f : template.functions()) {
        for (Template.QueueTrigger t : f.queueTriggers()) {
          String url = resources.queueUrl(t.queueId());
          String arn = engines.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes().get(QueueAttributeName.QUEUE_ARN);
          var worker = sqsHandler(f.id());
          pollers.add(new QueuePoller(engines.sqs(), url, arn, t,
              (event, ctx) -> observer.around(f.id(), Instrumentation.Trigger.SQS, () -> worker.handleRequest(event, ctx)),
              () -> context(f), Math.max(1, o.pollersPerQueue())));
        }
      }
      // A seeded run (template parameter SandboxSeed, which also seeds the sandbox locks) seeds the
      // pollers' injected crashes too.
      String seed = parameters(o).get("SandboxSeed");
      if (seed != null && !seed.isBlank()) {
        for (int i = 0; i < pollers.size(); i++) pollers.get(i).seed(Long.parseLong(seed.trim()) + 1 + i);
      }
      // The functions on rate schedules (the reconciler's sweep) run as their schedule says. Queue
      // messages do not survive a restart while the stored codes do, so the first run, now, is told
      // the queue is empty: it re-sends everything stored codes wait for.
      for (Template.Function f : template.functions()) {
        boolean ranAtStart = false;
        for (Template.Schedule sch : f.schedules()) {
          Object h = handlers.get(f.id());
          if (!ranAtStart) { // once per function, however many schedules it has
            Map<String, Object> atStart = new LinkedHashMap<>(sch.input());
            atStart.put("scope", "EMPTY_QUEUE");
            observer.around(f.id(), Instrumentation.Trigger.SCHEDULE, () -> invokeRaw(h, atStart, context(f)));
            ranAtStart = true;
          }
          long every = sch.every().toMillis();
          sweeps.scheduleAtFixedRate(() -> {
            try {
              observer.around(f.id(), Instrumentation.Trigger.SCHEDULE, () -> invokeRaw(h, sch.input(), context(f)));
            } catch (RuntimeException e) {
              System.err.println("keyrack-local: scheduled run of " + f.id() + " failed: " + e.getClass().getSimpleName());
            }
          }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
      this.gateway = new HttpGateway(o.host(), o.port(), targets, this::context);
      gateway.start();
    } catch (RuntimeException | IOException e) {
      sweeps.shutdownNow();
      if (scheduler != null) scheduler.close();
      engines.close();
      throw e;
    }
  }

  private static software.amazon.awssdk.services.sqs.model.MessageAttributeValue stringAttribute(String v) {
    return software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder().dataType("String").stringValue(v).build();
  }

  private static Map<String, String> parameters(Options o) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("SandboxLatencyScale", String.valueOf(o.latencyScale()));
    p.put("Stage", "local");
    p.putAll(o.parameters());
    return p;
  }

  public static LocalStack start(Options o) throws IOException {
    return new LocalStack(o);
  }

  private Context context(Template.Function f) {
    return new LocalContext("keyrack-" + f.id(), f.memoryMb(), f.timeoutSeconds());
  }

  /**
   * Builds a function's handler from the class and method template.yaml names: the class must be a
   * RequestStreamHandler (as Keyrack's are: Lambda hands it the payload's bytes) with the named
   * method and a constructor taking the container's wiring.
   */
  static Object instantiate(Template.Function f, AwsWiring wiring) {
    try {
      Class<?> c = Class.forName(f.handlerClass());
      if (!RequestStreamHandler.class.isAssignableFrom(c)) {
        throw new IllegalStateException(f.id() + ": " + f.handlerClass() + " is not a Lambda RequestStreamHandler");
      }
      boolean hasMethod = false;
      for (Method m : c.getMethods()) hasMethod |= m.getName().equals(f.handlerMethod()) && m.getParameterCount() == 3;
      if (!hasMethod) throw new IllegalStateException(f.id() + ": " + f.handlerClass() + " has no method " + f.handlerMethod());
      c.getConstructor(); // Lambda needs the no-argument constructor
      Constructor<?> ctor = c.getConstructor(AwsWiring.class);
      return ctor.newInstance(wiring);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(f.id() + ": handler class " + f.handlerClass() + " from template.yaml does not exist");
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(f.id() + ": " + f.handlerClass() + " needs a public no-argument constructor and one taking AwsWiring");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(f.id() + ": could not build " + f.handlerClass() + ": " + e.getCause(), e);
    }
  }

  /** Reads an invocation's response. */
  interface ResponseReader<R> {
    R read(java.io.InputStream in) throws IOException;
  }

  /**
   * One invocation as Lambda makes it: the payload's bytes in, the response's bytes out and read.
   * What the handler throws is thrown here (an I/O failure as unchecked), as Lambda reports a failed invocation.
   */
  static <R> R invoke(Object handler, byte[] payload, Context context, ResponseReader<R> response) {
    var out = new java.io.ByteArrayOutputStream(256);
    try {
      ((RequestStreamHandler) handler).handleRequest(new java.io.ByteArrayInputStream(payload), out, context);
      return response.read(new java.io.ByteArrayInputStream(out.toByteArray()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Object> invokeRaw(Object handler, Map<String, Object> input, Context context) {
    return invoke(handler, Json.write(input).getBytes(StandardCharsets.UTF_8), context, Payloads::readMap);
  }

  public List<QueuePoller> pollers() {
    return List.copyOf(pollers);
  }

  public SchedulerEmulator scheduler() {
    return scheduler;
  }

  /** The function as API Gateway invokes it: each event goes to its handler as bytes, and the response comes back read. */
  public RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> apiHandler(String functionId) {
    return asApiHandler(handlers.get(functionId));
  }

  /** {@link #apiHandler} for a handler built elsewhere (tests). */
  public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> asApiHandler(Object h) {
    return (event, ctx) -> invoke(h, HttpPayloads.eventBytes(event), ctx, HttpPayloads::readResponse);
  }

  /** The function as an SQS event source mapping invokes it (batches as bytes, the partial batch response read). */
  public RequestHandler<SQSEvent, SQSBatchResponse> sqsHandler(String functionId) {
    return asSqsHandler(handlers.get(functionId));
  }

  /** {@link #sqsHandler} for a handler built elsewhere (tests). */
  public static RequestHandler<SQSEvent, SQSBatchResponse> asSqsHandler(Object h) {
    return (event, ctx) -> invoke(h, SqsPayloads.eventBytes(event), ctx, SqsPayloads::readResponse);
  }

  /** The function as a schedule invokes it: its input as JSON bytes, its outcome read as a map. */
  public RequestHandler<Map<String, Object>, Map<String, Object>> mapHandler(String functionId) {
    return asMapHandler(handlers.get(functionId));
  }

  /** {@link #mapHandler} for a handler built elsewhere (tests). */
  public static RequestHandler<Map<String, Object>, Map<String, Object>> asMapHandler(Object h) {
    return (input, ctx) -> invokeRaw(h, input, ctx);
  }

  /** The handler object itself (SnapStart hooks, tests). */
  public Object handler(String functionId) {
    return handlers.get(functionId);
  }

  public AwsWiring wiring(String functionId) {
    return wirings.get(functionId);
  }

  public Template template() {
    return template;
  }

  public LocalResources resources() {
    return resources;
  }

  public Engines engines() {
    return engines;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + gateway.port());
  }

  public String apiKey() {
    return apiKey;
  }

  public String secondApiKey() {
    return secondApiKey;
  }

  public List<Device> devices() {
    return devices;
  }

  public List<Device> secondDevices() {
    return secondDevices;
  }

  /** Seeds {@code count} more sandbox locks of one brand in workspace 1 (for load runs); the same ids each time. */
  public List<Device> seedExtraLocks(String deviceType, int count) {
    return Seeder.seedExtraLocks(wirings.values().iterator().next().store(), "sandbox-workspace-1", deviceType, count,
        clock.instant());
  }

  @Override
  public void close() {
    sweeps.shutdownNow();
    gateway.close();
    scheduler.close();
    pollers.forEach(QueuePoller::close);
    schedulerClient.close();
    engines.close();
  }
}
