package dev.keyrack.local.adapters;

import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@link AbstractDynamoStoreTest}'s tests against DynamoDB in LocalStack, where Docker exists;
 * skipped (not failed) where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalstackDynamoStoreTest extends AbstractDynamoStoreTest {
  @Override
  Backend startBackend() {
    return Backend.localstack();
  }
}
