package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PinRulesTest {

  static final BrandProfile NUKI = BrandProfile.forDeviceType("nuki_lock");
  static final BrandProfile TEDEE = BrandProfile.forDeviceType("tedee_lock");

  static Stream<BrandProfile> pinBrands() {
    return BrandProfile.all().stream().filter(b -> !b.generatesPin());
  }

  static Stream<BrandProfile> generatingBrands() {
    return BrandProfile.all().stream().filter(BrandProfile::generatesPin);
  }

  /** A PIN of the given length that breaks no brand rule (no 0, no leading 12, many distinct digits, no run). */
  static String validPin(int length) {
    return "3579246813579".substring(0, length);
  }

  @Test
  void catalogueHasTheBrandsTheTestsRelyOn() {
    assertThat(BrandProfile.all()).extracting(BrandProfile::deviceType)
        .contains("nuki_lock", "tedee_lock", "salto_lock", "dormakaba_oracode_door", "smartthings_lock");
    assertThat(generatingBrands()).extracting(BrandProfile::deviceType)
        .containsExactlyInAnyOrder("salto_lock", "dormakaba_oracode_door");
  }

  @ParameterizedTest
  @MethodSource("pinBrands")
  void acceptsAValidPinOfEverySupportedLength(BrandProfile brand) {
    for (int len : brand.codeLengths()) {
      assertThat(PinRules.violation(brand, validPin(len))).as("%s length %d", brand.deviceType(), len).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("pinBrands")
  void rejectsNonDigits(BrandProfile brand) {
    int len = brand.minCodeLength();
    String valid = validPin(len);
    List<String> bad = List.of(
        "",
        "a" + valid.substring(1),
        valid.substring(1) + "x",
        valid.substring(0, len - 1) + " ",
        " " + valid.substring(1),
        "-" + valid.substring(1),
        "+" + valid.substring(1),
        valid.substring(0, len - 1) + ".",
        // Arabic-Indic digits are digits to Character.isDigit, but not to a keypad
        "\u0663".repeat(len),
        // full-width digits
        "\uFF13".repeat(len));
    for (String pin : bad) {
      assertThat(PinRules.violation(brand, pin)).as("%s pin '%s'", brand.deviceType(), pin)
          .hasValue("The code must contain only digits.");
    }
  }

  @ParameterizedTest
  @MethodSource("pinBrands")
  void rejectsEveryUnsupportedLength(BrandProfile brand) {
    for (int len = 1; len <= 12; len++) {
      if (brand.codeLengths().contains(len)) continue;
      String pin = validPin(len);
      Optional<String> v = PinRules.violation(brand, pin);
      assertThat(v).as("%s length %d", brand.deviceType(), len).isPresent();
      assertThat(v.get()).contains(PinRules.lengths(brand)).contains(brand.manufacturerDisplayName());
    }
  }

  @Test
  void lengthsDescription() {
    assertThat(PinRules.lengths(NUKI)).isEqualTo("6");
    assertThat(PinRules.lengths(BrandProfile.forDeviceType("august_lock"))).isEqualTo("4 to 8");
    assertThat(PinRules.lengths(TEDEE)).isEqualTo("5 to 8");
    BrandProfile august = BrandProfile.forDeviceType("august_lock");
    assertThat(PinRules.lengths(august.withCodeLengths(java.util.List.of(4, 6, 8)))).isEqualTo("4, 6 or 8");
    assertThat(PinRules.lengths(august.withCodeLengths(java.util.List.of(6, 8)))).isEqualTo("6 or 8");
  }

  /** A lock's reported lengths narrow its brand's, never widen them; what the brand lacks is left out. */
  @Test
  void reportedLengthsOnlyNarrowTheBrands() {
    BrandProfile august = BrandProfile.forDeviceType("august_lock");
    assertThat(august.narrowedLengths(java.util.List.of(20, 6, 3, 8))).containsExactly(6, 8);
    assertThat(NUKI.narrowedLengths(java.util.List.of(4, 5))).isEmpty();
    BrandProfile narrowed = august.withCodeLengths(august.narrowedLengths(java.util.List.of(6)));
    assertThat(PinRules.violation(narrowed, "1357")).get().asString().contains("6 digits");
    assertThat(PinRules.violation(narrowed, "135796")).isEmpty();
    assertThat(PinRules.generate(narrowed, 8, new java.util.Random(7))).hasSize(6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"135790", "013579", "100000", "000000", "305799"})
  void nukiRejectsZero(String pin) {
    assertThat(PinRules.violation(NUKI, pin)).hasValue("The code may not contain the digit 0 on this lock.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"123579", "124689", "129999", "121212"})
  void nukiRejectsLeading12(String pin) {
    assertThat(PinRules.violation(NUKI, pin)).hasValue("The code may not start with 12 on this lock.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"213579", "312579", "112579", "135712", "999999", "111112"})
  void nukiAcceptsPinsWith12ElsewhereOrWithoutZero(String pin) {
    assertThat(PinRules.violation(NUKI, pin)).isEmpty();
  }

  @Test
  void otherBrandsAllowZeroAndLeading12() {
    BrandProfile august = BrandProfile.forDeviceType("august_lock");
    assertThat(PinRules.violation(august, "1200")).isEmpty();
    assertThat(PinRules.violation(august, "0000")).isEmpty();
    assertThat(PinRules.violation(BrandProfile.forDeviceType("igloohome_lock"), "120580")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"11111", "11112", "12121", "99999999", "55566", "1212121", "00000"})
  void tedeeRejectsFewerThanThreeDistinctDigits(String pin) {
    assertThat(PinRules.violation(TEDEE, pin))
        .hasValue("The code must contain at least three different digits on this lock.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"11123", "12312", "90807", "00012345"})
  void tedeeAcceptsThreeOrMoreDistinctDigits(String pin) {
    assertThat(PinRules.violation(TEDEE, pin)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("generatingBrands")
  void generatingBrandsRefuseAnySuppliedPin(BrandProfile brand) {
    for (String pin : List.of(validPin(6), validPin(4), validPin(8), "abc", "")) {
      Optional<String> v = PinRules.violation(brand, pin);
      assertThat(v).as("%s pin '%s'", brand.deviceType(), pin).isPresent();
      assertThat(v.get()).contains("generate their own PIN").contains(brand.manufacturerDisplayName());
    }
  }

  // ---------------------------------------------------------------------------------------- properties

  @Provide
  Arbitrary<BrandProfile> brands() {
    return Arbitraries.of(BrandProfile.all());
  }

  @Provide
  Arbitrary<BrandProfile> pinBrandsArb() {
    return Arbitraries.of(pinBrands().toList());
  }

  @Provide
  Arbitrary<Integer> preferredLengths() {
    return Arbitraries.integers().between(-1, 14).injectNull(0.2);
  }

  @Provide
  Arbitrary<String> digitStrings() {
    return Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(11);
  }

  /** An independent statement of the rules, for comparison. */
  static boolean acceptable(BrandProfile b, String pin) {
    if (b.generatesPin()) return false;
    if (pin.isEmpty() || !pin.matches("[0-9]+")) return false;
    if (!b.codeLengths().contains(pin.length())) return false;
    if (b.constraints().contains("no_zeros") && pin.contains("0")) return false;
    if (b.constraints().contains("cannot_start_with_12") && pin.startsWith("12")) return false;
    if (b.constraints().contains("at_least_three_unique_digits") && pin.chars().distinct().count() < 3) return false;
    return true;
  }

  @Property(tries = 2000)
  void violationMatchesTheRulesAndNeverQuotesThePin(@ForAll("brands") BrandProfile brand,
                                                    @ForAll("digitStrings") String pin) {
    Optional<String> v = PinRules.violation(brand, pin);
    assertThat(v.isEmpty()).as("%s '%s'", brand.deviceType(), pin).isEqualTo(acceptable(brand, pin));
    if (pin.length() >= 4) v.ifPresent(reason -> assertThat(reason).doesNotContain(pin));
  }

  static boolean straightRun(String pin) {
    boolean asc = true, desc = true;
    for (int i = 1; i < pin.length(); i++) {
      asc &= pin.charAt(i) == pin.charAt(i - 1) + 1;
      desc &= pin.charAt(i) == pin.charAt(i - 1) - 1;
    }
    return asc || desc;
  }

  @Property(tries = 3000)
  void generatedPinsFollowTheBrandRules(@ForAll("brands") BrandProfile brand,
                                        @ForAll("preferredLengths") Integer preferred,
                                        @ForAll Random random) {
    String pin = PinRules.generate(brand, preferred, random);

    assertThat(pin).matches("[0-9]+");
    assertThat(brand.codeLengths()).contains(pin.length());
    if (preferred != null && brand.codeLengths().contains(preferred)) {
      assertThat(pin).hasSize(preferred);
    } else if (preferred == null) {
      assertThat(pin).hasSize(brand.minCodeLength());
    } else {
      // the nearest supported length
      int distance = Math.abs(pin.length() - preferred);
      assertThat(brand.codeLengths()).allSatisfy(l -> assertThat(Math.abs(l - preferred)).isGreaterThanOrEqualTo(distance));
    }
    if (brand.generatesPin()) {
      assertThat(PinRules.violation(brand, pin)).isPresent(); // a supplied PIN is always refused
    } else {
      assertThat(PinRules.violation(brand, pin)).as("%s generated a PIN it refuses", brand.deviceType()).isEmpty();
    }
    assertThat(pin.chars().distinct().count()).as("all one digit").isGreaterThan(1);
    assertThat(straightRun(pin)).as("straight run %s", pin).isFalse();
  }

  // --------------------------------------------------------------------- generation with a scripted source

  /** Hands out the given digits for nextInt(10), in order. */
  static final class ScriptedDigits implements RandomGenerator {
    final Deque<Integer> digits = new ArrayDeque<>();

    ScriptedDigits(String... pins) {
      for (String p : pins) p.chars().forEach(c -> digits.add(c - '0'));
    }

    @Override
    public int nextInt(int bound) {
      assertThat(bound).isEqualTo(10);
      return digits.removeFirst();
    }

    @Override
    public long nextLong() {
      throw new AssertionError("unexpected");
    }
  }

  @Test
  void generationSkipsGuessablePins() {
    BrandProfile august = BrandProfile.forDeviceType("august_lock");
    ScriptedDigits r = new ScriptedDigits("1234", "4444", "9876", "0123", "3210", "1357");
    assertThat(PinRules.generate(august, 4, r)).isEqualTo("1357");
    assertThat(r.digits).isEmpty();
  }

  @Test
  void generationSkipsPinsTheBrandRefuses() {
    ScriptedDigits nuki = new ScriptedDigits("135790", "124689", "246813");
    assertThat(PinRules.generate(NUKI, null, nuki)).isEqualTo("246813");
    ScriptedDigits tedee = new ScriptedDigits("11122", "11123");
    assertThat(PinRules.generate(TEDEE, 5, tedee)).isEqualTo("11123");
  }

  @Test
  void unsupportedPreferredLengthFallsBackToNearestSupported() {
    BrandProfile lockly = BrandProfile.forDeviceType("lockly_lock"); // 6 to 8
    assertThat(PinRules.generate(lockly, 4, new Random(1))).hasSize(6);
    assertThat(PinRules.generate(lockly, 12, new Random(1))).hasSize(8);
    assertThat(PinRules.generate(NUKI, 4, new Random(1))).hasSize(6);
    assertThat(PinRules.generate(TEDEE, null, new Random(1))).hasSize(5);
  }
}
