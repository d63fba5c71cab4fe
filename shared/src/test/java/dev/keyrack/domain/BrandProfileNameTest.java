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
  void aCutNeverSplitsASurrogatePair() {
    String key = "\ud83d\udd11"; // an emoji: two chars
    String name = "Guest house X" + key; // 13 chars, then the pair: the 14th char is its first half
    String shown = kwikset.nameOnLock(name);
    assertThat(shown).isEqualTo("Guest house X");
    assertThat(kwikset.nameOnLock("Guest house " + key + key)).isEqualTo("Guest house " + key); // a whole pair fits
    assertThat(Character.isHighSurrogate(shown.charAt(shown.length() - 1))).isFalse();
  }
}
