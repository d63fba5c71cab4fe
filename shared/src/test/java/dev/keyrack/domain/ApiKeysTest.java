package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void hashIsSha256InLowercaseHex() {
    assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(ApiKeys.hash("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Property(tries = 500)
  void hashIsStableAndHex64(@ForAll String key) {
    String h = ApiKeys.hash(key);
    assertThat(h).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(ApiKeys.hash(new String(key.toCharArray()))).isEqualTo(h);
  }

  @Property(tries = 500)
  void differentKeysHashDifferently(@ForAll String a, @ForAll String b) {
    if (!a.equals(b)) assertThat(ApiKeys.hash(a)).isNotEqualTo(ApiKeys.hash(b));
  }

  @Test
  void hashUsesUtf8() {
    // "é" as UTF-8 is c3 a9
    assertThat(ApiKeys.hash("\u00e9")).isEqualTo(ApiKeys.hash(new String(new byte[] {(byte) 0xc3, (byte) 0xa9},
        java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(ApiKeys.hash("\u00e9")).isNotEqualTo(ApiKeys.hash("e"));
  }

  @Test
  void generatedKeysAreUniqueAndSeamPrefixed() {
    Set<String> keys = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      String k = ApiKeys.generate();
      assertThat(k).startsWith("seam_").matches("seam_[0-9a-f]{48}");
      keys.add(k);
      hashes.add(ApiKeys.hash(k));
    }
    assertThat(keys).hasSize(5000);
    assertThat(hashes).hasSize(5000);
  }

  @Test
  void hashDoesNotContainTheKey() {
    String k = ApiKeys.generate();
    assertThat(ApiKeys.hash(k)).doesNotContain(k.substring(5));
  }
}
