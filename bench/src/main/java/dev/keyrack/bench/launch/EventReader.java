package dev.keyrack.bench.launch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a cold-start child's event as Lambda's runtime does: with a Jackson of its own. The Java
 * runtime deserializes events with its serialization library, whose Jackson is shaded (other
 * classes than the function's), so the function's Jackson is neither warmed by it nor warms it.
 * Here the package's Jackson jars are loaded a second time, by a class loader of their own (over
 * this class and those jars only, the platform loader as parent), and this class reads the event
 * there, into the handler's parameter type (case-insensitively, as the runtime does). Jackson
 * annotations on the event type would be the function's, which this copy does not see; the event
 * types of aws-lambda-java-events have none.
 */
public final class EventReader {
  private static final List<String> JACKSON = List.of("jackson-core-", "jackson-databind-", "jackson-annotations-");

  private EventReader() {}

  /** Called in the reader's own class loader. */
  public static Object read(byte[] json, Class<?> type) throws IOException {
    return JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build().readValue(json, type);
  }

  /** Reads {@code json} into {@code type} with a Jackson apart from the one on the class path. */
  static Object readApart(byte[] json, Class<?> type) throws Exception {
    return readApart(json, type, List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream().map(Path::of).toList());
  }

  /** The same, taking the Jackson jars from {@code classPath}. */
  static Object readApart(byte[] json, Class<?> type, List<Path> classPath) throws Exception {
    List<URL> urls = new ArrayList<>(List.of(EventReader.class.getProtectionDomain().getCodeSource().getLocation()));
    for (Path entry : classPath) {
      String name = entry.getFileName().toString();
      if (JACKSON.stream().anyMatch(name::startsWith)) urls.add(entry.toUri().toURL());
    }
    if (urls.size() != 1 + JACKSON.size()) {
      throw new IllegalStateException("expected jackson-core, -databind and -annotations on the class path, found " + urls);
    }
    try (URLClassLoader apart = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Class<?> reader = apart.loadClass(EventReader.class.getName());
      if (reader.getClassLoader() != apart) throw new IllegalStateException("the event reader was not loaded apart");
      return reader.getMethod("read", byte[].class, Class.class).invoke(null, json, type);
    }
  }
}
