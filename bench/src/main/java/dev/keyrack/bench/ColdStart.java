package dev.keyrack.bench;

import java.util.List;
import java.util.Map;

/** Cold start stand-in (fresh JVM per function, first handled event). Not implemented yet. */
public final class ColdStart implements Part {
  @Override
  public String key() {
    return "cold_start";
  }

  @Override
  public String title() {
    return "Cold start stand-in (fresh JVM per function, first handled event)";
  }

  @Override
  public PartResult run(BenchContext context) {
    throw new UnsupportedOperationException("cold_start is not implemented yet");
  }
}
