package dev.keyrack.ports;

/** Business counters (codes created, set, failed). Implemented with Powertools metrics in the functions. */
public interface Telemetry {
  void count(String metric);

  Telemetry NONE = metric -> { };
}
