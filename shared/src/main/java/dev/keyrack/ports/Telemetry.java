package dev.keyrack.ports;

/** Business counters (codes created, set, failed). Implemented with Powertools metrics in the functions. */
public interface Telemetry {
  void count(String metric);

  /** Adds {@code n} to a counter at once. */
  default void count(String metric, int n) {
    for (int i = 0; i < n; i++) count(metric);
  }

  Telemetry NONE = metric -> { };
}
