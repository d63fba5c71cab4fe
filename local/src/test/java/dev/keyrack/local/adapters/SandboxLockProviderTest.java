package dev.keyrack.local.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyrack.adapters.sandbox.DynamoLockMemoryStore;
import dev.keyrack.adapters.sandbox.LockMemory;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Workspace;
import dev.keyrack.local.Engines;
import dev.keyrack.local.LocalResources;
import dev.keyrack.local.Template;
import dev.keyrack.ports.LockProvider.ProviderException;
import dev.keyrack.ports.LockProvider.ProviderException.Kind;
import dev.keyrack.ports.LockProvider.Programming;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox lock cloud with its memory in DynamoDB Local, at zero latency. */
class SandboxLockProviderTest {
  static Engines engines;
  static SandboxLockProvider provider;

  @BeforeAll
  static void start() throws Exception {
    engines = Engines.start(null);
    LocalResources resources = LocalResources.create(Template.load(Template.locate(Path.of(""))), engines.dynamo(),
        engines.sqs(), Map.of());
    provider = new SandboxLockProvider(new DynamoLockMemoryStore(engines.dynamo(), resources.tableName("KeyrackTable")),
        new Random(42), 0);
  }

  @AfterAll
  static void stop() {
    if (engines != null) engines.close();
  }

  static Device lock(String type) {
    Workspace w = Fixtures.workspace();
    return Fixtures.device(w, type, Fixtures.T0, type);
  }

  static Programming prog(UUID code, String pin) {
    return new Programming(code, pin, "Guest", null, null);
  }

  static ProviderException refusal(Device d, Programming p) {
    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.set(d, p));
    assertThat(e).as("set should have been refused").isNotNull();
    if (p.pin() != null) assertThat(e.getMessage()).doesNotContain(p.pin());
    return e;
  }

  static Map<UUID, LockMemory.Slot> slots(Device d) {
    return provider.memory(d.deviceId()).slots();
  }

  @Test
  void setPutsASlotWithTheNameAsTheLockShowsIt() throws Exception {
    Device d = lock("kwikset_lock"); // shows 14 characters of a name
    UUID code = UUID.randomUUID();
    Instant start = Instant.parse("2025-07-01T15:00:00Z"), end = Instant.parse("2025-07-04T11:00:00Z");
    provider.set(d, new Programming(code, "4821", "A very long guest name", start, end));

    assertThat(slots(d)).containsOnlyKeys(code);
    assertThat(slots(d).get(code)).isEqualTo(new LockMemory.Slot("4821", "A very long gu", start, end));
    assertThat(provider.memory(UUID.randomUUID()).slots()).as("another lock is empty").isEmpty();
  }

  @Test
  void settingTheSameCodeTwiceLeavesOneSlot() throws Exception {
    Device d = lock("august_lock");
    UUID code = UUID.randomUUID();
    provider.set(d, prog(code, "4821"));
    provider.set(d, prog(code, "4821"));
    assertThat(slots(d)).containsOnlyKeys(code);

    // setting it again with a new PIN replaces the PIN in the same slot
    provider.set(d, prog(code, "5932"));
    assertThat(slots(d)).containsOnlyKeys(code);
    assertThat(slots(d).get(code).pin()).isEqualTo("5932");
  }

  @Test
  void anotherCodeWithTheSamePinIsADuplicate() throws Exception {
    Device d = lock("august_lock");
    UUID first = UUID.randomUUID(), second = UUID.randomUUID();
    provider.set(d, prog(first, "4821"));

    ProviderException e = refusal(d, prog(second, "4821"));
    assertThat(e.kind()).isEqualTo(Kind.DUPLICATE_CODE);
    assertThat(e.permanent()).isTrue();
    assertThat(slots(d)).containsOnlyKeys(first);

    // the same PIN on another lock is fine
    Device other = lock("august_lock");
    provider.set(other, prog(second, "4821"));
    assertThat(slots(other)).containsOnlyKeys(second);
  }

  @Test
  void aFullLockHasNoSpace() throws Exception {
    Device d = lock("smartthings_lock");
    BrandProfile brand = d.profile();
    assertThat(brand.usableSlots()).isEqualTo(27);
    List<UUID> codes = new ArrayList<>();
    for (int i = 0; i < brand.usableSlots(); i++) {
      UUID c = UUID.randomUUID();
      codes.add(c);
      provider.set(d, prog(c, String.valueOf(5000 + i)));
    }
    assertThat(slots(d)).hasSize(27);

    ProviderException e = refusal(d, prog(UUID.randomUUID(), "9999"));
    assertThat(e.kind()).isEqualTo(Kind.NO_SPACE);
    assertThat(slots(d)).hasSize(27);

    // a code already on the full lock can still be re-set
    provider.set(d, prog(codes.get(0), "8888"));
    assertThat(slots(d).get(codes.get(0)).pin()).isEqualTo("8888");

    // and removing one makes room
    provider.remove(d, codes.get(1));
    UUID late = UUID.randomUUID();
    provider.set(d, prog(late, "9999"));
    assertThat(slots(d)).hasSize(27).containsKey(late).doesNotContainKey(codes.get(1));
  }

  @Test
  void aPinThatBreaksTheBrandRulesIsRejected() throws Exception {
    Device nuki = lock("nuki_lock");
    for (String pin : List.of("123456", "135790", "4821", "abcdef")) {
      ProviderException e = refusal(nuki, prog(UUID.randomUUID(), pin));
      assertThat(e.kind()).as(pin).isEqualTo(Kind.REJECTED_PIN);
    }
    Device tedee = lock("tedee_lock");
    assertThat(refusal(tedee, prog(UUID.randomUUID(), "11122")).kind()).isEqualTo(Kind.REJECTED_PIN);
    Device august = lock("august_lock");
    assertThat(refusal(august, prog(UUID.randomUUID(), "123456789")).kind()).isEqualTo(Kind.REJECTED_PIN);
    assertThat(slots(nuki)).isEmpty();
    assertThat(slots(tedee)).isEmpty();
    assertThat(slots(august)).isEmpty();
  }

  @Test
  void removeIsIdempotent() throws Exception {
    Device d = lock("yale_lock");
    UUID keep = UUID.randomUUID(), gone = UUID.randomUUID();
    provider.set(d, prog(keep, "1357"));
    provider.set(d, prog(gone, "2468"));

    provider.remove(d, gone);
    assertThat(slots(d)).containsOnlyKeys(keep);
    long version = provider.memory(d.deviceId()).version();
    provider.remove(d, gone);
    provider.remove(d, UUID.randomUUID());
    assertThat(slots(d)).containsOnlyKeys(keep);
    assertThat(provider.memory(d.deviceId()).version()).as("a no-op removal writes nothing").isEqualTo(version);

    // removing from a lock never touched is fine too
    Device fresh = lock("yale_lock");
    assertThatCode(() -> provider.remove(fresh, UUID.randomUUID())).doesNotThrowAnyException();
  }

  @Test
  void anOfflineLockFailsTransiently() throws Exception {
    Device d = lock("august_lock");
    UUID present = UUID.randomUUID();
    provider.set(d, prog(present, "1357"));
    provider.configure(d.deviceId(), m -> m.withOnline(false));

    ProviderException e = refusal(d, prog(UUID.randomUUID(), "2468"));
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.permanent()).isFalse();
    ProviderException onRemove = catchThrowableOfType(ProviderException.class, () -> provider.remove(d, present));
    assertThat(onRemove).isNotNull();
    assertThat(onRemove.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(slots(d)).containsOnlyKeys(present);

    provider.configure(d.deviceId(), m -> m.withOnline(true));
    UUID after = UUID.randomUUID();
    provider.set(d, prog(after, "2468"));
    assertThat(slots(d)).containsOnlyKeys(present, after);
  }

  @Test
  void failureRatesOfOneAndZero() throws Exception {
    Device d = lock("august_lock");
    provider.configure(d.deviceId(), m -> m.withFaults(1.0, 0.0, 0));
    for (int i = 0; i < 25; i++) {
      assertThat(refusal(d, prog(UUID.randomUUID(), String.valueOf(3000 + i))).kind()).isEqualTo(Kind.TRANSIENT);
    }
    assertThat(slots(d)).isEmpty();

    provider.configure(d.deviceId(), m -> m.withFaults(0.0, 1.0, 0));
    List<UUID> codes = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      UUID c = UUID.randomUUID();
      codes.add(c);
      provider.set(d, prog(c, String.valueOf(3000 + i)));
    }
    assertThat(slots(d)).hasSize(25);
    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider.remove(d, codes.get(0)));
    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(slots(d)).hasSize(25);

    provider.configure(d.deviceId(), m -> m.withFaults(0.0, 0.0, 0));
    for (UUID c : codes) provider.remove(d, c);
    assertThat(slots(d)).isEmpty();
  }

  @Test
  void configureKeepsTheSlots() throws Exception {
    Device d = lock("august_lock");
    UUID c = UUID.randomUUID();
    provider.set(d, prog(c, "1357"));
    provider.configure(d.deviceId(), m -> m.withFaults(0.5, 0.25, 7).withOnline(false));
    LockMemory m = provider.memory(d.deviceId());
    assertThat(m.slots()).containsOnlyKeys(c);
    assertThat(m.online()).isFalse();
    assertThat(m.failSetRate()).isEqualTo(0.5);
    assertThat(m.failRemoveRate()).isEqualTo(0.25);
    assertThat(m.extraLatencyMillis()).isEqualTo(7);
  }

  @Test
  void concurrentSetsOfDifferentCodesAreAllStored() throws Exception {
    Device d = lock("two_n_intercom"); // 1000 slots
    int threads = 8, perThread = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<UUID> expected = new HashSet<>();
    List<Future<?>> futures = new ArrayList<>();
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        List<Programming> mine = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          UUID c = UUID.randomUUID();
          expected.add(c);
          mine.add(prog(c, String.valueOf(10_000 + t * 100 + i)));
        }
        Callable<Void> job = () -> {
          go.await();
          for (Programming p : mine) provider.set(d, p);
          return null;
        };
        futures.add(pool.submit(job));
      }
      go.countDown();
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    LockMemory m = provider.memory(d.deviceId());
    assertThat(m.slots().keySet()).containsExactlyInAnyOrderElementsOf(expected);
    // one successful conditional write per set: no write was lost or applied twice
    assertThat(m.version()).isEqualTo(threads * perThread);
  }

  @Test
  void concurrentSetsOfTheSamePinOnOneLockLetExactlyOneWin() throws Exception {
    Device d = lock("august_lock");
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Kind>> futures = new ArrayList<>();
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        UUID c = UUID.randomUUID();
        futures.add(pool.submit(() -> {
          go.await();
          try {
            provider.set(d, prog(c, "7531"));
            return null;
          } catch (ProviderException e) {
            return e.kind();
          }
        }));
      }
      go.countDown();
      List<Kind> outcomes = new ArrayList<>();
      for (Future<Kind> f : futures) outcomes.add(f.get(60, TimeUnit.SECONDS));
      assertThat(outcomes.stream().filter(k -> k == null).count()).isEqualTo(1);
      assertThat(outcomes.stream().filter(k -> k == Kind.DUPLICATE_CODE).count()).isEqualTo(threads - 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(slots(d)).hasSize(1);
  }

  @Test
  void theAfterChangeHookRunsOnceAnOperationHasTakenEffectAndCanKillTheCaller() throws Exception {
    Device d = lock("august_lock");
    UUID code = UUID.randomUUID();
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    provider.afterChange((device, id, set) -> {
      seen.add((set ? "set " : "remove ") + id);
      throw new IllegalStateException("crash");
    });
    try {
      assertThatThrownBy(() -> provider.set(d, prog(code, "4711"))).hasMessage("crash");
      assertThat(slots(d)).as("the lock was written before the crash").containsKey(code);
      assertThatThrownBy(() -> provider.remove(d, code)).hasMessage("crash");
      assertThat(slots(d)).doesNotContainKey(code);
      assertThat(seen).containsExactly("set " + code, "remove " + code);
    } finally {
      provider.afterChange(SandboxLockProvider.AfterChange.NONE);
    }
    provider.set(d, prog(code, "4711"));
    assertThat(seen).hasSize(2);
  }
}
