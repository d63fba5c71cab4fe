package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.domain.Device;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `java -jar local/target/keyrack-local.jar` needs to start anywhere and say what it seeded. */
class LocalStartupTest {
  static final Path REPO_TEMPLATE = Path.of("").toAbsolutePath().getParent().resolve("template.yaml");

  @Test
  void theCheckoutsTemplateIsFoundFromADirectoryOutsideTheCheckout(@TempDir Path elsewhere) throws Exception {
    assertThat(REPO_TEMPLATE).as("tests run in local/ of the checkout").isRegularFile();
    assertThat(Template.locate(elsewhere)).isEqualTo(REPO_TEMPLATE);
    // the checkout's file wins over the copy bundled in the jar
    assertThat(Template.find(elsewhere).source()).isEqualTo(REPO_TEMPLATE.toString());
  }

  @Test
  void theJarCarriesACopyOfTheTemplateAsALastResort() throws Exception {
    try (InputStream in = Template.class.getClassLoader().getResourceAsStream(Template.BUNDLED)) {
      assertThat(in).as("local/pom.xml bundles template.yaml as " + Template.BUNDLED).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(REPO_TEMPLATE));
    }
  }

  @Test
  void theStartBannerListsTheLocksOfBothWorkspaces() {
    UUID ws1 = UUID.randomUUID(), ws2 = UUID.randomUUID();
    List<Device> first = List.of(device(ws1, "august_lock"), device(ws1, "schlage_lock"));
    List<Device> second = List.of(device(ws2, "august_lock"), device(ws2, "schlage_lock"));
    String table = Main.deviceTable(first, second);

    assertThat(table).contains("workspace 1").contains("workspace 2");
    assertThat(table.lines().filter(l -> l.contains("august_lock")).toList()).singleElement().satisfies(l ->
        assertThat(l).contains(first.get(0).deviceId().toString()).contains(second.get(0).deviceId().toString()));
    assertThat(table.lines().filter(l -> l.contains("schlage_lock")).toList()).singleElement().satisfies(l ->
        assertThat(l).contains(first.get(1).deviceId().toString()).contains(second.get(1).deviceId().toString()));
    assertThat(table.lines()).hasSize(3);
  }

  static Device device(UUID workspace, String type) {
    return new Device(UUID.randomUUID(), workspace, UUID.randomUUID(), type, type + " door", Instant.now(), true);
  }
}
