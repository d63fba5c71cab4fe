package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code devices/update} through the local API: a lock renamed (by {@code name} or {@code
 * properties.name}) is shown by that name everywhere; its backup pool turned on fills; what Keyrack
 * cannot do is a 400 that changes nothing; another workspace's lock is not found.
 */
class DevicesUpdateTest {
  @RegisterExtension
  static final ClockedStack env = ClockedStack.of(Map.of());

  static JsonNode device(Device d) throws Exception {
    ClockedStack.Answer a = env.call("/devices/get", "{\"device_id\":\"" + d.deviceId() + "\"}");
    assertThat(a.status()).isEqualTo(200);
    return a.body().path("device");
  }

  static int update(Device d, String fields) throws Exception {
    return env.call("/devices/update", "{\"device_id\":\"" + d.deviceId() + "\"," + fields + "}").status();
  }

  @Test
  void aRenamedLockIsShownByItsNewName() throws Exception {
    Device d = env.freshLock("august_lock");
    assertThat(update(d, "\"name\":\"Unit 4B front door\"")).isEqualTo(200);
    JsonNode shown = device(d);
    assertThat(shown.at("/properties/name").asText()).isEqualTo("Unit 4B front door");
    assertThat(shown.path("display_name").asText()).isEqualTo("Unit 4B front door");
    JsonNode lock = env.call("/locks/get", "{\"device_id\":\"" + d.deviceId() + "\"}").body().path("device");
    assertThat(lock.at("/properties/name").asText()).isEqualTo("Unit 4B front door");
    assertThat(env.call("/devices/get", "{\"name\":\"Unit 4B front door\"}").body().at("/device/device_id").asText())
        .isEqualTo(d.deviceId().toString());

    assertThat(update(d, "\"properties\":{\"name\":\"Unit 4B\"}")).isEqualTo(200);
    assertThat(device(d).at("/properties/name").asText()).isEqualTo("Unit 4B");
    assertThat(device(d).at("/properties/online").asBoolean()).as("the rest as it was").isTrue();
  }

  @Test
  void whatCannotBeDoneIsA400ThatChangesNothing() throws Exception {
    Device d = env.freshLock("yale_lock");
    String before = device(d).at("/properties/name").asText();
    for (String fields : new String[] {"\"name\":null", "\"name\":\"   \"", "\"name\":\"a\\u0000b\"", "\"name\":7",
        "\"is_managed\":false", "\"custom_metadata\":{\"unit\":\"4B\"}", "\"backup_access_code_pool_enabled\":false",
        "\"properties\":{\"name\":\"x\",\"colour\":\"red\"}", "\"properties\":\"x\"", "\"name\":\"A\",\"properties\":{\"name\":\"B\"}",
        "\"colour\":\"red\""}) {
      ClockedStack.Answer a = env.call("/devices/update", "{\"device_id\":\"" + d.deviceId() + "\"," + fields + "}");
      assertThat(a.status()).as(fields + " -> " + a.body()).isEqualTo(400);
      assertThat(a.body().at("/error/type").asText()).as(fields).isNotEmpty();
    }
    assertThat(device(d).at("/properties/name").asText()).isEqualTo(before);
    assertThat(env.call("/devices/update", "{\"device_id\":\"" + java.util.UUID.randomUUID() + "\",\"name\":\"x\"}").status())
        .isEqualTo(404);
    Device theirs = Seeder.seedExtraLocks(env.store, "sandbox-workspace-2", "yale_lock", 1, env.clock.instant()).get(0);
    assertThat(theirs.workspaceId()).isNotEqualTo(env.ws);
    assertThat(env.call("/devices/update", "{\"device_id\":\"" + theirs.deviceId() + "\",\"name\":\"mine now\"}").status())
        .as("another workspace's lock").isEqualTo(404);
    assertThat(env.store.device(theirs.workspaceId(), theirs.deviceId()).orElseThrow().displayName()).isNotEqualTo("mine now");
  }

  @Test
  void aBackupPoolTurnedOnFills() throws Exception {
    Device yale = env.freshLock("yale_lock");
    assertThat(update(yale, "\"backup_access_code_pool_enabled\":true")).isEqualTo(200);
    TestStack.await("the pool filled", Duration.ofSeconds(30), () -> env.store.accessCodes(env.ws, yale.deviceId()).stream()
        .anyMatch(c -> c.backupRole() == AccessCode.BackupRole.READY && c.status() == CodeStatus.set));
    Device wyze = env.freshLock("wyze_lock");
    assertThat(update(wyze, "\"backup_access_code_pool_enabled\":true")).as("a brand without pools").isEqualTo(400);
  }
}
