package software.amazon.awssdk.regions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.regions.servicemetadata.DynamodbServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.SchedulerServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.SqsServiceMetadata;

/**
 * Keyrack's stand-in, in the deployment packages only, for the SDK's class of this name in
 * {@code regions}: the same answers for the services the functions call, without building the
 * metadata of every AWS service first.
 *
 * <p>The SDK's class holds a static map from endpoint prefix to a new metadata object for each of
 * about 400 services, so the first client a container builds loads and instantiates all of them
 * (about 130 ms of every cold start on the benchmark machine, keyrack-bench part cold_start). This
 * class sits at the package root, which Lambda puts on the class path before {@code lib/}, so the
 * SDK's {@code MetadataLoader} finds it instead. It gives the SDK's own metadata objects for
 * DynamoDB, SQS and EventBridge Scheduler, the only clients {@code AwsWiring} builds, and null for
 * any other prefix, which {@code ServiceMetadata.of} answers with its default metadata, as it does
 * for a service its table does not know. {@code ShadowServiceMetadataTest} checks these answers
 * against the SDK's own class; a function that adds a client must add its prefix here.
 */
public final class GeneratedServiceMetadataProvider implements ServiceMetadataProvider {
  private static final Map<String, ServiceMetadata> BUILT = new ConcurrentHashMap<>();

  @Override
  public ServiceMetadata serviceMetadata(String endpointPrefix) {
    return BUILT.computeIfAbsent(endpointPrefix, GeneratedServiceMetadataProvider::build);
  }

  private static ServiceMetadata build(String endpointPrefix) {
    return switch (endpointPrefix) {
      case "dynamodb" -> new DynamodbServiceMetadata();
      case "sqs" -> new SqsServiceMetadata();
      case "scheduler" -> new SchedulerServiceMetadata();
      default -> null;
    };
  }
}
