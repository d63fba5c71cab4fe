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
}
