package dev.keyrack.adapters.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * SnapStart priming support shared by the handlers: the {@link Context} of a priming request
 * (made inside {@code beforeCheckpoint}, before any real invocation), ids that name nothing
 * stored, so a priming request only reads, and a JSON round trip of a stored access code, which
 * the read-only priming requests never get to parse.
 */
public final class Priming {
  private Priming() {}

  /** Builds Jackson's (de)serializers of the stored access code document, in memory only. */
  public static void warmJson() {
    dev.keyrack.domain.AccessCode code = new dev.keyrack.domain.AccessCode(absentId(), absentId(), absentId(), "priming",
        "4821", null, dev.keyrack.domain.CodeType.ongoing, dev.keyrack.domain.CodeStatus.setting, null, null,
        java.time.Instant.now(), java.util.List.of(), java.util.List.of(), java.util.List.of(), false, false, false, false,
        true, false, 1);
    dev.keyrack.json.Json.read(dev.keyrack.json.Json.write(code), dev.keyrack.domain.AccessCode.class);
  }

  /** A random id no stored item has: priming reads of it find nothing. */
  public static UUID absentId() {
    return UUID.randomUUID();
  }

  /** The context of a priming invocation (named after AWS_LAMBDA_FUNCTION_NAME where Lambda sets it). */
  public static Context context() {
    String functionName = java.util.Objects.requireNonNullElse(System.getenv("AWS_LAMBDA_FUNCTION_NAME"), "keyrack");
    return new Context() {
      @Override public String getAwsRequestId() { return "snapstart-priming"; }
      @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
      @Override public String getLogStreamName() { return "snapstart-priming"; }
      @Override public String getFunctionName() { return functionName; }
      @Override public String getFunctionVersion() { return "$LATEST"; }
      @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:::function:" + functionName; }
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
    };
  }
}
