package dev.keyrack.local.adapters;

/** {@link AbstractSqsJobQueueTest}'s tests against ElasticMQ, in this JVM: they run everywhere. */
class SqsJobQueueTest extends AbstractSqsJobQueueTest {
  @Override
  Backend startBackend() {
    return Backend.inProcess();
  }
}
