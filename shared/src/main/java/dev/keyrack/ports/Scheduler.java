package dev.keyrack.ports;

import dev.keyrack.domain.Fire;
import java.util.UUID;

/** One-time schedules that fire the programmer at a code's pending moments. */
public interface Scheduler {
  /** Creates (or replaces) the schedule of one moment. Idempotent. */
  void schedule(Fire fire);

  /** Deletes every pending schedule of a code. Idempotent. */
  void cancelAll(UUID accessCodeId);

  Scheduler NONE = new Scheduler() {
    @Override public void schedule(Fire fire) { }
    @Override public void cancelAll(UUID accessCodeId) { }
  };
}
