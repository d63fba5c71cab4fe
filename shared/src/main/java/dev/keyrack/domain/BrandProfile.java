package dev.keyrack.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a lock brand behaves, as CONTRACT.md describes it: which PINs it takes, how names are shown,
 * whether it schedules codes natively, how many codes it holds, and what it supports. Pure data; the
 * sandbox provider simulates a lock from it and the API validates requests against it.
 *
 * @param manufacturer        Seam's manufacturer id ({@code properties.manufacturer})
 * @param codeLengths         PIN lengths the lock accepts, shortest first
 * @param nameMin             shortest name the lock takes (longer names are truncated on the lock to nameMax)
 * @param nameMax             longest name the lock shows
 * @param constraints         Seam {@code code_constraints} types that apply to PINs
 * @param maxActiveCodes      PIN slots on the lock
 * @param spareSlots          slots the integration keeps free (SmartThings keeps 3)
 * @param nativeScheduling    the lock stores start and end times itself
 * @param generatesPin        the provider assigns the PIN; a supplied PIN is refused
 * @param latencyMillis       typical programming latency of the brand's cloud, simulated by the sandbox
 */
public record BrandProfile(
    String deviceType,
    String manufacturer,
    String manufacturerDisplayName,
    String modelDisplayName,
    List<Integer> codeLengths,
    int nameMin,
    int nameMax,
    List<String> constraints,
    int maxActiveCodes,
    int spareSlots,
    boolean nativeScheduling,
    boolean generatesPin,
    boolean offlineCodes,
    boolean backupPool,
    boolean reportsCodeOnUnlock,
    int latencyMillis) {

  public BrandProfile {
    codeLengths = List.copyOf(codeLengths);
    constraints = List.copyOf(constraints);
  }

  private static final Map<String, BrandProfile> PROFILES = new LinkedHashMap<>();

  private static void add(BrandProfile p) {
    PROFILES.put(p.deviceType(), p);
  }

  private static List<Integer> range(int min, int max) {
    List<Integer> l = new ArrayList<>();
    for (int i = min; i <= max; i++) l.add(i);
    return l;
  }

  static {
    //   type                 manufacturer  display      model                      lengths        name      constraints                                      slots spare native gen   offl  pool  unlock latency
    add(new BrandProfile("august_lock", "august", "August", "August Wi-Fi Smart Lock", range(4, 8), 1, 40, List.of(), 250, 0, true, false, false, true, true, 400));
    add(new BrandProfile("kwikset_lock", "kwikset", "Kwikset", "Kwikset Halo", range(4, 8), 2, 14, List.of(), 250, 0, true, false, false, true, true, 500));
    add(new BrandProfile("schlage_lock", "schlage", "Schlage", "Schlage Encode", range(4, 8), 1, 20, List.of(), 100, 0, true, false, false, true, true, 500));
    add(new BrandProfile("yale_lock", "yale", "Yale", "Yale Assure Lock 2", range(4, 8), 1, 40, List.of(), 250, 0, true, false, false, true, true, 400));
    add(new BrandProfile("nuki_lock", "nuki", "Nuki", "Nuki Keypad 2.0", List.of(6), 1, 20,
        List.of("no_zeros", "cannot_start_with_12"), 200, 0, true, false, false, true, false, 600));
    add(new BrandProfile("igloohome_lock", "igloohome", "igloohome", "igloohome Smart Deadbolt 2S", range(4, 6), 1, 40,
        List.of("start_date_in_future"), 200, 0, true, false, true, false, false, 700));
    add(new BrandProfile("smartthings_lock", "smartthings", "SmartThings", "SmartThings Z-Wave Lock", range(4, 8), 1, 40, List.of(), 30, 3, false, false, false, true, false, 800));
    add(new BrandProfile("lockly_lock", "lockly", "Lockly", "Lockly Secure Pro", range(6, 8), 1, 40, List.of(), 100, 0, false, false, true, false, false, 600));
    add(new BrandProfile("ttlock_lock", "ttlock", "TTLock", "TTLock Keypad Lock", range(4, 9), 1, 40, List.of(), 150, 0, true, false, false, true, true, 700));
    add(new BrandProfile("tedee_lock", "tedee", "Tedee", "Tedee GO", range(5, 8), 1, 40,
        List.of("at_least_three_unique_digits"), 200, 0, true, false, false, true, true, 500));
    add(new BrandProfile("wyze_lock", "wyze", "Wyze", "Wyze Lock Bolt", range(4, 8), 1, 40, List.of(), 50, 0, true, false, false, false, false, 600));
    add(new BrandProfile("salto_lock", "salto", "Salto", "Salto KS", List.of(6), 1, 40,
        List.of("cannot_specify_pin_code"), 1000, 0, true, true, false, false, true, 500));
    add(new BrandProfile("two_n_intercom", "two_n", "2N", "2N IP Verso", range(4, 8), 1, 40, List.of(), 1000, 0, true, false, false, false, false, 300));
    add(new BrandProfile("dormakaba_oracode_door", "dormakaba_oracode", "dormakaba Oracode", "Oracode door", List.of(6), 1, 40,
        List.of("cannot_specify_pin_code"), 200, 0, false, true, true, false, false, 500));
  }

  /** Every sandbox brand, in a stable order. */
  public static List<BrandProfile> all() {
    return List.copyOf(PROFILES.values());
  }

  public static Optional<BrandProfile> find(String deviceType) {
    return Optional.ofNullable(PROFILES.get(deviceType));
  }

  public static BrandProfile forDeviceType(String deviceType) {
    return find(deviceType).orElseThrow(() -> new IllegalArgumentException("unknown device type " + deviceType));
  }

  public int minCodeLength() {
    return codeLengths.get(0);
  }

  public int maxCodeLength() {
    return codeLengths.get(codeLengths.size() - 1);
  }

  /** Slots usable for managed codes. */
  public int usableSlots() {
    return maxActiveCodes - spareSlots;
  }

  /** The same brand with only these PIN lengths (a lock's reported constraints, {@link Device#reportedCodeLengths}). */
  public BrandProfile withCodeLengths(List<Integer> lengths) {
    return new BrandProfile(deviceType, manufacturer, manufacturerDisplayName, modelDisplayName, lengths, nameMin, nameMax,
        constraints, maxActiveCodes, spareSlots, nativeScheduling, generatesPin, offlineCodes, backupPool, reportsCodeOnUnlock,
        latencyMillis);
  }

  /**
   * The lengths of {@code wanted} the brand takes, shortest first: a lock's reported constraints
   * narrow what its brand takes, never widen it (Keyrack would send PINs its cloud refuses).
   */
  public List<Integer> narrowedLengths(java.util.Collection<Integer> wanted) {
    return codeLengths.stream().filter(wanted::contains).toList();
  }

  /**
   * The name as the lock will show it: truncated to what the brand displays, counted in characters
   * (code points) as a name's limits are checked, so an emoji of one code point counts once. The cut
   * falls between user-perceived characters (extended grapheme clusters, the JDK's
   * {@link java.text.BreakIterator#getCharacterInstance}), so a flag, a joined sequence or a letter
   * with its combining accent is shown whole or left out, never cut in two; only a single such
   * character longer than the whole display is cut inside, as nothing of it would show otherwise.
   */
  public String nameOnLock(String name) {
    if (name == null) return null;
    if (name.codePointCount(0, name.length()) <= nameMax) return name;
    int limit = name.offsetByCodePoints(0, nameMax);
    java.text.BreakIterator clusters = java.text.BreakIterator.getCharacterInstance(java.util.Locale.ROOT);
    clusters.setText(name);
    int cut = clusters.isBoundary(limit) ? limit : clusters.preceding(limit);
    return name.substring(0, cut > 0 ? cut : limit);
  }
}
