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
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A queue that cannot be reached after a change is stored (real store: the stack's DynamoDB
 * Local). A new code is accepted (the frequent sweep sends it); an update or a delete answers 503,
 * and the client's retry of the same request sends what the code waits for.
 */
class LostSendTest {
  /** A queue that fails while {@code down}, and records what it is given otherwise. */
  static final class FlakyQueue implements JobQueue {
    volatile boolean down = true;
    final List<DeviceOperation> sent = new CopyOnWriteArrayList<>();

    @Override
    public void enqueue(DeviceOperation op) {
      if (down) throw new IllegalStateException("queue unreachable");
      sent.add(op);
    }
  }

  // Each test gets its own (JUnit makes an instance per test): a schlage lock of the shared stack,
  // the api's store, and a queue that is down until a test brings it up.
  private final AwsWiring wiring = TestStack.get().wiring("ApiFunction");
  private final Device lock = TestStack.get().devices().stream().filter(d -> d.deviceType().equals("schlage_lock"))
      .findFirst().orElseThrow();
  private final UUID ws = lock.workspaceId();
  private final FlakyQueue queue = new FlakyQueue();
  private final AccessCodeService service = new AccessCodeService(wiring.store(), queue, wiring.scheduler(),
      wiring.backupPools(), Clock.systemUTC());

  @Test
  void anUpdateOrDeleteWhoseSendFailsAnswers503AndItsRetrySendsAgain() {

    // A new ongoing code: accepted though the send failed; stored as setting for the sweep.
    AccessCode created = service.create(ws, new CreateRequest(lock.deviceId(), "Lost send", Codes.randomPin(), null, null,
        null, null, null, null, null, null, null)).accessCode();
    assertThat(wiring.store().accessCode(ws, created.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.setting);

    // A rename of it, repeated: the retry sends the SET the code still waits for.
    UpdateRequest rename = new UpdateRequest(created.accessCodeId(), "Renamed", null, null, null, null, null, null);
    assertThatThrownBy(() -> service.update(ws, rename)).isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(503));
    queue.down = false;
    service.update(ws, rename);
    assertThat(queue.sent).extracting(DeviceOperation::kind).containsExactly(DeviceOperation.Kind.SET);
    assertThat(queue.sent.get(0).accessCodeId()).isEqualTo(created.accessCodeId());

    // A delete whose send fails: 503, the code stays removing; the retry sends the REMOVE.
    queue.down = true;
    assertThatThrownBy(() -> service.delete(ws, created.accessCodeId()))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(wiring.store().accessCode(ws, created.accessCodeId()).orElseThrow().status()).isEqualTo(CodeStatus.removing);
    queue.down = false;
    service.delete(ws, created.accessCodeId());
    assertThat(queue.sent).extracting(DeviceOperation::kind).containsExactly(DeviceOperation.Kind.SET, DeviceOperation.Kind.REMOVE);

    // (never sent to the stack's own queue, so never on its lock: gone from the shared stack's store)
    wiring.store().delete(wiring.store().accessCode(ws, created.accessCodeId()).orElseThrow(), List.of());
  }

  @Test
  void aDeleteOfAnOlderCodeWhoseSendIsLostIsSentByTheFrequentSweepThroughItsNote() {
    queue.down = false;
    // Made two days ago (its id is of then: outside the frequent sweep's key range of new codes).
    Clock twoDaysAgo = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(-2));
    // (its own id source: the shared one never hands out an id older than its last)
    AccessCode old = new AccessCodeService(wiring.store(), queue, wiring.scheduler(), wiring.backupPools(), twoDaysAgo,
        new dev.keyrack.domain.Ids(), new java.security.SecureRandom())
        .create(ws, new CreateRequest(lock.deviceId(), "Old tenant", Codes.randomPin(), null, null, null, null, null, null,
            null, null, null)).accessCode();
    AccessCode onLock = wiring.store().accessCode(ws, old.accessCodeId()).orElseThrow();
    AccessCode set = onLock.withStatus(CodeStatus.set).withOnLock(true, false).withVersion(onLock.version() + 1);
    wiring.store().update(onLock, set, List.of());

    // Deleted now; the REMOVE cannot be sent, and the client never retries.
    queue.down = true;
    assertThatThrownBy(() -> service.delete(ws, old.accessCodeId()))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(503));
    queue.down = false;
    java.time.Instant now = java.time.Instant.now();
    assertThat(wiring.store().sweepCodes(ws, now.minus(dev.keyrack.app.Reconciler.RECENT_WINDOW), now, now))
        .as("the code itself is not in the frequent sweep's key range").noneMatch(c -> c.accessCodeId().equals(old.accessCodeId()));

    int sent = new dev.keyrack.app.Reconciler(wiring.store(), queue, Clock.systemUTC())
        .reconcile(ws, dev.keyrack.app.Reconciler.Scope.RECENT);
    assertThat(sent).isPositive();
    assertThat(queue.sent).filteredOn(op -> op.accessCodeId().equals(old.accessCodeId()))
        .extracting(DeviceOperation::kind).containsExactly(DeviceOperation.Kind.SET, DeviceOperation.Kind.REMOVE);

    wiring.store().delete(wiring.store().accessCode(ws, old.accessCodeId()).orElseThrow(), List.of());
  }
}
