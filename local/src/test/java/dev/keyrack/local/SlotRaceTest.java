package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.domain.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Creates racing for a lock's last free slots, through the local API: as many win as there are
 * slots, no more (a create that sees the lock over its limit withdraws itself) and no fewer (one
 * that withdrew and then finds a slot free again tries again), the rest answered 409.
 */
class SlotRaceTest {
  static ClockedStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new ClockedStack(Map.of("DeviceCreatesPerMinute", "1000"));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  static int create(Device d, int i) throws Exception {
    return env.call("/access_codes/create", "{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Racer " + i + "\"}").status();
  }

  @Test
  void asManyRacersWinAsThereAreFreeSlots() throws Exception {
    for (int round = 1; round <= 3; round++) {
      Device d = env.stack.seedExtraLocks("smartthings_lock", round).get(round - 1);
      int usable = d.profile().usableSlots(), free = 3;
      for (int i = 0; i < usable - free; i++) assertThat(create(d, i)).isEqualTo(200);
      List<Callable<Integer>> racers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = 100 + i;
        racers.add(() -> create(d, n));
      }
      List<Integer> statuses = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        for (Future<Integer> f : pool.invokeAll(racers)) statuses.add(f.get());
      }
      assertThat(statuses).as("round " + round + ": " + statuses).filteredOn(s -> s == 200).hasSize(free);
      assertThat(statuses).filteredOn(s -> s == 409).hasSize(8 - free);
      assertThat(env.store.slots(env.ws, d.deviceId()).used()).isEqualTo(usable);
    }
  }
}
