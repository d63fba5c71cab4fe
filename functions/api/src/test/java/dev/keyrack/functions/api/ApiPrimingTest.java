package dev.keyrack.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.adapters.AwsWiring;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The api's SnapStart priming runs its representative requests through, on the stand-in of AWS. */
class ApiPrimingTest {
  static final Map<String, String> ENV = Map.of(AwsWiring.TABLE_NAME, "keyrack", AwsWiring.DEVICE_JOBS_QUEUE_URL,
      "https://sqs.us-east-1.amazonaws.com/000000000000/keyrack-device-jobs.fifo", AwsWiring.SCHEDULE_GROUP_NAME, "keyrack",
      AwsWiring.PROGRAMMER_FUNCTION_ARN, "arn:aws:lambda:us-east-1:000000000000:function:keyrack-programmer",
      AwsWiring.SCHEDULER_ROLE_ARN, "arn:aws:iam::000000000000:role/keyrack-scheduler",
      AwsWiring.SCHEDULER_DLQ_ARN, "arn:aws:sqs:us-east-1:000000000000:keyrack-scheduler-dlq");

  @Test
  void everyPrimingRequestIsAnswered200() {
    AwsWiring standIn = AwsWiring.forEnvironment(ENV).standIn();
    assertThat(ApiHandler.primeRequests(standIn)).isEqualTo(4);
    // the codes it created are in the stand-in's table: the first was deleted (it may be on its lock: now removing)
    assertThat(standIn.store().workspaces()).hasSize(1);
    var ws = standIn.store().workspaces().get(0).workspaceId();
    assertThat(standIn.store().accessCodes(ws, null)).extracting(c -> c.status().name()).containsExactlyInAnyOrder("removing", "unset");
  }
}
