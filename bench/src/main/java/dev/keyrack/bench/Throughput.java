package dev.keyrack.bench;

import java.util.List;
import java.util.Map;

/** Local throughput (create until set) next to the raw DynamoDB Local write rate. Not implemented yet. */
public final class Throughput implements Part {
  @Override
  public String key() {
    return "throughput";
  }

  @Override
  public String title() {
    return "Local throughput (create until set) next to the raw DynamoDB Local write rate";
  }

  @Override
  public PartResult run(BenchContext context) {
    throw new UnsupportedOperationException("throughput is not implemented yet");
  }
}
