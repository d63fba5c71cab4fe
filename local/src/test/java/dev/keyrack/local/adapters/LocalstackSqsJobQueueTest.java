package dev.keyrack.local.adapters;

import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@link AbstractSqsJobQueueTest}'s tests against SQS in LocalStack, where Docker exists;
 * skipped (not failed) where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalstackSqsJobQueueTest extends AbstractSqsJobQueueTest {
  @Override
  Backend startBackend() {
    return Backend.localstack();
  }
}
