package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

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
}
