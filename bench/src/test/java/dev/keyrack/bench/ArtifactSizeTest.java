package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArtifactSizeTest {
  @Test
  void theTargetIsFifteenDecimalMegabytesAndBothUnitsAreShown() {
    assertThat(ArtifactSize.TARGET_BYTES).isEqualTo(15_000_000L);
    assertThat(ArtifactSize.targetNote(true, List.of())).contains("15 MB", "15,000,000 bytes", "14.31 MiB");
    assertThat(ArtifactSize.targetNote(false, List.of("api 15200000"))).startsWith("TARGET NOT MET").contains("api 15200000");
  }

  @Test
  void jarsThatTheColdStartNeverLoadedAreNotedPerPackage() {
    PartResult cold = new PartResult(List.of(), List.of(),
        Map.of("jars_without_loaded_class", Map.of("api", List.of("a.jar", "b.jar"), "programmer", List.of())), List.of());

    Map<String, List<String>> unused = ArtifactSize.unusedJars(cold);

    assertThat(unused).containsEntry("api", List.of("a.jar", "b.jar")).containsEntry("programmer", List.of());
    assertThat(ArtifactSize.unusedNote("api", unused.get("api"))).contains("api ships 2 jar(s)", "a.jar, b.jar");
    assertThat(ArtifactSize.unusedNote("programmer", List.of())).contains("every jar");
    assertThat(ArtifactSize.unusedJars(null)).isNull();
  }

  @Test
  void coldStartRunsBeforeArtifactSizeSoItsFindingsCanBeReported() {
    List<String> keys = Bench.allParts().stream().map(Part::key).toList();
    assertThat(keys.indexOf("cold_start")).isLessThan(keys.indexOf("artifact_size"));
  }
}
