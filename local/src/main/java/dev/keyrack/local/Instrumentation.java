package dev.keyrack.local;

import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * What a caller (the benchmarks) may hang on the local stack to watch it work: extra SDK
 * interceptors on every client the stack builds (DynamoDB, SQS, Scheduler), and an observer around
 * every local Lambda invocation. {@link #NONE} changes nothing.
 *
 * @param interceptors added to the DynamoDB, SQS and Scheduler clients, after the SDK's own
 * @param invocations  wraps each function invocation (HTTP request, schedule fire, SQS batch)
 */
public record Instrumentation(List<ExecutionInterceptor> interceptors, InvocationObserver invocations) {
  public static final Instrumentation NONE = new Instrumentation(List.of(), InvocationObserver.NONE);

  public Instrumentation {
    interceptors = List.copyOf(interceptors);
  }

  /** How a function was invoked, as Lambda would be. */
  public enum Trigger { HTTP_API, SCHEDULE, SQS }

  /** Sees each local Lambda invocation; it must call {@code invocation} exactly once and return its result. */
  public interface InvocationObserver {
    InvocationObserver NONE = new InvocationObserver() {
      @Override
      public <T> T around(String functionId, Trigger trigger, Supplier<T> invocation) {
        return invocation.get();
      }
    };

    <T> T around(String functionId, Trigger trigger, Supplier<T> invocation);
  }

  ExecutionInterceptor[] interceptorArray() {
    return interceptors.toArray(ExecutionInterceptor[]::new);
  }
}
