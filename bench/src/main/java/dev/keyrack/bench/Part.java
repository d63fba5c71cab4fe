package dev.keyrack.bench;

/** One part of the benchmark: measures something and returns its figures. */
public interface Part {
  /** The key of this part in the JSON report and on the command line, e.g. {@code cold_start}. */
  String key();

  /** A one-line title for the table. */
  String title();

  PartResult run(BenchContext context) throws Exception;
}
