package dev.keyrack.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the tables and queues that template.yaml declares, in DynamoDB Local and ElasticMQ, and
 * resolves {@code Ref}/{@code Fn::GetAtt}/{@code Fn::Sub} for the functions' environments.
 */
public final class LocalResources {
  private final Template template;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private final Map<String, String> tableNames = new LinkedHashMap<>();
  private final Map<String, String> queueUrls = new LinkedHashMap<>();
  private final Map<String, String> queueArns = new LinkedHashMap<>();
  private final Map<String, Integer> visibilityTimeouts = new HashMap<>();

  private LocalResources(Template template, Map<String, String> parameterOverrides) {
    this.template = template;
    template.parameters().forEach((k, v) -> {
      Object d = Template.cast(v).get("Default");
      if (d != null) parameters.put(k, String.valueOf(d));
    });
    parameters.putAll(parameterOverrides);
  }

  public static LocalResources create(Template template, DynamoDbClient dynamo, SqsClient sqs,
                                      Map<String, String> parameterOverrides) {
    return create(template, dynamo, sqs, null, parameterOverrides);
  }

  public static LocalResources create(Template template, DynamoDbClient dynamo, SqsClient sqs, SchedulerClient scheduler,
                                      Map<String, String> parameterOverrides) {
    LocalResources r = new LocalResources(template, parameterOverrides);
    r.createTables(dynamo);
    r.createQueues(sqs);
    if (scheduler != null) r.createScheduleGroups(scheduler);
    return r;
  }

  private final Map<String, String> scheduleGroups = new LinkedHashMap<>();

  private void createScheduleGroups(SchedulerClient scheduler) {
    template.resourcesOfType("AWS::Scheduler::ScheduleGroup").forEach((id, res) -> {
      String name = template.properties(id).get("Name") instanceof String s ? s : id;
      try {
        scheduler.createScheduleGroup(b -> b.name(name));
      } catch (ConflictException exists) {
        // kept from an earlier run
      }
      scheduleGroups.put(id, name);
    });
  }

  /** The ARN the local stack gives a function (and its alias): what schedules target. */
  public static String functionArn(String functionId) {
    return "arn:aws:lambda:us-east-1:000000000000:function:" + functionId + ":live";
  }

  @SuppressWarnings("unchecked")
  private void createTables(DynamoDbClient dynamo) {
    template.resourcesOfType("AWS::DynamoDB::Table").forEach((id, res) -> {
      Map<String, Object> p = template.properties(id);
      String name = p.get("TableName") instanceof String s ? s : id;
      List<AttributeDefinition> attrs = new ArrayList<>();
      for (Object o : (List<Object>) p.get("AttributeDefinitions")) {
        Map<String, Object> a = Template.cast(o);
        attrs.add(AttributeDefinition.builder().attributeName((String) a.get("AttributeName"))
            .attributeType((String) a.get("AttributeType")).build());
      }
      List<GlobalSecondaryIndex> gsis = new ArrayList<>();
      if (p.get("GlobalSecondaryIndexes") instanceof List<?> l) {
        for (Object o : l) {
          Map<String, Object> g = Template.cast(o);
          gsis.add(GlobalSecondaryIndex.builder().indexName((String) g.get("IndexName"))
              .keySchema(keySchema((List<Object>) g.get("KeySchema")))
              .projection(Projection.builder().projectionType(
                  String.valueOf(Template.map(g, "Projection").getOrDefault("ProjectionType", "ALL"))).build()).build());
        }
      }
      try {
        dynamo.createTable(b -> {
          b.tableName(name).attributeDefinitions(attrs).keySchema(keySchema((List<Object>) p.get("KeySchema")))
              .billingMode(BillingMode.PAY_PER_REQUEST);
          if (!gsis.isEmpty()) b.globalSecondaryIndexes(gsis);
        });
      } catch (ResourceInUseException exists) {
        // kept on disk from an earlier run
      }
      tableNames.put(id, name);
    });
  }

  private static List<KeySchemaElement> keySchema(List<Object> schema) {
    List<KeySchemaElement> out = new ArrayList<>();
    for (Object o : schema) {
      Map<String, Object> k = Template.cast(o);
      out.add(KeySchemaElement.builder().attributeName((String) k.get("AttributeName")).keyType((String) k.get("KeyType")).build());
    }
    return out;
  }

  private void createQueues(SqsClient sqs) {
    Map<String, Object> queues = template.resourcesOfType("AWS::SQS::Queue");
    // Dead-letter queues first, so redrive policies can name them.
    List<String> order = new ArrayList<>();
    queues.keySet().forEach(id -> { if (!Template.map(template.properties(id), "RedrivePolicy").isEmpty()) order.add(id); else order.add(0, id); });
    for (String id : order) {
      Map<String, Object> p = template.properties(id);
      boolean fifo = Boolean.TRUE.equals(p.get("FifoQueue"));
      String name = p.get("QueueName") instanceof String s ? s : id + (fifo ? ".fifo" : "");
      Map<QueueAttributeName, String> attrs = new HashMap<>();
      if (fifo) attrs.put(QueueAttributeName.FIFO_QUEUE, "true");
      if (p.get("ContentBasedDeduplication") != null) {
        attrs.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, String.valueOf(p.get("ContentBasedDeduplication")));
      }
      int visibility = ((Number) p.getOrDefault("VisibilityTimeout", 30)).intValue();
      attrs.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(visibility));
      Map<String, Object> redrive = Template.map(p, "RedrivePolicy");
      if (!redrive.isEmpty()) {
        String dlqId = String.valueOf(Template.cast(redrive.get("deadLetterTargetArn")).get("Fn::GetAtt")).replaceAll("\\.Arn$", "");
        attrs.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + queueArns.get(dlqId)
            + "\",\"maxReceiveCount\":\"" + redrive.get("maxReceiveCount") + "\"}");
      }
      String url = sqs.createQueue(b -> b.queueName(name).attributes(attrs)).queueUrl();
      String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
          .attributes().get(QueueAttributeName.QUEUE_ARN);
      queueUrls.put(id, url);
      queueArns.put(id, arn);
      visibilityTimeouts.put(id, visibility);
    }
  }

  public String queueUrl(String logicalId) {
    String u = queueUrls.get(logicalId);
    if (u == null) throw new IllegalStateException("template.yaml declares no queue " + logicalId);
    return u;
  }

  public int visibilityTimeout(String logicalId) {
    return visibilityTimeouts.getOrDefault(logicalId, 30);
  }

  public Map<String, String> queueUrls() {
    return Map.copyOf(queueUrls);
  }

  public String tableName(String logicalId) {
    return tableNames.get(logicalId);
  }

  /** A function's environment with intrinsic functions resolved against the local resources. */
  public Map<String, String> environment(Template.Function f) {
    Map<String, String> env = new LinkedHashMap<>();
    f.environment().forEach((k, v) -> env.put(k, resolve(v)));
    return env;
  }

  public String resolve(Object v) {
    if (v instanceof Map<?, ?> m) {
      if (m.containsKey("Ref")) {
        String id = String.valueOf(m.get("Ref"));
        if (parameters.containsKey(id)) return parameters.get(id);
        if (tableNames.containsKey(id)) return tableNames.get(id);
        if (queueUrls.containsKey(id)) return queueUrls.get(id);
        if (scheduleGroups.containsKey(id)) return scheduleGroups.get(id);
        if (id.endsWith(".Alias")) return functionArn(id.substring(0, id.length() - ".Alias".length()));
        throw new IllegalStateException("template.yaml refers to " + id + ", which the local stack does not provide");
      }
      if (m.containsKey("Fn::GetAtt")) {
        String[] parts = String.valueOf(m.get("Fn::GetAtt")).split("\\.", 2);
        return switch (parts[1]) {
          case "QueueUrl" -> queueUrl(parts[0]);
          case "Arn" -> queueArns.containsKey(parts[0]) ? queueArns.get(parts[0])
              : "AWS::IAM::Role".equals(Template.cast(template.resources().get(parts[0])).get("Type"))
                  ? "arn:aws:iam::000000000000:role/" + parts[0]
                  : "arn:aws:local:us-east-1:000000000000:" + parts[0];
          default -> throw new IllegalStateException("unsupported attribute " + m.get("Fn::GetAtt"));
        };
      }
      if (m.containsKey("Fn::Sub")) {
        String s = String.valueOf(m.get("Fn::Sub"));
        for (Map.Entry<String, String> p : parameters.entrySet()) s = s.replace("${" + p.getKey() + "}", p.getValue());
        return s;
      }
      throw new IllegalStateException("unsupported intrinsic function " + m.keySet());
    }
    return v == null ? null : String.valueOf(v);
  }
}
