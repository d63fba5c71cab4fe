package dev.keyrack.bench.launch;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cold-start child: on the class path of a function's unzipped package, does what the Lambda
 * runtime does on a cold start, and reports the times. Arguments: the handler string of
 * template.yaml ({@code class::method}) and the event file. The handler is built with its
 * no-argument constructor (so it wires itself from the environment) and invoked once. A
 * {@code RequestStreamHandler} (as Keyrack's functions are) gets the event file's bytes, as Lambda
 * hands them over; for any other handler the event is first read into the handler method's
 * parameter type with a Jackson apart from the function's ({@link EventReader}: as the runtime's
 * own serializer would, case-insensitively). With {@value #PRIME_PROPERTY}=true
 * the handler's SnapStart priming ({@code beforeCheckpoint}) runs first, as before a snapshot, so
 * the invocation's own duration shows what priming leaves for a restored container to do.
 */
public final class HandlerLauncher {
  public static final String PRIME_PROPERTY = "keyrack.launch.prime";

  private HandlerLauncher() {}

  public static void main(String[] args) throws Exception {
    LaunchReport report = new LaunchReport();
    String[] handler = args[0].split("::", 2);
    String methodName = handler.length > 1 ? handler[1] : "handleRequest";
    Class<?> type = Class.forName(handler[0]);
    Object instance = type.getConstructor().newInstance();
    report.put("constructed_ms", report.sinceStartMillis());
    byte[] payload = Files.readAllBytes(Path.of(args[1]));
    Context context = new LaunchContext(System.getenv("AWS_LAMBDA_FUNCTION_NAME"));
    Invocation invocation;
    if (instance instanceof RequestStreamHandler stream) {
      // Lambda hands a stream handler the payload's bytes and takes the response's: the runtime reads
      // and writes no event, the function does both within its invocation.
      invocation = () -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stream.handleRequest(new ByteArrayInputStream(payload), out, context);
        return describeJson(out.toString(StandardCharsets.UTF_8));
      };
    } else {
      Method method = handlerMethod(type, methodName);
      long reading = System.nanoTime();
      Object event = EventReader.readApart(payload, method.getParameterTypes()[0]);
      report.put("event_read_ms", (System.nanoTime() - reading) / 1e6);
      invocation = () -> describe(method.invoke(instance, event, context));
    }
    if (Boolean.getBoolean(PRIME_PROPERTY)) {
      ((org.crac.Resource) instance).beforeCheckpoint(null);
      report.put("primed_ms", report.sinceStartMillis());
    }
    long invoked = System.nanoTime();
    String status = invocation.call();
    report.put("event_ms", (System.nanoTime() - invoked) / 1e6);
    report.put("first_event_ms", report.sinceStartMillis()).put("status", status).print();
    System.exit(0); // SDK and logging threads must not keep the child alive
  }

  private interface Invocation {
    String call() throws Exception;
  }

  private static final Pattern STATUS_CODE = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");

  /**
   * A stream handler's response as {@link #describe} puts it (the launcher has no JSON reader of
   * its own on the function's class path): the HTTP status, the number of failed batch items, or the
   * response itself.
   */
  static String describeJson(String json) {
    Matcher status = STATUS_CODE.matcher(json);
    if (status.find()) return "HTTP " + status.group(1);
    if (json.contains("\"batchItemFailures\"")) {
      return json.split("\"itemIdentifier\"", -1).length - 1 + " batch item failures";
    }
    return json.length() > 80 ? json.substring(0, 80) + "..." : json;
  }

  /** The two-argument handler method of that name whose first parameter is most specific (not a bridge). */
  static Method handlerMethod(Class<?> type, String name) {
    Method found = null;
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == 2 && !m.isBridge()) found = m;
    }
    if (found == null) throw new IllegalStateException(type.getName() + " has no method " + name + "(event, Context)");
    return found;
  }

  /** The HTTP status, the number of failed batch items, or the returned map. */
  static String describe(Object result) throws ReflectiveOperationException {
    if (result == null) return "null";
    for (Method m : result.getClass().getMethods()) {
      if (m.getParameterCount() != 0) continue;
      if (m.getName().equals("getStatusCode")) return "HTTP " + m.invoke(result);
      if (m.getName().equals("getBatchItemFailures")) return ((Collection<?>) m.invoke(result)).size() + " batch item failures";
    }
    return result instanceof Map<?, ?> map ? map.toString() : result.getClass().getSimpleName();
  }

  /** The Lambda context of the one invocation. */
  private record LaunchContext(String functionName) implements Context {
    @Override public String getAwsRequestId() { return "cold-start-bench"; }
    @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
    @Override public String getLogStreamName() { return "cold-start-bench"; }
    @Override public String getFunctionName() { return functionName; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:local:000000000000:function:" + functionName; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 30_000; }
    @Override public int getMemoryLimitInMB() { return 1024; }
    @Override public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override public void log(String message) { System.out.println(message); }
        @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
      };
    }
  }
}
