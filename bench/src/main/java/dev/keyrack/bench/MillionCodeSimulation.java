package dev.keyrack.bench;

import java.util.List;
import java.util.Map;

/** A million time-bound codes in virtual time. Not implemented yet. */
public final class MillionCodeSimulation implements Part {
  @Override
  public String key() {
    return "simulation";
  }

  @Override
  public String title() {
    return "A million time-bound codes in virtual time";
  }

  @Override
  public PartResult run(BenchContext context) {
    throw new UnsupportedOperationException("simulation is not implemented yet");
  }
}
