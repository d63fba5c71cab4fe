package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Store;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The api handler, built from template.yaml's handler name, fed by the sample events in events/api. */
class ApiHandlerEventsTest {
  static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
  static Store store;
  static UUID workspace;

  @BeforeAll
  static void setUp() {
    LocalStack stack = TestStack.get();
    handler = stack.apiHandler("ApiFunction");
    store = stack.wiring("ApiFunction").store();
    workspace = stack.devices().get(0).workspaceId();
  }

  static JsonNode invoke(String eventFile, int expectedStatus) {
    return invoke(EventFixtures.api(eventFile), eventFile, expectedStatus);
  }

  static JsonNode invoke(APIGatewayV2HTTPEvent event, String eventFile, int expectedStatus) {
    APIGatewayV2HTTPResponse r = handler.handleRequest(event, new LocalContext("keyrack-ApiFunction", 1024, 30));
    assertThat(r.getStatusCode()).as(eventFile + " -> " + r.getBody()).isEqualTo(expectedStatus);
    assertThat(r.getHeaders()).containsEntry("content-type", "application/json");
    try {
      return Json.MAPPER.readTree(r.getBody());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.getBody(), e);
    }
  }

  static void assertErrorEnvelope(JsonNode body, String type) {
    assertThat(body.get("ok").asBoolean()).isFalse();
    assertThat(body.at("/error/type").asText()).isEqualTo(type);
    assertThat(body.at("/error/message").asText()).isNotBlank();
  }

  @Test
  void createStoresTheCodeAsSettingAndTheWorkerSetsIt() {
    JsonNode body = invoke("create-access-code.json", 200);
    assertThat(body.get("ok").asBoolean()).isTrue();
    JsonNode code = body.get("access_code");
    assertThat(code.get("status").asText()).isEqualTo("setting");
    assertThat(code.get("type").asText()).isEqualTo("ongoing");
    assertThat(code.get("code").asText()).isEqualTo("4821");
    assertThat(code.at("/pending_mutations/0/mutation_code").asText()).isEqualTo("creating");
    UUID id = UUID.fromString(code.get("access_code_id").asText());
    TestStack.await("the code to be set", Duration.ofSeconds(20),
        () -> store.accessCode(workspace, id).map(c -> c.status() == CodeStatus.set).orElse(false));
    AccessCode set = store.accessCode(workspace, id).orElseThrow();
    assertThat(set.onLock()).isTrue();
    assertThat(set.pendingMutations()).isEmpty();

    // The same PIN again on the same lock is refused and nothing is written.
    int before = store.accessCodes(workspace, set.deviceId()).size();
    JsonNode dup = invoke("create-access-code.json", 409);
    assertErrorEnvelope(dup, "duplicate_code_on_device");
    assertThat(store.accessCodes(workspace, set.deviceId())).hasSize(before);

    TestStack.post("/access_codes/delete", TestStack.KEY_1, "{\"access_code_id\":\"" + id + "\"}");
    TestStack.await("the code to be gone", Duration.ofSeconds(20), () -> store.accessCode(workspace, id).isEmpty());
  }

  @Test
  void generatedPinHonoursThePreferredLength() {
    JsonNode code = invoke("create-access-code-generated-pin.json", 200).get("access_code");
    assertThat(code.get("code").asText()).matches("\\d{6}");
    TestStack.post("/access_codes/delete", TestStack.KEY_1, "{\"access_code_id\":\"" + code.get("access_code_id").asText() + "\"}");
  }

  @Test
  void badInputIsA4xxEnvelopeAndWritesNothing() {
    // (ids, not a count: another test's deleted code may go in the meantime, as its removal ends)
    List<UUID> before = store.accessCodes(workspace, UUID.fromString(TestStack.AUGUST_1)).stream().map(AccessCode::accessCodeId).toList();
    assertErrorEnvelope(invoke("create-access-code-malformed-json.json", 400), "invalid_json");
    JsonNode shortPin = invoke("create-access-code-pin-too-short.json", 400);
    assertErrorEnvelope(shortPin, "invalid_input");
    assertThat(shortPin.at("/error/validation_errors/code/_errors/0").asText()).contains("4 to 8 digits");
    assertThat(shortPin.toString()).doesNotContain("\"12\"");
    assertErrorEnvelope(invoke("create-access-code-unknown-device.json", 404), "device_not_found");
    assertThat(store.accessCodes(workspace, UUID.fromString(TestStack.AUGUST_1)).stream().map(AccessCode::accessCodeId))
        .as("no code written").isSubsetOf(before);
  }

  @Test
  void missingKeyIs401AndUnknownThingsAre404() {
    assertErrorEnvelope(invoke("create-access-code-no-api-key.json", 401), "unauthorized");
    assertErrorEnvelope(invoke("get-access-code-unknown.json", 404), "access_code_not_found");
    assertErrorEnvelope(invoke("unknown-route.json", 404), "endpoint_not_found");
  }

  /** A code created over HTTP with a PIN no sample event uses, once it is set on the August lock. */
  static UUID setCode() {
    JsonNode created = TestStack.post("/access_codes/create", TestStack.KEY_1,
        "{\"device_id\":\"" + TestStack.AUGUST_1 + "\",\"name\":\"Sample events\",\"code\":\"" + Codes.randomPin() + "\"}").body();
    UUID id = UUID.fromString(created.at("/access_code/access_code_id").asText());
    TestStack.await("the code to be set", Duration.ofSeconds(20),
        () -> store.accessCode(workspace, id).map(c -> c.status() == CodeStatus.set).orElse(false));
    return id;
  }

  @Test
  void updateThenReadItsActionAttemptAndEventsThenDeleteWithAQueryString() {
    UUID id = setCode();
    long versionBefore = store.accessCode(workspace, id).orElseThrow().version();

    // PATCH /access_codes/update: new name and PIN; the answer is the action attempt
    JsonNode updated = invoke(EventFixtures.api("update-access-code.json", id), "update-access-code.json", 200);
    assertThat(updated.get("ok").asBoolean()).isTrue();
    assertThat(updated.at("/action_attempt/action_type").asText()).isEqualTo("UPDATE_ACCESS_CODE");
    assertThat(updated.at("/action_attempt/status").asText()).isEqualTo("success");
    UUID attempt = UUID.fromString(updated.at("/action_attempt/action_attempt_id").asText());
    AccessCode stored = store.accessCode(workspace, id).orElseThrow();
    assertThat(stored.name()).isEqualTo("Guest stay (extended)");
    assertThat(stored.code()).isEqualTo("5930");
    assertThat(stored.version()).isGreaterThan(versionBefore);
    TestStack.await("the new PIN to be set", Duration.ofSeconds(20),
        () -> store.accessCode(workspace, id).map(c -> c.status() == CodeStatus.set).orElse(false));

    // POST /action_attempts/get: the attempt the update answered with
    JsonNode got = invoke(EventFixtures.apiForActionAttempt("get-action-attempt.json", attempt), "get-action-attempt.json", 200);
    assertThat(got.at("/action_attempt/action_attempt_id").asText()).isEqualTo(attempt.toString());
    assertThat(got.at("/action_attempt/action_type").asText()).isEqualTo("UPDATE_ACCESS_CODE");
    assertThat(got.at("/action_attempt/status").asText()).isEqualTo("success");
    // an attempt of no one's is 404 (the sample's own placeholder id)
    assertErrorEnvelope(invoke("get-action-attempt.json", 404), "action_attempt_not_found");

    // GET /events/list?access_code_id=...: this code's events only, newest first
    JsonNode events = invoke(EventFixtures.api("list-events.json", id), "list-events.json", 200).get("events");
    java.util.List<String> types = new java.util.ArrayList<>();
    events.forEach(e -> {
      assertThat(e.get("access_code_id").asText()).isEqualTo(id.toString());
      assertThat(e.get("workspace_id").asText()).isEqualTo(workspace.toString());
      types.add(e.get("event_type").asText());
    });
    assertThat(types).contains("access_code.created", "access_code.set_on_device", "access_code.changed");
    assertThat(types.get(types.size() - 1)).as("oldest last").isEqualTo("access_code.created");
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i - 1).get("created_at").asText()).isGreaterThanOrEqualTo(events.get(i).get("created_at").asText());
    }

    // DELETE /access_codes/delete?access_code_id=...: the code comes off the lock and is gone; a second delete is 404
    JsonNode deleted = invoke(EventFixtures.api("delete-access-code.json", id), "delete-access-code.json", 200);
    assertThat(deleted.at("/action_attempt/action_type").asText()).isEqualTo("DELETE_ACCESS_CODE");
    assertThat(deleted.at("/action_attempt/status").asText()).isEqualTo("success");
    TestStack.await("the code to be gone", Duration.ofSeconds(20), () -> store.accessCode(workspace, id).isEmpty());
    assertErrorEnvelope(invoke(EventFixtures.api("delete-access-code.json", id), "delete-access-code.json", 404),
        "access_code_not_found");
  }

  @Test
  void getDeviceReadsTheQueryString() {
    JsonNode device = invoke("get-device.json", 200).get("device");
    assertThat(device.get("device_id").asText()).isEqualTo(TestStack.AUGUST_1);
    assertThat(device.get("device_type").asText()).isEqualTo("august_lock");
    assertThat(device.get("workspace_id").asText()).isEqualTo(workspace.toString());
    assertThat(device.get("can_program_online_access_codes").asBoolean()).isTrue();
    assertThat(device.get("can_remotely_lock").asBoolean()).as("lock_door is not built").isFalse();
    assertThat(device.get("can_remotely_unlock").asBoolean()).as("unlock_door is not built").isFalse();
  }

  @Test
  void getRequestsReadTheQueryString() {
    JsonNode body = invoke("list-locks-get.json", 200);
    assertThat(body.get("locks")).hasSize(1);
    assertThat(body.at("/locks/0/device_type").asText()).isEqualTo("august_lock");
    assertThat(body.at("/devices/0/device_id").asText()).isEqualTo(TestStack.AUGUST_1);
    assertThat(invoke("list-access-codes.json", 200).get("access_codes").isArray()).isTrue();
  }
}
