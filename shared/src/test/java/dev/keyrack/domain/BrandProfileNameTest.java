package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.BreakIterator;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The name a lock shows: cut to the brand's length, never through the middle of a character. */
class BrandProfileNameTest {
  private final BrandProfile kwikset = BrandProfile.forDeviceType("kwikset_lock"); // shows 14 characters

  @Test
  void aLongNameIsCutToTheBrandsLength() {
    assertThat(kwikset.nameOnLock("Front door cleaner")).isEqualTo("Front door cle");
    assertThat(kwikset.nameOnLock("Short")).isEqualTo("Short");
    assertThat(kwikset.nameOnLock(null)).isNull();
  }

  @Test
  void aNameIsCountedInCharactersSoAnEmojiCountsOnceAndIsNeverSplit() {
    String key = "\ud83d\udd11"; // an emoji: one character, two UTF-16 units
    assertThat(kwikset.nameOnLock("Guest house X" + key)).as("14 characters: shown whole").isEqualTo("Guest house X" + key);
    assertThat(kwikset.nameOnLock("Guest house " + key + key + "!")).isEqualTo("Guest house " + key + key);
    String shown = kwikset.nameOnLock("Guest house XY" + key);
    assertThat(shown).isEqualTo("Guest house XY");
    assertThat(kwikset.nameOnLock(key.repeat(20))).isEqualTo(key.repeat(14));
    assertThat(Character.isHighSurrogate(kwikset.nameOnLock("Guest house X" + key + key).charAt(13))).isTrue(); // a whole pair kept
    assertThat(kwikset.nameOnLock("Guest house X" + key + key)).hasSize(15);
  }

  @Test
  void aCutNeverFallsInsideAFlagAJoinedEmojiOrAnAccentedLetter() {
    String flag = "\ud83c\uddeb\ud83c\uddf7"; // France: two regional indicators, one character on screen
    assertThat(kwikset.nameOnLock("Guest house X" + flag)).as("15 code points: the flag is left out, not halved")
        .isEqualTo("Guest house X");
    assertThat(kwikset.nameOnLock("Guest house" + flag + "!!")).as("the flag fits whole").isEqualTo("Guest house" + flag + "!");
    String family = "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67"; // man ZWJ woman ZWJ girl: 5 code points
    assertThat(kwikset.nameOnLock("Guest house " + family)).isEqualTo("Guest house ");
    String accented = "e\u0301"; // e and a combining acute accent
    assertThat(kwikset.nameOnLock("Guest house X" + accented)).isEqualTo("Guest house X");
    assertThat(kwikset.nameOnLock("Guest house " + accented + "xyz")).isEqualTo("Guest house " + accented);
    assertThat(kwikset.nameOnLock(flag.repeat(8))).as("7 flags are 14 code points").isEqualTo(flag.repeat(7));
    String longCluster = "\ud83d\udc4b" + "\ud83c\udffb".repeat(15); // one cluster of 16 code points (waving hand and modifiers)
    assertThat(kwikset.nameOnLock(longCluster)).as("nothing else to show: cut inside, at 14 code points")
        .isEqualTo(longCluster.substring(0, longCluster.offsetByCodePoints(0, 14)));
  }

  /** Pieces a name is made of: letters, a space, an emoji, a flag, an accent, a joiner, a skin tone. */
  private static final String[] PIECES = {"a", "Z", " ", "7", "\ud83d\udd11", "\ud83c\uddeb\ud83c\uddf7", "\u0301",
      "\u200d", "\ud83c\udffb", "\ud83d\udc69", "\u00e9", "\u4e2d"};

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of(PIECES).list().ofMinSize(0).ofMaxSize(40).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<BrandProfile> brands() {
    return Arbitraries.of(BrandProfile.all());
  }

  @Property(tries = 2000)
  void theShownNameIsAPrefixWithinTheDisplayThatEndsBetweenCharacters(@ForAll("names") String name,
                                                                     @ForAll("brands") BrandProfile brand) {
    String shown = brand.nameOnLock(name);
    assertThat(name).startsWith(shown);
    int max = brand.nameMax();
    if (name.codePointCount(0, name.length()) <= max) {
      assertThat(shown).isEqualTo(name);
      return;
    }
    assertThat(shown.codePointCount(0, shown.length())).isLessThanOrEqualTo(max);
    BreakIterator clusters = BreakIterator.getCharacterInstance(Locale.ROOT);
    clusters.setText(name);
    int firstCluster = clusters.following(0);
    if (firstCluster > name.offsetByCodePoints(0, max)) {
      // one character on screen longer than the whole display: cut at the display's length
      assertThat(shown.codePointCount(0, shown.length())).isEqualTo(max);
    } else {
      assertThat(clusters.isBoundary(shown.length())).as("ends between characters: %s", shown).isTrue();
      // and as long as it can be: the next character would not fit
      int next = clusters.following(shown.length());
      assertThat(name.codePointCount(0, next)).isGreaterThan(max);
    }
  }
}
