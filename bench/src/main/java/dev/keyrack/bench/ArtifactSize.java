package dev.keyrack.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Artifact size of each function's deployable package: bytes, jars, classes, where the bytes go by
 * group (AWS SDK, Jackson, logging, Powertools, ...), the biggest entries, and which jars only some
 * packages ship. Target (issue 5): under 15 MB each, decimal: 15,000,000 bytes (about 14.31 MiB);
 * both units are printed. When {@code cold_start} ran in the same invocation (it runs first), each
 * package also gets a note listing the jars it ships from which its function's first event loaded
 * no class.
 */
public final class ArtifactSize implements Part {
  /** 15 MB as the issue states it, in decimal megabytes. */
  static final long TARGET_BYTES = 15_000_000L;
  private static final double MIB = 1024.0 * 1024.0;

  @Override
  public String key() {
    return "artifact_size";
  }

  @Override
  public String title() {
    return "Artifact size of each function's deployable package";
  }

  @Override
  public PartResult run(BenchContext context) throws Exception {
    List<FunctionPackage> packages = FunctionPackage.all(context.repo());
    Map<String, PackageContents> contents = new LinkedHashMap<>();
    for (FunctionPackage p : packages) {
      context.progress("reading %s", context.repo().relativize(p.zip()));
      contents.put(p.name(), PackageContents.read(p.zip()));
    }
    List<String> groups = PackageContents.GROUPS.stream()
        .filter(g -> contents.values().stream().anyMatch(c -> c.bytesByGroup().get(g) > 0)).toList();
    List<String> header = new ArrayList<>(List.of("function", "zip bytes", "MiB", "MB", "jars", "classes"));
    groups.forEach(g -> header.add(g + " MiB"));
    header.add("under 15 MB");
    List<List<String>> rows = new ArrayList<>();
    Map<String, Object> json = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    Map<String, Object> functions = new LinkedHashMap<>();
    boolean allMet = true;
    for (FunctionPackage p : packages) {
      PackageContents c = contents.get(p.name());
      boolean met = c.zipBytes() < TARGET_BYTES;
      allMet &= met;
      List<String> row = new ArrayList<>(List.of(p.name(), String.valueOf(c.zipBytes()), mib(c.zipBytes()),
          String.format("%.2f", c.zipBytes() / 1e6), String.valueOf(c.jars()), String.valueOf(c.classes())));
      groups.forEach(g -> row.add(mib(c.bytesByGroup().get(g))));
      row.add(met ? "yes" : "NO");
      rows.add(row);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("zip", context.repo().relativize(p.zip()).toString());
      f.put("zip_bytes", c.zipBytes());
      f.put("zip_mib", c.zipBytes() / MIB);
      f.put("zip_mb", c.zipBytes() / 1e6);
      f.put("jars", c.jars());
      f.put("classes", c.classes());
      f.put("under_target", met);
      f.put("bytes_by_group", c.bytesByGroup());
      f.put("entries", c.items().stream().map(i -> Map.of("name", i.name(), "bytes", i.bytes(), "classes", i.classes(),
          "group", i.group())).toList());
      functions.put(p.name(), f);
      notes.add(p.name() + " biggest: " + String.join(", ", c.biggest(5).stream()
          .map(i -> i.name() + " " + mib(i.bytes()) + " MiB").toList()));
    }
    Map<String, List<String>> partial = jarsInSomePackagesOnly(contents);
    partial.forEach((jar, in) -> notes.add("only in " + String.join(", ", in) + ": " + jar));
    notes.add(targetNote(allMet, packages.stream().map(p -> p.name() + " " + contents.get(p.name()).zipBytes()).toList()));
    Map<String, List<String>> unused = unusedJars(context.results().get("cold_start"));
    if (unused == null) {
      notes.add("jars shipped but never loaded: not checked (run cold_start in the same invocation, e.g. --parts cold_start,artifact_size)");
    } else {
      for (FunctionPackage p : packages) {
        List<String> jars = unused.get(p.name());
        if (jars == null) continue;
        notes.add(unusedNote(p.name(), jars));
      }
    }
    notes.add("sizes by group are the jars' own sizes (uncompressed entries of the zip); a jar's group is where most of its classes' packages belong");
    json.put("target_bytes", TARGET_BYTES);
    json.put("target_mb", TARGET_BYTES / 1e6);
    json.put("target_mib", TARGET_BYTES / MIB);
    if (unused != null) json.put("jars_without_loaded_class", unused);
    json.put("target_met", allMet);
    json.put("functions", functions);
    json.put("jars_in_some_packages_only", partial);
    return new PartResult(header, rows, json, notes);
  }

  /** Jars (by name) that not every package ships, with the packages that do. */
  static Map<String, List<String>> jarsInSomePackagesOnly(Map<String, PackageContents> contents) {
    Map<String, List<String>> in = new TreeMap<>();
    contents.forEach((fn, c) -> c.items().stream().filter(i -> i.name().endsWith(".jar"))
        .forEach(i -> in.computeIfAbsent(i.name(), k -> new ArrayList<>()).add(fn)));
    Set<String> everywhere = new LinkedHashSet<>();
    in.forEach((jar, fns) -> {
      if (fns.size() == contents.size()) everywhere.add(jar);
    });
    everywhere.forEach(in::remove);
    return in;
  }

  static String targetNote(boolean allMet, List<String> sizes) {
    String target = String.format("15 MB (%,d bytes = %.2f MiB)", TARGET_BYTES, TARGET_BYTES / MIB);
    return allMet ? "target met: every package is under " + target
        : "TARGET NOT MET: a package is " + target + " or more: " + String.join(", ", sizes) + " bytes";
  }

  /** cold_start's {@code jars_without_loaded_class} (function → jars), or null when cold_start did not run. */
  @SuppressWarnings("unchecked")
  static Map<String, List<String>> unusedJars(PartResult coldStart) {
    if (coldStart == null || !(coldStart.json().get("jars_without_loaded_class") instanceof Map<?, ?> m)) return null;
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of()));
    return out;
  }

  static String unusedNote(String function, List<String> jars) {
    return jars.isEmpty() ? function + ": every jar it ships had a class loaded by its first event (cold_start)"
        : function + " ships " + jars.size() + " jar(s) from which its first event loaded no class (cold_start; "
            + "another path may still need them, check before dropping): " + String.join(", ", jars);
  }

  static String mib(long bytes) {
    return String.format("%.2f", bytes / MIB);
  }
}
