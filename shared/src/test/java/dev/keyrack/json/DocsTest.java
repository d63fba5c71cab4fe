package dev.keyrack.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.CodeStatus;
import dev.keyrack.domain.CodeType;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.DeviceOperation;
import dev.keyrack.domain.Event;
import dev.keyrack.domain.Fire;
import dev.keyrack.domain.Notice;
import dev.keyrack.domain.PendingMutation;
import dev.keyrack.domain.SchedulePolicy;
import dev.keyrack.domain.Workspace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The stored documents written and read by hand ({@link Docs}) against Jackson's data binding,
 * which wrote them before: the same JSON (but for data binding's derived {@code backup}), and each
 * side reads what the other wrote back to the same record, so stored items of either version read
 * alike.
 */
class DocsTest {

  // --- generated documents ------------------------------------------------------------------------

  private static <T> T maybe(Random r, T value) {
    return r.nextInt(4) == 0 ? null : value;
  }

  private static UUID uuid(Random r) {
    return new UUID(r.nextLong(), r.nextLong());
  }

  private static Instant instant(Random r) {
    return Instant.ofEpochSecond(1_500_000_000L + r.nextInt(400_000_000), r.nextInt(3) == 0 ? 0 : r.nextInt(1_000_000) * 1000L);
  }

  private static final String[] TEXTS = {"", "Front door", "caf\u00e9 \ud83d\udd11", "quote \" back\\slash", "line\nbreak",
      "\u4e2d\u6587", "1234", "null"};

  private static String text(Random r) {
    return TEXTS[r.nextInt(TEXTS.length)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(1000)));
  }

  /** JSON's own values as data binding reads them back into a Map<String, Object>. */
  private static Object value(Random r, int depth) {
    return switch (r.nextInt(depth > 1 ? 7 : 9)) {
      case 0 -> null;
      case 1 -> text(r);
      case 2 -> r.nextBoolean();
      case 3 -> r.nextInt();
      case 4 -> Integer.MAX_VALUE + 1L + r.nextInt(1000); // a long: past an int
      case 5 -> r.nextInt(1000) / 8.0 + 0.5;
      case 6 -> Integer.toString(r.nextInt(10_000));
      case 7 -> map(r, depth + 1);
      default -> {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) l.add(value(r, depth + 1));
        yield l;
      }
    };
  }

  private static Map<String, Object> map(Random r, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = r.nextInt(4); i > 0; i--) m.put(i % 2 == 0 ? "code" : "k" + r.nextInt(100), value(r, depth));
    return m;
  }

  private static List<Notice> notices(Random r) {
    List<Notice> l = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) l.add(new Notice(maybe(r, text(r)), maybe(r, text(r)), maybe(r, instant(r))));
    return l;
  }

  static AccessCode accessCode(Random r) {
    List<PendingMutation> mutations = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      mutations.add(new PendingMutation(maybe(r, text(r)), maybe(r, text(r)), maybe(r, instant(r)), maybe(r, instant(r)),
          maybe(r, map(r, 0)), maybe(r, map(r, 0))));
    }
    return new AccessCode(uuid(r), uuid(r), uuid(r), maybe(r, text(r)), maybe(r, Integer.toString(1000 + r.nextInt(9000))),
        maybe(r, text(r)), maybe(r, CodeType.values()[r.nextInt(2)]), maybe(r, CodeStatus.values()[r.nextInt(5)]),
        maybe(r, instant(r)), maybe(r, instant(r)), maybe(r, instant(r)), notices(r), notices(r), mutations,
        r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextBoolean(),
        r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(50), maybe(r, AccessCode.BackupRole.values()[r.nextInt(2)]),
        maybe(r, uuid(r)));
  }

  static Device device(Random r) {
    List<Integer> lengths = r.nextBoolean() ? null : List.of(4 + r.nextInt(2), 6 + r.nextInt(3)).subList(0, 1 + r.nextInt(2));
    return new Device(uuid(r), uuid(r), maybe(r, uuid(r)), maybe(r, "kwikset_lock"), maybe(r, text(r)), maybe(r, instant(r)),
        r.nextBoolean(), maybe(r, instant(r)), lengths);
  }

  static Event event(Random r) {
    return new Event(uuid(r), uuid(r), maybe(r, "access_code.set_on_device"), maybe(r, instant(r)), maybe(r, instant(r)),
        maybe(r, uuid(r)), maybe(r, uuid(r)), maybe(r, uuid(r)), maybe(r, map(r, 0)));
  }

  @Provide
  Arbitrary<AccessCode> codes() {
    return Arbitraries.randomValue(DocsTest::accessCode);
  }

  @Provide
  Arbitrary<Device> devices() {
    return Arbitraries.randomValue(DocsTest::device);
  }

  @Provide
  Arbitrary<List<Event>> eventLists() {
    return Arbitraries.randomValue(r -> {
      List<Event> l = new ArrayList<>();
      for (int i = 1 + r.nextInt(3); i > 0; i--) l.add(event(r));
      return List.copyOf(l);
    });
  }

  @Provide
  Arbitrary<Workspace> workspaces() {
    return Arbitraries.randomValue(r -> new Workspace(uuid(r), maybe(r, text(r)), r.nextBoolean()));
  }

  @Provide
  Arbitrary<DeviceOperation> operations() {
    return Arbitraries.randomValue(r -> new DeviceOperation(DeviceOperation.Kind.values()[r.nextInt(3)], uuid(r), uuid(r),
        maybe(r, uuid(r)), r.nextLong(), r.nextInt(500)));
  }

  // --- properties -------------------------------------------------------------------------------

  private static JsonNode tree(String json) throws Exception {
    return Json.MAPPER.readTree(json);
  }

  @Property(tries = 500)
  void anAccessCodeIsWrittenAsDataBindingWroteItAndReadsBackEitherWay(@ForAll("codes") AccessCode c) throws Exception {
    ObjectNode bound = (ObjectNode) tree(Json.write(c));
    assertThat(bound.remove("backup")).as("data binding's derived isBackup()").isNotNull();
    assertThat(tree(Docs.write(c))).isEqualTo(bound);
    assertThat(Docs.accessCode(Docs.write(c))).isEqualTo(c);
    assertThat(Docs.accessCode(Json.write(c))).as("a document stored before").isEqualTo(c);
    assertThat(Json.read(Docs.write(c), AccessCode.class)).as("read by an earlier version").isEqualTo(c);
  }

  @Property(tries = 300)
  void aDeviceIsWrittenAsDataBindingWroteItAndReadsBackEitherWay(@ForAll("devices") Device d) throws Exception {
    assertThat(tree(Docs.write(d))).isEqualTo(tree(Json.write(d)));
    assertThat(Docs.device(Docs.write(d))).isEqualTo(d);
    assertThat(Docs.device(Json.write(d))).isEqualTo(d);
    assertThat(Json.read(Docs.write(d), Device.class)).isEqualTo(d);
  }

  @Property(tries = 300)
  void eventsAreWrittenAsDataBindingWroteThemAndReadBackEitherWay(@ForAll("eventLists") List<Event> events) throws Exception {
    Event first = events.get(0);
    assertThat(tree(Docs.write(first))).isEqualTo(tree(Json.write(first)));
    assertThat(tree(Docs.write(events))).isEqualTo(tree(Json.write(events)));
    assertThat(Docs.events(Docs.write(first))).containsExactly(first);
    assertThat(Docs.events(Docs.write(events))).isEqualTo(events);
    assertThat(Docs.events(Json.write(events))).isEqualTo(events);
    assertThat(List.of(Json.read(Docs.write(events), Event[].class))).isEqualTo(events);
    assertThat(Docs.write(first)).as("the size an event item is cut by").hasSize(Json.write(first).length());
  }

  @Property(tries = 200)
  void workspacesAndDeviceOperationsToo(@ForAll("workspaces") Workspace w, @ForAll("operations") DeviceOperation op)
      throws Exception {
    assertThat(tree(Docs.write(w))).isEqualTo(tree(Json.write(w)));
    assertThat(Docs.workspace(Docs.write(w))).isEqualTo(w);
    assertThat(Docs.workspace(Json.write(w))).isEqualTo(w);
    assertThat(tree(Docs.write(op))).isEqualTo(tree(Json.write(op)));
    assertThat(Docs.deviceOperation(Docs.write(op))).isEqualTo(op);
    assertThat(Json.read(Docs.write(op), DeviceOperation.class)).isEqualTo(op);
  }

  @Provide
  Arbitrary<Fire> fires() {
    return Arbitraries.randomValue(r -> new Fire(maybe(r, uuid(r)), maybe(r, uuid(r)), maybe(r, uuid(r)),
        maybe(r, SchedulePolicy.Transition.values()[r.nextInt(4)]), maybe(r, instant(r)), maybe(r, "time_bound/x/y/jit")));
  }

  @Property(tries = 300)
  void aScheduleInputIsWrittenAsDataBindingWroteItAndReadAsConvertValueReadIt(@ForAll("fires") Fire f) throws Exception {
    assertThat(tree(Docs.write(f))).isEqualTo(tree(Json.write(f)));
    @SuppressWarnings("unchecked")
    Map<String, Object> input = Json.MAPPER.readValue(Docs.write(f), Map.class); // as the programmer's runtime hands it over
    assertThat(Docs.fire(input)).isEqualTo(f).isEqualTo(Json.MAPPER.convertValue(input, Fire.class));
  }

  @Test
  void anUnreadableScheduleInputFailsWithoutQuotingIt() {
    for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("workspaceId", "not-a-uuid-1234"),
        Map.of("transition", "EXPLODE"), Map.of("at", "yesterday-1234"), Map.of("plan", Map.of("x", "1234")))) {
      assertThatThrownBy(() -> Json.MAPPER.convertValue(bad, Fire.class)).as("data binding refuses %s too", bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Docs.fire(bad)).isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("1234"));
    }
    assertThat(Docs.fire(null)).isNull();
    assertThat(Docs.fire(Map.of("at", 1_700_000_000)).at()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
  }

  // --- the edges ----------------------------------------------------------------------------------

  @Test
  void valuesOutsideJsonInAFreeFormMapAreWrittenAsDataBindingWritesThem() throws Exception {
    UUID id = UUID.randomUUID();
    Instant at = Instant.parse("2026-12-02T07:30:00.120Z");
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("backup_access_code_id", id);
    extra.put("at", at);
    extra.put("status", CodeStatus.set);
    extra.put("notice", new Notice("delay_in_setting_on_device", "late", at)); // a record: data binding's own
    extra.put("list", List.of(1, "two", List.of(3L)));
    Event e = new Event(id, id, "access_code.changed", at, at, null, id, null, extra);
    assertThat(tree(Docs.write(e))).isEqualTo(tree(Json.write(e)));
    assertThat(Docs.events(Docs.write(e)).get(0).extra()).containsEntry("backup_access_code_id", id.toString())
        .containsEntry("at", "2026-12-02T07:30:00.120Z").containsEntry("status", "set");
  }

  @Test
  void missingPropertiesReadAsDataBindingReadThemAndUnknownOnesAreIgnored() {
    AccessCode c = Docs.accessCode("{\"accessCodeId\":\"" + UUID.randomUUID() + "\",\"surprise\":{\"a\":[1]},\"backup\":true}");
    assertThat(c.name()).isNull();
    assertThat(c.errors()).isEmpty();
    assertThat(c.onLock()).isFalse();
    assertThat(c.version()).isZero();
    Device d = Docs.device("{\"deviceId\":\"" + UUID.randomUUID() + "\",\"createdAt\":1700000000.5}");
    assertThat(d.reportedCodeLengths()).isNull();
    assertThat(d.createdAt()).as("epoch seconds, as InstantModule reads them").isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
    assertThat(Docs.device("{\"createdAt\":\"2026-12-02T08:30:00+01:00\"}").createdAt())
        .isEqualTo(Instant.parse("2026-12-02T07:30:00Z"));
  }

  @Test
  void anUnknownEnumNameOrAMalformedDocumentFailsLoudly() {
    assertThatThrownBy(() -> Docs.accessCode("{\"status\":\"exploded\"}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Docs.accessCode("{\"name\":{\"not\":\"text\"}}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Docs.device("{not json")).isInstanceOf(java.io.UncheckedIOException.class);
  }
}
