package dev.keyrack.functions.programmer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.adapters.AwsWiring;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The programmer's SnapStart priming runs its representative fires through, on the stand-in of AWS. */
class ProgrammerPrimingTest {
  @Test
  void bothPrimingFiresAreEnqueued() {
    AwsWiring standIn = AwsWiring.forEnvironment(Map.of(AwsWiring.TABLE_NAME, "keyrack", AwsWiring.DEVICE_JOBS_QUEUE_URL,
        "https://sqs.us-east-1.amazonaws.com/000000000000/keyrack-device-jobs.fifo")).standIn();
    assertThat(ProgrammerHandler.primeFires(standIn)).isEqualTo(2);
    var ws = standIn.store().workspaces().get(0).workspaceId();
    // the removal fire stored the code (never on its lock) as removing
    assertThat(standIn.store().accessCodes(ws, null)).singleElement().satisfies(c -> assertThat(c.status().name()).isEqualTo("removing"));
  }
}
