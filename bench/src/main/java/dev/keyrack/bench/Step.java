package dev.keyrack.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a code's lifecycle as measured: the AWS calls it made ({@code Service.Operation},
 * including the pseudo-operations {@code ApiGateway.Request}, {@code Scheduler.Invocation} and
 * {@code Lambda.Invoke}), the DynamoDB units it consumed, and the Lambda function it ran in.
 *
 * @param at          when in the code's life it happens: create, program, starts_at or ends_at
 * @param ms          billed-duration basis: measured handler time per invocation (warm median)
 * @param memoryMb    the function's memory size in template.yaml
 * @param sandbox     calls on the sandbox's simulated lock memory (not part of a real deployment's bill)
 */
public record Step(String name, String lifecycle, String at, Map<String, Long> calls, double wcu, double rcu,
                   String function, int invocations, double ms, int memoryMb, AwsCallCounter.Tally sandbox) {
  public Step {
    calls = new TreeMap<>(calls);
    if (sandbox == null) sandbox = AwsCallCounter.Tally.EMPTY;
  }

  public long count(String operation) {
    return calls.getOrDefault(operation, 0L);
  }

  /** All calls to one service ({@code DynamoDb}, {@code Sqs}, ...). */
  public long callsTo(String service) {
    return calls.entrySet().stream().filter(e -> e.getKey().startsWith(service + ".")).mapToLong(Map.Entry::getValue).sum();
  }

  public Step withMs(double newMs) {
    return new Step(name, lifecycle, at, calls, wcu, rcu, function, invocations, newMs, memoryMb, sandbox);
  }
}
