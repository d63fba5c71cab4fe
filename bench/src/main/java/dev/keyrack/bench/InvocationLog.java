package dev.keyrack.bench;

import dev.keyrack.local.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Watches the local stack's Lambda invocations: times each one, remembers how it was triggered,
 * and tags the invoking thread with the function's id while it runs, so that
 * {@link AwsCallCounter} can tell which function made an SDK call.
 */
public final class InvocationLog implements Instrumentation.InvocationObserver {
  /** One finished invocation. */
  public record Invocation(String functionId, Instrumentation.Trigger trigger, long nanos) {}

  private final ThreadLocal<String> current = new ThreadLocal<>();
  private final List<Invocation> finished = new ArrayList<>();
  private final AtomicInteger running = new AtomicInteger();

  @Override
  public <T> T around(String functionId, Instrumentation.Trigger trigger, Supplier<T> invocation) {
    String outer = current.get();
    current.set(functionId);
    running.incrementAndGet();
    long t0 = System.nanoTime();
    try {
      return invocation.get();
    } finally {
      long took = System.nanoTime() - t0;
      synchronized (finished) {
        finished.add(new Invocation(functionId, trigger, took));
      }
      running.decrementAndGet();
      current.set(outer);
    }
  }

  /** The function whose invocation the calling thread is running, or null. */
  public String currentFunction() {
    return current.get();
  }

  /** Invocations under way right now. */
  public int running() {
    return running.get();
  }

  public List<Invocation> finished() {
    synchronized (finished) {
      return List.copyOf(finished);
    }
  }

  public int count() {
    synchronized (finished) {
      return finished.size();
    }
  }

  public void reset() {
    synchronized (finished) {
      finished.clear();
    }
  }
}
