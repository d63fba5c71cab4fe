package dev.keyrack.local.adapters;

/** {@link AbstractDynamoStoreTest}'s tests against DynamoDB Local, in this JVM: they run everywhere. */
class DynamoStoreTest extends AbstractDynamoStoreTest {
  @Override
  Backend startBackend() {
    return Backend.inProcess();
  }
}
