package dev.keyrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrack.adapters.AwsWiring;
import dev.keyrack.functions.api.Api;
import dev.keyrack.functions.api.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml is the source of truth: every name in it must resolve, and it must be deployable as designed. */
class TemplateTest {
  static Template template;

  @BeforeAll
  static void load() throws IOException {
    template = Template.load(Template.locate(Path.of("")));
  }

  @Test
  void everyHandlerResolvesToARealHandlerClassMethodAndConstructors() throws Exception {
    assertThat(template.functions()).extracting(Template.Function::id)
        .containsExactlyInAnyOrder("ApiFunction", "ProgrammerFunction", "ProviderWorkerFunction", "ReconcilerFunction");
    for (Template.Function f : template.functions()) {
      Class<?> c = Class.forName(f.handlerClass());
      assertThat(com.amazonaws.services.lambda.runtime.RequestStreamHandler.class).isAssignableFrom(c);
      // one public method of that name, so Lambda's runtime has no overloads to choose between: the stream one
      assertThat(java.util.Arrays.stream(c.getMethods()).filter(m -> m.getName().equals(f.handlerMethod())))
          .as("%s's public methods named %s", f.id(), f.handlerMethod()).singleElement()
          .satisfies(m -> assertThat(m.getParameterTypes()).containsExactly(java.io.InputStream.class, java.io.OutputStream.class,
              com.amazonaws.services.lambda.runtime.Context.class));
      assertThat(c.getConstructor()).as("Lambda's no-argument constructor of %s", f.id()).isNotNull();
      assertThat(c.getConstructor(AwsWiring.class)).isNotNull();
    }
  }

  @Test
  void aWrongHandlerNameFailsLoudly() {
    Template.Function wrong = new Template.Function("Broken", "dev.keyrack.functions.api.NoSuchHandler::handleRequest",
        512, 10, Map.of(), List.of(), List.of());
    assertThatThrownBy(() -> LocalStack.instantiate(wrong, null))
        .hasMessageContaining("NoSuchHandler").hasMessageContaining("does not exist");
  }

  @Test
  void routesInTheTemplateAreExactlyTheRoutesTheApiServes() {
    Template.Function api = template.function("ApiFunction");
    Set<String> declared = new TreeSet<>();
    api.routes().forEach(r -> declared.add(r.method() + " " + r.path()));
    Set<String> served = new TreeSet<>();
    for (Route r : Api.ROUTES) r.methods().forEach(m -> served.add(m + " " + r.path()));
    served.add("ANY $default");
    assertThat(declared).isEqualTo(served);
  }

  @Test
  void routesCoverEveryMethodTheOpenApiDocumentListsForImplementedPaths() {
    // From @seamapi/types 1.977.0 (the contract suite validates responses against the same document).
    Map<String, Set<String>> openApi = Map.ofEntries(
        Map.entry("/access_codes/create", Set.of("POST")),
        Map.entry("/access_codes/get", Set.of("GET", "POST")),
        Map.entry("/access_codes/list", Set.of("GET", "POST")),
        Map.entry("/access_codes/update", Set.of("POST", "PUT", "PATCH")),
        Map.entry("/access_codes/delete", Set.of("POST", "DELETE")),
        Map.entry("/access_codes/create_multiple", Set.of("POST", "PUT")),
        Map.entry("/access_codes/update_multiple", Set.of("POST", "PATCH")),
        Map.entry("/locks/list", Set.of("GET", "POST")),
        Map.entry("/locks/get", Set.of("GET", "POST")),
        Map.entry("/devices/list", Set.of("GET", "POST")),
        Map.entry("/devices/get", Set.of("GET", "POST")),
        Map.entry("/devices/update", Set.of("POST", "PATCH")),
        Map.entry("/events/list", Set.of("GET", "POST")),
        Map.entry("/events/get", Set.of("GET", "POST")),
        Map.entry("/action_attempts/get", Set.of("GET", "POST")));
    Set<String> declared = new HashSet<>();
    template.function("ApiFunction").routes().forEach(r -> declared.add(r.method() + " " + r.path()));
    openApi.forEach((path, methods) -> methods.forEach(m -> assertThat(declared).contains(m + " " + path)));
  }

  @Test
  void functionsAreJava21Arm64WithSnapStartAndLogGroupsWithRetention() {
    Map<String, Object> globals = Template.map(Template.cast(yaml().get("Globals")), "Function");
    assertThat(globals.get("Runtime")).isEqualTo("java21");
    assertThat(globals.get("Architectures")).isEqualTo(List.of("arm64"));
    assertThat(Template.map(globals, "SnapStart").get("ApplyOn")).isEqualTo("PublishedVersions");
    assertThat(globals.get("AutoPublishAlias")).isNotNull();
    for (Template.Function f : template.functions()) {
      Map<String, Object> props = template.properties(f.id());
      Map<String, Object> logging = Template.map(props, "LoggingConfig");
      String logGroup = String.valueOf(Template.cast(logging.get("LogGroup")).get("Ref"));
      assertThat(template.resourcesOfType("AWS::Logs::LogGroup")).containsKey(logGroup);
      assertThat(template.properties(logGroup).get("RetentionInDays")).isNotNull();
      assertThat(props).containsKey("Policies");
      assertThat(f.environment()).containsKeys("TABLE_NAME", "DEVICE_JOBS_QUEUE_URL", "POWERTOOLS_SERVICE_NAME");
      // names come from the template, never hard-coded
      assertThat(f.environment().get("TABLE_NAME")).isEqualTo(Map.of("Ref", "KeyrackTable"));
    }
  }

  /** Every action a function's policies allow, for the services the adapters call. */
  static Set<String> allowedActions(String functionId) {
    Set<String> actions = new TreeSet<>();
    Object policies = template.properties(functionId).get("Policies");
    for (Object p : (List<?>) policies) {
      Object statements = Template.cast(p).get("Statement");
      for (Object st : (List<?>) statements) {
        Map<String, Object> statement = Template.cast(st);
        assertThat(statement.get("Effect")).isEqualTo("Allow");
        Object a = statement.get("Action");
        if (a instanceof List<?> list) list.forEach(x -> actions.add(String.valueOf(x)));
        else actions.add(String.valueOf(a));
      }
    }
    return actions;
  }

  /**
   * Least privilege: exactly the calls each function's code path makes through the adapters in
   * shared/src/main/java/dev/keyrack/adapters (DynamoStore, DynamoLockMemoryStore, SqsJobQueue,
   * EventBridgeScheduler, AwsWiring.primeClients). Transactions hold Puts and Deletes, and the
   * ConditionCheck of taking over an abandoned PIN claim (in the functions that create codes: the
   * api, and the worker filling backup pools); UpdateItem for the api's guardrail counters and
   * the worker's list of codes waiting for a free slot;
   * ChangeMessageVisibilityBatch is authorised by sqs:ChangeMessageVisibility.
   */
  @Test
  void eachFunctionIsAllowedExactlyTheCallsItsCodeMakes() {
    Set<String> dynamo = Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:TransactWriteItems",
        "dynamodb:DeleteItem");
    Set<String> api = new TreeSet<>(dynamo);
    // the guardrails' counters; send device jobs; priming reads the queue's attributes and a schedule that does not exist
    api.addAll(Set.of("dynamodb:ConditionCheckItem", "dynamodb:UpdateItem", "sqs:SendMessage", "sqs:GetQueueAttributes", "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "iam:PassRole"));
    assertThat(allowedActions("ApiFunction")).isEqualTo(api);

    Set<String> programmer = new TreeSet<>(dynamo);
    // a withdrawn duplicate deleted outright leaves its common_code_key's group (UpdateItem)
    programmer.addAll(Set.of("dynamodb:UpdateItem", "sqs:SendMessage", "sqs:GetQueueAttributes"));
    assertThat(allowedActions("ProgrammerFunction")).isEqualTo(programmer);

    Set<String> worker = new TreeSet<>(dynamo);
    // retry later / release early, dead-letter; a pulled backup code schedules its removal (never cancels one);
    // the codes a lock refused for want of a slot (DynamoStore.changeSlots)
    worker.addAll(Set.of("dynamodb:ConditionCheckItem", "dynamodb:UpdateItem", "sqs:SendMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
        "scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:GetSchedule", "iam:PassRole"));
    assertThat(allowedActions("ProviderWorkerFunction")).isEqualTo(worker);

    // the sweep reads codes (Query), the devices of the codes it re-sends and the last event of a recent
    // change (GetItem), writes events a stopped writer left in a code's outbox (PutItem), and sends jobs;
    // the daily sweep releases an abandoned PIN claim (a Delete with a ConditionCheck on its code, in a transaction)
    assertThat(allowedActions("ReconcilerFunction")).isEqualTo(Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
        "dynamodb:TransactWriteItems", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "sqs:SendMessage"));
  }

  @Test
  void tableIsOnDemandWithPointInTimeRecoveryAndTtl() {
    Map<String, Object> t = template.properties("KeyrackTable");
    assertThat(t.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
    assertThat(Template.map(t, "PointInTimeRecoverySpecification").get("PointInTimeRecoveryEnabled")).isEqualTo(true);
    assertThat(Template.map(t, "TimeToLiveSpecification").get("Enabled")).isEqualTo(true);
    assertThat(t).doesNotContainKey("TableName");
  }

  @Test
  void deviceJobsQueueIsFifoWithFifoDeadLetterQueueAndAVisibilityTimeoutThatFitsTheWorker() {
    Map<String, Object> q = template.properties("DeviceJobsQueue");
    assertThat(q.get("FifoQueue")).isEqualTo(true);
    Map<String, Object> redrive = Template.map(q, "RedrivePolicy");
    String dlq = String.valueOf(Template.cast(redrive.get("deadLetterTargetArn")).get("Fn::GetAtt")).replace(".Arn", "");
    assertThat(template.properties(dlq).get("FifoQueue")).isEqualTo(true);
    Template.Function worker = template.function("ProviderWorkerFunction");
    assertThat(((Number) q.get("VisibilityTimeout")).intValue()).isGreaterThanOrEqualTo(6 * worker.timeoutSeconds());
    assertThat(worker.queueTriggers()).singleElement().satisfies(t -> {
      assertThat(t.queueId()).isEqualTo("DeviceJobsQueue");
      assertThat(t.reportsBatchItemFailures()).isTrue();
    });
  }

  @Test
  void outputsTheApiUrl() {
    assertThat(Template.map(yaml(), "Outputs")).containsKey("ApiUrl");
  }

  @Test
  void everyFunctionHasSampleEvents() throws IOException {
    for (String dir : List.of("api", "programmer", "provider-worker")) {
      try (var files = Files.list(TestStack.repo().resolve("events").resolve(dir))) {
        assertThat(files.filter(p -> p.toString().endsWith(".json")).count()).as(dir).isGreaterThan(0);
      }
    }
  }

  private static Map<String, Object> yaml() {
    try (var r = Files.newBufferedReader(Template.locate(Path.of("")))) {
      return Template.cast(new org.yaml.snakeyaml.Yaml(new Template.CfnConstructor()).load(r));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
