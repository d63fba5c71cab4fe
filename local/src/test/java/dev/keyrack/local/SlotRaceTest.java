package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.adapters.dynamodb.DynamoStore;
import dev.keyrack.domain.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Creates racing for a lock's last free slots, through the local API: as many win as there are
 * slots, no more (a create that sees the lock over its limit withdraws itself) and no fewer (one
 * that withdrew and then finds a slot free again tries again), the rest answered 409.
 */
class SlotRaceTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of("DeviceCreatesPerMinute", "1000"));

  @BeforeAll
  static void start() throws Exception {
    // DynamoDB in AWS answers in milliseconds, not the moment DynamoDB Local takes: each create
    // waits 40 ms between its PIN claim and its code, so that racers' stores overlap as they would there.
    ((DynamoStore) env.store).raceHooks(() -> pause(40), () -> { });
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int create(Device d, int i) throws Exception {
    return env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Racer " + i + "\"}").status();
  }

  /** Racers near the lock's last slots store one at a time, under the lock's slot lease. */
  @Test
  void asManyRacersWinAsThereAreFreeSlots() throws Exception {
    for (int round = 1; round <= 5; round++) race(round, round, 3, 10);
  }

  /**
   * A burst bigger than the lease's reach: the racers' first tries see many slots free and store
   * without it; those that then find the lock over its limit withdraw and try again under it.
   */
  @Test
  void aBurstOnALockWithManyFreeSlotsFillsThemAll() throws Exception {
    for (int round = 1; round <= 3; round++) race(5 + round, round, 8, 14);
  }

  /** {@code racers} creates at once on the {@code lock}th SmartThings lock (27 usable slots), {@code free} of them free. */
  private void race(int lock, int round, int free, int racers) throws Exception {
    Device d = env.stack.seedExtraLocks("smartthings_lock", lock).get(lock - 1);
    int usable = d.profile().usableSlots();
    for (int i = 0; i < usable - free; i++) assertThat(create(d, i)).isEqualTo(200);
    List<Callable<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      int n = 100 + i;
      calls.add(() -> create(d, n));
    }
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
      for (Future<Integer> f : pool.invokeAll(calls)) statuses.add(f.get());
    }
    String what = "round " + round + ": " + statuses;
    assertThat(statuses).as(what).filteredOn(s -> s == 200).hasSize(free);
    assertThat(statuses).as(what).filteredOn(s -> s == 409).hasSize(racers - free);
    assertThat(env.store.slots(env.ws, d.deviceId()).used()).isEqualTo(usable);
  }
}
