package dev.keyrack.functions.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.adapters.AwsWiring;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's SnapStart priming sets its codes on sandbox locks, on the stand-in of AWS. */
class WorkerPrimingTest {
  @Test
  void bothPrimingJobsSetTheirCodes() {
    AwsWiring standIn = AwsWiring.forEnvironment(Map.of(AwsWiring.TABLE_NAME, "keyrack", AwsWiring.DEVICE_JOBS_QUEUE_URL,
        "https://sqs.us-east-1.amazonaws.com/000000000000/keyrack-device-jobs.fifo", AwsWiring.SCHEDULE_GROUP_NAME, "keyrack",
        AwsWiring.PROGRAMMER_FUNCTION_ARN, "arn:aws:lambda:us-east-1:000000000000:function:p",
        AwsWiring.SCHEDULER_ROLE_ARN, "arn:aws:iam::000000000000:role/s", AwsWiring.SCHEDULER_DLQ_ARN,
        "arn:aws:sqs:us-east-1:000000000000:dlq")).standIn();
    assertThat(ProviderWorkerHandler.primeJobs(standIn)).isEqualTo(2);
    for (var w : standIn.store().workspaces()) {
      assertThat(standIn.store().accessCodes(w.workspaceId(), null)).singleElement()
          .satisfies(c -> assertThat(c.status().name()).isEqualTo("set"));
    }
    assertThat(standIn.store().workspaces()).hasSize(2);
  }
}
