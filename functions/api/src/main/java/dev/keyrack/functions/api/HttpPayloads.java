package dev.keyrack.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.lambda.Payloads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The api function's payloads as Lambda hands them over: API Gateway's HTTP API event (payload
 * format 2.0) read from the invocation's bytes, and its response written as the JSON API Gateway
 * expects. The handler is a {@code RequestStreamHandler}, so these replace the Lambda runtime's own
 * serializer (a shaded Jackson of its own, which loaded some 500 classes on every cold start and
 * which SnapStart priming could not warm). Read with the function's one Jackson, which the
 * request's work needs anyway; the event's authorizer block is not read (the api authenticates by
 * API key). The other directions (writing an event, reading a response) are for the local stack and
 * tests, which hand the handler the same bytes Lambda would.
 */
public final class HttpPayloads {
  private HttpPayloads() {}

  public static APIGatewayV2HTTPEvent readEvent(InputStream in) throws IOException {
    JsonNode n = Payloads.readObject(in);
    APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
    e.setVersion(Payloads.text(n, "version"));
    e.setRouteKey(Payloads.text(n, "routeKey"));
    e.setRawPath(Payloads.text(n, "rawPath"));
    e.setRawQueryString(Payloads.text(n, "rawQueryString"));
    e.setCookies(Payloads.texts(n, "cookies"));
    e.setHeaders(Payloads.textMap(n, "headers"));
    e.setQueryStringParameters(Payloads.textMap(n, "queryStringParameters"));
    e.setPathParameters(Payloads.textMap(n, "pathParameters"));
    e.setStageVariables(Payloads.textMap(n, "stageVariables"));
    e.setBody(Payloads.text(n, "body"));
    e.setIsBase64Encoded(n.path("isBase64Encoded").asBoolean(false));
    JsonNode rc = n.get("requestContext");
    if (rc != null && rc.isObject()) {
      APIGatewayV2HTTPEvent.RequestContext c = new APIGatewayV2HTTPEvent.RequestContext();
      c.setRouteKey(Payloads.text(rc, "routeKey"));
      c.setAccountId(Payloads.text(rc, "accountId"));
      c.setStage(Payloads.text(rc, "stage"));
      c.setApiId(Payloads.text(rc, "apiId"));
      c.setDomainName(Payloads.text(rc, "domainName"));
      c.setDomainPrefix(Payloads.text(rc, "domainPrefix"));
      c.setTime(Payloads.text(rc, "time"));
      c.setTimeEpoch(rc.path("timeEpoch").asLong(0));
      c.setRequestId(Payloads.text(rc, "requestId"));
      JsonNode http = rc.get("http");
      if (http != null && http.isObject()) {
        APIGatewayV2HTTPEvent.RequestContext.Http h = new APIGatewayV2HTTPEvent.RequestContext.Http();
        h.setMethod(Payloads.text(http, "method"));
        h.setPath(Payloads.text(http, "path"));
        h.setProtocol(Payloads.text(http, "protocol"));
        h.setSourceIp(Payloads.text(http, "sourceIp"));
        h.setUserAgent(Payloads.text(http, "userAgent"));
        c.setHttp(h);
      }
      e.setRequestContext(c);
    }
    return e;
  }

  public static void writeResponse(APIGatewayV2HTTPResponse r, OutputStream out) throws IOException {
    try (JsonGenerator g = Payloads.generator(out)) {
      g.writeStartObject();
      g.writeNumberField("statusCode", r.getStatusCode());
      Payloads.writeTextMap(g, "headers", r.getHeaders());
      if (r.getMultiValueHeaders() != null) {
        g.writeObjectFieldStart("multiValueHeaders");
        for (var h : r.getMultiValueHeaders().entrySet()) Payloads.writeTexts(g, h.getKey(), h.getValue());
        g.writeEndObject();
      }
      Payloads.writeTexts(g, "cookies", r.getCookies());
      if (r.getBody() != null) g.writeStringField("body", r.getBody());
      g.writeBooleanField("isBase64Encoded", r.getIsBase64Encoded());
      g.writeEndObject();
    }
  }

  /** The event as API Gateway sends it (the local gateway, SnapStart priming and tests). */
  public static byte[] eventBytes(APIGatewayV2HTTPEvent e) {
    return Payloads.bytes(512, g -> {
      g.writeStartObject();
      Payloads.writeText(g, "version", e.getVersion());
      Payloads.writeText(g, "routeKey", e.getRouteKey());
      Payloads.writeText(g, "rawPath", e.getRawPath());
      Payloads.writeText(g, "rawQueryString", e.getRawQueryString());
      Payloads.writeTexts(g, "cookies", e.getCookies());
      Payloads.writeTextMap(g, "headers", e.getHeaders());
      Payloads.writeTextMap(g, "queryStringParameters", e.getQueryStringParameters());
      Payloads.writeTextMap(g, "pathParameters", e.getPathParameters());
      Payloads.writeTextMap(g, "stageVariables", e.getStageVariables());
      APIGatewayV2HTTPEvent.RequestContext c = e.getRequestContext();
      if (c != null) {
        g.writeObjectFieldStart("requestContext");
        Payloads.writeText(g, "routeKey", c.getRouteKey());
        Payloads.writeText(g, "accountId", c.getAccountId());
        Payloads.writeText(g, "stage", c.getStage());
        Payloads.writeText(g, "apiId", c.getApiId());
        Payloads.writeText(g, "domainName", c.getDomainName());
        Payloads.writeText(g, "domainPrefix", c.getDomainPrefix());
        Payloads.writeText(g, "time", c.getTime());
        g.writeNumberField("timeEpoch", c.getTimeEpoch());
        Payloads.writeText(g, "requestId", c.getRequestId());
        if (c.getHttp() != null) {
          g.writeObjectFieldStart("http");
          Payloads.writeText(g, "method", c.getHttp().getMethod());
          Payloads.writeText(g, "path", c.getHttp().getPath());
          Payloads.writeText(g, "protocol", c.getHttp().getProtocol());
          Payloads.writeText(g, "sourceIp", c.getHttp().getSourceIp());
          Payloads.writeText(g, "userAgent", c.getHttp().getUserAgent());
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      Payloads.writeText(g, "body", e.getBody());
      g.writeBooleanField("isBase64Encoded", e.getIsBase64Encoded());
      g.writeEndObject();
    });
  }

  /** A response as API Gateway reads it (the local gateway and tests). */
  public static APIGatewayV2HTTPResponse readResponse(InputStream in) throws IOException {
    JsonNode n = Payloads.readObject(in);
    APIGatewayV2HTTPResponse r = new APIGatewayV2HTTPResponse();
    r.setStatusCode(n.path("statusCode").asInt(0));
    r.setHeaders(Payloads.textMap(n, "headers"));
    JsonNode multi = n.get("multiValueHeaders");
    if (multi != null && multi.isObject()) {
      var m = new java.util.LinkedHashMap<String, java.util.List<String>>();
      multi.fieldNames().forEachRemaining(k -> m.put(k, Payloads.texts(multi, k)));
      r.setMultiValueHeaders(m);
    }
    r.setCookies(Payloads.texts(n, "cookies"));
    r.setBody(Payloads.text(n, "body"));
    r.setIsBase64Encoded(n.path("isBase64Encoded").asBoolean(false));
    return r;
  }
}
