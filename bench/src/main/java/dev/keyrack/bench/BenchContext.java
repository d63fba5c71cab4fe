package dev.keyrack.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every part gets: the repository root (template.yaml, events/, the built artifacts), a
 * progress printer, whether to run a quick (smaller) version, and the results of the parts run
 * before it (the simulation reads the cost per code of the AWS-calls part from here).
 */
public final class BenchContext {
  private final Path repo;
  private final boolean quick;
  private final Map<String, PartResult> results = new LinkedHashMap<>();

  public BenchContext(Path repo, boolean quick) {
    this.repo = repo;
    this.quick = quick;
  }

  public Path repo() {
    return repo;
  }

  public boolean quick() {
    return quick;
  }

  /** Progress for long-running steps, on stderr so the table on stdout stays clean. */
  public void progress(String format, Object... args) {
    System.err.printf("  .. " + format + "%n", args);
    System.err.flush();
  }

  public Map<String, PartResult> results() {
    return results;
  }
}
