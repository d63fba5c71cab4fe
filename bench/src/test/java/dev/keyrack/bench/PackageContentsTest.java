package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageContentsTest {
  @TempDir Path dir;

  @Test
  void classesAreGroupedByTheirPackage() {
    assertThat(PackageContents.group("software/amazon/awssdk/services/dynamodb/DynamoDbClient.class")).isEqualTo("AWS SDK");
    assertThat(PackageContents.group("software.amazon.awssdk.thirdparty.jackson.core.JsonParser")).isEqualTo("AWS SDK");
    assertThat(PackageContents.group("software.amazon.awssdk.crt.CRT")).isEqualTo("AWS CRT");
    assertThat(PackageContents.group("org.reactivestreams.Publisher")).isEqualTo("AWS SDK");
    assertThat(PackageContents.group("com.fasterxml.jackson.databind.ObjectMapper")).isEqualTo("Jackson");
    assertThat(PackageContents.group("org.apache.logging.log4j.core.Logger")).isEqualTo("log4j/slf4j");
    assertThat(PackageContents.group("org.slf4j.Logger")).isEqualTo("log4j/slf4j");
    assertThat(PackageContents.group("software.amazon.cloudwatchlogs.emf.logger.MetricsLogger")).isEqualTo("Powertools");
    assertThat(PackageContents.group("org.apache.commons.lang3.StringUtils")).isEqualTo("Powertools");
    assertThat(PackageContents.group("com.amazonaws.services.lambda.runtime.Context")).isEqualTo("Lambda libs");
    assertThat(PackageContents.group("dev.keyrack.functions.api.ApiHandler")).isEqualTo("Keyrack");
    assertThat(PackageContents.group("org.joda.time.DateTime")).isEqualTo("other");
  }

  @Test
  void readsJarsAndOwnClassesWithSizesCountsAndGroups() throws IOException {
    byte[] sdkJar = zip(Map.of("software/amazon/awssdk/core/A.class", 100, "software/amazon/awssdk/core/B.class", 100,
        "org/slf4j/C.class", 10, "META-INF/MANIFEST.MF", 5));
    byte[] jodaJar = zip(Map.of("org/joda/time/DateTime.class", 50, "module-info.class", 5));
    Path pkg = dir.resolve("fn-lambda.zip");
    Files.write(pkg, zip(Map.of("lib/sdk-core.jar", sdkJar, "lib/joda-time.jar", jodaJar,
        "dev/keyrack/functions/api/ApiHandler.class", new byte[5000], "log4j2.xml", new byte[20])));

    PackageContents c = PackageContents.read(pkg);

    assertThat(c.zipBytes()).isEqualTo(Files.size(pkg));
    assertThat(c.jars()).isEqualTo(2);
    assertThat(c.classes()).isEqualTo(3 + 1 + 1); // module-info is not counted
    assertThat(c.items()).extracting(PackageContents.Item::name)
        .containsExactly("(own classes and resources)", "sdk-core.jar", "joda-time.jar"); // biggest first
    assertThat(c.items().get(1).group()).isEqualTo("AWS SDK"); // most of its classes
    assertThat(c.items().get(1).bytes()).isEqualTo(sdkJar.length);
    assertThat(c.items().get(2).group()).isEqualTo("other");
    assertThat(c.items().get(0)).isEqualTo(new PackageContents.Item("(own classes and resources)", 5020, 1, "Keyrack"));
    Map<String, Long> byGroup = c.bytesByGroup();
    assertThat(byGroup.keySet()).containsExactlyElementsOf(PackageContents.GROUPS);
    assertThat(byGroup.get("AWS SDK")).isEqualTo(sdkJar.length);
    assertThat(byGroup.get("Keyrack")).isEqualTo(5020);
    assertThat(byGroup.get("Jackson")).isZero();
    assertThat(c.biggest(1)).hasSize(1);
  }

  @Test
  void jarsOnlySomePackagesShipAreListedWithThosePackages() {
    PackageContents api = contents("scheduler.jar", "dynamodb.jar");
    PackageContents programmer = contents("dynamodb.jar");
    assertThat(ArtifactSize.jarsInSomePackagesOnly(Map.of("api", api, "programmer", programmer)))
        .isEqualTo(Map.of("scheduler.jar", List.of("api")));
  }

  @Test
  void moduleNamesFollowTheTemplatesFunctionIds() {
    assertThat(FunctionPackage.moduleName("ProviderWorkerFunction")).isEqualTo("provider-worker");
    assertThat(FunctionPackage.moduleName("ApiFunction")).isEqualTo("api");
  }

  private static PackageContents contents(String... jars) {
    return new PackageContents(0, java.util.Arrays.stream(jars).map(j -> new PackageContents.Item(j, 1, 1, "other")).toList());
  }

  /** A zip of entries: byte[] contents, or an Integer giving a size of zero bytes. */
  private static byte[] zip(Map<String, ?> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, ?> e : new java.util.TreeMap<>(entries).entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        OutputStream out = z;
        out.write(e.getValue() instanceof byte[] b ? b : new byte[(Integer) e.getValue()]);
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
