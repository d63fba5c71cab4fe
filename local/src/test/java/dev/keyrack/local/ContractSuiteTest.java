package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the contract suite in contract/ (the official `seam` npm SDK and raw HTTP, every response
 * validated against the OpenAPI document of @seamapi/types) against the local stack.
 * Installs the suite's pinned npm packages on first run.
 */
class ContractSuiteTest {

  @Test
  void theOfficialSdkAndTheOpenApiDocumentAgreeWithKeyrack() throws Exception {
    Path contract = TestStack.repo().resolve("contract");
    Path report = Path.of("target", "contract-report.txt").toAbsolutePath();
    Files.createDirectories(report.getParent());
    if (!Files.isDirectory(contract.resolve("node_modules"))) {
      System.out.println("[contract] installing the suite's npm packages (npm ci) ...");
      run(contract, report, 600, "npm", "ci", "--no-audit", "--no-fund");
    }
    LocalStack stack = TestStack.get();
    System.out.println("[contract] running the Seam contract suite against " + stack.endpoint() + " ...");
    ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=spec", "test/")
        .directory(contract.toFile()).redirectErrorStream(true).redirectOutput(report.toFile());
    pb.environment().put("KEYRACK_ENDPOINT", stack.endpoint().toString());
    pb.environment().put("KEYRACK_API_KEY", TestStack.KEY_1);
    pb.environment().put("KEYRACK_SECOND_API_KEY", TestStack.KEY_2);
    Process p = start(pb);
    boolean finished = p.waitFor(600, TimeUnit.SECONDS);
    if (!finished) p.destroyForcibly();
    List<String> lines = Files.readAllLines(report);
    List<String> summary = lines.stream().filter(l -> l.matches("^ℹ (tests|pass|fail|cancelled|skipped) \\d+$")).toList();
    System.out.println("[contract] " + String.join(", ", summary) + " (full report: " + report + ")");
    List<String> failures = lines.stream().filter(l -> l.startsWith("✖")).toList();
    assertThat(finished).as("contract suite finished within 10 minutes").isTrue();
    assertThat(p.exitValue()).as("contract suite failed:\n" + String.join("\n", failures) + "\nsee " + report).isZero();
    assertThat(summary).anyMatch(l -> l.matches("ℹ pass [1-9]\\d*")).contains("ℹ fail 0");
  }

  private static void run(Path dir, Path log, int seconds, String... cmd) throws Exception {
    Process p = start(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as(String.join(" ", cmd) + " finished").isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + " failed; see " + log).isZero();
  }

  private static Process start(ProcessBuilder pb) throws IOException {
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IOException("could not run '" + String.join(" ", pb.command()) + "': Node.js 20+ and npm are needed for "
          + "the contract suite (apt-get install nodejs npm)", e);
    }
  }
}
