package dev.keyrack.domain;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** PIN checks and PIN generation for one brand. Pure functions over {@link BrandProfile}. */
public final class PinRules {
  private PinRules() {}

  /**
   * Why a PIN is not acceptable on a lock of this brand, or empty if it is. The reason names the
   * rule, never the PIN itself.
   */
  public static Optional<String> violation(BrandProfile p, String pin) {
    if (p.generatesPin()) {
      return Optional.of(p.manufacturerDisplayName() + " locks generate their own PIN; omit 'code'.");
    }
    if (pin.isEmpty() || !pin.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return Optional.of("The code must contain only digits.");
    }
    if (!p.codeLengths().contains(pin.length())) {
      return Optional.of("The code must be " + lengths(p) + " digits long on a " + p.manufacturerDisplayName() + " lock.");
    }
    for (String c : p.constraints()) {
      switch (c) {
        case "no_zeros" -> {
          if (pin.indexOf('0') >= 0) return Optional.of("The code may not contain the digit 0 on this lock.");
        }
        case "cannot_start_with_12" -> {
          if (pin.startsWith("12")) return Optional.of("The code may not start with 12 on this lock.");
        }
        case "at_least_three_unique_digits" -> {
          if (pin.chars().distinct().count() < 3) return Optional.of("The code must contain at least three different digits on this lock.");
        }
        default -> { }
      }
    }
    return Optional.empty();
  }

  /** A human description of the accepted lengths: "4 to 8", "6". */
  public static String lengths(BrandProfile p) {
    List<Integer> l = p.codeLengths();
    if (p.minCodeLength() == p.maxCodeLength()) return String.valueOf(p.minCodeLength());
    if (p.maxCodeLength() - p.minCodeLength() + 1 == l.size()) return p.minCodeLength() + " to " + p.maxCodeLength();
    // (a lock's reported lengths need not be a range)
    return String.join(", ", l.subList(0, l.size() - 1).stream().map(String::valueOf).toList()) + " or " + l.get(l.size() - 1);
  }

  /**
   * A random PIN that satisfies the brand's rules, of the preferred length when the brand supports
   * it, otherwise of the brand's shortest length of at least 4 digits (or the nearest supported one).
   * The caller must pass a cryptographically secure generator in production.
   */
  public static String generate(BrandProfile p, Integer preferredLength, RandomGenerator random) {
    int len = chooseLength(p, preferredLength);
    while (true) {
      StringBuilder sb = new StringBuilder(len);
      for (int i = 0; i < len; i++) sb.append((char) ('0' + random.nextInt(10)));
      String pin = sb.toString();
      if (acceptableGenerated(p, pin)) return pin;
    }
  }

  static int chooseLength(BrandProfile p, Integer preferred) {
    if (preferred != null && p.codeLengths().contains(preferred)) return preferred;
    int best = p.minCodeLength();
    if (preferred != null) {
      for (int l : p.codeLengths()) {
        if (Math.abs(l - preferred) < Math.abs(best - preferred)) best = l;
      }
    }
    return best;
  }

  private static boolean acceptableGenerated(BrandProfile p, String pin) {
    for (String c : p.constraints()) {
      switch (c) {
        case "no_zeros" -> { if (pin.indexOf('0') >= 0) return false; }
        case "cannot_start_with_12" -> { if (pin.startsWith("12")) return false; }
        case "at_least_three_unique_digits" -> { if (pin.chars().distinct().count() < 3) return false; }
        default -> { }
      }
    }
    // Never hand out trivially guessable PINs: all one digit, or a straight run such as 1234.
    if (pin.chars().distinct().count() == 1) return false;
    boolean asc = true, desc = true;
    for (int i = 1; i < pin.length(); i++) {
      asc &= pin.charAt(i) == pin.charAt(i - 1) + 1;
      desc &= pin.charAt(i) == pin.charAt(i - 1) - 1;
    }
    return !(asc || desc);
  }
}
