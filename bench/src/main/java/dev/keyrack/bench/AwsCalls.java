package dev.keyrack.bench;

import java.util.List;
import java.util.Map;

/** AWS calls per code lifecycle and dollars per million codes. Not implemented yet. */
public final class AwsCalls implements Part {
  @Override
  public String key() {
    return "aws_calls";
  }

  @Override
  public String title() {
    return "AWS calls per code lifecycle and dollars per million codes";
  }

  @Override
  public PartResult run(BenchContext context) {
    throw new UnsupportedOperationException("aws_calls is not implemented yet");
  }
}
