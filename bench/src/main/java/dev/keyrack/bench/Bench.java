package dev.keyrack.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar bench/target/keyrack-bench.jar}: every benchmark part, a table on stdout, JSON in a file. */
@Command(name = "keyrack-bench", mixinStandardHelpOptions = true, version = "keyrack-bench 0.1.0",
    description = "Benchmarks that print figures (never pass/fail tests): cold start stand-in, artifact size, "
        + "AWS calls and dollars per million codes, local throughput, and a million-code simulation.")
public final class Bench implements Callable<Integer> {
  @Option(names = "--parts", split = ",", description = "Parts to run, in order (default: all): ${COMPLETION-CANDIDATES}")
  List<String> parts;

  @Option(names = "--out", description = "Where to write the JSON report (default: bench/target/bench-report.json)")
  Path out;

  @Option(names = "--quick", description = "Smaller runs (fewer repetitions, fewer codes) for a fast look")
  boolean quick;

  @Option(names = "--repo", description = "The repository root (default: the current directory)")
  Path repo = Path.of(".");

  static List<Part> allParts() {
    // cold_start before artifact_size: the size part reports the jars the cold start never loaded.
    return List.of(new ColdStart(), new ArtifactSize(), new AwsCalls(), new Throughput(), new MillionCodeSimulation());
  }

  @Override
  public Integer call() throws Exception {
    Path root = repo.toAbsolutePath().normalize();
    if (!Files.exists(root.resolve("template.yaml"))) {
      System.err.println("keyrack-bench: no template.yaml in " + root + "; run it from the repository root or pass --repo");
      return 2;
    }
    BenchContext context = new BenchContext(root, quick);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("started_at", Instant.now().toString());
    report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
        "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    List<Part> selected = new ArrayList<>();
    for (Part p : allParts()) if (parts == null || parts.contains(p.key())) selected.add(p);
    if (parts != null) {
      for (String k : parts) {
        if (allParts().stream().noneMatch(p -> p.key().equals(k))) {
          System.err.println("keyrack-bench: unknown part '" + k + "'; parts are "
              + allParts().stream().map(Part::key).toList());
          return 2;
        }
      }
    }
    int failures = 0;
    for (int i = 0; i < selected.size(); i++) {
      Part p = selected.get(i);
      System.err.printf("[%d/%d] %s%n", i + 1, selected.size(), p.title());
      long t0 = System.nanoTime();
      try {
        PartResult r = p.run(context);
        context.results().put(p.key(), r);
        Map<String, Object> json = new LinkedHashMap<>(r.json());
        json.put("notes", r.notes());
        json.put("bench_seconds", (System.nanoTime() - t0) / 1e9);
        report.put(p.key(), json);
        System.out.println();
        System.out.println("== " + p.title());
        System.out.print(Table.render(r.header(), r.rows()));
        r.notes().forEach(n -> System.out.println("   " + n));
        System.out.flush();
      } catch (Exception e) {
        failures++;
        report.put(p.key(), Map.of("error", String.valueOf(e)));
        System.err.println("keyrack-bench: part " + p.key() + " failed: " + e);
        e.printStackTrace();
      }
    }
    Path target = out != null ? out : root.resolve("bench/target/bench-report.json");
    Files.createDirectories(target.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(target.toFile(), report);
    System.out.println();
    System.out.println("JSON report: " + target);
    return failures == 0 ? 0 : 1;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }
}
