package dev.keyrack.bench;

import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.adapters.HttpClients;
import dev.keyrack.bench.launch.HandlerLauncher;
import dev.keyrack.bench.launch.HelloWorld;
import dev.keyrack.bench.launch.SdkFloor;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.local.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Cold start stand-in: for each function, a fresh JVM on the class path of its own unzipped
 * package builds the handler with its no-argument constructor, wiring itself from an environment
 * like template.yaml's that points at a local stack started in this JVM, and handles one sample
 * event from events/. Reported: the wall time from process start to the first handled event, the
 * classes loaded, next to a JVM hello world measured in the same run; median, min and max. Each
 * function runs with the url-connection HTTP client, with the CRT client when it is at hand (to
 * choose between them), and primed (its SnapStart {@code beforeCheckpoint} first, to show what
 * priming takes off the invocation); one more run per function logs class loading, to list the
 * jars of its package the first event never touches.
 */
public final class ColdStart implements Part {
  static final double TARGET_RATIO = 15.0;
  /** Rows of the floor under the target ({@link SdkFloor}), measured on the api's package. */
  static final String SDK_FLOOR = "SDK floor: DynamoDB client + 1 GetItem", SDK_FLOOR_JACKSON = "SDK floor + the api's JSON path";
  /** The sample event each function handles, by module name. */
  static final Map<String, String> EVENTS = Map.of(
      "api", "api/create-access-code.json",
      "programmer", "programmer/fire-program.json",
      "provider-worker", "provider-worker/set-access-code.json");
  /** The access code id the programmer and provider-worker samples carry (see events/README.md). */
  static final String SAMPLE_CODE_ID = "11111111-2222-4333-8444-555555555555";
  static final String SAMPLE_PIN = "4821";
  /** The API keys the sample events carry; the stack seeds its two workspaces with them. */
  static final String KEY_1 = "seam_sandbox_key_workspace_1";
  static final String KEY_2 = "seam_sandbox_key_workspace_2";
  static final UUID SAMPLE_DEVICE = UUID.fromString("775b495d-7220-3a19-b3d2-08dbdffda9cb");
  private static final String CRT_NATIVE_CLASS = "software.amazon.awssdk.crt.CRT";
  private static final List<String> CRT_CLASSES = List.of("software.amazon.awssdk.http.crt.AwsCrtHttpClient",
      CRT_NATIVE_CLASS, "software.amazon.awssdk.crtcore.CrtProxyConfiguration");
  /** The CRT's native library for Lambda on arm64 (template.yaml: Architectures [arm64]). */
  private static final String LAMBDA_ARM64_NATIVE = "linux/armv8/glibc/libaws-crt-jni.so";

  @Override
  public String key() {
    return "cold_start";
  }

  @Override
  public String title() {
    return "Cold start stand-in (fresh JVM per function, first handled event)";
  }

  /**
   * One measured configuration: a function with an HTTP client, primed or not (its SnapStart
   * {@code beforeCheckpoint} run before the event), or the hello world (no client).
   */
  record Config(String function, String httpClient, boolean primed) {
    Config(String function, String httpClient) {
      this(function, httpClient, false);
    }

    String label() {
      return httpClient == null ? function : function + " / " + httpClient + (primed ? " / primed" : "");
    }
  }

  @Override
  public PartResult run(BenchContext context) throws Exception {
    int runs = context.quick() ? 3 : 5;
    List<FunctionPackage> packages = FunctionPackage.all(context.repo());
    Path work = context.repo().resolve("bench/target/cold-start");
    Files.createDirectories(work.resolve("logs"));
    Path launcher = ChildJvm.launcherClasses(work.resolve("launcher"));
    List<Path> crtJars = crtJars();
    List<String> clients = crtJars.isEmpty() ? List.of(HttpClients.URL_CONNECTION)
        : List.of(HttpClients.URL_CONNECTION, HttpClients.CRT);
    List<String> notes = new ArrayList<>();
    if (crtJars.isEmpty()) notes.add("the AWS CRT HTTP client is not on the benchmark's class path: only url-connection measured");
    packages.stream().filter(p -> !EVENTS.containsKey(p.name()))
        .forEach(p -> notes.add(p.name() + ": not measured, no sample event is assigned to it in ColdStart.EVENTS"));
    String javaToolOptions = javaToolOptions(packages);

    Map<Config, List<ChildJvm.Report>> reports = new LinkedHashMap<>();
    Map<String, List<String>> unusedJars = new LinkedHashMap<>();
    context.progress("starting the local stack");
    // Every run creates a code on the sample's lock, more in a minute than the per-device guardrail
    // takes: lifted (Throughput.GUARDRAIL_LIFTED), so each run handles the create as the first
    // request of a container would, not a 429; the guardrail's check is the same read at any limit.
    try (LocalStack stack = LocalStack.start(LocalStack.Options.defaults().withKeys(KEY_1, KEY_2)
        .withParameters(Throughput.GUARDRAIL_LIFTED))) {
      if (stack.devices().stream().noneMatch(d -> d.deviceId().equals(SAMPLE_DEVICE))) {
        throw new IllegalStateException("the seeded stack has no device " + SAMPLE_DEVICE + ", which the sample events name");
      }
      FunctionRun child = new FunctionRun(stack, context.repo(), work);
      Map<String, Path> unpacked = new LinkedHashMap<>();
      for (FunctionPackage p : packages) unpacked.put(p.name(), p.unpack(work.resolve("packages").resolve(p.name())));
      for (int run = 1; run <= runs; run++) {
        context.progress("run %d of %d: hello world", run, runs);
        Config hello = new Config("hello world", null);
        reports.computeIfAbsent(hello, k -> new ArrayList<>()).add(ChildJvm.run(List.of(launcher), HelloWorld.class.getName(),
            List.of(), List.of(), Map.of("JAVA_TOOL_OPTIONS", javaToolOptions), work.resolve("logs/hello-" + run + ".log")));
        FunctionPackage api = packages.stream().filter(p -> p.name().equals("api")).findFirst().orElse(null);
        if (api != null) {
          // The floor under the target, on the api's own package and environment: its DynamoDB client
          // and one GetItem, then with the event read and written by its mapper too.
          Map<String, String> env = environment(stack, api, HttpClients.URL_CONNECTION);
          List<Path> cp = classPath(launcher, unpacked.get(api.name()), List.of());
          context.progress("run %d of %d: the SDK floor (a DynamoDB client and one GetItem)", run, runs);
          reports.computeIfAbsent(new Config(SDK_FLOOR, null), k -> new ArrayList<>()).add(ChildJvm.run(cp,
              SdkFloor.class.getName(), List.of(), List.of(), env, work.resolve("logs/sdk-floor-" + run + ".log")));
          context.progress("run %d of %d: the SDK floor with Jackson (and the event read and written)", run, runs);
          Path event = context.repo().resolve("events").resolve(EVENTS.get(api.name()));
          reports.computeIfAbsent(new Config(SDK_FLOOR_JACKSON, null), k -> new ArrayList<>()).add(ChildJvm.run(cp,
              SdkFloor.class.getName(), List.of(SdkFloor.WITH_JACKSON, event.toString()), List.of(), env,
              work.resolve("logs/sdk-floor-jackson-" + run + ".log")));
        }
        for (FunctionPackage p : packages) {
          if (!EVENTS.containsKey(p.name())) continue;
          for (String client : clients) {
            context.progress("run %d of %d: %s with %s", run, runs, p.name(), client);
            Config c = new Config(p.name(), client);
            List<Path> cp = classPath(launcher, unpacked.get(p.name()), client.equals(HttpClients.CRT) ? crtJars : List.of());
            reports.computeIfAbsent(c, k -> new ArrayList<>()).add(child.invoke(p, cp, client, List.of(),
                "logs/" + p.name() + "-" + client + "-" + run + ".log"));
          }
          context.progress("run %d of %d: %s primed (SnapStart beforeCheckpoint first)", run, runs, p.name());
          reports.computeIfAbsent(new Config(p.name(), HttpClients.URL_CONNECTION, true), k -> new ArrayList<>())
              .add(child.invoke(p, classPath(launcher, unpacked.get(p.name()), List.of()), HttpClients.URL_CONNECTION,
                  List.of("-D" + HandlerLauncher.PRIME_PROPERTY + "=true"), "logs/" + p.name() + "-primed-" + run + ".log"));
        }
      }
      for (FunctionPackage p : packages) {
        if (!EVENTS.containsKey(p.name())) continue;
        context.progress("class-loading run: %s (which jars the first event uses)", p.name());
        Path classLog = work.resolve("logs/" + p.name() + "-classes.log");
        Files.deleteIfExists(classLog);
        child.invoke(p, classPath(launcher, unpacked.get(p.name()), List.of()), HttpClients.URL_CONNECTION,
            List.of("-Xlog:class+load=info:file=" + classLog), "logs/" + p.name() + "-classes-run.log");
        unusedJars.put(p.name(), jarsWithoutLoadedClass(unpacked.get(p.name()), classLog));
      }
    }
    return result(reports, unusedJars, packages, clients, runs, javaToolOptions, notes);
  }

  /** template.yaml's JAVA_TOOL_OPTIONS (a Globals variable, the same for every function). */
  private static String javaToolOptions(List<FunctionPackage> packages) {
    return String.valueOf(packages.get(0).function().environment().getOrDefault("JAVA_TOOL_OPTIONS", ""));
  }

  /** Lambda's layout: the package root, then every jar of lib/; and the launcher. */
  static List<Path> classPath(Path launcher, Path pkg, List<Path> extraJars) throws IOException {
    List<Path> cp = new ArrayList<>(List.of(launcher, pkg));
    try (Stream<Path> s = Files.list(pkg.resolve("lib"))) {
      cp.addAll(s.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
    }
    cp.addAll(extraJars);
    return cp;
  }

  /**
   * What the CRT adds to a package built for Lambda's arm64 (template.yaml's Architectures): the
   * client and glue jars, and of the all-platform aws-crt jar its classes and the one native
   * library for linux/armv8/glibc (compressed sizes), as its per-platform classifier jar holds them.
   */
  static long crtBytesForOnePlatform() {
    Path nativeJar = ChildJvm.jarOf(CRT_NATIVE_CLASS).orElse(null);
    long bytes = 0;
    for (Path jar : crtJars()) {
      if (!jar.equals(nativeJar)) {
        bytes += jar.toFile().length();
        continue;
      }
      try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
        for (var e : java.util.Collections.list(z.entries())) {
          boolean nativeLib = e.getName().matches(".*\\.(so|dylib|dll)$");
          if (!nativeLib || e.getName().equals(LAMBDA_ARM64_NATIVE)) bytes += e.getCompressedSize();
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return bytes;
  }

  /** A figure of the runs that reported it (a child that did not report it gives NaN). */
  private static List<Double> known(List<ChildJvm.Report> reports, java.util.function.ToDoubleFunction<ChildJvm.Report> figure) {
    return reports.stream().mapToDouble(figure).filter(d -> !Double.isNaN(d)).boxed().toList();
  }

  /** The figure's median, min and max under {@code key}, when any run reported it. */
  private static void putStats(Map<String, Object> m, String key, List<Double> values) {
    if (!values.isEmpty()) m.put(key, Stats.of(values).json());
  }

  private static String median(List<Double> values) {
    return values.isEmpty() ? "-" : String.format("%.0f", Stats.of(values).median());
  }

  /**
   * What the floor says of the target: how much of 15 x hello world the SDK's first DynamoDB call
   * takes (and with the api's JSON path too), judged on the medians and said to hold in every run
   * only when the whole range is on one side; and the api's median above the floor with Jackson.
   */
  static String floorNote(double helloMs, Stats floor, Stats floorJackson, double apiMs) {
    double target = TARGET_RATIO * helloMs;
    String verdict;
    if (floor.median() > target) {
      verdict = "the client and its GetItem alone are over the target (" + (floor.min() > target ? "in every run" : "by the median")
          + "): with this package's SDK client set-up (url-connection), no function that reads DynamoDB meets 15 x on this machine";
    } else if (floorJackson.median() > target) {
      verdict = "the client and its GetItem are within the target by the median, the floor with the api's JSON path over it ("
          + (floorJackson.min() > target ? "in every run" : "by the median") + ")";
    } else {
      verdict = String.format(java.util.Locale.ROOT, "within the target by the median, leaving %.0f ms for the function's own work",
          target - floorJackson.median());
    }
    String api = Double.isNaN(apiMs) ? "" : String.format(java.util.Locale.ROOT,
        "; the api's first event is %.0f ms above the floor with Jackson (its routes and services, the SQS client and its "
            + "SendMessage, and the first call of each DynamoDB operation its create makes)", apiMs - floorJackson.median());
    return String.format(java.util.Locale.ROOT, "SDK floor (the api's package and environment, no Keyrack route or service): "
        + "its DynamoDB client and one GetItem %.0f ms (%.0f-%.0f) = %.1f x hello world; with the api's JSON path (the event read, "
        + "its body parsed, a response written) %.0f ms (%.0f-%.0f) = %.1f x; the target is %.0f ms (15 x %.0f ms): %s%s",
        floor.median(), floor.min(), floor.max(), floor.median() / helloMs, floorJackson.median(), floorJackson.min(),
        floorJackson.max(), floorJackson.median() / helloMs, target, helloMs, verdict, api);
  }

  /** The jars of the CRT client, its native library and the SDK's CRT glue, if this JVM has them. */
  static List<Path> crtJars() {
    List<Path> jars = new ArrayList<>();
    for (String c : CRT_CLASSES) {
      Optional<Path> jar = ChildJvm.jarOf(c);
      if (jar.isEmpty()) return List.of();
      jars.add(jar.get());
    }
    return jars;
  }

  /** Runs a function's handler in a child JVM against the local stack. */
  private record FunctionRun(LocalStack stack, Path repo, Path work) {
    /** One child run: a fresh event (and the code it needs in the store), template.yaml's environment, the launcher. */
    ChildJvm.Report invoke(FunctionPackage p, List<Path> cp, String client, List<String> jvmOptions, String log)
        throws IOException, InterruptedException {
      Path event = work.resolve("event-" + p.name() + ".json");
      Files.writeString(event, freshEvent(stack, p, Files.readString(repo.resolve("events").resolve(EVENTS.get(p.name())))));
      return ChildJvm.run(cp, HandlerLauncher.class.getName(), List.of(p.function().handler(), event.toString()),
          jvmOptions, environment(stack, p, client), work.resolve(log));
    }
  }

  /**
   * The sample event made fit for one more run: the api's create gets a new PIN (the lock refuses
   * a PIN it already holds); the programmer's fire and the worker's SET name an access code stored
   * just now in status setting, as the api would have left it.
   */
  static String freshEvent(LocalStack stack, FunctionPackage p, String sample) {
    String function = p.name();
    if (function.equals("api")) {
      if (!sample.contains(SAMPLE_PIN)) throw new IllegalStateException("the api sample no longer carries PIN " + SAMPLE_PIN);
      return sample.replace(SAMPLE_PIN, String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000)));
    }
    if (!sample.contains(SAMPLE_CODE_ID)) throw new IllegalStateException("the " + function + " sample no longer names " + SAMPLE_CODE_ID);
    UUID workspace = stack.devices().get(0).workspaceId();
    String pin = String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    AccessCode code = new AccessCode(UUID.randomUUID(), workspace, SAMPLE_DEVICE, "Cold start " + pin, pin, null,
        CodeType.ongoing, CodeStatus.setting, null, null, Instant.now().truncatedTo(ChronoUnit.MILLIS), List.of(), List.of(),
        List.of(), false, false, false, false, true, false, 1);
    stack.wiring(p.function().id()).store().create(code, List.of());
    return sample.replace(SAMPLE_CODE_ID, code.accessCodeId().toString());
  }

  /** template.yaml's environment for the function, resolved to the local stack, plus what Lambda itself sets. */
  static Map<String, String> environment(LocalStack stack, FunctionPackage p, String client) {
    Map<String, String> env = new LinkedHashMap<>(stack.resources().environment(p.function()));
    env.put("AWS_ENDPOINT_URL_DYNAMODB", stack.engines().dynamoEndpoint().toString());
    env.put("AWS_ENDPOINT_URL_SQS", stack.engines().sqsEndpoint().toString());
    env.put("AWS_ENDPOINT_URL_SCHEDULER", stack.scheduler().endpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    env.put("AWS_LAMBDA_FUNCTION_NAME", "keyrack-" + p.name() + "-local");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(p.function().memoryMb()));
    env.put(AwsWiring.HTTP_CLIENT, client);
    return env;
  }

  /** The package's jars from which the run loaded no class (per the JVM's class+load log). */
  static List<String> jarsWithoutLoadedClass(Path pkg, Path classLog) throws IOException {
    String log = Files.readString(classLog);
    List<String> unused = new ArrayList<>();
    try (Stream<Path> s = Files.list(pkg.resolve("lib"))) {
      for (Path jar : s.sorted().toList()) {
        if (!log.contains(jar.getFileName().toString())) unused.add(jar.getFileName().toString());
      }
    }
    return unused;
  }

  private static List<Double> firstEventMs(Map<Config, List<ChildJvm.Report>> reports, Config c) {
    return reports.get(c).stream().map(ChildJvm.Report::firstEventMs).toList();
  }

  private PartResult result(Map<Config, List<ChildJvm.Report>> reports, Map<String, List<String>> unusedJars,
                            List<FunctionPackage> packages, List<String> clients, int runs, String javaToolOptions,
                            List<String> notes) {
    Stats hello = Stats.of(reports.get(new Config("hello world", null)).stream().map(ChildJvm.Report::firstEventMs).toList());
    List<String> header = List.of("function / HTTP client", "first event ms: median (min-max)", "handler built ms",
        "event read ms", "event alone ms", "process CPU ms", "classes loaded", "x hello world", "result");
    List<List<String>> rows = new ArrayList<>();
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> measured = new LinkedHashMap<>();
    Map<Config, Stats> firstEvent = new LinkedHashMap<>();
    Map<Config, Stats> eventAlone = new LinkedHashMap<>();
    reports.forEach((c, rs) -> {
      Stats t = Stats.of(rs.stream().map(ChildJvm.Report::firstEventMs).toList());
      Stats classes = Stats.of(rs.stream().map(ChildJvm.Report::classesLoaded).toList());
      List<Double> built = known(rs, ChildJvm.Report::constructedMs);
      Set<String> statuses = new LinkedHashSet<>(rs.stream().map(ChildJvm.Report::status).toList());
      firstEvent.put(c, t);
      List<Double> alone = known(rs, ChildJvm.Report::eventMs);
      List<Double> cpu = known(rs, ChildJvm.Report::processCpuMs);
      List<Double> read = known(rs, ChildJvm.Report::eventReadMs);
      if (!alone.isEmpty()) eventAlone.put(c, Stats.of(alone));
      double ratio = t.median() / hello.median();
      rows.add(List.of(c.label(), t.format(0), median(built), median(read), median(alone), median(cpu), String.format("%.0f", classes.median()),
          c.primed() ? "-" : String.format("%.1f", ratio), String.join(" | ", statuses)));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("function", c.function());
      m.put("http_client", c.httpClient());
      m.put("first_event_ms", t.json());
      m.put("primed", c.primed());
      putStats(m, "handler_built_ms", built);
      putStats(m, "event_alone_ms", alone);
      putStats(m, "process_cpu_ms", cpu);
      putStats(m, "event_read_ms", read);
      m.put("classes_loaded", classes.json());
      if (!c.primed()) m.put("ratio_to_hello_world", ratio);
      m.put("results", List.copyOf(statuses));
      measured.put(c.label(), m);
    });
    Config api = new Config("api", HttpClients.URL_CONNECTION);
    if (firstEvent.containsKey(api)) {
      double ratio = firstEvent.get(api).median() / hello.median();
      boolean met = ratio <= TARGET_RATIO;
      json.put("api_ratio_to_hello_world", ratio);
      json.put("target_met", met);
      notes.add(String.format("%s: api's first handled request (url-connection) %.0f ms = %.1f x hello world (%.0f ms); target <= %.0f x",
          met ? "target met" : "TARGET NOT MET", firstEvent.get(api).median(), ratio, hello.median(), TARGET_RATIO));
    }
    Stats floor = firstEvent.get(new Config(SDK_FLOOR, null)), floorJackson = firstEvent.get(new Config(SDK_FLOOR_JACKSON, null));
    boolean floorFailed = Stream.of(SDK_FLOOR, SDK_FLOOR_JACKSON).flatMap(f -> reports.getOrDefault(new Config(f, null), List.of()).stream())
        .anyMatch(r -> !r.status().startsWith("GetItem: no item"));
    if (floorFailed) {
      notes.add("SDK floor: a run did not read as expected (see its result column and bench/target/cold-start/logs/sdk-floor-*.log), "
          + "so no verdict is given from it");
    } else if (floor != null && floorJackson != null) {
      json.put("sdk_floor_ratio_to_hello_world", floor.median() / hello.median());
      json.put("sdk_floor_with_jackson_ratio_to_hello_world", floorJackson.median() / hello.median());
      notes.add(floorNote(hello.median(), floor, floorJackson, firstEvent.containsKey(api) ? firstEvent.get(api).median() : Double.NaN));
    }
    Map<String, Object> choice = new LinkedHashMap<>();
    for (FunctionPackage pkg : packages) {
      Stats url = firstEvent.get(new Config(pkg.name(), HttpClients.URL_CONNECTION));
      Stats crt = firstEvent.get(new Config(pkg.name(), HttpClients.CRT));
      if (url == null || crt == null) continue;
      double diff = crt.median() - url.median();
      double p = RankTest.pValue(firstEventMs(reports, new Config(pkg.name(), HttpClients.CRT)),
          firstEventMs(reports, new Config(pkg.name(), HttpClients.URL_CONNECTION)));
      boolean real = p < RankTest.ALPHA;
      // A client is only worth switching to when it is faster beyond the noise: otherwise url-connection
      // stays (no native library, a smaller package), as AwsWiring documents.
      String chosen = real && diff < 0 ? HttpClients.CRT : HttpClients.URL_CONNECTION;
      long withCrt = pkg.zip().toFile().length() + crtBytesForOnePlatform();
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("crt_minus_urlconnection_ms", diff);
      c.put("p_value", p);
      c.put("faster", real ? (diff < 0 ? HttpClients.CRT : HttpClients.URL_CONNECTION) : "neither (within noise)");
      c.put("chosen", chosen);
      c.put("package_bytes_with_crt_estimate", withCrt);
      choice.put(pkg.name(), c);
      notes.add(String.format(java.util.Locale.ROOT, "%s: CRT %s than url-connection by %.0f ms (median first event; exact rank "
              + "test over the runs p = %.2f: %s) -> %s; with CRT its package would be about %.2f MB = %.2f MiB (target < 15 MB)",
          pkg.name(), diff < 0 ? "faster" : "slower", Math.abs(diff), p, real ? "a real difference" : "within noise",
          chosen.equals(HttpClients.CRT) ? "CRT would pay off here" : "url-connection", withCrt / 1e6, withCrt / (1024.0 * 1024.0)));
    }
    if (!choice.isEmpty() && runs < 4) {
      notes.add(runs + " runs each cannot show a difference between the clients at p < " + RankTest.ALPHA
          + " (the rarest split of " + runs + " + " + runs + " runs is more likely than that): run without --quick to choose");
    }
    if (clients.contains(HttpClients.CRT)) {
      notes.add(String.format("CRT measured with %s (%.1f MiB, natives of every platform); a package would ship "
          + "aws-crt-client, crt-core and one platform's aws-crt jar", crtJars().stream().map(j -> j.getFileName().toString()).toList(),
          crtJars().stream().mapToLong(j -> j.toFile().length()).sum() / (1024.0 * 1024.0)));
    }
    for (FunctionPackage p : packages) {
      Stats cold = eventAlone.get(new Config(p.name(), HttpClients.URL_CONNECTION));
      Stats primed = eventAlone.get(new Config(p.name(), HttpClients.URL_CONNECTION, true));
      if (cold != null && primed != null) {
        notes.add(String.format("%s: SnapStart priming takes the invocation itself from %.0f ms to %.0f ms (median, "
            + "url-connection; the primed first-event time includes the priming)", p.name(), cold.median(), primed.median()));
      }
    }
    unusedJars.forEach((fn, jars) -> notes.add(fn + ": " + jars.size() + " jar(s) with no class loaded by the first event"
        + (jars.isEmpty() ? "" : " (other paths may need them): " + String.join(", ", jars))));
    notes.add("times run from the parent starting the process to the handler returning (JVM boot included); every JVM, "
        + "hello world too, runs with template.yaml's JAVA_TOOL_OPTIONS (" + javaToolOptions + "); " + runs + " runs each, interleaved");
    notes.add("process CPU ms: the CPU time of all the child's threads until it reports (the JIT compiler and GC run beside "
        + "the main thread, so it can exceed the wall time, but class loading and static initialisation are on the main thread)");
    notes.add("event read ms: for a typed handler, a second Jackson, apart from the function's, reads the event between "
        + "construction and the call (Lambda's runtime reads it with a shaded Jackson of its own, so the function's is neither "
        + "warmed by it nor warms it), and the first event time includes it; '-' for a RequestStreamHandler, as Keyrack's "
        + "functions are: the runtime hands over the event's bytes and the function reads them within the event itself; "
        + "no snapshot is taken here: 'primed' runs the handler's beforeCheckpoint before the event in the same JVM");
    json.put("hello_world_ms", hello.json());
    json.put("runs", runs);
    json.put("http_clients", clients);
    json.put("java_tool_options", javaToolOptions);
    json.put("measured", measured);
    json.put("http_client_comparison", choice);
    json.put("jars_without_loaded_class", unusedJars);
    return new PartResult(header, rows, json, notes);
  }
}
