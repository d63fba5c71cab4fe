package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.adapters.HttpClients;
import dev.keyrack.bench.launch.SdkFloor;
import dev.keyrack.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColdStartFloorTest {
  @Test
  void saysTheFloorAloneMissesTheTargetWhenItsMedianIsOver15TimesHelloWorld() {
    String note = ColdStart.floorNote(40, new Stats(5, 640, 610, 700), new Stats(5, 760, 700, 800), 990);

    assertThat(note).contains("640 ms (610-700) = 16.0 x hello world", "760 ms (700-800) = 19.0 x", "target is 600 ms (15 x 40 ms)",
        "alone are over the target (in every run)", "(url-connection)", "230 ms above the floor with Jackson",
        "the SQS client and its SendMessage");
    assertThat(ColdStart.floorNote(40, new Stats(5, 640, 590, 700), new Stats(5, 760, 700, 800), 990)).contains("(by the median)");
  }

  @Test
  void tellsAFloorOverTheTargetOnlyWithJacksonAndOneWithinIt() {
    assertThat(ColdStart.floorNote(40, new Stats(5, 500, 450, 550), new Stats(5, 640, 590, 700), Double.NaN))
        .contains("are within the target by the median, the floor with the api's JSON path over it (by the median)")
        .doesNotContain("above the floor");
    assertThat(ColdStart.floorNote(40, new Stats(5, 300, 280, 320), new Stats(5, 420, 400, 450), 700))
        .contains("within the target by the median, leaving 180 ms for the function's own work");
  }

  /**
   * The floor's child, as the benchmark runs it: on the api's built package (mvn verify packages the
   * functions before this module), with the api's environment pointed at a local stack, it reads the
   * template's table (a wrong key schema or table would be a DynamoDB error, reported as failed) and
   * reads the sample event and writes a response by the api's own code.
   */
  @Test
  void theFloorsChildReadsTheTemplatesTableAndTheSampleEventOnTheApisPackage(@TempDir Path work) throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    FunctionPackage api = FunctionPackage.all(repo).stream().filter(p -> p.name().equals("api")).findFirst().orElseThrow();
    Path launcher = ChildJvm.launcherClasses(work.resolve("launcher"));
    List<Path> cp = ColdStart.classPath(launcher, api.unpack(work.resolve("api")), List.of());
    Path event = repo.resolve("events").resolve(ColdStart.EVENTS.get("api"));
    try (LocalStack stack = LocalStack.start(LocalStack.Options.defaults().withTemplate(repo.resolve("template.yaml")))) {
      ChildJvm.Report r = ChildJvm.run(cp, SdkFloor.class.getName(), List.of(SdkFloor.WITH_JACKSON, event.toString()), List.of(),
          ColdStart.environment(stack, api, HttpClients.URL_CONNECTION), work.resolve("floor.log"));

      assertThat(r.status()).as(Files.readString(work.resolve("floor.log")))
          .startsWith("GetItem: no item, event read and response written");
      assertThat(r.firstEventMs()).isGreaterThan(r.constructedMs()).isGreaterThan(0);
    }
  }
}
