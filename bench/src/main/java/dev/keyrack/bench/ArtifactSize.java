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
 * packages ship. Target: under 15 MiB each (Lambda's own size limits are in MiB).
 */
public final class ArtifactSize implements Part {
  static final long TARGET_BYTES = 15L * 1024 * 1024;
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
    header.add("under 15 MiB");
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
    notes.add(allMet ? "target met: every package is under 15 MiB (" + TARGET_BYTES + " bytes)"
        : "TARGET NOT MET: a package is 15 MiB (" + TARGET_BYTES + " bytes) or more; see the table");
    List<String> overDecimal = packages.stream().filter(p -> contents.get(p.name()).zipBytes() >= 15_000_000L)
        .map(p -> String.format("%s %.2f MB", p.name(), contents.get(p.name()).zipBytes() / 1e6)).toList();
    if (!overDecimal.isEmpty()) {
      notes.add("read as decimal megabytes (10^6 bytes), these are not under 15 MB: " + String.join(", ", overDecimal));
    }
    notes.add("sizes by group are the jars' own sizes (uncompressed entries of the zip); a jar's group is where most of its classes' packages belong");
    json.put("target_bytes", TARGET_BYTES);
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

  static String mib(long bytes) {
    return String.format("%.2f", bytes / MIB);
  }
}
