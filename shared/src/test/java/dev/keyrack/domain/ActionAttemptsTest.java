package dev.keyrack.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ActionAttemptsTest {
  private static UUID uuid(long a, long b) {
    return new UUID(a, b);
  }

  @Property(tries = 500)
  void anIssuedAttemptReadsBackInItsWorkspaceAndNowhereElse(@ForAll long w1, @ForAll long w2, @ForAll long other1,
                                                            @ForAll long other2, @ForAll long seed,
                                                            @ForAll @IntRange(min = 0, max = 2) int type) {
    UUID workspace = uuid(w1, w2), other = uuid(other1, other2);
    String actionType = ActionAttempts.TYPES.get(type);
    ActionAttempt a = ActionAttempts.issue(workspace, actionType, new Random(seed));

    assertThat(a.actionAttemptId().version()).isEqualTo(8);
    assertThat(a.actionAttemptId().variant()).isEqualTo(2);
    assertThat(a.status()).isEqualTo("success");
    assertThat(ActionAttempts.read(workspace, a.actionAttemptId())).contains(a);
    if (!other.equals(workspace)) assertThat(ActionAttempts.read(other, a.actionAttemptId())).isEmpty();
  }

  @Property(tries = 500)
  void aMadeUpOrAlteredIdIsNotFound(@ForAll long w1, @ForAll long w2, @ForAll long seed, @ForAll @IntRange(min = 0, max = 127) int bit) {
    UUID workspace = uuid(w1, w2);
    ActionAttempt a = ActionAttempts.issue(workspace, "DELETE_ACCESS_CODE", new Random(seed));
    UUID id = a.actionAttemptId();
    UUID altered = bit < 64 ? uuid(id.getMostSignificantBits() ^ (1L << bit), id.getLeastSignificantBits())
        : uuid(id.getMostSignificantBits(), id.getLeastSignificantBits() ^ (1L << (bit - 64)));
    assertThat(ActionAttempts.read(workspace, altered)).isEmpty();
    assertThat(ActionAttempts.read(workspace, UUID.randomUUID())).isEmpty();
  }

  @Test
  void idsAreFreshAndTypesKnown() {
    UUID w = UUID.randomUUID();
    Random r = new Random(1);
    assertThat(ActionAttempts.issue(w, "CREATE_ACCESS_CODE", r).actionAttemptId())
        .isNotEqualTo(ActionAttempts.issue(w, "CREATE_ACCESS_CODE", r).actionAttemptId());
    assertThat(ActionAttempts.read(w, ActionAttempts.issue(w, "UPDATE_ACCESS_CODE", r).actionAttemptId()).orElseThrow()
        .actionType()).isEqualTo("UPDATE_ACCESS_CODE");
    assertThatThrownBy(() -> ActionAttempts.issue(w, "LOCK_DOOR", r)).isInstanceOf(IllegalArgumentException.class);
  }
}
