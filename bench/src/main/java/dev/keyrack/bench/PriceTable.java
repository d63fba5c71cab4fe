package dev.keyrack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * List prices (dollars) from a checked-in table, and what a code's steps cost at them, in dollars
 * per million codes: each step happens once per code, so units per code times dollars per million
 * units is dollars per million codes. Scheduler's schedule create/update/delete calls are free;
 * every SQS call is one request (each message here is far below the 64 KB chunk); Lambda bills
 * each invocation plus its duration, rounded up to the millisecond, at the function's memory.
 */
public record PriceTable(String region, double lambdaPerMillionRequests, double lambdaPerGbSecond,
                         double apiGatewayPerMillionRequests, double schedulerPerMillionInvocations,
                         double schedulerPerMillionApiCalls, double sqsPerMillionRequests, double dynamoPerMillionWriteUnits,
                         double dynamoPerMillionReadUnits) {

  public static final List<String> SERVICES = List.of("ApiGateway", "Lambda", "Scheduler", "Sqs", "DynamoDb");
  public static final String RESOURCE = "/prices-us-east-1.json";

  public static PriceTable load() {
    try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("price table " + RESOURCE + " is missing from the bench jar");
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PriceTable parse(JsonNode n) {
    return new PriceTable(n.path("region").asText(), req(n, "lambda_per_million_requests"), req(n, "lambda_per_gb_second"),
        req(n, "api_gateway_http_per_million_requests"), req(n, "scheduler_per_million_invocations"),
        req(n, "scheduler_per_million_api_calls"), req(n, "sqs_fifo_per_million_requests"),
        req(n, "dynamodb_per_million_write_units"), req(n, "dynamodb_per_million_read_units"));
  }

  private static double req(JsonNode n, String field) {
    if (!n.path(field).isNumber()) throw new IllegalArgumentException("price table has no number " + field);
    return n.get(field).asDouble();
  }

  /** What one service costs in a step (or a sum of steps): calls, units for people, dollars per million codes. */
  public record ServiceCost(String service, long calls, double units, String unitName, double usdPerMillion) {
    ServiceCost plus(ServiceCost o) {
      return new ServiceCost(service, calls + o.calls, units + o.units, unitName, usdPerMillion + o.usdPerMillion);
    }
  }

  /** Lambda GB-seconds of one step: invocations x whole milliseconds x memory. */
  public static double gbSeconds(Step s) {
    return s.invocations() * Math.ceil(s.ms()) / 1000.0 * s.memoryMb() / 1024.0;
  }

  /** Dollars per million codes of one step, by service (every service present, in {@link #SERVICES} order). */
  public Map<String, ServiceCost> cost(Step s) {
    Map<String, ServiceCost> out = new LinkedHashMap<>();
    long api = s.count("ApiGateway.Request");
    out.put("ApiGateway", new ServiceCost("ApiGateway", api, api, "requests", api * apiGatewayPerMillionRequests));
    double gbs = gbSeconds(s);
    out.put("Lambda", new ServiceCost("Lambda", s.invocations(), gbs, "GB-s",
        s.invocations() * lambdaPerMillionRequests + gbs * lambdaPerGbSecond * 1_000_000));
    long fires = s.count("Scheduler.Invocation");
    long schedulerApi = s.callsTo("Scheduler") - fires;
    out.put("Scheduler", new ServiceCost("Scheduler", fires + schedulerApi, fires, "invocations",
        fires * schedulerPerMillionInvocations + schedulerApi * schedulerPerMillionApiCalls));
    long sqs = s.callsTo("Sqs") - s.count(AwsCallCounter.IDLE_RECEIVE);
    out.put("Sqs", new ServiceCost("Sqs", sqs, sqs, "requests", sqs * sqsPerMillionRequests));
    out.put("DynamoDb", new ServiceCost("DynamoDb", s.callsTo("DynamoDb"), s.wcu() + s.rcu(), "WCU+RCU",
        s.wcu() * dynamoPerMillionWriteUnits + s.rcu() * dynamoPerMillionReadUnits));
    return out;
  }

  /** Dollars per million codes of several steps (one lifecycle), by service. */
  public Map<String, ServiceCost> cost(List<Step> steps) {
    Map<String, ServiceCost> out = new LinkedHashMap<>();
    for (Step s : steps) cost(s).forEach((k, v) -> out.merge(k, v, ServiceCost::plus));
    if (out.isEmpty()) for (String k : SERVICES) out.put(k, new ServiceCost(k, 0, 0, "", 0));
    return out;
  }

  public double total(List<Step> steps) {
    return cost(steps).values().stream().mapToDouble(ServiceCost::usdPerMillion).sum();
  }
}
