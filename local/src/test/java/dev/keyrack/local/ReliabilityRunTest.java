package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The reliability run on a small scale: 30% injected failures, lock outages, duplicated
 * messages and fires, worker crashes mid-batch and between a lock write and the store write; the invariants must hold against what the sandbox
 * locks actually hold. (The full-size run is {@code keyrack-local reliability}.)
 */
class ReliabilityRunTest {
  @Test
  void invariantsHoldUnderInjectedFailures() throws Exception {
    ReliabilityRun.Report r = ReliabilityRun.run(80, 12, 0.3, 0.3, 0.05, 1, 7, false);
    r.print();
    assertThat(r.violations()).isEmpty();
    assertThat(r.codes()).isGreaterThanOrEqualTo(70);
    // the faults were really injected
    assertThat(r.retries()).isPositive();
    assertThat(r.outages()).isPositive();
    assertThat(r.duplicateMessages()).isPositive();
    assertThat(r.duplicateFires()).isPositive();
    assertThat(r.crashesAfterLockWrite()).as("workers died between a lock write and the store write").isPositive();
  }
}
