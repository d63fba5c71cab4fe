package dev.keyrack.bench;

import java.util.List;
import java.util.Map;

/** Artifact size of each function's deployable package. Not implemented yet. */
public final class ArtifactSize implements Part {
  @Override
  public String key() {
    return "artifact_size";
  }

  @Override
  public String title() {
    return "Artifact size of each function's deployable package";
  }

  @Override
  public PartResult run(BenchContext context) {
    throw new UnsupportedOperationException("artifact_size is not implemented yet");
  }
}
