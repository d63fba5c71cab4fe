package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.app.DeviceWorker;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Ids;
import dev.keyrack.ports.LockProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A code deleted while the worker is putting it on its lock (a slow lock: the delete lands during
 * the call). The lock did hold it, so its events say so: set on the device, then removed from it,
 * then deleted; and it ends off the lock. Driven through a worker of the test's own on the stack's
 * store, with a lock whose set lets the API's delete land (stored as the API stores it) before it answers.
 */
class DeletedWhileSettingTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of());

  /** What the test's lock holds, and the lock: each set lets {@code duringSet} run before it answers. */
  final Set<UUID> onLock = ConcurrentHashMap.newKeySet();

  LockProvider slowLock(Runnable duringSet) {
    return new LockProvider() {
      @Override
      public void set(Device device, Programming p) {
        onLock.add(p.accessCodeId());
        duringSet.run();
      }

      @Override
      public void remove(Device device, UUID accessCodeId) {
        onLock.remove(accessCodeId);
      }
    };
  }

  @Test
  void aCodeDeletedWhileItsSetRunsTellsItWasOnTheLockAndEndsOffIt() {
    Device d = env.lock("schlage_lock");
    AccessCode c = Codes.ongoingCreatedAt(env.ws, d.deviceId(), "735914", CodeStatus.setting, env.clock.instant());
    env.store.create(c, List.of());
    // The API's delete of a code being set (Deletion.store): removing, its removal queued behind this set.
    Runnable delete = () -> {
      AccessCode now = env.code(c.accessCodeId());
      env.store.update(now, now.withStatus(CodeStatus.removing).withVersion(now.version() + 1), List.of());
    };
    DeviceWorker worker = new DeviceWorker(env.store, slowLock(delete), env.clock, Ids.shared());

    DeviceWorker.Outcome set = worker.process(new DeviceOperation(DeviceOperation.Kind.SET, env.ws, d.deviceId(),
        c.accessCodeId(), c.version()), 1);
    assertThat(set).isEqualTo(DeviceWorker.Outcome.NOTHING_TO_DO);
    assertThat(onLock).as("taken back off the lock at once").doesNotContain(c.accessCodeId());
    AccessCode stored = env.code(c.accessCodeId());
    assertThat(stored.status()).isEqualTo(CodeStatus.removing);
    assertThat(stored.onLock()).as("stored as having been on the lock").isTrue();
    assertThat(env.events(c.accessCodeId())).containsExactly("access_code.set_on_device");
    Event setEvent = env.store.events(env.ws, new dev.keyrack.ports.Store.EventQuery(null, c.accessCodeId(), null, null, null, 5))
        .get(0);
    assertThat(setEvent.deviceId()).isEqualTo(d.deviceId());

    // Its removal, queued behind the set, finishes the story.
    DeviceWorker.Outcome removal = worker.process(new DeviceOperation(DeviceOperation.Kind.REMOVE, env.ws, d.deviceId(),
        c.accessCodeId(), stored.version()), 1);
    assertThat(removal).isEqualTo(DeviceWorker.Outcome.DONE);
    assertThat(env.code(c.accessCodeId())).isNull();
    assertThat(onLock).isEmpty();
    assertThat(env.events(c.accessCodeId()))
        .containsExactly("access_code.set_on_device", "access_code.removed_from_device", "access_code.deleted");
  }
}
