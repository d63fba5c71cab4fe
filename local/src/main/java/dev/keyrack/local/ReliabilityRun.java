package dev.keyrack.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.sandbox.LockMemory;
import dev.keyrack.adapters.sandbox.SandboxLockProvider;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.adapters.lambda.Payloads;
import dev.keyrack.json.Json;
import dev.keyrack.ports.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The reliability run: many codes on many sandbox locks through the whole local stack while
 * locks fail, go offline, queue messages and schedule fires are duplicated and workers crash
 * mid-batch; then the invariants of ARCHITECTURE.md are checked against what the sandbox locks
 * actually hold. Time is virtual (hours pass in seconds); retries wait real seconds.
 */
@Command(name = "reliability", mixinStandardHelpOptions = true,
    description = "Drive the local stack with many codes under injected failures and check the invariants; "
        + "exits non-zero on any violation.")
public final class ReliabilityRun implements Callable<Integer> {
  @Option(names = "--codes", defaultValue = "400", description = "access codes to create (default ${DEFAULT-VALUE})")
  int codes;
  @Option(names = "--locks", defaultValue = "60", description = "sandbox locks (default ${DEFAULT-VALUE})")
  int locks;
  @Option(names = "--failure-rate", defaultValue = "0.3", description = "probability that a set or removal fails (default ${DEFAULT-VALUE})")
  double failureRate;
  @Option(names = "--outage-share", defaultValue = "0.1", description = "share of locks that go offline for a while (default ${DEFAULT-VALUE})")
  double outageShare;
  @Option(names = "--crash-rate", defaultValue = "0.05", description = "probability that a worker invocation crashes part-way through its batch, and that a worker "
      + "crashes right after writing a lock, before the store (default ${DEFAULT-VALUE})")
  double crashRate;
  @Option(names = "--hours", defaultValue = "3", description = "virtual hours over which windows start (default ${DEFAULT-VALUE})")
  int hours;
  @Option(names = "--seed", defaultValue = "42", description = "random seed of the run, the sandbox locks' failures and the workers' crashes (default ${DEFAULT-VALUE})")
  long seed;

  /** What the run saw. */
  public record Report(long seed, int codes, int locks, double failureRate, long retries, long crashes,
                       long crashesAfterLockWrite, int duplicateMessages,
                       int duplicateFires, int backupsPulled, int outages, List<String> violations) {
    public void print() {
      System.out.println();
      System.out.println("Reliability run");
      System.out.printf("  seed                    %d%n", seed);
      System.out.printf("  codes created           %d%n", codes);
      System.out.printf("  locks                   %d%n", locks);
      System.out.printf("  failure rate injected   %.0f%%%n", failureRate * 100);
      System.out.printf("  lock outages            %d%n", outages);
      System.out.printf("  worker crashes          %d (%d right after a lock write, before the store)%n", crashes,
          crashesAfterLockWrite);
      System.out.printf("  duplicate messages      %d%n", duplicateMessages);
      System.out.printf("  duplicate fires         %d%n", duplicateFires);
      System.out.printf("  retries (redeliveries)  %d%n", retries);
      System.out.printf("  backups pulled          %d%n", backupsPulled);
      System.out.printf("  violations              %d%n", violations.size());
      violations.stream().limit(30).forEach(v -> System.out.println("    - " + v));
    }
  }

  @Override
  public Integer call() throws Exception {
    Report r = run(codes, locks, failureRate, outageShare, crashRate, hours, seed, true);
    r.print();
    return r.violations().isEmpty() ? 0 : 1;
  }

  public static Report run(int codeCount, int lockCount, double failureRate, double outageShare, double crashRate,
                           int hours, long seed, boolean progress) throws Exception {
    Random random = new Random(seed);
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String key = "seam_reliability_" + seed;
    LocalStack.Options o = LocalStack.Options.defaults().withKeys(key, key + "_2").withClock(clock).withPollers(4)
        .withParameters(Map.of("RetryBaseSeconds", "1", "RetryMaxSeconds", "2", "BackupPoolSize", "2",
            // the same seed drives the sandbox locks' failures and the pollers' crashes
            "SandboxSeed", Long.toString(seed),
            // the run creates its codes in seconds, dozens a lock: the per-device guardrail (GuardrailsTest) is lifted
            "DeviceCreatesPerMinute", "1000000"));
    try (LocalStack stack = LocalStack.start(o)) {
      // A crashed invocation's batch comes back after the queue's visibility timeout (180 s in
      // template.yaml); like the retry delays, the run shortens it so that a crash costs less. It
      // stays above the longest batch here (ten jobs at each brand's latency on a loaded machine):
      // as with Lambda's timeout, a batch must never be redelivered while it is still running.
      stack.engines().sqs().setQueueAttributes(b -> b.queueUrl(stack.resources().queueUrl("DeviceJobsQueue"))
          .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45")));
      Store store = stack.wiring("ApiFunction").store();
      SandboxLockProvider sandbox = stack.wiring("ProviderWorkerFunction").sandboxProvider();
      UUID ws = stack.devices().get(0).workspaceId();
      List<BrandProfile> brands = BrandProfile.all().stream().filter(b -> !b.generatesPin()).toList();
      List<Device> devices = new ArrayList<>();
      for (int i = 0; i < lockCount; i++) {
        BrandProfile b = brands.get(i % brands.size());
        Device d = new Device(Seeder.stableId("reliability/" + seed + "/" + i), ws, stack.devices().get(0).connectedAccountId(),
            b.deviceType(), b.manufacturerDisplayName() + " #" + i, clock.instant(), true);
        store.putDevice(d);
        sandbox.configure(d.deviceId(), m -> m.withFaults(failureRate, failureRate, 0));
        devices.add(d);
      }
      HttpClient http = HttpClient.newHttpClient();
      Map<UUID, Instant> deletedAt = new HashMap<>();
      Map<UUID, Instant[]> windows = new HashMap<>();
      Set<UUID> created = new HashSet<>();
      List<String> violations = new ArrayList<>();
      // every window has ended by then: starts up to hours*60+4 minutes in, windows of up to 179 minutes
      Instant end = clock.instant().plus(Duration.ofHours(hours + 3).plusMinutes(5));
      int duplicateMessages = 0, duplicateFires = 0, outages = 0;

      // A few locks with a backup pool break down completely once their pools are programmed: every
      // set fails, so codes on them fail for good and backups are pulled.
      List<Device> broken = devices.stream().filter(d -> d.profile().backupPool()).limit(Math.max(1, lockCount / 20)).toList();
      for (Device d : broken) {
        Instant s = clock.instant().plus(Duration.ofHours(hours));
        JsonNode res = post(http, stack, key, "/access_codes/create", "{\"device_id\":\"" + d.deviceId()
            + "\",\"name\":\"Pool opener\",\"starts_at\":\"" + s + "\",\"ends_at\":\"" + s.plus(Duration.ofHours(1))
            + "\",\"use_backup_access_code_pool\":true}");
        if (res.path("ok").asBoolean()) {
          UUID id = UUID.fromString(res.at("/access_code/access_code_id").asText());
          created.add(id);
          windows.put(id, new Instant[] {s, s.plus(Duration.ofHours(1))});
        }
      }
      long poolDeadline = System.currentTimeMillis() + 60_000; // (a slow machine: it goes on once every pool is set)
      while (System.currentTimeMillis() < poolDeadline && !broken.stream().allMatch(d -> store.accessCodes(ws, d.deviceId()).stream()
          .filter(c -> c.backupRole() == AccessCode.BackupRole.READY).allMatch(c -> c.status() == CodeStatus.set))) {
        Thread.sleep(200);
      }
      broken.forEach(d -> sandbox.configure(d.deviceId(), m -> m.withFaults(1.0, failureRate, 0)));

      say(progress, "creating " + codeCount + " codes on " + lockCount + " locks ...");
      for (int i = 0; i < codeCount; i++) {
        Device d = devices.get(random.nextInt(devices.size()));
        boolean ongoing = random.nextDouble() < 0.2;
        StringBuilder body = new StringBuilder("{\"device_id\":\"" + d.deviceId() + "\",\"name\":\"Guest " + i + "\"");
        if (!ongoing) {
          Instant s = clock.instant().plus(Duration.ofMinutes(5 + random.nextInt(hours * 60)));
          Instant e = s.plus(Duration.ofMinutes(60 + random.nextInt(120)));
          body.append(",\"starts_at\":\"").append(s).append("\",\"ends_at\":\"").append(e).append("\"");
          if (d.profile().backupPool() && (broken.contains(d) || random.nextDouble() < 0.3)) {
            body.append(",\"use_backup_access_code_pool\":true");
          }
        }
        body.append("}");
        JsonNode res = post(http, stack, key, "/access_codes/create", body.toString());
        if (res.path("ok").asBoolean()) {
          UUID id = UUID.fromString(res.at("/access_code/access_code_id").asText());
          created.add(id);
          if (!ongoing) windows.put(id, new Instant[] {Instant.parse(res.at("/access_code/starts_at").asText()),
              Instant.parse(res.at("/access_code/ends_at").asText())});
        } else if (!Set.of("no_space_for_access_code_on_device", "no_code_available").contains(res.at("/error/type").asText())) {
          violations.add("create refused unexpectedly: " + res.at("/error/type").asText() + " " + res.at("/error/message").asText());
        }
      }
      stack.pollers().forEach(p -> p.crashRate(crashRate));
      // Workers also die inside an operation: the lock is written, the store not yet. The
      // redelivered job must finish it exactly once (checked below: no PIN twice, no second
      // set_on_device, the code ends set).
      // The first lock write after this point always dies (so every run with crashes has one of
      // these, whatever the threads' timing), the others at the crash rate.
      Random crashRandom = new Random(seed * 31 + 7);
      java.util.concurrent.atomic.AtomicBoolean firstWrite = new java.util.concurrent.atomic.AtomicBoolean(crashRate > 0);
      sandbox.afterChange((deviceId, codeId, set) -> {
        if (firstWrite.getAndSet(false) || crashRandom.nextDouble() < crashRate) throw new QueuePoller.WorkerCrash();
      });

      List<UUID> createdList = new ArrayList<>(created);
      java.util.Collections.shuffle(createdList, random);
      List<UUID> toDelete = createdList.subList(0, createdList.size() / 6);
      Map<UUID, Instant> offlineUntil = new HashMap<>();
      Set<String> firedInputs = new HashSet<>();

      say(progress, "running " + (hours + 3) + " virtual hours with " + (int) (failureRate * 100) + "% failures, outages, "
          + "duplicates and crashes ...");
      int step = 0;
      while (clock.instant().isBefore(end)) {
        clock.advance(Duration.ofMinutes(1));
        step++;
        Instant now = clock.instant();
        // outages: a lock goes offline for 10 to 40 virtual minutes
        if (random.nextDouble() < outageShare / 2) {
          Device d = devices.get(random.nextInt(devices.size()));
          if (!offlineUntil.containsKey(d.deviceId())) {
            sandbox.configure(d.deviceId(), m -> m.withOnline(false));
            offlineUntil.put(d.deviceId(), now.plus(Duration.ofMinutes(10 + random.nextInt(30))));
            outages++;
          }
        }
        for (var it = offlineUntil.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (!e.getValue().isAfter(now)) {
            sandbox.configure(e.getKey(), m -> m.withOnline(true));
            it.remove();
          }
        }
        // deletions spread over the run
        if (step % 5 == 0 && !toDelete.isEmpty()) {
          UUID id = toDelete.remove(toDelete.size() - 1);
          JsonNode res = post(http, stack, key, "/access_codes/delete", "{\"access_code_id\":\"" + id + "\"}");
          if (res.path("ok").asBoolean()) deletedAt.put(id, now);
        }
        // duplicated queue messages (new deduplication ids, so SQS really delivers them twice)
        if (step % 4 == 0 && !createdList.isEmpty()) {
          UUID id = createdList.get(random.nextInt(createdList.size()));
          var c = store.accessCode(ws, id);
          if (c.isPresent()) {
            DeviceOperation.Kind kind = random.nextBoolean() ? DeviceOperation.Kind.SET : DeviceOperation.Kind.REMOVE;
            DeviceOperation op = new DeviceOperation(kind, ws, c.get().deviceId(), id, c.get().version());
            String url = stack.resources().queueUrl("DeviceJobsQueue");
            stack.engines().sqs().sendMessage(b -> b.queueUrl(url).messageBody(Json.write(op))
                .messageGroupId(op.deviceId().toString()).messageDeduplicationId(UUID.randomUUID().toString()));
            duplicateMessages++;
          }
        }
        // Schedule fires delivered twice (a due fire gets an extra copy now, and copies come back
        // later), and stray copies long before their moment (which must be dropped, not acted on).
        for (var s : stack.scheduler().schedules().values()) {
          String input = s.definition().at("/Target/Input").asText();
          Instant at = Instant.parse(Json.MAPPER.readTree(input).path("at").asText());
          boolean due = !at.isAfter(now);
          boolean farAhead = at.isAfter(now.plus(dev.keyrack.app.ProgrammingService.EARLY_TOLERANCE));
          if (due ? random.nextDouble() < 0.3 : farAhead && random.nextDouble() < 0.01) {
            invokeProgrammer(stack, input);
            if (due) firedInputs.add(input);
            duplicateFires++;
          }
        }
        if (step % 5 == 0) {
          for (String input : firedInputs) {
            if (random.nextDouble() < 0.1) {
              invokeProgrammer(stack, input);
              duplicateFires++;
            }
          }
        }
        if (step == 120) broken.forEach(d -> sandbox.configure(d.deviceId(), m -> m.withFaults(failureRate, failureRate, 0)));
        Thread.sleep(150); // one virtual minute: retries (1 to 2 real seconds) span several virtual minutes
        if (step % 10 == 0) checkLocks(store, sandbox, ws, devices, now, violations, false);
        if (progress && step % 60 == 0) {
          System.out.printf("  ... %s virtual, %d violations so far%n", Duration.between(end.minus(Duration.ofHours(hours + 3).plusMinutes(5)), now), violations.size());
        }
      }

      say(progress, "healing every lock and draining the queues ...");
      long drainStart = System.currentTimeMillis();
      stack.pollers().forEach(p -> p.crashRate(0));
      sandbox.afterChange(SandboxLockProvider.AfterChange.NONE);
      for (Device d : devices) sandbox.configure(d.deviceId(), m -> m.withFaults(0, 0, 0).withOnline(true));
      drain(stack, store, ws, clock, 300, violations); // (it ends once quiet; generous for a slow machine)
      say(progress, "drained in " + (System.currentTimeMillis() - drainStart) / 1000 + " s; checking the invariants ...");
      checkLocks(store, sandbox, ws, devices, clock.instant(), violations, true);
      int pulled = checkCodes(store, ws, created, deletedAt, windows, violations);
      long retries = stack.pollers().stream().mapToLong(QueuePoller::redeliveries).sum();
      long crashes = stack.pollers().stream().mapToLong(QueuePoller::crashes).sum();
      long lockWriteCrashes = stack.pollers().stream().mapToLong(QueuePoller::operationCrashes).sum();
      return new Report(seed, created.size(), lockCount, failureRate, retries, crashes, lockWriteCrashes, duplicateMessages, duplicateFires, pulled,
          outages, violations);
    }
  }

  private static void say(boolean progress, String s) {
    if (progress) System.out.println("reliability: " + s);
  }

  private static void invokeProgrammer(LocalStack stack, String input) {
    try {
      // the schedule's input as Scheduler sends it: its text, as the invocation's bytes
      LocalStack.invoke(stack.handler("ProgrammerFunction"), input.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          new LocalContext("keyrack-ProgrammerFunction", 512, 30), Payloads::readMap);
    } catch (Exception e) {
      // a fire that fails is retried by Scheduler; here it is simply one more duplicate
    }
  }

  private static JsonNode post(HttpClient http, LocalStack stack, String key, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.endpoint() + path))
        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 500) throw new IllegalStateException(path + " answered " + r.statusCode());
    return Json.MAPPER.readTree(r.body());
  }

  /** Waits until no device job is queued or in flight and no code is waiting for its lock. */
  private static void drain(LocalStack stack, Store store, UUID ws, Clock clock, int seconds, List<String> violations)
      throws InterruptedException {
    String url = stack.resources().queueUrl("DeviceJobsQueue");
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    int quiet = 0;
    while (System.currentTimeMillis() < deadline && quiet < 3) {
      var attrs = stack.engines().sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
          .attributes();
      long queued = Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
          + Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
      // (a code refused for good, with its error, waits for its owner, not for the queue)
      Instant now = clock.instant();
      boolean pending = store.accessCodes(ws, null).stream().anyMatch(c -> waiting(c, now));
      quiet = queued == 0 && !pending ? quiet + 1 : 0;
      if (Boolean.getBoolean("keyrack.debugDrain")) System.out.println("drain: queued=" + queued + " pending=" + pending);
      if (System.currentTimeMillis() + 500 >= deadline && quiet == 0) {
        violations.add("did not settle within " + seconds + " s of healing: " + queued + " device jobs queued; waiting codes: "
            + store.accessCodes(ws, null).stream().filter(c -> waiting(c, now)).limit(5).map(c -> c.accessCodeId() + " " + c.status() + " " + c.type()
                + (c.backupRole() == null ? "" : " " + c.backupRole())).toList());
      }
      Thread.sleep(500);
    }
  }

  /** A code the queue still owes something: a set not refused for good, or a removal (deleted or ended). */
  private static boolean waiting(AccessCode c, Instant now) {
    return c.windowEnded(now) || (c.status() == CodeStatus.setting || c.status() == CodeStatus.removing) && c.errors().isEmpty();
  }

  /**
   * What the locks hold, against what Keyrack says: every slot belongs to a stored code (nothing
   * left after a deletion), no code is on a lock before its programming moment or (after healing)
   * past its end, and no lock holds one PIN twice.
   */
  static void checkLocks(Store store, SandboxLockProvider sandbox, UUID ws, List<Device> devices, Instant now,
                         List<String> violations, boolean healed) {
    for (Device d : devices) {
      LockMemory m = sandbox.memory(d.deviceId());
      // What Keyrack shows as set is really on the lock (the worker writes the lock first).
      for (AccessCode c : store.accessCodes(ws, d.deviceId())) {
        // (the memory is read again before blaming: the worker may have written the lock after our first read)
        if (c.status() == CodeStatus.set && c.onLock() && !c.windowEnded(now) && !m.slots().containsKey(c.accessCodeId())
            && !sandbox.memory(d.deviceId()).slots().containsKey(c.accessCodeId())
            && store.accessCode(ws, c.accessCodeId()).filter(x -> x.status() == CodeStatus.set).isPresent()) {
          violations.add("code " + c.accessCodeId() + " shows set but is not on its lock " + d.deviceId());
        }
      }
      Set<String> pins = new HashSet<>();
      for (var e : m.slots().entrySet()) {
        if (!pins.add(e.getValue().pin())) violations.add("lock " + d.deviceId() + " holds one PIN twice");
        var code = store.accessCode(ws, e.getKey());
        // The worker takes a code off the lock before deleting it: a slot whose code is gone must be
        // gone from the lock too when read again (our first read may predate that removal).
        if (code.isEmpty() && !sandbox.memory(d.deviceId()).slots().containsKey(e.getKey())) continue;
        if (code.isEmpty()) {
          violations.add("lock " + d.deviceType() + " " + d.deviceId() + " holds code " + e.getKey() + " that no longer exists");
          continue;
        }
        AccessCode c = code.get();
        if (c.startsAt() != null && !SchedulePolicy.usesNativeScheduling(d.profile(), c.preferNativeScheduling())
            && now.isBefore(c.startsAt().minus(SchedulePolicy.JUST_IN_TIME_LEAD).minusSeconds(1))) {
          violations.add("code " + c.accessCodeId() + " is on a just-in-time lock before its programming moment");
        }
        // A natively scheduled code sits on the lock with its own window (inactive until starts_at,
        // off at ends_at by the lock itself): a different window on the lock is access outside it.
        LockMemory.Slot slot = e.getValue();
        if (c.backupRole() == null && c.type() == dev.keyrack.domain.CodeType.time_bound
            && SchedulePolicy.usesNativeScheduling(d.profile(), c.preferNativeScheduling())
            && (!java.util.Objects.equals(slot.startsAt(), c.startsAt()) || !java.util.Objects.equals(slot.endsAt(), c.endsAt()))) {
          violations.add("code " + c.accessCodeId() + " is on native lock " + d.deviceId() + " with window " + slot.startsAt()
              + " to " + slot.endsAt() + ", not its own " + c.startsAt() + " to " + c.endsAt());
        }
        // While locks fail, a code past its end may still be waiting for its removal (its status
        // does not say so: a removal fire stores nothing); once healed and drained, none may be left.
        if (healed && c.endsAt() != null && now.isAfter(c.endsAt())) {
          violations.add("code " + c.accessCodeId() + " is still on its lock " + Duration.between(c.endsAt(), now)
              + " after its end (status " + c.status() + ")");
        }
      }
    }
  }

  /**
   * The order of one code's events: deleted last; each removed_from_device after what put the code
   * on the lock (set_on_device or scheduled_on_device); no programming event twice in a row with no
   * change or removal between (a redelivered job repeating its effect); a delay warning before the
   * failure error of the same operation (a permanent refusal comes with no delay, and never after one).
   */
  static void checkOrder(String what, List<String> types, List<String> violations) {
    int gone = types.indexOf("access_code.deleted");
    if (gone >= 0 && gone != types.size() - 1) violations.add(what + ": events after access_code.deleted: " + types);
    boolean on = false;
    String lastProgramming = null;
    for (String t : types) {
      switch (t) {
        case "access_code.set_on_device", "access_code.scheduled_on_device" -> {
          if (t.equals(lastProgramming)) violations.add(what + ": " + t + " twice with nothing between: " + types);
          lastProgramming = t;
          on = true;
        }
        case "access_code.removed_from_device" -> {
          if (!on) violations.add(what + ": removed_from_device without set_on_device or scheduled_on_device before it: " + types);
          on = false;
          lastProgramming = null;
        }
        case "access_code.changed" -> lastProgramming = null;
        default -> { }
      }
    }
    for (String op : List.of("setting_on_device", "removing_from_device")) {
      int delay = types.indexOf("access_code.delay_in_" + op);
      int failed = types.indexOf("access_code.failed_to_" + op.replace("setting_on", "set_on").replace("removing_from", "remove_from"));
      if (delay >= 0 && failed >= 0 && failed < delay) {
        violations.add(what + ": " + types.get(failed) + " before " + types.get(delay) + ": " + types);
      }
    }
  }

  /**
   * Every accepted code reached its lock or says why; deleted and expired codes are gone; pulled
   * backups are linked; each code's events are in order. Returns how many backups were pulled.
   */
  static int checkCodes(Store store, UUID ws, Set<UUID> created, Map<UUID, Instant> deleted, Map<UUID, Instant[]> windows,
                        List<String> violations) {
    int pulled = 0;
    Map<UUID, AccessCode> stored = new LinkedHashMap<>();
    store.accessCodes(ws, null).forEach(c -> stored.put(c.accessCodeId(), c));
    Map<UUID, Instant> pulledBackups = new LinkedHashMap<>(); // backup -> the ends_at it was given
    for (UUID id : created) {
      List<Event> events = store.events(ws, new Store.EventQuery(null, id, null, null, null, 1000)).reversed();
      List<String> types = events.stream().map(Event::eventType).toList();
      Instant[] window = windows.get(id);
      for (Event e : events) {
        Object b = e.eventType().equals("access_code.backup_access_code_pulled") ? e.extra().get("backup_access_code_id") : null;
        // (a backup leaves with its code: its code deleted, it lasts until then, not to the old ends_at)
        Instant lastsUntil = window == null ? null
            : deleted.containsKey(id) && deleted.get(id).isBefore(window[1]) ? deleted.get(id) : window[1];
        if (b != null && window != null) pulledBackups.put(UUID.fromString(b.toString()), lastsUntil);
      }
      if (window != null && !deleted.containsKey(id)) {
        // A guest's code works for its whole window: it leaves the lock at ends_at, not before.
        events.stream().filter(e -> e.eventType().equals("access_code.removed_from_device")
                || e.eventType().equals("access_code.deleted"))
            .filter(e -> e.occurredAt().isBefore(window[1])).findFirst()
            .ifPresent(e -> violations.add("code " + id + ": " + e.eventType() + " at " + e.occurredAt()
                + ", before its ends_at " + window[1]));
      }
      AccessCode c = stored.get(id);
      if (types.isEmpty() || !types.get(0).equals("access_code.created")) {
        violations.add("code " + id + ": events do not start with access_code.created: " + types);
        continue;
      }
      int set = types.indexOf("access_code.set_on_device");
      int scheduled = types.indexOf("access_code.scheduled_on_device");
      int failed = types.indexOf("access_code.failed_to_set_on_device");
      int removed = types.indexOf("access_code.removed_from_device");
      int gone = types.indexOf("access_code.deleted");
      if (removed >= 0 && gone >= 0 && removed > gone) violations.add("code " + id + ": removed_from_device after deleted");
      if (scheduled >= 0 && set >= 0 && scheduled > set && types.lastIndexOf("access_code.scheduled_on_device") > set
          && types.indexOf("access_code.changed") < 0) {
        violations.add("code " + id + ": scheduled_on_device after set_on_device: " + types);
      }
      checkOrder("code " + id, types, violations);
      boolean deletedByUs = deleted.containsKey(id);
      if (c != null && c.status() == CodeStatus.set && (c.errors().stream().anyMatch(n -> n.code().equals("failed_to_set_on_device"))
          || c.warnings().stream().anyMatch(n -> n.code().equals("delay_in_setting_on_device")))) {
        violations.add("code " + id + " is set but still carries its setting error or warning");
      }
      if (c == null) {
        if (gone < 0) violations.add("code " + id + " vanished without access_code.deleted");
      } else if (c.endsAt() != null) {
        violations.add("code " + id + " outlived its window (status " + c.status() + ")");
      } else if (deletedByUs) {
        // after healing and draining, a removal has had every chance to finish
        violations.add("deleted code " + id + " is still stored (status " + c.status() + ", errors "
            + c.errors().stream().map(n -> n.code()).toList() + ")");
      } else if (c.status() != CodeStatus.set && c.errors().isEmpty()) {
        // a code still being retried (or given up on) must say why it is not set
        violations.add("ongoing code " + id + " is " + c.status() + " with no error saying why: " + types);
      }
      // On the lock means active (set_on_device) or preloaded with its window on a natively scheduling
      // lock (scheduled_on_device: the lock activates it at starts_at by itself).
      if (!deletedByUs && set < 0 && scheduled < 0 && failed < 0 && types.indexOf("access_code.backup_access_code_pulled") < 0) {
        violations.add("code " + id + " never reached its lock and no error says why: " + types);
      }
      if (types.contains("access_code.backup_access_code_pulled")) pulled++;
    }
    // Every pulled backup lasted its original's whole window (or until its original was deleted),
    // then left the lock: gone from the store (the lock side is checked by checkLocks), removed no earlier.
    for (var pb : pulledBackups.entrySet()) {
      UUID b = pb.getKey();
      List<Event> events = store.events(ws, new Store.EventQuery(null, b, null, null, null, 1000)).reversed();
      List<String> types = events.stream().map(Event::eventType).toList();
      if (stored.containsKey(b)) {
        violations.add("pulled backup " + b + " is still stored after its ends_at " + pb.getValue());
      } else if (!types.contains("access_code.deleted")) {
        violations.add("pulled backup " + b + " vanished without access_code.deleted: " + types);
      }
      events.stream().filter(e -> e.eventType().equals("access_code.removed_from_device")
              || e.eventType().equals("access_code.deleted"))
          .filter(e -> e.occurredAt().isBefore(pb.getValue())).findFirst()
          .ifPresent(e -> violations.add("pulled backup " + b + ": " + e.eventType() + " at " + e.occurredAt()
              + ", before its ends_at (or its code's deletion) " + pb.getValue()));
      checkOrder("pulled backup " + b, types, violations);
    }
    // every pulled backup still stored is linked from its original
    for (AccessCode c : stored.values()) {
      if (c.backupRole() == AccessCode.BackupRole.PULLED
          && stored.values().stream().noneMatch(o -> c.accessCodeId().equals(o.pulledBackupAccessCodeId()))
          && c.endsAt() != null) {
        violations.add("pulled backup " + c.accessCodeId() + " is linked from no code but still stored");
      }
    }
    return pulled;
  }
}
