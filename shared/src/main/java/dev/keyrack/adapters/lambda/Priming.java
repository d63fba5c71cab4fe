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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Priming.class);

  private Priming() {}

  /** Runs the stored access code document's writer and reader ({@link dev.keyrack.json.Docs}), in memory only. */
  public static void warmJson() {
    dev.keyrack.domain.AccessCode code = code(absentId(), absentId(), dev.keyrack.domain.CodeType.ongoing,
        dev.keyrack.domain.CodeStatus.setting, null, null);
    dev.keyrack.json.Docs.accessCode(dev.keyrack.json.Docs.write(code));
  }

  /**
   * A workspace of its own with one sandbox lock, stored in {@code store}: the stand-in's of
   * {@link dev.keyrack.adapters.AwsWiring#standIn}, for a function's representative priming requests.
   *
   * @return the lock
   */
  public static dev.keyrack.domain.Device seedLock(dev.keyrack.ports.Store store, String apiKeyHash) {
    dev.keyrack.domain.Workspace w = new dev.keyrack.domain.Workspace(absentId(), "priming", true);
    store.putWorkspace(w, apiKeyHash);
    dev.keyrack.domain.Device lock = new dev.keyrack.domain.Device(absentId(), w.workspaceId(), absentId(), "kwikset_lock",
        "Priming lock", java.time.Instant.now(), true);
    store.putDevice(lock);
    return lock;
  }

  /** A new access code with PIN 4821 as the api stores it, not yet on its lock. */
  public static dev.keyrack.domain.AccessCode code(UUID workspaceId, UUID deviceId, dev.keyrack.domain.CodeType type,
                                                   dev.keyrack.domain.CodeStatus status, java.time.Instant startsAt,
                                                   java.time.Instant endsAt) {
    return new dev.keyrack.domain.AccessCode(dev.keyrack.domain.Ids.shared().timeOrdered(java.time.Instant.now()), workspaceId,
        deviceId, "priming", "4821", null, type, status, startsAt, endsAt, java.time.Instant.now(), java.util.List.of(),
        java.util.List.of(), java.util.List.of(), false, false, false, false, true, false, 1);
  }

  /**
   * Runs a function's representative priming requests on a stand-in of {@code aws}'s AWS
   * ({@link dev.keyrack.adapters.AwsWiring#standIn}), then closes it. A failure is logged and
   * ignored: priming must never stop a snapshot.
   */
  public static void onStandIn(dev.keyrack.adapters.AwsWiring aws,
                               java.util.function.ToIntFunction<dev.keyrack.adapters.AwsWiring> requests) {
    dev.keyrack.adapters.AwsWiring standIn = aws.standIn();
    try {
      requests.applyAsInt(standIn);
    } catch (RuntimeException e) {
      LOG.warn("priming requests on the stand-in failed: {}", e.getClass().getSimpleName());
    } finally {
      standIn.closeStandIn();
    }
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
