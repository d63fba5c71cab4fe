package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Filters of the OpenAPI document that the official SDK sends: {@code created_before},
 * {@code include_if} and {@code exclude_if} on devices/list and locks/list, and
 * {@code connected_account_id} on events/list (they answered 400 "unknown parameter" before).
 */
class ListFiltersTest {
  static List<JsonNode> devices(String route, String body) {
    TestStack.Response r = TestStack.post(route, TestStack.KEY_1, body);
    assertThat(r.status()).as(route + " " + body + " -> " + r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.body().path("devices").forEach(out::add);
    return out;
  }

  static Set<String> ids(List<JsonNode> devices) {
    Set<String> out = new TreeSet<>();
    devices.forEach(d -> out.add(d.path("device_id").asText()));
    return out;
  }

  @Test
  void createdBeforeKeepsTheDevicesCreatedEarlier() {
    List<JsonNode> all = devices("/devices/list", "{}");
    assertThat(all).hasSizeGreaterThan(1);
    Instant cut = all.stream().map(d -> Instant.parse(d.path("created_at").asText())).sorted().toList().get(all.size() / 2);
    Set<String> expected = new TreeSet<>();
    all.stream().filter(d -> Instant.parse(d.path("created_at").asText()).isBefore(cut))
        .forEach(d -> expected.add(d.path("device_id").asText()));
    for (String route : List.of("/devices/list", "/locks/list")) {
      assertThat(ids(devices(route, "{\"created_before\":\"" + cut + "\"}"))).as(route).isEqualTo(expected);
      assertThat(devices(route, "{\"created_before\":\"1971-01-01T00:00:00Z\"}")).as(route).isEmpty();
    }
    EdgeInputTest.assertRefused(TestStack.post("/devices/list", TestStack.KEY_1, "{\"created_before\":\"yesterday\"}"),
        "created_before not a time");
  }

  @Test
  void includeIfAndExcludeIfSplitTheDevicesByACapability() {
    Set<String> all = ids(devices("/devices/list", "{}"));
    Set<String> offline = ids(devices("/locks/list", "{\"include_if\":[\"can_program_offline_access_codes\"]}"));
    Set<String> notOffline = ids(devices("/locks/list", "{\"exclude_if\":[\"can_program_offline_access_codes\"]}"));
    assertThat(offline).isNotEmpty();
    assertThat(notOffline).isNotEmpty().doesNotContainAnyElementsOf(offline);
    Set<String> union = new TreeSet<>(offline);
    union.addAll(notOffline);
    assertThat(union).isEqualTo(all);
    devices("/devices/list", "{\"include_if\":[\"can_program_offline_access_codes\"]}")
        .forEach(d -> assertThat(d.at("/can_program_offline_access_codes").asBoolean()).isTrue());
    assertThat(devices("/devices/list", "{\"include_if\":[\"can_hvac_heat\"]}")).as("no lock heats").isEmpty();
    assertThat(ids(devices("/devices/list", "{\"exclude_if\":[\"can_hvac_heat\"]}"))).isEqualTo(all);
    EdgeInputTest.assertRefused(TestStack.post("/devices/list", TestStack.KEY_1, "{\"include_if\":[\"can_fly\"]}"),
        "an unknown capability");
  }

  @Test
  void eventsFilteredByConnectedAccountAreThatAccountsOnly() {
    JsonNode device = devices("/devices/list", "{\"device_type\":\"august_lock\"}").get(0);
    String account = device.path("connected_account_id").asText();
    Instant start = Instant.now().minusSeconds(1);
    TestStack.Response created = TestStack.post("/access_codes/create", TestStack.KEY_1, "{\"device_id\":\""
        + device.path("device_id").asText() + "\",\"name\":\"Account filter\"}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    String code = created.body().at("/access_code/access_code_id").asText();
    try {
      TestStack.Response mine = TestStack.post("/events/list", TestStack.KEY_1,
          "{\"connected_account_id\":\"" + account + "\",\"since\":\"" + start + "\"}");
      assertThat(mine.status()).as(mine.body().toString()).isEqualTo(200);
      List<String> codes = new ArrayList<>();
      mine.body().path("events").forEach(e -> {
        assertThat(e.path("connected_account_id").asText()).isEqualTo(account);
        codes.add(e.path("access_code_id").asText());
      });
      assertThat(codes).as("the new code's created event").contains(code);
      TestStack.Response none = TestStack.post("/events/list", TestStack.KEY_1,
          "{\"connected_account_id\":\"" + UUID.randomUUID() + "\",\"since\":\"" + start + "\"}");
      assertThat(none.status()).isEqualTo(200);
      assertThat(none.body().path("events")).isEmpty();
      EdgeInputTest.assertRefused(TestStack.post("/events/list", TestStack.KEY_1, "{\"connected_account_id\":\"nope\"}"),
          "connected_account_id not a UUID");
    } finally {
      TestStack.await("the code deleted", java.time.Duration.ofSeconds(20), () -> TestStack.post("/access_codes/delete",
          TestStack.KEY_1, "{\"access_code_id\":\"" + code + "\"}").status() == 200);
    }
  }
}
