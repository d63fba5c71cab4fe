package dev.keyrack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {
  static final PriceTable PRICES = new PriceTable("test", 0.20, 0.0000133334, 1.00, 1.00, 0.0, 0.50, 0.625, 0.125);

  static Step step(Map<String, Long> calls, double wcu, double rcu, int invocations, double ms, int memoryMb) {
    return new Step("s", "time_bound_jit", "program", calls, wcu, rcu, "Fn", invocations, ms, memoryMb, null);
  }

  @Test
  void eachServiceIsPricedPerMillionCodes() {
    Step s = step(Map.of("ApiGateway.Request", 1L, "Scheduler.Invocation", 2L, "Scheduler.CreateSchedule", 3L,
        "Sqs.SendMessage", 1L, "Sqs.ReceiveMessage", 1L, "Sqs.DeleteMessageBatch", 1L, "DynamoDb.GetItem", 2L,
        "Lambda.Invoke", 2L), 4, 2, 2, 10.2, 1024);
    Map<String, PriceTable.ServiceCost> c = PRICES.cost(s);
    assertThat(c.keySet()).containsExactlyElementsOf(PriceTable.SERVICES);
    assertThat(c.get("ApiGateway").usdPerMillion()).isCloseTo(1.0, within(1e-9));
    assertThat(c.get("Scheduler").usdPerMillion()).isCloseTo(2.0, within(1e-9)); // schedule API calls are free
    assertThat(c.get("Scheduler").calls()).isEqualTo(5);
    assertThat(c.get("Sqs").usdPerMillion()).isCloseTo(1.5, within(1e-9));
    assertThat(c.get("DynamoDb").usdPerMillion()).isCloseTo(4 * 0.625 + 2 * 0.125, within(1e-9));
    // 2 requests, and 2 x 11 ms (10.2 rounded up) x 1 GB
    assertThat(c.get("Lambda").usdPerMillion()).isCloseTo(2 * 0.20 + 2 * 0.011 * 0.0000133334 * 1e6, within(1e-9));
    assertThat(PRICES.total(List.of(s))).isCloseTo(1.0 + 2.0 + 1.5 + 2.75 + 0.4 + 0.29333, within(1e-4));
  }

  @Test
  void lambdaDurationIsBilledAtTheFunctionsMemory() {
    Step half = step(Map.of(), 0, 0, 1, 100, 512);
    Step full = step(Map.of(), 0, 0, 1, 100, 1024);
    assertThat(PriceTable.gbSeconds(half)).isCloseTo(0.05, within(1e-12));
    assertThat(PriceTable.gbSeconds(full)).isCloseTo(0.1, within(1e-12));
    assertThat(PRICES.cost(full).get("Lambda").usdPerMillion() - PRICES.cost(half).get("Lambda").usdPerMillion())
        .isCloseTo(0.05 * 0.0000133334 * 1e6, within(1e-9));
  }

  @Test
  void idleReceivesAreNotBilledPerCode() {
    Step s = step(Map.of("Sqs.ReceiveMessage", 1L, AwsCallCounter.IDLE_RECEIVE, 40L), 0, 0, 0, 0, 1024);
    assertThat(PRICES.cost(s).get("Sqs").calls()).isEqualTo(1);
  }

  @Test
  void aLifecycleIsTheSumOfItsSteps() {
    Step a = step(Map.of("ApiGateway.Request", 1L), 1, 0, 1, 5, 1024);
    Step b = step(Map.of("Sqs.SendMessage", 1L), 0, 1, 1, 5, 512);
    assertThat(PRICES.total(List.of(a, b))).isCloseTo(PRICES.total(List.of(a)) + PRICES.total(List.of(b)), within(1e-12));
    assertThat(PRICES.cost(List.of(a, b)).get("Lambda").calls()).isEqualTo(2);
  }

  @Test
  void theCheckedInTableHasTheIssuesListPrices() throws Exception {
    PriceTable p = PriceTable.load();
    assertThat(p.lambdaPerMillionRequests()).isEqualTo(0.20);
    assertThat(p.lambdaPerGbSecond()).isEqualTo(0.0000133334);
    assertThat(p.apiGatewayPerMillionRequests()).isEqualTo(1.00);
    assertThat(p.schedulerPerMillionInvocations()).isEqualTo(1.00);
    assertThat(p.sqsPerMillionRequests()).isEqualTo(0.50);
    assertThat(p.dynamoPerMillionWriteUnits()).isEqualTo(0.625);
    assertThat(p.dynamoPerMillionReadUnits()).isEqualTo(0.125);
    var broken = new ObjectMapper().readTree("{\"lambda_per_million_requests\": 0.2}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PriceTable.parse(broken))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
