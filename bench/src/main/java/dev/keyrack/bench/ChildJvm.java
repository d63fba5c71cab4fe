package dev.keyrack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrack.bench.launch.LaunchReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A fresh JVM (the java this benchmark runs on) with a given class path, main class and a clean
 * environment, whose {@link LaunchReport} line is read back. Its whole output goes to a log file.
 */
final class ChildJvm {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAUNCH_PACKAGE = LaunchReport.class.getPackageName().replace('.', '/') + "/";

  private ChildJvm() {}

  /**
   * The child's report: times in ms since the process was started (first event handled, handler
   * built), the invocation's own duration, classes loaded, the handler's result.
   */
  /** Times in ms ({@code eventReadMs}: the runtime's reading of the event, between construction and the call); {@code processCpuMs}: CPU time of all the child's threads (JIT compiler and GC too), NaN if unknown. */
  record Report(double firstEventMs, double constructedMs, double eventReadMs, double eventMs, long classesLoaded, double processCpuMs,
                String status) {}

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Runs it to completion and returns its report; fails with the log's tail if there is none. */
  static Report run(List<Path> classPath, String mainClass, List<String> args, List<String> jvmOptions,
                    Map<String, String> env, Path log) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java().toString()));
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
    ProcessBuilder pb = new ProcessBuilder();
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = LaunchReport.nowMicros();
    cmd.add(1, "-D" + LaunchReport.T0_PROPERTY + "=" + t0);
    cmd.add(mainClass);
    cmd.addAll(args);
    Process p = pb.command(cmd).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(mainClass + " did not finish within 180 s; see " + log);
    }
    List<String> lines = Files.readAllLines(log);
    for (String line : lines) {
      if (!line.startsWith(LaunchReport.MARKER)) continue;
      JsonNode r = JSON.readTree(line.substring(LaunchReport.MARKER.length()));
      return new Report(r.path("first_event_ms").asDouble(), r.path("constructed_ms").asDouble(Double.NaN),
          r.path("event_read_ms").asDouble(Double.NaN), r.path("event_ms").asDouble(Double.NaN), r.path("classes_loaded").asLong(),
          r.path("process_cpu_ms").asDouble(Double.NaN), r.path("status").asText());
    }
    throw new IllegalStateException(mainClass + " " + args + " reported nothing (exit " + p.exitValue() + "); last lines of "
        + log + ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
  }

  /**
   * Copies the launcher classes (package {@code dev.keyrack.bench.launch}, JDK and the package's own
   * jars only) into {@code dir}, the one entry a child's class path gets besides the function's package.
   */
  static Path launcherClasses(Path dir) throws IOException {
    Path source;
    try {
      source = Path.of(LaunchReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    Files.createDirectories(dir.resolve(LAUNCH_PACKAGE));
    if (Files.isDirectory(source)) {
      try (Stream<Path> s = Files.list(source.resolve(LAUNCH_PACKAGE))) {
        for (Path c : s.filter(p -> p.toString().endsWith(".class")).toList()) {
          Files.copy(c, dir.resolve(LAUNCH_PACKAGE).resolve(c.getFileName().toString()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } else {
      try (InputStream in = Files.newInputStream(source); ZipInputStream jar = new ZipInputStream(in)) {
        for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
          if (e.getName().startsWith(LAUNCH_PACKAGE) && e.getName().endsWith(".class")) {
            Files.copy(jar, dir.resolve(e.getName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    return dir;
  }

  /** The jar a class was loaded from in this JVM, if it can be found. */
  static java.util.Optional<Path> jarOf(String className) {
    try {
      Class<?> c = Class.forName(className, false, ChildJvm.class.getClassLoader());
      return java.util.Optional.of(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
