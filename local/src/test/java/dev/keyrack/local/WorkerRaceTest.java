package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.app.AccessCodeService;
import dev.keyrack.app.ApiError;
import dev.keyrack.app.CreateRequest;
import dev.keyrack.app.UpdateRequest;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.ports.JobQueue;
import dev.keyrack.ports.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The worker writes a code (as set, with a new version) between an update's or a delete's read of
 * it and its write: the request is applied again to the code as the worker left it, instead of
 * answering 409 to a client that made no other request (real store: the stack's DynamoDB Local).
 */
class WorkerRaceTest {
  private final AwsWiring wiring = TestStack.get().wiring("ApiFunction");
  private final Store real = wiring.store();
  private final Device lock = TestStack.get().devices().stream().filter(d -> d.deviceType().equals("schlage_lock"))
      .findFirst().orElseThrow();
  private final UUID ws = lock.workspaceId();
  private final List<DeviceOperation> sent = new CopyOnWriteArrayList<>();
  private final JobQueue queue = sent::add;

  /** How many of the api's writes of a code the worker is to beat (each: the code stored as set on its lock, version + 1, as DeviceWorker stores it). */
  private final AtomicInteger workerWins = new AtomicInteger();
  private final AtomicInteger admits = new AtomicInteger(), unadmits = new AtomicInteger();
  /** What the racing write stores: the code as set (the worker), or as removing (a delete that won). */
  private volatile CodeStatus racingStatus = CodeStatus.set;

  /** The store, with the worker's write of the code slipped in just before each write of the api it is to beat. */
  private final Store racing = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
      (proxy, method, args) -> {
        if (method.getName().equals("admit")) admits.incrementAndGet();
        if (method.getName().equals("unadmit")) unadmits.incrementAndGet();
        if (Set.of("update", "updateAll", "delete").contains(method.getName()) && workerWins.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          AccessCode read = method.getName().equals("updateAll")
              ? ((List<Store.Change>) args[0]).get(0).previous() : (AccessCode) args[0];
          AccessCode now = real.accessCode(read.workspaceId(), read.accessCodeId()).orElseThrow();
          real.update(now, now.withStatus(racingStatus).withOnLock(true, false).withPendingMutations(List.of())
              .withVersion(now.version() + 1), List.of());
        }
        try {
          return method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
  private final AccessCodeService service = new AccessCodeService(racing, queue, wiring.scheduler(), wiring.backupPools(),
      Clock.systemUTC());

  private AccessCode newCode(String name) {
    return service.create(ws, new CreateRequest(lock.deviceId(), name, Codes.randomPin(), null, null, null, null, null, null,
        null, null, null)).accessCode();
  }

  @Test
  void anUpdateThatLosesItsVersionToTheWorkerIsAppliedToTheCodeAsSet() {
    AccessCode created = newCode("Race update");
    workerWins.set(1);
    admits.set(0);
    service.update(ws, new UpdateRequest(created.accessCodeId(), "Renamed after set", null, null, null, null, null, null));
    AccessCode stored = real.accessCode(ws, created.accessCodeId()).orElseThrow();
    assertThat(stored.name()).isEqualTo("Renamed after set");
    assertThat(stored.version()).isEqualTo(created.version() + 2); // the worker's write, then the update on top of it
    assertThat(workerWins.get()).isZero();
    assertThat(admits.get()).as("counted once against the guardrail").isEqualTo(1);
    cleanUp(created);
  }

  @Test
  void aDeleteThatLosesItsVersionToTheWorkerStillTakesTheCodeOffItsLock() {
    AccessCode created = newCode("Race delete");
    sent.clear();
    workerWins.set(1);
    admits.set(0);
    service.delete(ws, created.accessCodeId());
    assertThat(real.accessCode(ws, created.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.removing);
    assertThat(sent).extracting(DeviceOperation::kind).containsExactly(DeviceOperation.Kind.REMOVE);
    assertThat(admits.get()).isEqualTo(1);
    cleanUp(created);
  }

  @Test
  void aCodeThatKeepsChangingAnswers409AndKeepsTheLastWritersChange() {
    AccessCode created = newCode("Race lost");
    workerWins.set(100);
    assertThatThrownBy(() -> service.update(ws, new UpdateRequest(created.accessCodeId(), "Never stored", null, null, null, null,
        null, null)))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.type()).isEqualTo("access_code_changed_concurrently");
        });
    assertThat(100 - workerWins.get()).as("tries before giving up").isEqualTo(5);
    workerWins.set(0);
    AccessCode stored = real.accessCode(ws, created.accessCodeId()).orElseThrow();
    assertThat(stored.name()).isEqualTo("Race lost");
    assertThat(stored.status()).isEqualTo(CodeStatus.set);
    cleanUp(created);
  }

  /** Refused on its retry (a delete won meanwhile): the request's guardrail count is taken back. */
  @Test
  void anUpdateRefusedOnItsRetryGivesItsGuardrailCountBack() {
    AccessCode created = newCode("Race refused");
    racingStatus = CodeStatus.removing;
    workerWins.set(1);
    admits.set(0);
    unadmits.set(0);
    assertThatThrownBy(() -> service.update(ws, new UpdateRequest(created.accessCodeId(), "Too late", null, null, null, null,
        null, null)))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.type()).isEqualTo("access_code_being_removed"));
    assertThat(admits.get()).isEqualTo(1);
    assertThat(unadmits.get()).as("taken back").isEqualTo(1);
    racingStatus = CodeStatus.set;
    cleanUp(created);
  }

  /** Sent to no queue the stack polls, so never on its lock: gone from the shared stack's store. */
  private void cleanUp(AccessCode created) {
    workerWins.set(0);
    real.delete(real.accessCode(ws, created.accessCodeId()).orElseThrow(), List.of());
  }
}
