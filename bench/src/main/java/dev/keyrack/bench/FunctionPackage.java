package dev.keyrack.bench;

import dev.keyrack.local.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One function of template.yaml and its deployment package,
 * {@code functions/<name>/target/*-lambda.zip} (built by functions/lambda-zip.xml).
 *
 * @param name     the module name, e.g. {@code provider-worker} for {@code ProviderWorkerFunction}
 * @param function the function as template.yaml declares it (handler, environment)
 * @param zip      the deployment package
 */
public record FunctionPackage(String name, Template.Function function, Path zip) {

  /** The packages of every function of template.yaml; fails, saying how to build them, if one is missing. */
  public static List<FunctionPackage> all(Path repo) throws IOException {
    Template template = Template.load(repo.resolve("template.yaml"));
    List<FunctionPackage> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Template.Function f : template.functions()) {
      String name = moduleOf(repo, f);
      if (!seen.add(name)) continue; // another function of the same package (the reconciler ships in the programmer's)
      Path target = repo.resolve("functions").resolve(name).resolve("target");
      Path zip = null;
      if (Files.isDirectory(target)) {
        try (Stream<Path> s = Files.list(target)) {
          zip = s.filter(p -> p.getFileName().toString().endsWith("-lambda.zip")).sorted().findFirst().orElse(null);
        }
      }
      if (zip == null) {
        throw new IllegalStateException("no deployment package for " + f.id() + " in " + target
            + "; build the packages first: mvn -B package -DskipTests");
      }
      out.add(new FunctionPackage(name, f, zip));
    }
    return out;
  }

  /**
   * The module under functions/ whose sources hold the function's handler class (one package can
   * serve several functions); by name ({@link #moduleName}) when no module holds it.
   */
  static String moduleOf(Path repo, Template.Function f) throws IOException {
    Path source = Path.of(f.handlerClass().replace('.', '/') + ".java");
    Path functions = repo.resolve("functions");
    if (Files.isDirectory(functions)) {
      try (Stream<Path> s = Files.list(functions)) {
        for (Path m : s.sorted().toList()) {
          if (Files.isRegularFile(m.resolve("src/main/java").resolve(source))) return m.getFileName().toString();
        }
      }
    }
    return moduleName(f.id());
  }

  /** {@code ProviderWorkerFunction} -> {@code provider-worker}. */
  static String moduleName(String functionId) {
    String base = functionId.endsWith("Function") ? functionId.substring(0, functionId.length() - "Function".length()) : functionId;
    return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** Unzips the package into {@code dir} (emptied first), as Lambda lays it out in /var/task. */
  public Path unpack(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(dir);
      try (ZipFile z = new ZipFile(zip.toFile())) {
        for (ZipEntry e : java.util.Collections.list(z.entries())) {
          Path out = dir.resolve(e.getName()).normalize();
          if (!out.startsWith(dir)) throw new IOException("zip entry outside the package: " + e.getName());
          if (e.isDirectory()) {
            Files.createDirectories(out);
          } else {
            Files.createDirectories(out.getParent());
            try (InputStream in = z.getInputStream(e)) {
              Files.copy(in, out);
            }
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
