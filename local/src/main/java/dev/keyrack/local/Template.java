package dev.keyrack.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * template.yaml, read the way CloudFormation reads it (short-form intrinsic functions become
 * {@code {"Ref": ...}} / {@code {"Fn::GetAtt": ...}} maps), with the views the local stack needs:
 * functions (with Globals merged), their HTTP routes and queue triggers, tables and queues.
 */
public final class Template {
  private final Map<String, Object> root;

  public record HttpRoute(String functionId, String method, String path) {}

  public record QueueTrigger(String functionId, String queueId, int batchSize, boolean reportsBatchItemFailures) {}

  /** A ScheduleV2 event: the function runs every {@code every} with {@code input} ({@code rate(...)} only). */
  public record Schedule(String functionId, java.time.Duration every, Map<String, Object> input) {}

  public record Function(String id, String handler, int memoryMb, int timeoutSeconds, Map<String, Object> environment,
                         List<HttpRoute> routes, List<QueueTrigger> queueTriggers, List<Schedule> schedules) {
    public Function(String id, String handler, int memoryMb, int timeoutSeconds, Map<String, Object> environment,
                    List<HttpRoute> routes, List<QueueTrigger> queueTriggers) {
      this(id, handler, memoryMb, timeoutSeconds, environment, routes, queueTriggers, List.of());
    }

    public String handlerClass() {
      return handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
    }

    public String handlerMethod() {
      return handler.contains("::") ? handler.substring(handler.indexOf("::") + 2) : "handleRequest";
    }
  }

  /** The copy of the checkout's template.yaml that the local jar carries (local/pom.xml bundles it). */
  static final String BUNDLED = "keyrack/template.yaml";

  private final String source;

  private Template(Map<String, Object> root, String source) {
    this.root = root;
    this.source = source;
  }

  public static Template load(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      return parse(r, file.toAbsolutePath().normalize().toString());
    }
  }

  private static Template parse(Reader r, String source) throws IOException {
    Object parsed = new Yaml(new CfnConstructor()).load(r);
    if (!(parsed instanceof Map)) throw new IOException(source + " is not a CloudFormation template");
    return new Template(cast(parsed), source);
  }

  /** Where this template was read from: a file, or the copy bundled in the local jar. */
  public String source() {
    return source;
  }

  /**
   * The template the local stack runs when none is named: the checkout's template.yaml (see
   * {@link #locate}), or, when there is none to be found (the jar was copied out of the checkout),
   * the copy bundled in the jar at build time.
   */
  public static Template find(Path start) throws IOException {
    Optional<Path> file = search(start);
    if (file.isPresent()) return load(file.get());
    try (InputStream in = Template.class.getClassLoader().getResourceAsStream(BUNDLED)) {
      if (in == null) throw notFound(start);
      try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return parse(r, "the copy of template.yaml bundled in keyrack-local.jar");
      }
    }
  }

  /**
   * Finds template.yaml in the given directory or the nearest parent that has one; failing that,
   * next to the running code (the local jar in local/target, or its classes) or in its nearest
   * parent that has one, so {@code java -jar local/target/keyrack-local.jar} finds the checkout's
   * template from any directory.
   */
  public static Path locate(Path start) {
    return search(start).orElseThrow(() -> notFound(start));
  }

  private static Optional<Path> search(Path start) {
    Optional<Path> found = upwardFrom(start.toAbsolutePath());
    return found.isPresent() ? found : codeLocation().flatMap(Template::upwardFrom);
  }

  private static Optional<Path> upwardFrom(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      Path t = p.resolve("template.yaml");
      if (Files.isRegularFile(t)) return Optional.of(t);
    }
    return Optional.empty();
  }

  /** The directory holding the jar (or the classes directory) this class was loaded from. */
  private static Optional<Path> codeLocation() {
    try {
      var cs = Template.class.getProtectionDomain().getCodeSource();
      if (cs == null || cs.getLocation() == null) return Optional.empty();
      Path p = Path.of(cs.getLocation().toURI()).toAbsolutePath();
      return Optional.ofNullable(Files.isDirectory(p) ? p : p.getParent());
    } catch (RuntimeException | java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static IllegalStateException notFound(Path start) {
    return new IllegalStateException("template.yaml not found in " + start.toAbsolutePath()
        + " or its parents, nor above " + codeLocation().map(Path::toString).orElse("the local jar")
        + "; run from the Keyrack checkout or pass --template FILE");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m == null ? null : m.get(key);
    return v instanceof Map ? cast(v) : Map.of();
  }

  public Map<String, Object> resources() {
    return map(root, "Resources");
  }

  public Map<String, Object> parameters() {
    return map(root, "Parameters");
  }

  public Map<String, Object> resourcesOfType(String type) {
    Map<String, Object> out = new LinkedHashMap<>();
    resources().forEach((id, r) -> {
      if (type.equals(cast(r).get("Type"))) out.put(id, r);
    });
    return out;
  }

  public Map<String, Object> properties(String resourceId) {
    return map(cast(resources().get(resourceId)), "Properties");
  }

  public List<Function> functions() {
    Map<String, Object> globals = map(map(root, "Globals"), "Function");
    List<Function> out = new ArrayList<>();
    resourcesOfType("AWS::Serverless::Function").forEach((id, r) -> {
      Map<String, Object> props = map(cast(r), "Properties");
      Map<String, Object> env = new LinkedHashMap<>(map(map(globals, "Environment"), "Variables"));
      env.putAll(map(map(props, "Environment"), "Variables"));
      List<HttpRoute> routes = new ArrayList<>();
      List<QueueTrigger> triggers = new ArrayList<>();
      List<Schedule> schedules = new ArrayList<>();
      map(props, "Events").forEach((eventId, e) -> {
        Map<String, Object> ev = cast(e);
        Map<String, Object> ep = map(ev, "Properties");
        switch (String.valueOf(ev.get("Type"))) {
          case "HttpApi" -> routes.add(new HttpRoute(id, String.valueOf(ep.get("Method")).toUpperCase(),
              String.valueOf(ep.get("Path"))));
          case "SQS" -> {
            Object q = ep.get("Queue");
            String queueId = q instanceof Map ? String.valueOf(cast(q).getOrDefault("Fn::GetAtt", cast(q).get("Ref")))
                .replaceAll("\\.Arn$", "") : String.valueOf(q);
            Object types = ep.get("FunctionResponseTypes");
            triggers.add(new QueueTrigger(id, queueId, ((Number) ep.getOrDefault("BatchSize", 10)).intValue(),
                types instanceof List<?> l && l.contains("ReportBatchItemFailures")));
          }
          case "ScheduleV2" -> schedules.add(new Schedule(id, rate(String.valueOf(ep.get("ScheduleExpression"))),
              ep.get("Input") == null ? Map.of() : cast(new Yaml().load(String.valueOf(ep.get("Input"))))));
          default -> { }
        }
      });
      Object handler = props.getOrDefault("Handler", globals.get("Handler"));
      out.add(new Function(id, String.valueOf(handler),
          ((Number) props.getOrDefault("MemorySize", globals.getOrDefault("MemorySize", 128))).intValue(),
          ((Number) props.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3))).intValue(), env, routes, triggers,
          schedules));
    });
    return out;
  }

  /** {@code rate(10 minutes)} as a duration; other expressions (cron, at) are not run locally. */
  static java.time.Duration rate(String expression) {
    var m = java.util.regex.Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)").matcher(expression.trim());
    if (!m.matches()) throw new IllegalStateException("schedule expression " + expression
        + " is not a rate(N minutes|hours|days); the local stack runs only rate schedules");
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).charAt(0)) {
      case 'm' -> java.time.Duration.ofMinutes(n);
      case 'h' -> java.time.Duration.ofHours(n);
      default -> java.time.Duration.ofDays(n);
    };
  }

  public Function function(String id) {
    return functions().stream().filter(f -> f.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalStateException("template.yaml has no function " + id));
  }

  /** CloudFormation's short-form tags as their long-form maps. */
  static final class CfnConstructor extends SafeConstructor {
    CfnConstructor() {
      super(new LoaderOptions());
      for (String fn : List.of("Ref", "GetAtt", "Sub", "Join", "If", "Select", "Split", "Equals", "Not", "And", "Or",
          "FindInMap", "ImportValue", "GetAZs", "Base64", "Cidr", "Condition")) {
        String key = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
        this.yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
          @Override
          public Object construct(Node node) {
            Object value;
            if (node instanceof ScalarNode s) value = constructScalar(s);
            else if (node instanceof SequenceNode q) value = constructSequence(q);
            else value = constructMapping((MappingNode) node);
            return Map.of(key, value);
          }
        });
      }
    }
  }
}
