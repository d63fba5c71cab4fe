package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.ports.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code search} as the OpenAPI document describes it: on access_codes/list a partial match of
 * name, code or access_code_id; on devices/list (and locks/list) a partial match of display name
 * or connected_account_id, or a device_id prefix of at least 4 characters.
 */
class SearchTest {
  static Store store;
  static UUID workspace;
  static UUID door;
  static AccessCode code;

  @BeforeAll
  static void setUp() {
    store = TestStack.get().wiring("ApiFunction").store();
    JsonNode d = TestStack.call("GET", "/devices/list?device_type=dormakaba_oracode_door", TestStack.KEY_1, null).body()
        .at("/devices/0");
    door = UUID.fromString(d.path("device_id").asText());
    workspace = UUID.fromString(d.path("workspace_id").asText());
    code = Codes.ongoing(workspace, door, "583920", CodeStatus.set);
    store.create(code, List.of());
  }

  @AfterAll
  static void tearDown() {
    store.accessCode(workspace, code.accessCodeId()).ifPresent(c -> store.delete(c, List.of()));
  }

  static List<String> ids(String path, String items, String idField, String body) {
    TestStack.Response r = TestStack.post(path, TestStack.KEY_1, body);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.body().path(items).forEach(n -> ids.add(n.path(idField).asText()));
    return ids;
  }

  static List<String> codes(String search) {
    return ids("/access_codes/list", "access_codes", "access_code_id", "{\"device_id\":\"" + door + "\",\"search\":\"" + search + "\"}");
  }

  @Test
  void accessCodesMatchTheirIdInFullOrInPart() {
    String id = code.accessCodeId().toString();
    assertThat(codes(id)).containsExactly(id);
    assertThat(codes(id.toUpperCase(Locale.ROOT))).containsExactly(id);
    assertThat(codes(id.substring(9, 23))).containsExactly(id);
    // name and code as before
    assertThat(codes("583920")).containsExactly(id);
    assertThat(codes(code.name().toLowerCase(Locale.ROOT))).contains(id);
    assertThat(codes(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void devicesMatchAnIdPrefixOfFourOrMoreAndTheirAccount() {
    JsonNode all = TestStack.call("GET", "/devices/list", TestStack.KEY_1, null).body().path("devices");
    JsonNode august = null;
    for (JsonNode d : all) if (d.path("device_type").asText().equals("august_lock")) august = d;
    String id = august.path("device_id").asText();
    for (String path : new String[] {"/devices/list", "/locks/list"}) {
      String items = path.equals("/devices/list") ? "devices" : "locks";
      assertThat(ids(path, items, "device_id", "{\"search\":\"" + id + "\"}")).as(path).containsExactly(id);
      assertThat(ids(path, items, "device_id", "{\"search\":\"" + id.substring(0, 8).toUpperCase(Locale.ROOT) + "\"}"))
          .as(path).contains(id);
      // a prefix, not any part, of the id
      assertThat(ids(path, items, "device_id", "{\"search\":\"" + id.substring(24) + "\"}")).as(path).doesNotContain(id);
      String account = august.path("connected_account_id").asText();
      List<String> ofAccount = new ArrayList<>();
      all.forEach(d -> {
        if (d.path("connected_account_id").asText().equals(account)) ofAccount.add(d.path("device_id").asText());
      });
      assertThat(ids(path, items, "device_id", "{\"search\":\"" + account + "\"}")).as(path).containsExactlyElementsOf(ofAccount);
    }
  }

  @Test
  void anEmptySearchIsRefused() {
    EdgeInputTest.assertRefused(TestStack.post("/access_codes/list", TestStack.KEY_1, "{\"device_id\":\"" + door + "\",\"search\":\"\"}"),
        "empty search, codes");
    EdgeInputTest.assertRefused(TestStack.post("/devices/list", TestStack.KEY_1, "{\"search\":\"\"}"), "empty search, devices");
  }
}
