package dev.keyrack.adapters.dynamodb;

import dev.keyrack.domain.SlotUse;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Workspace;
import dev.keyrack.json.Docs;
import dev.keyrack.ports.Conflict;
import dev.keyrack.ports.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The {@link Store} on one DynamoDB table (single-table design, keys {@code pk}/{@code sk}):
 *
 * <pre>
 *   KEY#&lt;sha256 of api key&gt;  KEY               the workspace a key belongs to
 *   WORKSPACES                WS#&lt;workspace&gt;      the list of workspaces (read by the periodic sweep)
 *   WS#&lt;workspace&gt;           DEVICE#&lt;id&gt;         a device
 *   WS#&lt;workspace&gt;           DEVICE#&lt;id&gt;#SPACE   the codes its lock refused for want of a free slot
 *   WS#&lt;workspace&gt;           CODE#&lt;uuid v7&gt;      an access code (version for optimistic locking), ordered
 *                                                 by creation, so the sweep of recent codes is a key range;
 *                                                 doc and outbox (the last change's events) packed (PackedDoc);
 *                                                 once deleted, a tombstone (no doc) expiring by TTL
 *   WS#&lt;workspace&gt;           PIN#&lt;device&gt;#&lt;h&gt;    claim of a PIN on a device (h = hash, never the PIN),
 *                                                 naming its code; released when the code is deleted, so
 *                                                 a device's claims are its codes (a key range)
 *   WS#&lt;workspace&gt;           EVENT#&lt;uuid v7&gt;     an event, or the events of one change (keyed by the first),
 *                                                 time-ordered, expiring by TTL
 *   WS#&lt;workspace&gt;           SEND#&lt;millis&gt;#&lt;code&gt; a change of an existing code about to send it a device
 *                                                 operation (the frequent sweep's key range), expiring by TTL
 * </pre>
 *
 * Every key starts with the workspace, so no read can cross workspaces. A state change is one
 * write (a conditional put of one item, or a transaction when it spans items: a PIN change, two
 * codes; a new code is three plain writes, see createWithoutTransaction), and the
 * changed code's item carries the change's events (its outbox); the
 * event items follow as plain puts. That halves the write units of a change against putting the
 * events in its transaction (DynamoDB bills two units per item in a transaction), and the
 * outbox keeps the events safe: the sweep writes any the writer did not get to.
 */
public final class DynamoStore implements Store {
  static final String PK = "pk", SK = "sk", DOC = "doc", VERSION = "version", EXPIRES = "expires_at";
  static final String WORKSPACES = "WORKSPACES", OUTBOX = "outbox", TOMBSTONE = "tombstone";
  /** How long a deleted code's tombstone (and the outbox of its removal) is kept. */
  static final Duration TOMBSTONE_RETENTION = Duration.ofDays(3);
  /** How far back a write checks that the events of the change it replaces were written. */
  static final Duration REPAIR_WINDOW = Duration.ofHours(26);
  /** A change's events younger than this are left to their writer, which may still be writing them. */
  static final Duration WRITER_GRACE = Duration.ofMinutes(1);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DynamoStore.class);
  static final Duration EVENT_RETENTION = Duration.ofDays(90);
  /** How long a note of a send is kept (DynamoDB's TTL deletes it, without a write unit, some time after). */
  static final Duration SEND_NOTE_RETENTION = Duration.ofHours(2);
  private static final Instant LAST_NOTE_TIME = Instant.ofEpochMilli(9_999_999_999_999L);

  private final DynamoDbClient ddb;
  private final String table;

  private final java.time.Clock clock;
  /** Test seams for the race between a claim and its code (see {@link #raceHooks}); no-ops otherwise. */
  private volatile Runnable afterClaim = () -> { }, beforeTakeOver = () -> { };

  public DynamoStore(DynamoDbClient ddb, String table) {
    this(ddb, table, java.time.Clock.systemUTC());
  }

  /** @param clock the clock of the container's services (the age of a replaced outbox is judged by it) */
  public DynamoStore(DynamoDbClient ddb, String table, java.time.Clock clock) {
    this.ddb = Objects.requireNonNull(ddb);
    this.table = Objects.requireNonNull(table);
    this.clock = Objects.requireNonNull(clock);
  }

  static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  static AttributeValue n(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }

  private static String ws(UUID w) {
    return "WS#" + w;
  }

  private Optional<String> getDoc(String pk, String sk) {
    return getDoc(pk, sk, true);
  }

  /** @param consistent false for items whose relevant content never changes (half the read units) */
  private Optional<String> getDoc(String pk, String sk, boolean consistent) {
    GetItemResponse r = ddb.getItem(b -> b.tableName(table).key(Map.of(PK, s(pk), SK, s(sk))).consistentRead(consistent));
    if (!r.hasItem() || r.item().isEmpty() || !r.item().containsKey(DOC)) return Optional.empty(); // a tombstone has no doc
    return Optional.of(PackedDoc.unpack(r.item().get(DOC)));
  }

  private List<Map<String, AttributeValue>> queryAll(QueryRequest.Builder q) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse r = ddb.query(q.exclusiveStartKey(start).build());
      out.addAll(r.items());
      start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    } while (start != null);
    return out;
  }

  /** Every item of the workspace whose sort key starts with {@code prefix} (a key range), all pages. */
  private List<Map<String, AttributeValue>> withPrefix(UUID workspace, String prefix, boolean consistent) {
    return queryAll(QueryRequest.builder().tableName(table).consistentRead(consistent)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
        .expressionAttributeValues(Map.of(":pk", s(ws(workspace)), ":p", s(prefix))));
  }

  // --- workspaces and keys ---------------------------------------------------------------------

  @Override
  public Optional<Workspace> workspaceForKeyHash(String apiKeyHash) {
    return getDoc("KEY#" + apiKeyHash, "KEY").map(d -> Docs.workspace(d));
  }

  @Override
  public void putWorkspace(Workspace w, String apiKeyHash) {
    String doc = Docs.write(w);
    ddb.transactWriteItems(b -> b.transactItems(
        TransactWriteItem.builder().put(Put.builder().tableName(table)
            .item(Map.of(PK, s("KEY#" + apiKeyHash), SK, s("KEY"), DOC, s(doc))).build()).build(),
        TransactWriteItem.builder().put(Put.builder().tableName(table)
            .item(Map.of(PK, s(WORKSPACES), SK, s(ws(w.workspaceId())), DOC, s(doc))).build()).build()));
  }

  @Override
  public List<Workspace> workspaces() {
    return queryAll(QueryRequest.builder().tableName(table).consistentRead(false)
        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(WORKSPACES)))).stream()
        .map(i -> Docs.workspace(i.get(DOC).s())).toList();
  }

  // --- devices ---------------------------------------------------------------------------------

  /**
   * An eventually consistent read (half the units of a consistent one): a device's brand and
   * account never change; only its online flag may lag a write by a moment.
   */
  @Override
  public Optional<Device> device(UUID workspaceId, UUID deviceId) {
    return getDoc(ws(workspaceId), "DEVICE#" + deviceId, false).map(d -> Docs.device(d));
  }

  @Override
  public List<Device> devices(UUID workspaceId) {
    return withPrefix(workspaceId, "DEVICE#", true).stream()
        .filter(i -> i.containsKey(DOC)) // not a device's waiting list (DEVICE#<id>#SPACE)
        .map(i -> Docs.device(i.get(DOC).s()))
        .sorted(Comparator.comparing(Device::createdAt).thenComparing(Device::displayName)).toList();
  }

  /** A put of the device's own item: the codes waiting for a slot are an item of their own beside it. */
  @Override
  public void putDevice(Device d) {
    ddb.putItem(b -> b.tableName(table).item(deviceItem(d)));
  }

  private static Map<String, AttributeValue> deviceItem(Device d) {
    return Map.of(PK, s(ws(d.workspaceId())), SK, s("DEVICE#" + d.deviceId()), DOC, s(Docs.write(d)));
  }

  @Override
  public Optional<Device> changeDevice(UUID workspaceId, UUID deviceId, java.util.function.UnaryOperator<Device> change) {
    Map<String, AttributeValue> key = Map.of(PK, s(ws(workspaceId)), SK, s("DEVICE#" + deviceId));
    for (int attempt = 1; attempt <= 5; attempt++) {
      Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
      if (item == null || !item.containsKey(DOC)) return Optional.empty();
      AttributeValue previous = item.get(DOC);
      Device current = Docs.device(previous.s()), next = change.apply(current);
      if (next.equals(current)) return Optional.of(current);
      try {
        ddb.putItem(b -> b.tableName(table).item(deviceItem(next))
            .conditionExpression("#doc = :previous").expressionAttributeNames(Map.of("#doc", DOC))
            .expressionAttributeValues(Map.of(":previous", previous)));
        return Optional.of(next);
      } catch (ConditionalCheckFailedException e) {
        // changed meanwhile: applied again to the device as it is now
      }
    }
    throw new Conflict.StaleVersion();
  }

  /**
   * The slot lists: an item beside the device's, in the key range it starts. The codes waiting are
   * a string set; each code holding a slot is an attribute of its own ({@code hold#<id>}), so that
   * one update can move a slot from one code to another (DynamoDB refuses two actions on one
   * attribute in one update).
   */
  private static final String SPACE = "#SPACE", WAITING = "codes", HOLD = "hold#";

  /**
   * One Query of the device's key range: the device's item and, sorted right after it, its
   * waiting list. Both are small, so it costs what a GetItem of the device does: half a read unit
   * eventually consistent, one consistent (the list changes: a removal right after a refusal, or
   * after another removal, must see the write before it).
   */
  @Override
  public Optional<DeviceAtWork> deviceAtWork(UUID workspaceId, UUID deviceId, boolean consistent) {
    Device device = null;
    List<UUID> waiting = List.of();
    java.util.Set<UUID> holding = new java.util.HashSet<>();
    for (Map<String, AttributeValue> i : withPrefix(workspaceId, "DEVICE#" + deviceId, consistent)) {
      if (i.containsKey(DOC)) device = Docs.device(i.get(DOC).s());
      else {
        if (i.containsKey(WAITING)) waiting = i.get(WAITING).ss().stream().map(UUID::fromString).sorted().toList();
        i.keySet().stream().filter(k -> k.startsWith(HOLD)).forEach(k -> holding.add(UUID.fromString(k.substring(HOLD.length()))));
      }
    }
    // Code ids are time-ordered (UUID v7), and UUID's order is their order: oldest first.
    return device == null ? Optional.empty() : Optional.of(new DeviceAtWork(device, waiting, java.util.Set.copyOf(holding)));
  }

  @Override
  public void changeSlots(UUID workspaceId, UUID deviceId, SlotChange change) {
    Map<String, String> names = new java.util.HashMap<>();
    Map<String, AttributeValue> values = new java.util.HashMap<>();
    List<String> clauses = new ArrayList<>();
    if (change.waits() != null || change.waitsNoMore() != null) names.put("#c", WAITING);
    if (change.waits() != null) {
      clauses.add("ADD #c :w");
      values.put(":w", AttributeValue.fromSs(List.of(change.waits().toString())));
    }
    if (change.holds() != null) {
      clauses.add("SET #h = :t");
      names.put("#h", HOLD + change.holds());
      values.put(":t", n(clock.millis()));
    }
    if (change.waitsNoMore() != null) {
      clauses.add("DELETE #c :nw");
      values.put(":nw", AttributeValue.fromSs(List.of(change.waitsNoMore().toString())));
    }
    if (change.holdsNoMore() != null) {
      clauses.add("REMOVE #nh");
      names.put("#nh", HOLD + change.holdsNoMore());
    }
    if (clauses.isEmpty()) return;
    ddb.updateItem(b -> b.tableName(table)
        .key(Map.of(PK, s(ws(workspaceId)), SK, s("DEVICE#" + deviceId + SPACE)))
        .updateExpression(String.join(" ", clauses))
        .expressionAttributeNames(names)
        .expressionAttributeValues(values.isEmpty() ? null : values));
  }

  // --- access codes ----------------------------------------------------------------------------

  @Override
  public Optional<AccessCode> accessCode(UUID workspaceId, UUID accessCodeId) {
    return getDoc(ws(workspaceId), "CODE#" + accessCodeId).map(d -> Docs.accessCode(d));
  }

  @Override
  public List<AccessCode> accessCodes(UUID workspaceId, UUID deviceIdOrNull) {
    if (deviceIdOrNull != null) return codesOfDevice(workspaceId, deviceIdOrNull);
    QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)").filterExpression("attribute_not_exists(" + TOMBSTONE + ")")
        .expressionAttributeValues(Map.of(":pk", s(ws(workspaceId)), ":p", s("CODE#")));
    return sorted(queryAll(q).stream().map(i -> Docs.accessCode(PackedDoc.unpack(i.get(DOC)))).toList());
  }

  private static List<AccessCode> sorted(List<AccessCode> codes) {
    return codes.stream().sorted(Comparator.comparing(AccessCode::createdAt).thenComparing(AccessCode::accessCodeId)).toList();
  }

  /**
   * A device's codes, found by their PIN claims (the key range {@code PIN#<device>#}: a small item
   * each, read consistently) and read by id (BatchGetItem, consistently), so what a create or a
   * device's listing reads grows with the device's codes, not with the workspace's. Every stored
   * code holds the claim of its PIN, or an entry of its own when it has none ({@link #pinKey}); a
   * delete releases it.
   * A claim left behind (its code deleted by a writer that stopped before releasing it, or holding
   * another PIN now) is skipped.
   */
  private List<AccessCode> codesOfDevice(UUID workspaceId, UUID deviceId) {
    List<String> ids = new ArrayList<>(new java.util.LinkedHashSet<>(claimsOf(workspaceId, deviceId).values()));
    List<AccessCode> out = new ArrayList<>();
    for (Map<String, AttributeValue> item : getAll(workspaceId, ids)) {
      if (!item.containsKey(DOC)) continue; // a tombstone: a claim left behind by a delete that stopped
      AccessCode code = Docs.accessCode(PackedDoc.unpack(item.get(DOC)));
      // (a code whose PIN changed since its claim was read is named by its new claim now: still this device's)
      if (code.deviceId().equals(deviceId)) out.add(code);
    }
    return sorted(out);
  }

  /** The device's claims, read consistently: sort key to the code it names. */
  private Map<String, String> claimsOf(UUID workspaceId, UUID deviceId) {
    Map<String, String> claims = new java.util.LinkedHashMap<>();
    for (Map<String, AttributeValue> c : claimItems(workspaceId, deviceId)) claims.put(c.get(SK).s(), c.get("access_code_id").s());
    return claims;
  }

  private List<Map<String, AttributeValue>> claimItems(UUID workspaceId, UUID deviceId) {
    return withPrefix(workspaceId, "PIN#" + deviceId + "#", true);
  }

  /**
   * From the device's claims alone (small items, a key range): the codes holding a slot (a claim
   * left behind by a delete that stopped counts until the PIN is claimed again or the daily sweep
   * releases it, {@link #releaseAbandonedClaims}) and the PINs taken.
   */
  @Override
  public Slots slots(UUID workspaceId, UUID deviceId) {
    List<Map<String, AttributeValue>> claims = claimItems(workspaceId, deviceId);
    java.util.Set<String> keys = new java.util.HashSet<>();
    claims.forEach(c -> keys.add(c.get(SK).s()));
    Usage u = usage(claims, null);
    return new Slots(u.holders(), pin -> keys.contains(pinKey(workspaceId, deviceId, pin)), u.createdLastMinute(),
        List.copyOf(u.windows().values()));
  }

  /**
   * The codes a device's claims name, with their windows, and how many of them were created (asked
   * for, not made by a pool) in the last minute.
   */
  private record Usage(int holders, int createdLastMinute, Map<String, SlotUse.Window> windows) {}

  /** @param except a code not to count (null: none) */
  private Usage usage(List<Map<String, AttributeValue>> claims, String except) {
    java.util.Set<String> holders = new java.util.HashSet<>(), recent = new java.util.HashSet<>();
    Map<String, SlotUse.Window> windows = new HashMap<>();
    long now = clock.instant().toEpochMilli(), minuteAgo = now - 60_000;
    for (Map<String, AttributeValue> c : claims) {
      String id = c.get("access_code_id").s();
      if (id.equals(except)) continue;
      holders.add(id);
      windows.put(id, new SlotUse.Window(millis(c.get(STARTS)), millis(c.get(ENDS))));
      // a backup code is made by its pool, not asked for: it takes a slot but is no create of the caller's
      if (c.containsKey(CREATED) && !c.containsKey(BACKUP)) {
        long made = Long.parseLong(c.get(CREATED).n());
        if (made > minuteAgo && made <= now + 60_000) recent.add(id); // (a clock a little ahead still counts)
      }
    }
    return new Usage(holders.size(), recent.size(), windows);
  }

  private static Instant millis(AttributeValue v) {
    return v == null || v.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(v.n()));
  }

  /** The items of these codes, read consistently, 100 keys a call, unprocessed keys asked again. */
  private List<Map<String, AttributeValue>> getAll(UUID workspaceId, List<String> codeIds) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    for (int from = 0; from < codeIds.size(); from += 100) {
      List<Map<String, AttributeValue>> keys = codeIds.subList(from, Math.min(codeIds.size(), from + 100)).stream()
          .map(id -> Map.of(PK, s(ws(workspaceId)), SK, s("CODE#" + id))).toList();
      Map<String, KeysAndAttributes> ask = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      for (int attempt = 1; !ask.isEmpty(); attempt++) {
        if (attempt > 10) throw new IllegalStateException("DynamoDB left keys of a batch read unprocessed ten times; retry");
        if (attempt > 1) pause(Duration.ofMillis(25L << Math.min(attempt, 6)));
        Map<String, KeysAndAttributes> asked = ask;
        BatchGetItemResponse r = ddb.batchGetItem(b -> b.requestItems(asked));
        out.addAll(r.responses().getOrDefault(table, List.of()));
        ask = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
      }
    }
    return out;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading a batch", e);
    }
  }

  @Override
  public Optional<AccessCode> sweepCode(UUID workspaceId, UUID accessCodeId) {
    return getDoc(ws(workspaceId), "CODE#" + accessCodeId, false).map(d -> Docs.accessCode(d));
  }

  @Override
  public void noteSending(UUID workspaceId, UUID accessCodeId, Instant at) {
    ddb.putItem(b -> b.tableName(table).item(Map.of(PK, s(ws(workspaceId)), SK, s(sendNote(at, accessCodeId)),
        EXPIRES, n(at.plus(SEND_NOTE_RETENTION).getEpochSecond()))));
  }

  @Override
  public List<UUID> sentSince(UUID workspaceId, Instant since) {
    java.util.LinkedHashSet<UUID> ids = new java.util.LinkedHashSet<>();
    for (Map<String, AttributeValue> i : queryAll(QueryRequest.builder().tableName(table).consistentRead(false)
        .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
        .expressionAttributeValues(Map.of(":pk", s(ws(workspaceId)), ":lo", s(sendNote(since, null)), ":hi", s("SEND#~"))))) {
      String sk = i.get(SK).s();
      ids.add(UUID.fromString(sk.substring(sk.lastIndexOf('#') + 1)));
    }
    return List.copyOf(ids);
  }

  /**
   * SEND#, the time in milliseconds (13 digits: sorts by time from 1970 until the year 2286; a time
   * outside is clamped, which only a test clock could ask for), the code.
   */
  private static String sendNote(Instant at, UUID accessCodeIdOrNull) {
    at = at.isBefore(Instant.EPOCH) ? Instant.EPOCH : at.isAfter(LAST_NOTE_TIME) ? LAST_NOTE_TIME : at;
    return String.format(java.util.Locale.ROOT, "SEND#%013d#", at.toEpochMilli()) + (accessCodeIdOrNull == null ? "" : accessCodeIdOrNull);
  }

  @Override
  public List<AccessCode> sweepCodes(UUID workspaceId, Instant createdSinceOrNull, Instant repairSince, Instant now) {
    // Ids are UUIDv7 (time-ordered) since codes are made with Ids.timeOrdered; the lower bound is
    // widened by a second, as for events, since ids of one container may run ahead of their time.
    String lo = "CODE#" + (createdSinceOrNull == null ? "" : boundary(createdSinceOrNull.minusSeconds(1), false));
    List<AccessCode> out = new ArrayList<>();
    for (Map<String, AttributeValue> i : queryAll(QueryRequest.builder().tableName(table).consistentRead(false)
        .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
        .expressionAttributeValues(Map.of(":pk", s(ws(workspaceId)), ":lo", s(lo), ":hi", s("CODE#~"))))) {
      // A writer is given a minute to write its events before they count as missing.
      repairOutbox(i, repairSince, now.minus(WRITER_GRACE));
      if (i.containsKey(DOC) && !i.containsKey(TOMBSTONE)) out.add(Docs.accessCode(PackedDoc.unpack(i.get(DOC))));
    }
    return out;
  }

  /**
   * Writes the events of a recent change whose writer stopped between storing the change (with
   * its events in the item's outbox) and writing their event item: when that item is missing, it
   * is put again (same ids, same content: a put that found them would change
   * nothing). Only outboxes whose last event falls in {@code [from, to]} are checked, a read each.
   * Called by the sweep, and by a single-item write on the outbox it replaces (if of the last {@link #REPAIR_WINDOW}) (so a later change does not
   * take a stopped writer's events with it; a change written in a transaction, such as a PIN
   * change or a backup pull, does not check the outbox it replaces).
   */
  private void repairOutbox(Map<String, AttributeValue> item, Instant from, Instant to) {
    if (!item.containsKey(OUTBOX)) return;
    List<Event> outbox = outbox(item);
    if (outbox.isEmpty()) return;
    Event last = outbox.get(outbox.size() - 1);
    if (last.createdAt().isBefore(from) || last.createdAt().isAfter(to)) return;
    for (List<Event> group : groups(outbox)) { // (one, but for a change whose events span moments)
      Event first = group.get(0);
      if (getDoc(ws(first.workspaceId()), "EVENT#" + first.eventId(), false).isPresent()) continue; // its item is there
      LOG.warn("events of a change to access code {} were missing; writing them from its outbox", first.accessCodeId());
      putEvents(group);
    }
  }

  private static List<Event> outbox(Map<String, AttributeValue> item) {
    return Docs.events(PackedDoc.unpack(item.get(OUTBOX)));
  }

  /** A code's item: its document packed, and the events of this change (the outbox), packed too. */
  private Map<String, AttributeValue> codeItem(AccessCode c, List<Event> outbox) {
    Map<String, AttributeValue> m = new HashMap<>(Map.of(PK, s(ws(c.workspaceId())), SK, s("CODE#" + c.accessCodeId()),
        VERSION, n(c.version()), "device_id", s(c.deviceId().toString()), DOC, PackedDoc.pack(Docs.write(c))));
    if (!outbox.isEmpty()) m.put(OUTBOX, PackedDoc.pack(Docs.write(outbox)));
    return m;
  }

  /**
   * What a deleted code leaves for a while: its key, a version past the code's (so a late update
   * of the code fails its condition), and the outbox of its removal; no document, so every read
   * treats it as gone. It expires by TTL after {@link #TOMBSTONE_RETENTION}.
   */
  private Map<String, AttributeValue> tombstone(AccessCode c, List<Event> outbox) {
    Instant at = outbox.isEmpty() ? clock.instant() : outbox.get(outbox.size() - 1).createdAt();
    Map<String, AttributeValue> m = new HashMap<>(Map.of(PK, s(ws(c.workspaceId())), SK, s("CODE#" + c.accessCodeId()),
        VERSION, n(c.version() + 1), "device_id", s(c.deviceId().toString()), TOMBSTONE, AttributeValue.fromBool(true),
        EXPIRES, n(at.plus(TOMBSTONE_RETENTION).getEpochSecond())));
    if (!outbox.isEmpty()) m.put(OUTBOX, PackedDoc.pack(Docs.write(outbox)));
    return m;
  }

  /**
   * The PIN claim key: a hash of workspace, device and PIN, so no PIN appears in a key. A code
   * without a PIN (its lock assigns one) has an entry of its own in the same range instead
   * ({@code PIN#<device>#code-<id>}: a hash is hex, so the two never meet), which claims no PIN but
   * lists the code with its device.
   */
  public static String pinKey(AccessCode c) {
    if (c.code() == null) return "PIN#" + c.deviceId() + "#code-" + c.accessCodeId();
    return pinKey(c.workspaceId(), c.deviceId(), c.code());
  }

  /** The claim key of a PIN on a device. */
  static String pinKey(UUID workspaceId, UUID deviceId, String pin) {
    return "PIN#" + deviceId + "#" + hashed(workspaceId + "|" + deviceId + "|" + pin);
  }

  /** The first 16 bytes of the text's SHA-256, in hex: a key part that neither shows nor limits what it was made from. */
  private static String hashed(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<UUID> pinHolder(AccessCode code) {
    if (code.code() == null) return Optional.empty();
    GetItemResponse r = ddb.getItem(b -> b.tableName(table).key(Map.of(PK, s(ws(code.workspaceId())), SK, s(pinKey(code))))
        .consistentRead(true));
    if (!r.hasItem() || !r.item().containsKey("access_code_id")) return Optional.empty();
    return Optional.of(UUID.fromString(r.item().get("access_code_id").s()));
  }

  /**
   * Marks the claim of a backup code; its code's creation time, and a time-bound code's window
   * (for the slots its lock's codes take at once, {@link SlotUse}), in epoch milliseconds (see {@link #usage}).
   */
  private static final String BACKUP = "backup", CREATED = "created_ms", STARTS = "starts_ms", ENDS = "ends_ms";

  private TransactWriteItem claimPin(AccessCode c) {
    Map<String, AttributeValue> item = new HashMap<>(Map.of(PK, s(ws(c.workspaceId())), SK, s(pinKey(c)), "access_code_id",
        s(c.accessCodeId().toString())));
    if (c.isBackup()) item.put(BACKUP, AttributeValue.fromBool(true));
    if (c.createdAt() != null) item.put(CREATED, n(c.createdAt().toEpochMilli()));
    SlotUse.Window w = SlotUse.Window.of(c);
    if (w.startsAt() != null) item.put(STARTS, n(w.startsAt().toEpochMilli()));
    if (w.endsAt() != null) item.put(ENDS, n(w.endsAt().toEpochMilli()));
    return TransactWriteItem.builder().put(Put.builder().tableName(table)
        .item(item)
        .conditionExpression("attribute_not_exists(pk) OR access_code_id = :id")
        .expressionAttributeValues(Map.of(":id", s(c.accessCodeId().toString()))).build()).build();
  }

  private TransactWriteItem releasePin(AccessCode c) {
    return TransactWriteItem.builder().delete(Delete.builder().tableName(table)
        .key(Map.of(PK, s(ws(c.workspaceId())), SK, s(pinKey(c))))
        .conditionExpression("attribute_not_exists(pk) OR access_code_id = :id")
        .expressionAttributeValues(Map.of(":id", s(c.accessCodeId().toString()))).build()).build();
  }

  /**
   * The item of a change's events: keyed by its first (oldest) event, the events together (one
   * write unit for all, where an item each would cost one each); a lone event is stored as itself.
   */
  private static Map<String, AttributeValue> eventItem(List<Event> events) {
    Event first = events.get(0);
    long expires = first.createdAt().plus(EVENT_RETENTION).getEpochSecond();
    String doc = events.size() == 1 ? Docs.write(first) : Docs.write(events);
    return Map.of(PK, s(ws(first.workspaceId())), SK, s("EVENT#" + first.eventId()), DOC, s(doc), EXPIRES, n(expires));
  }

  /**
   * Writes the events of a stored change, in one plain put (one write unit per KB; in the change's
   * transaction each event would cost two, and double the code's too). The change's own item
   * carries them (its outbox), so events that fail here are not lost: the sweep writes them.
   */
  private void putEvents(List<Event> events) {
    for (List<Event> group : groups(events)) {
      try {
        ddb.putItem(b -> b.tableName(table).item(eventItem(group)));
      } catch (RuntimeException ex) {
        LOG.warn("events {} of access code {} not written now ({}); the sweep writes them from the code's outbox",
            group.stream().map(Event::eventType).toList(), group.get(0).accessCodeId(), ex.getClass().getSimpleName());
      }
    }
  }

  /** Largest event item written (DynamoDB's limit is 400 KB; events are a few hundred bytes). */
  static final int EVENT_ITEM_BYTES = 64 * 1024;

  /**
   * Events that share an item: consecutive ones of the same moment (what one change produces), up
   * to {@link #EVENT_ITEM_BYTES}; a lookup by id finds a later one near its first (see {@link #event}).
   */
  static List<List<Event>> groups(List<Event> events) {
    if (events.size() <= 1) return events.isEmpty() ? List.of() : List.of(events); // the usual change: no sizing needed
    List<List<Event>> out = new ArrayList<>();
    List<Event> cur = new ArrayList<>();
    int bytes = 0;
    for (Event e : events) {
      int size = Docs.write(e).length();
      if (!cur.isEmpty() && (!e.createdAt().equals(cur.get(0).createdAt()) || bytes + size > EVENT_ITEM_BYTES)) {
        out.add(cur);
        cur = new ArrayList<>();
        bytes = 0;
      }
      cur.add(e);
      bytes += size;
    }
    if (!cur.isEmpty()) out.add(cur);
    return out;
  }

  /**
   * Writes the items all or nothing. One item alone is written as a plain conditional put or
   * delete, which is as atomic and costs half a transaction's write units.
   *
   * @param pinClaimIndexes indexes (in {@code items}) of items whose condition protects a PIN claim
   */
  private void write(List<TransactWriteItem> items, List<Integer> pinClaimIndexes) {
    if (items.size() == 1) {
      writeOne(items.get(0), !pinClaimIndexes.isEmpty());
      return;
    }
    List<TransactWriteItem> batch = new ArrayList<>(items);
    // claim index -> index of the ConditionCheck on the claim owner's code that guards its take-over
    Map<Integer, Integer> checkOf = new HashMap<>();
    for (int attempt = 1; ; attempt++) {
      try {
        ddb.transactWriteItems(b -> b.transactItems(batch));
        return;
      } catch (TransactionCanceledException e) {
        boolean conflict = e.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
        boolean failedCondition = e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
        // Another transaction on the same items was in flight: try again; its outcome decides ours.
        if (conflict && !failedCondition && attempt < 4) {
          sleepQuietly(20L * attempt);
          continue;
        }
        int claim = onlyFailedPinClaim(e.cancellationReasons(), pinClaimIndexes, checkOf);
        if (claim >= 0 && attempt < 4) {
          // Taken over only as createWithoutTransaction's readers expect: with a condition on the
          // owner's code (no document, or the version seen holding another PIN) in the same write.
          Optional<List<TransactWriteItem>> takeOver = takeOverIfAbandoned(items.get(claim).put());
          if (takeOver.isPresent()) {
            List<TransactWriteItem> t = takeOver.get();
            batch.set(claim, t.get(t.size() - 1));
            if (t.size() == 2 && !writes(items, t.get(0).conditionCheck().key())) {
              if (checkOf.containsKey(claim)) batch.set(checkOf.get(claim), t.get(0));
              else {
                checkOf.put(claim, batch.size());
                batch.add(t.get(0));
              }
            }
            continue;
          }
        }
        List<Integer> guarded = new ArrayList<>(pinClaimIndexes);
        guarded.addAll(checkOf.values());
        throw translate(e, guarded);
      }
    }
  }

  /** Whether one of the items writes the item with this key (a transaction may touch an item once). */
  private static boolean writes(List<TransactWriteItem> items, Map<String, AttributeValue> key) {
    for (TransactWriteItem i : items) {
      Map<String, AttributeValue> k = i.put() != null ? i.put().item() : i.delete() != null ? i.delete().key() : null;
      if (k != null && key.get(PK).equals(k.get(PK)) && key.get(SK).equals(k.get(SK))) return true;
    }
    return false;
  }

  /**
   * The index of the PIN claim whose claim (or take-over check) failed, if no other condition did
   * and no other claim failed; -1 otherwise.
   */
  private static int onlyFailedPinClaim(List<CancellationReason> reasons, List<Integer> pinClaimIndexes,
                                        Map<Integer, Integer> checkOf) {
    int found = -1;
    for (int i = 0; i < reasons.size(); i++) {
      if (!"ConditionalCheckFailed".equals(reasons.get(i).code())) continue;
      int claim = -1;
      if (pinClaimIndexes.contains(i)) claim = i;
      for (Map.Entry<Integer, Integer> c : checkOf.entrySet()) if (c.getValue() == i) claim = c.getKey();
      if (claim < 0 || (found >= 0 && found != claim)) return -1;
      found = claim;
    }
    return found;
  }

  /** The claim again, on condition that it still names the abandoned owner (two takers: one wins). */
  private static TransactWriteItem takeOver(Put claim, String abandonedOwner) {
    return TransactWriteItem.builder().put(claim.toBuilder().conditionExpression("access_code_id = :stale")
        .expressionAttributeValues(Map.of(":stale", s(abandonedOwner))).build()).build();
  }

  private void writeOne(TransactWriteItem item, boolean pinClaim) {
    try {
      if (item.put() != null) {
        Put p = item.put();
        // The replaced item comes back at no read cost: its outbox is checked before it is gone for good.
        var r = ddb.putItem(b -> b.tableName(p.tableName()).item(p.item()).conditionExpression(p.conditionExpression())
            .expressionAttributeValues(p.hasExpressionAttributeValues() ? p.expressionAttributeValues() : null)
            .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD));
        if (r.hasAttributes() && r.attributes().containsKey(OUTBOX)
            && !r.attributes().get(OUTBOX).equals(p.item().get(OUTBOX))) {
          Instant now = clock.instant();
          repairOutbox(r.attributes(), now.minus(REPAIR_WINDOW), now);
        }
      } else if (item.delete() != null) {
        Delete d = item.delete();
        ddb.deleteItem(b -> b.tableName(d.tableName()).key(d.key()).conditionExpression(d.conditionExpression())
            .expressionAttributeValues(d.hasExpressionAttributeValues() ? d.expressionAttributeValues() : null));
      } else {
        throw new IllegalArgumentException("only puts and deletes are written");
      }
    } catch (ConditionalCheckFailedException e) {
      throw pinClaim ? new Conflict.DuplicatePin() : new Conflict.StaleVersion();
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  private static RuntimeException translate(TransactionCanceledException e, List<Integer> pinClaimIndexes) {
    {
      List<CancellationReason> reasons = e.cancellationReasons();
      for (int i = 0; i < reasons.size(); i++) {
        if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
          if (pinClaimIndexes.contains(i)) return new Conflict.DuplicatePin();
          return new Conflict.StaleVersion();
        }
      }
      return e;
    }
  }

  @Override
  public void create(AccessCode code, List<Event> events, boolean enableBackupPool, Limits limits) {
    if (!enableBackupPool) {
      createWithoutTransaction(code, events, limits);
      return;
    }
    // Whether the pool was on before, so that a create refused after its write turns it off again.
    boolean poolWasOn = getDoc(ws(code.workspaceId()), "POOL#" + code.deviceId(), true).isPresent();
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(codeItem(code, events))
        .conditionExpression("attribute_not_exists(pk)").build()).build());
    List<Integer> pins = new ArrayList<>(List.of(items.size()));
    items.add(claimPin(code));
    items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(poolItem(code.workspaceId(),
        code.deviceId())).build()).build());
    write(items, pins);
    checkAfterCreate(code, limits, () -> {
      // (another create turning the pool on in this same moment would see it off again: it turns it on at its next use)
      if (!poolWasOn) ddb.deleteItem(b -> b.tableName(table).key(Map.of(PK, s(ws(code.workspaceId())), SK, s("POOL#" + code.deviceId()))));
    });
    putEvents(events);
  }

  /**
   * A new code in three plain writes rather than one transaction of two items (which
   * DynamoDB bills at two units each): claim the PIN, store the code, read the claim back.
   * Another taker can take a claim over only while its owner's code does not exist (a condition
   * on the owner's code, in the taker's transaction), so the one window is between our claim and
   * our code; the read-back sees a claim taken in it, and the code is withdrawn as a duplicate.
   * A claim left by a writer that stopped before storing its code names a code that does not
   * exist: the next taker takes it over. A writer that stopped (or failed to read) after storing
   * its code and before the read-back, in the moment another taker took its claim, leaves its
   * code holding a PIN it has no claim to; the sweeps withdraw it ({@link #pinHolder}, Reconciler).
   */
  private void createWithoutTransaction(AccessCode code, List<Event> events, Limits limits) {
    Put claim = claimPin(code).put();
    claimOrTakeOver(claim);
    afterClaim.run();
    try {
      ddb.putItem(b -> b.tableName(table).item(codeItem(code, events)).conditionExpression("attribute_not_exists(pk)"));
    } catch (ConditionalCheckFailedException e) {
      throw new Conflict.StaleVersion(); // a second create of the same code
    }
    checkAfterCreate(code, limits, () -> { });
    putEvents(events);
  }

  /**
   * A new code's check once its claim and code are stored, in one consistent read of its device's
   * claims (the same read units as reading its own claim back, for a device of up to about 20
   * codes; a claim is some 180 bytes): that the claim is still its own (see {@link
   * #createWithoutTransaction}), and that the device is within {@code limits}. A code that finds
   * the device over a limit withdraws itself (its code, then its claim, then {@code undoAlso}): of
   * creates that race, the last to store sees all the others, so those that stay never exceed a
   * limit (at worst all of them withdraw, and their callers retry).
   */
  private void checkAfterCreate(AccessCode code, Limits limits, Runnable undoAlso) {
    List<Map<String, AttributeValue>> claims = claimItems(code.workspaceId(), code.deviceId());
    String mine = code.accessCodeId().toString(), myKey = pinKey(code);
    if (claims.stream().noneMatch(c -> c.get(SK).s().equals(myKey) && c.get("access_code_id").s().equals(mine))) {
      // (changed meanwhile, which only a worker setting it could do: left to the sweeps, which withdraw it through its lock)
      withdrawNew(code);
      throw new Conflict.DuplicatePin();
    }
    Usage u = usage(claims, null), others = usage(claims, mine);
    boolean full = limits.hold() == null ? u.holders() > limits.slots()
        : SlotUse.busiest(others.windows().values(), limits.lead(), limits.hold(), clock.instant()) + 1 > limits.slots();
    RuntimeException over = full ? new Conflict.NoSpace()
        : u.createdLastMinute() > limits.createsPerMinute() ? new Conflict.TooManyCreates() : null;
    if (over == null) return;
    if (!withdrawNew(code)) {
      // A sweep or a fire sent it to its lock in this moment and the worker stored it as set: it
      // stays (the lock had room for it), over the limit by itself.
      LOG.warn("access code {} over its device's limits was set on its lock before it could be withdrawn; kept",
          code.accessCodeId());
      return;
    }
    releaseClaim(code);
    undoAlso.run();
    throw over;
  }

  /** Deletes a code just created, unless it changed since (a worker set it): @return whether it was deleted */
  private boolean withdrawNew(AccessCode code) {
    try {
      ddb.deleteItem(b -> b.tableName(table).key(Map.of(PK, s(ws(code.workspaceId())), SK, s("CODE#" + code.accessCodeId())))
          .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(code.version()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * For tests of the race between a claim and its code: {@code afterClaim} runs in a create between
   * its claim and its code, {@code beforeTakeOver} in a take-over between reading the abandoned
   * claim's owner and writing the take-over. Never set outside tests.
   */
  public void raceHooks(Runnable afterClaim, Runnable beforeTakeOver) {
    this.afterClaim = Objects.requireNonNull(afterClaim);
    this.beforeTakeOver = Objects.requireNonNull(beforeTakeOver);
  }

  /** Puts a PIN claim, taking over an abandoned one (its owner gone or holding another PIN). */
  private void claimOrTakeOver(Put claim) {
    for (int attempt = 1; attempt <= 4; attempt++) {
      try {
        ddb.putItem(b -> b.tableName(table).item(claim.item()).conditionExpression(claim.conditionExpression())
            .expressionAttributeValues(claim.expressionAttributeValues()));
        return;
      } catch (ConditionalCheckFailedException e) {
        Optional<List<TransactWriteItem>> takeOver = takeOverIfAbandoned(claim);
        if (takeOver.isEmpty()) throw new Conflict.DuplicatePin();
        try {
          ddb.transactWriteItems(b -> b.transactItems(takeOver.get()));
          return;
        } catch (TransactionCanceledException tce) {
          // the owner's code appeared or changed, or another taker won: look again
        }
      }
    }
    throw new Conflict.DuplicatePin();
  }

  /** The key of a common_code_key's group: a hash, so any text the caller chose fits a sort key. */
  static String groupKey(String commonCodeKey) {
    return "GROUP#" + hashed(commonCodeKey);
  }

  @Override
  public void addToGroup(UUID workspaceId, String commonCodeKey, UUID accessCodeId) {
    ddb.updateItem(b -> b.tableName(table).key(Map.of(PK, s(ws(workspaceId)), SK, s(groupKey(commonCodeKey))))
        .updateExpression("ADD ids :id").expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(accessCodeId.toString())))));
  }

  @Override
  public List<UUID> group(UUID workspaceId, String commonCodeKey) {
    GetItemResponse r = ddb.getItem(b -> b.tableName(table).key(Map.of(PK, s(ws(workspaceId)), SK, s(groupKey(commonCodeKey))))
        .consistentRead(true));
    if (!r.hasItem() || !r.item().containsKey("ids")) return List.of();
    // Code ids are time-ordered (UUIDv7): their text sorts by creation.
    return r.item().get("ids").ss().stream().sorted().map(UUID::fromString).toList();
  }

  @Override
  public int releaseAbandonedClaims(UUID workspaceId, List<AccessCode> stored, Instant createdBefore) {
    Map<String, AccessCode> held = new HashMap<>();
    for (AccessCode c : stored) held.put(pinKey(c) + "|" + c.accessCodeId(), c);
    int released = 0;
    // Claims are small items, read eventually consistent: what one read here finds is checked below.
    for (Map<String, AttributeValue> claim : withPrefix(workspaceId, "PIN#", false)) {
      String sk = claim.get(SK).s();
      AttributeValue owner = claim.get("access_code_id");
      if (owner == null) continue;
      AccessCode holder = held.get(sk + "|" + owner.s());
      if (holder != null) {
        // (the same read of the claims finds the ones whose window is not their code's)
        if (windowDiffers(claim, holder) && repairClaimWindow(holder)) {
          LOG.info("the PIN claim of access code {} on device {} now carries its window", owner.s(), claimDevice(sk));
        }
        continue;
      }
      if (!claim.containsKey(CREATED) || Long.parseLong(claim.get(CREATED).n()) >= createdBefore.toEpochMilli()) continue;
      var check = abandoned(ws(workspaceId), sk, owner.s());
      if (check.isEmpty()) continue; // its code holds it (changed since the sweep read it)
      try {
        ddb.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().conditionCheck(check.get()).build(),
            TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(Map.of(PK, s(ws(workspaceId)), SK, s(sk)))
                .conditionExpression("access_code_id = :id").expressionAttributeValues(Map.of(":id", owner)).build()).build()));
        released++;
        LOG.info("released a PIN claim on device {} left behind by access code {}", claimDevice(sk), owner.s());
      } catch (TransactionCanceledException e) {
        // its code or the claim changed meanwhile: the next daily sweep looks again
      }
    }
    return released;
  }

  /** The device of a claim key ({@code PIN#<device>#...}). */
  private static String claimDevice(String sk) {
    int end = sk.indexOf('#', 4);
    return end < 0 ? "?" : sk.substring(4, end);
  }

  /**
   * The take-over of an abandoned claim: the claim put on condition that it still names its owner,
   * with a condition on the owner's code item that keeps it from holding the PIN meanwhile (no
   * document: deleted, or never stored; or the version read when it was seen holding another
   * PIN). Empty when the owner still holds the PIN (or the claim is gone: a plain put will do).
   */
  private Optional<List<TransactWriteItem>> takeOverIfAbandoned(Put claim) {
    String pk = claim.item().get(PK).s(), sk = claim.item().get(SK).s();
    GetItemResponse r = ddb.getItem(b -> b.tableName(table).key(Map.of(PK, s(pk), SK, s(sk))).consistentRead(true));
    if (!r.hasItem() || r.item().isEmpty()) return Optional.of(List.of(TransactWriteItem.builder().put(claim).build()));
    String owner = r.item().get("access_code_id").s();
    var check = abandoned(pk, sk, owner);
    if (check.isEmpty()) return Optional.empty();
    beforeTakeOver.run();
    return Optional.of(List.of(TransactWriteItem.builder().conditionCheck(check.get()).build(), takeOver(claim, owner)));
  }

  /**
   * Whether the claim {@code sk} of partition {@code pk} is abandoned by {@code owner}, its code read
   * consistently: the condition that keeps it so in the write that takes the claim over or releases
   * it (the code has no document: deleted, or never stored; or it is at the version read here,
   * holding another PIN). Empty when the owner holds the claim.
   */
  private Optional<software.amazon.awssdk.services.dynamodb.model.ConditionCheck> abandoned(String pk, String sk, String owner) {
    Map<String, AttributeValue> key = Map.of(PK, s(pk), SK, s("CODE#" + owner));
    GetItemResponse o = ddb.getItem(b -> b.tableName(table).key(key).consistentRead(true));
    var check = software.amazon.awssdk.services.dynamodb.model.ConditionCheck.builder().tableName(table).key(key);
    if (!o.hasItem() || o.item().isEmpty() || !o.item().containsKey(DOC)) {
      check.conditionExpression("attribute_not_exists(#doc)").expressionAttributeNames(Map.of("#doc", DOC));
    } else {
      // (a code without a PIN has an entry of its own, never a PIN's claim: pinKey tells them apart)
      if (pinKey(Docs.accessCode(PackedDoc.unpack(o.item().get(DOC)))).equals(sk)) return Optional.empty();
      check.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", o.item().get(VERSION)));
    }
    return Optional.of(check.build());
  }

  @Override
  public void update(AccessCode previous, AccessCode code, List<Event> events) {
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(codeItem(code, events))
        .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(previous.version())))
        .build()).build());
    List<Integer> pins = new ArrayList<>();
    if (!Objects.equals(previous.code(), code.code())) {
      items.add(releasePin(previous));
      pins.add(items.size());
      items.add(claimPin(code));
    }
    if (items.size() > 1) repairBeforeReplacing(List.of(previous));
    write(items, pins);
    if (pins.isEmpty()) refreshClaimWindow(previous, code);
    putEvents(events);
  }

  /**
   * A code whose window changed (its PIN did not: a new claim carries its window) has its claim
   * say so, in a plain update after the code's (one write unit, on a window's change only). If this
   * function stops in between, the claim keeps the old window until the code's next change or the
   * next daily sweep ({@link #releaseAbandonedClaims} repairs it), and the lock's slots are counted
   * by it meanwhile (a lock that turns out full refuses the code, which is sent again when a slot
   * frees).
   */
  private void refreshClaimWindow(AccessCode previous, AccessCode code) {
    if (SlotUse.Window.of(previous).equals(SlotUse.Window.of(code))) return;
    ClaimWindow w = claimWindow(code);
    try {
      ddb.updateItem(b -> b.tableName(table).key(w.key()).updateExpression(w.expression()).conditionExpression("access_code_id = :id")
          .expressionAttributeNames(w.names()).expressionAttributeValues(w.values()));
    } catch (ConditionalCheckFailedException e) {
      // the claim is gone or another code's (a delete released it meanwhile): nothing of this code's to say
    }
  }

  /** The update that makes a code's claim carry the code's window (on condition that it names the code, {@code :id}). */
  private record ClaimWindow(Map<String, AttributeValue> key, String expression, Map<String, String> names,
      Map<String, AttributeValue> values) {}

  private ClaimWindow claimWindow(AccessCode code) {
    SlotUse.Window now = SlotUse.Window.of(code);
    List<String> set = new ArrayList<>(), remove = new ArrayList<>();
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":id", s(code.accessCodeId().toString())));
    Map<String, String> names = new HashMap<>();
    for (var f : List.of(Map.entry(STARTS, Optional.ofNullable(now.startsAt())), Map.entry(ENDS, Optional.ofNullable(now.endsAt())))) {
      String name = "#" + f.getKey();
      names.put(name, f.getKey());
      if (f.getValue().isPresent()) {
        set.add(name + " = :" + f.getKey());
        values.put(":" + f.getKey(), n(f.getValue().get().toEpochMilli()));
      } else {
        remove.add(name);
      }
    }
    String expression = (set.isEmpty() ? "" : "SET " + String.join(", ", set)) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
    return new ClaimWindow(Map.of(PK, s(ws(code.workspaceId())), SK, s(pinKey(code))), expression.trim(), names, values);
  }

  /**
   * Whether a claim carries another window than its code's: left by an update that stopped between
   * the code's write and the claim's, or written before claims carried windows.
   */
  private static boolean windowDiffers(Map<String, AttributeValue> claim, AccessCode code) {
    SlotUse.Window w = SlotUse.Window.of(code);
    return !Objects.equals(millis(claim.get(STARTS)), toMillis(w.startsAt()))
        || !Objects.equals(millis(claim.get(ENDS)), toMillis(w.endsAt()));
  }

  /** A time as a claim keeps it: to the millisecond. */
  private static Instant toMillis(Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /**
   * The daily sweep's repair of a claim's window: written on condition that the code is still the
   * version the sweep read (a change since then has written its own window) and that the claim
   * still names it. One transaction, on a claim found wrong only. @return whether it was written
   */
  private boolean repairClaimWindow(AccessCode code) {
    ClaimWindow w = claimWindow(code);
    try {
      ddb.transactWriteItems(b -> b.transactItems(
          TransactWriteItem.builder().conditionCheck(software.amazon.awssdk.services.dynamodb.model.ConditionCheck.builder()
              .tableName(table).key(Map.of(PK, s(ws(code.workspaceId())), SK, s("CODE#" + code.accessCodeId())))
              .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(code.version()))).build()).build(),
          TransactWriteItem.builder().update(Update.builder().tableName(table).key(w.key()).updateExpression(w.expression())
              .conditionExpression("access_code_id = :id").expressionAttributeNames(w.names()).expressionAttributeValues(w.values())
              .build()).build()));
      return true;
    } catch (TransactionCanceledException e) {
      return false; // the code or its claim changed meanwhile: its own write says its window
    }
  }

  /**
   * A transaction does not return the items it replaces, so before one replaces codes their
   * outboxes are read (one eventually consistent read each, on the rarer paths: a PIN change, a
   * backup pull) and the events of a change a stopped writer left unwritten are written.
   */
  private void repairBeforeReplacing(List<AccessCode> codes) {
    Instant now = clock.instant();
    for (AccessCode c : codes) {
      GetItemResponse r = ddb.getItem(b -> b.tableName(table).key(Map.of(PK, s(ws(c.workspaceId())), SK, s("CODE#" + c.accessCodeId())))
          .projectionExpression(OUTBOX));
      if (r.hasItem() && !r.item().isEmpty()) repairOutbox(r.item(), now.minus(REPAIR_WINDOW), now);
    }
  }

  @Override
  public void updateAll(List<Change> changes, List<Event> events) {
    List<TransactWriteItem> items = new ArrayList<>();
    List<Integer> pins = new ArrayList<>();
    for (Change ch : changes) {
      // the first code's item carries the events of the whole change
      items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(codeItem(ch.next(), items.isEmpty() ? events : List.of()))
          .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(ch.previous().version())))
          .build()).build());
      if (!Objects.equals(ch.previous().code(), ch.next().code())) {
        items.add(releasePin(ch.previous()));
        pins.add(items.size());
        items.add(claimPin(ch.next()));
      }
    }
    repairBeforeReplacing(changes.stream().map(Change::previous).toList());
    write(items, pins);
    for (Change ch : changes) {
      if (Objects.equals(ch.previous().code(), ch.next().code())) refreshClaimWindow(ch.previous(), ch.next());
    }
    putEvents(events);
  }

  /**
   * A counter item per device, operation and minute ({@code RATE#<device>#<op>#<minute>}), added
   * to on condition that it is below the limit; it expires by TTL a few minutes later.
   */
  @Override
  public boolean admit(UUID workspaceId, UUID deviceId, String operation, int perMinute, Instant now) {
    long minute = now.getEpochSecond() / 60;
    try {
      ddb.updateItem(b -> b.tableName(table).key(rateKey(workspaceId, deviceId, operation, now))
          .updateExpression("ADD #n :one SET #exp = :exp")
          .conditionExpression("attribute_not_exists(#n) OR #n < :limit")
          .expressionAttributeNames(Map.of("#n", "n", "#exp", EXPIRES))
          .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(perMinute), ":exp", n((minute + 5) * 60))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public void unadmit(UUID workspaceId, UUID deviceId, String operation, Instant now) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(rateKey(workspaceId, deviceId, operation, now))
          .updateExpression("ADD #n :minusOne").conditionExpression("#n > :zero")
          .expressionAttributeNames(Map.of("#n", "n"))
          .expressionAttributeValues(Map.of(":minusOne", n(-1), ":zero", n(0))));
    } catch (ConditionalCheckFailedException e) {
      // nothing counted (the item expired, or was never written): nothing to take back
    }
  }

  private static Map<String, AttributeValue> rateKey(UUID workspaceId, UUID deviceId, String operation, Instant now) {
    return Map.of(PK, s(ws(workspaceId)), SK, s("RATE#" + deviceId + "#" + operation + "#" + now.getEpochSecond() / 60));
  }

  /**
   * One item per device ({@code LEASE#<device>}) naming its holder and when it lapses, put on
   * condition that there is none or it has lapsed, and deleted on condition that it is still
   * ours. A waiter watches it with eventually consistent reads (half a read unit each), 10 ms
   * apart and then up to 80 ms, and puts again once it is gone or lapsed: a wait costs reads,
   * not a write unit a try.
   */
  @Override
  public Optional<Lease> leaseSlots(UUID workspaceId, UUID deviceId, Duration hold, Duration wait) {
    Map<String, AttributeValue> key = Map.of(PK, s(ws(workspaceId)), SK, s("LEASE#" + deviceId));
    String holder = UUID.randomUUID().toString();
    long giveUp = System.nanoTime() + wait.toNanos(), pause = 10;
    while (true) {
      long now = clock.instant().toEpochMilli();
      Map<String, AttributeValue> item = new HashMap<>(key);
      item.put("holder", s(holder));
      item.put("lapses_ms", n(now + hold.toMillis()));
      item.put(EXPIRES, n((now + hold.toMillis()) / 1000 + 3600)); // DynamoDB's TTL tidies a lease left by a stopped holder
      try {
        ddb.putItem(b -> b.tableName(table).item(item)
            .conditionExpression("attribute_not_exists(pk) OR #lapses < :now")
            .expressionAttributeNames(Map.of("#lapses", "lapses_ms")).expressionAttributeValues(Map.of(":now", n(now))));
        return Optional.of(() -> releaseLease(key, holder));
      } catch (ConditionalCheckFailedException e) {
        // held: watch it until it is gone or lapsed
      }
      while (true) {
        if (System.nanoTime() - giveUp > 0) return Optional.empty();
        try {
          Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(pause / 2, pause + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
        pause = Math.min(80, pause * 2);
        Map<String, AttributeValue> current = ddb.getItem(b -> b.tableName(table).key(key).consistentRead(false)).item();
        if (current == null || current.isEmpty() || !current.containsKey("lapses_ms")
            || Long.parseLong(current.get("lapses_ms").n()) < clock.instant().toEpochMilli()) {
          break;
        }
      }
    }
  }

  private void releaseLease(Map<String, AttributeValue> key, String holder) {
    try {
      ddb.deleteItem(b -> b.tableName(table).key(key).conditionExpression("#holder = :me")
          .expressionAttributeNames(Map.of("#holder", "holder")).expressionAttributeValues(Map.of(":me", s(holder))));
    } catch (ConditionalCheckFailedException e) {
      // it lapsed and another holder took it: theirs now
    } catch (RuntimeException e) {
      LOG.warn("could not release the slot lease {}: {}; it lapses by itself", key.get(SK).s(), e.toString());
    }
  }

  /** Eventually consistent: a pool once on stays on. */
  @Override
  public boolean backupPoolEnabled(UUID workspaceId, UUID deviceId) {
    return getDoc(ws(workspaceId), "POOL#" + deviceId, false).isPresent();
  }

  @Override
  public void enableBackupPool(UUID workspaceId, UUID deviceId) {
    ddb.putItem(b -> b.tableName(table).item(poolItem(workspaceId, deviceId)));
  }

  private static Map<String, AttributeValue> poolItem(UUID workspaceId, UUID deviceId) {
    return Map.of(PK, s(ws(workspaceId)), SK, s("POOL#" + deviceId), DOC, s("{\"enabled\":true}"));
  }

  @Override
  public void delete(AccessCode code, List<Event> events) {
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(tombstone(code, events))
        .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(code.version())))
        .build()).build());
    write(items, List.of());
    releaseClaim(code); // so a device's claims are its codes (codesOfDevice)
    if (code.commonCodeKey() != null) leaveGroup(code.workspaceId(), code.commonCodeKey(), List.of(code.accessCodeId()));
    putEvents(events);
  }

  /**
   * Takes codes that are gone out of their common_code_key's group, so a key reused booking after
   * booking holds its live codes, not every code it ever had. A failure is logged: update_multiple
   * passes over, and prunes, an id whose code is gone.
   */
  @Override
  public void leaveGroup(UUID workspaceId, String commonCodeKey, java.util.Collection<UUID> accessCodeIds) {
    if (accessCodeIds.isEmpty()) return;
    try {
      ddb.updateItem(b -> b.tableName(table).key(Map.of(PK, s(ws(workspaceId)), SK, s(groupKey(commonCodeKey))))
          .updateExpression("DELETE ids :ids")
          .expressionAttributeValues(Map.of(":ids", AttributeValue.fromSs(accessCodeIds.stream().map(UUID::toString).toList()))));
    } catch (RuntimeException e) {
      LOG.warn("could not take {} access code(s) out of their group: {}", accessCodeIds.size(), e.getClass().getSimpleName());
    }
  }


  /**
   * Releases the PIN claim of a code that is gone (deleted, or withdrawn by its create), if it still
   * names the code. A writer that fails or stops here leaves the claim behind, naming a code that
   * does not exist: the next code to claim the PIN takes it over, and device listings skip it.
   */
  private void releaseClaim(AccessCode code) {
    try {
      ddb.deleteItem(b -> b.tableName(table).key(Map.of(PK, s(ws(code.workspaceId())), SK, s(pinKey(code))))
          .conditionExpression("access_code_id = :id").expressionAttributeValues(Map.of(":id", s(code.accessCodeId().toString()))));
    } catch (ConditionalCheckFailedException e) {
      // another code holds the PIN now
    } catch (RuntimeException e) {
      LOG.warn("could not release the PIN claim of access code {}: {}", code.accessCodeId(), e.getClass().getSimpleName());
    }
  }

  // --- events (action attempts are not stored: see ActionAttempts) ----------------------------------------------------------------

  @Override
  public Optional<Event> event(UUID workspaceId, UUID eventId) {
    Optional<Event> direct = getDoc(ws(workspaceId), "EVENT#" + eventId).flatMap(d -> find(eventsIn(d), eventId));
    if (direct.isPresent() || eventId.version() != 7) return direct;
    // Not first of its change: in the item of the change's first event, a moment before it.
    long ms = eventId.getMostSignificantBits() >>> 16;
    String lo = "EVENT#" + boundary(Instant.ofEpochMilli(ms).minusSeconds(2), false), hi = "EVENT#" + eventId;
    QueryResponse r = ddb.query(b -> b.tableName(table).consistentRead(true).scanIndexForward(false).limit(25)
        .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
        .expressionAttributeValues(Map.of(":pk", s(ws(workspaceId)), ":lo", s(lo), ":hi", s(hi))));
    for (Map<String, AttributeValue> item : r.items()) {
      Optional<Event> e = find(eventsIn(item.get(DOC).s()), eventId);
      if (e.isPresent()) return e;
    }
    return Optional.empty();
  }

  private static Optional<Event> find(List<Event> events, UUID eventId) {
    return events.stream().filter(e -> e.eventId().equals(eventId)).findFirst();
  }

  /** The events of an event item: one (an object), or those of one change (an array, oldest first). */
  private static List<Event> eventsIn(String doc) {
    return Docs.events(doc);
  }

  @Override
  public List<Event> events(UUID workspaceId, EventQuery q) {
    // Event ids are UUIDv7, so the sort key orders by time and a time range is a key range.
    // Ids are made monotonic per container, so an id can run ahead of its event's time: widen the
    // lower key bound by a second and let the exact time filter below decide.
    Instant from = q.since();
    // A code's events come after its creation, and a code's id (UUIDv7) carries that moment: the
    // range starts there (less a minute, for ids that ran ahead), not at the beginning of the window.
    if (q.accessCodeId() != null && q.accessCodeId().version() == 7) {
      Instant created = Instant.ofEpochMilli(q.accessCodeId().getMostSignificantBits() >>> 16).minus(Duration.ofMinutes(1));
      if (from == null || created.isAfter(from)) from = created;
    }
    String lo = "EVENT#" + (from == null ? "" : boundary(from.minusSeconds(1), false));
    String hi = "EVENT#" + (q.until() == null ? "~" : boundary(q.until().plusSeconds(1), true));
    if (lo.compareTo(hi) > 0) return List.of(); // a range that ends before it starts holds nothing
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(ws(workspaceId)), ":lo", s(lo), ":hi", s(hi)));
    QueryRequest.Builder b = QueryRequest.builder().tableName(table).consistentRead(true).scanIndexForward(false)
        .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi");
    // Filtered by code or device: DynamoDB leaves out the items that do not name it (read units are
    // those of the range all the same, but what comes back, and is parsed here, is what was asked for).
    List<String> filters = new ArrayList<>();
    if (q.accessCodeId() != null) {
      values.put(":code", s(q.accessCodeId().toString()));
      filters.add("contains(#doc, :code)");
    }
    if (q.deviceId() != null) {
      values.put(":device", s(q.deviceId().toString()));
      filters.add("contains(#doc, :device)");
    }
    if (!filters.isEmpty()) b.filterExpression(String.join(" AND ", filters)).expressionAttributeNames(Map.of("#doc", DOC));
    b.expressionAttributeValues(values);
    List<Event> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse r = ddb.query(b.exclusiveStartKey(start).build());
      for (Map<String, AttributeValue> item : r.items()) {
        List<Event> inItem = new ArrayList<>(eventsIn(item.get(DOC).s()));
        java.util.Collections.reverse(inItem); // newest first
        for (Event e : inItem) {
          if (q.deviceId() != null && !q.deviceId().equals(e.deviceId())) continue;
          if (q.accessCodeId() != null && !q.accessCodeId().equals(e.accessCodeId())) continue;
          if (q.eventTypes() != null && !q.eventTypes().isEmpty() && !q.eventTypes().contains(e.eventType())) continue;
          // The key range is whole milliseconds of the id; the exact bounds are the event's own time.
          if (q.since() != null && e.createdAt().isBefore(q.since())) continue;
          if (q.until() != null && e.createdAt().isAfter(q.until())) continue;
          out.add(e);
          if (out.size() >= q.limit()) return out;
        }
      }
      start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    } while (start != null);
    return out;
  }

  /** The lowest (or highest) UUIDv7 text for a millisecond (clamped to the 48-bit range). */
  static String boundary(Instant t, boolean high) {
    long ms = Math.max(0, Math.min(t.toEpochMilli(), (1L << 48) - 1));
    String hex = String.format("%012x", ms);
    String rest = high ? "-ffff-ffff-ffff-ffffffffffff" : "-0000-0000-0000-000000000000";
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + rest;
  }
}
