package dev.keyrack.local;

import dev.keyrack.domain.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar local/target/keyrack-local.jar}: the whole of Keyrack on this machine. */
@Command(name = "keyrack-local", mixinStandardHelpOptions = true, version = "keyrack-local 0.1.0",
    subcommands = {ReliabilityRun.class},
    description = "Runs Keyrack on one machine: DynamoDB Local, ElasticMQ, the functions of template.yaml, "
        + "the Seam-compatible API on a port, and two sandbox workspaces with one lock of every brand.")
public final class Main implements Callable<Integer> {
  @Option(names = "--port", description = "HTTP port of the API (default ${DEFAULT-VALUE})", defaultValue = "3000")
  int port;

  @Option(names = "--host", description = "Interface to listen on (default ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--api-key", description = "API key of the first sandbox workspace (random if not given)")
  String apiKey;

  @Option(names = "--second-api-key", description = "API key of the second sandbox workspace (random if not given)")
  String secondApiKey;

  @Option(names = "--data-dir", description = "Keep DynamoDB data in this directory (default: in memory)")
  Path dataDir;

  @Option(names = "--latency-scale", defaultValue = "1",
      description = "Multiplier on each sandbox brand's programming latency; 0 programs instantly (default ${DEFAULT-VALUE})")
  double latencyScale;

  @Option(names = "--template", description = "Path to template.yaml (default: the checkout's, found from the current directory or from the jar's own "
      + "location; else the copy bundled in the jar)")
  Path template;

  @Option(names = "--parameter", description = "Override a template.yaml parameter, e.g. --parameter RetryBaseSeconds=1 (repeatable)")
  Map<String, String> parameters = new LinkedHashMap<>();

  /** The seeded sandbox locks, one line per device type: its device id in each workspace. */
  static String deviceTable(List<Device> first, List<Device> second) {
    Map<String, List<String>> one = idsByType(first), two = idsByType(second);
    Set<String> types = new LinkedHashSet<>(one.keySet());
    types.addAll(two.keySet());
    StringBuilder out = new StringBuilder();
    out.append(String.format("  sandbox locks:       %-22s %-36s   %s%n", "device_type", "workspace 1", "workspace 2"));
    for (String type : types) {
      out.append(String.format("                       %-22s %-36s   %s%n", type,
          String.join(",", one.getOrDefault(type, List.of("-"))), String.join(",", two.getOrDefault(type, List.of("-")))));
    }
    return out.toString();
  }

  private static Map<String, List<String>> idsByType(List<Device> devices) {
    Map<String, List<String>> byType = new LinkedHashMap<>();
    for (Device d : devices) byType.computeIfAbsent(d.deviceType(), t -> new ArrayList<>()).add(d.deviceId().toString());
    return byType;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.println("Starting Keyrack local stack (DynamoDB Local, ElasticMQ, functions from template.yaml)...");
    LocalStack.Options o = new LocalStack.Options(host, port, dataDir, apiKey, secondApiKey, latencyScale, template,
        java.time.Clock.systemUTC(), 2, parameters);
    LocalStack stack;
    try {
      stack = LocalStack.start(o);
    } catch (java.net.BindException e) {
      System.err.println("Port " + port + " is in use. Stop whatever listens there, or start with --port <another port>.");
      return 2;
    } catch (IllegalStateException e) {
      System.err.println("Could not start: " + e.getMessage());
      return 2;
    } catch (java.nio.file.NoSuchFileException e) {
      System.err.println("Could not start: no file " + e.getFile() + "; pass --template FILE with the path of template.yaml");
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping Keyrack local stack...");
      stack.close();
      stopped.countDown();
    }));
    System.out.println();
    System.out.println("Keyrack is running.");
    System.out.println("  endpoint:            " + stack.endpoint().toString().replace("127.0.0.1", host));
    System.out.println("  workspace 1 API key: " + stack.apiKey());
    System.out.println("  workspace 2 API key: " + stack.secondApiKey());
    System.out.println("  data:                " + (dataDir == null ? "in memory (gone on exit; --data-dir keeps it)" : dataDir.toAbsolutePath()));
    System.out.println("  template:            " + stack.template().source());
    System.out.print(deviceTable(stack.devices(), stack.secondDevices()));
    System.out.println();
    System.out.println("Try: curl -s " + stack.endpoint() + "/locks/list -H 'Authorization: Bearer " + stack.apiKey() + "'");
    System.out.println("Press Ctrl-C to stop.");
    stopped.await();
    return 0;
  }
}
