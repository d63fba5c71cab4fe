package dev.keyrack.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * What a deployment package holds: its jars (lib/) and its own classes (at the root), each with
 * its size, class count and group. A jar's group comes from the packages of its classes (not from
 * its file name), so relocated and unlabelled jars land where their code belongs.
 */
public record PackageContents(long zipBytes, List<Item> items) {

  /** The groups, in the order tables show them. */
  public static final List<String> GROUPS = List.of("AWS SDK", "AWS CRT", "Jackson", "log4j/slf4j", "Powertools",
      "Lambda libs", "Keyrack", "other");

  /** One jar of lib/, or the function's own classes and resources at the root of the package. */
  public record Item(String name, long bytes, int classes, String group) {}

  /**
   * The group of a class by its package: the AWS SDK (with the event-stream and reactive-streams
   * libraries it needs), the CRT, Jackson, logging, Powertools (with what Powertools itself pulls
   * in: CloudWatch EMF, JMESPath, commons-lang3, javatuples), the Lambda Java libraries, Keyrack.
   */
  public static String group(String className) {
    String c = className.replace('/', '.');
    if (c.startsWith("software.amazon.awssdk.crt.")) return "AWS CRT";
    if (c.startsWith("software.amazon.awssdk.") || c.startsWith("software.amazon.eventstream.")
        || c.startsWith("org.reactivestreams.")) return "AWS SDK";
    if (c.startsWith("com.fasterxml.jackson.")) return "Jackson";
    if (c.startsWith("org.apache.logging.log4j.") || c.startsWith("org.slf4j.")) return "log4j/slf4j";
    if (c.startsWith("software.amazon.lambda.powertools.") || c.startsWith("software.amazon.cloudwatchlogs.")
        || c.startsWith("io.burt.jmespath.") || c.startsWith("org.javatuples.")
        || c.startsWith("org.apache.commons.lang3.")) return "Powertools";
    if (c.startsWith("com.amazonaws.services.lambda.")) return "Lambda libs";
    if (c.startsWith("dev.keyrack.")) return "Keyrack";
    return "other";
  }

  public static PackageContents read(Path zip) throws IOException {
    List<Item> items = new ArrayList<>();
    long rootBytes = 0;
    int rootClasses = 0;
    Map<String, Integer> rootGroups = new HashMap<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        if (e.isDirectory()) continue;
        String name = e.getName();
        if (name.startsWith("lib/") && name.endsWith(".jar")) {
          try (InputStream in = z.getInputStream(e)) {
            items.add(jar(name.substring(4), e.getSize(), in));
          }
        } else {
          rootBytes += e.getSize();
          if (name.endsWith(".class")) {
            rootClasses++;
            rootGroups.merge(group(name), 1, Integer::sum);
          }
        }
      }
    }
    if (rootBytes > 0) items.add(new Item("(own classes and resources)", rootBytes, rootClasses, dominant(rootGroups)));
    items.sort(Comparator.comparingLong(Item::bytes).reversed());
    return new PackageContents(Files.size(zip), List.copyOf(items));
  }

  private static Item jar(String name, long bytes, InputStream in) throws IOException {
    Map<String, Integer> groups = new HashMap<>();
    int classes = 0;
    try (ZipInputStream jar = new ZipInputStream(in)) {
      for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
        String n = e.getName();
        if (!n.endsWith(".class") || n.endsWith("module-info.class")) continue;
        classes++;
        groups.merge(group(n.startsWith("META-INF/versions/") ? n.replaceFirst("META-INF/versions/\\d+/", "") : n), 1, Integer::sum);
      }
    }
    return new Item(name, bytes, classes, dominant(groups));
  }

  /** The group most of the classes belong to ("other" for none). */
  static String dominant(Map<String, Integer> groups) {
    return groups.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry::getKey,
        Comparator.reverseOrder())).map(Map.Entry::getKey).orElse("other");
  }

  public int jars() {
    return (int) items.stream().filter(i -> i.name().endsWith(".jar")).count();
  }

  public int classes() {
    return items.stream().mapToInt(Item::classes).sum();
  }

  /** Uncompressed bytes per group, in {@link #GROUPS} order. */
  public Map<String, Long> bytesByGroup() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String g : GROUPS) out.put(g, 0L);
    for (Item i : items) out.merge(i.group(), i.bytes(), Long::sum);
    return out;
  }

  /** The largest items, biggest first. */
  public List<Item> biggest(int n) {
    return items.stream().limit(n).toList();
  }
}
