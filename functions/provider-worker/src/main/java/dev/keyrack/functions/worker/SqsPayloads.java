package dev.keyrack.functions.worker;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.adapters.lambda.Payloads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's payloads as Lambda hands them over: the SQS event source mapping's batch
 * ({@code {"Records": [...]}}) read from the invocation's bytes, and the partial batch response
 * ({@code {"batchItemFailures": [{"itemIdentifier": ...}]}}) written back. The handler is a
 * {@code RequestStreamHandler}, so these replace the Lambda runtime's serializer (see
 * {@link Payloads}). Message attributes are read with their string values and data types; binary
 * values are not read (Keyrack's device jobs carry none). The other directions (writing a batch,
 * reading a response) are for the local stack and tests, which hand the handler the bytes Lambda would.
 */
public final class SqsPayloads {
  private SqsPayloads() {}

  public static SQSEvent readEvent(InputStream in) throws IOException {
    JsonNode n = Payloads.readObject(in);
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    JsonNode rs = n.get("Records");
    if (rs != null && rs.isArray()) {
      for (JsonNode r : rs) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(Payloads.text(r, "messageId"));
        m.setReceiptHandle(Payloads.text(r, "receiptHandle"));
        m.setBody(Payloads.text(r, "body"));
        m.setMd5OfBody(Payloads.text(r, "md5OfBody"));
        m.setMd5OfMessageAttributes(Payloads.text(r, "md5OfMessageAttributes"));
        m.setEventSource(Payloads.text(r, "eventSource"));
        m.setEventSourceArn(Payloads.text(r, "eventSourceARN"));
        m.setAwsRegion(Payloads.text(r, "awsRegion"));
        m.setAttributes(Payloads.textMap(r, "attributes"));
        JsonNode attrs = r.get("messageAttributes");
        if (attrs != null && attrs.isObject()) {
          Map<String, SQSEvent.MessageAttribute> out = new LinkedHashMap<>();
          attrs.fields().forEachRemaining(f -> {
            SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
            a.setStringValue(Payloads.text(f.getValue(), "stringValue"));
            a.setStringListValues(Payloads.texts(f.getValue(), "stringListValues"));
            a.setDataType(Payloads.text(f.getValue(), "dataType"));
            out.put(f.getKey(), a);
          });
          m.setMessageAttributes(out);
        }
        records.add(m);
      }
    }
    SQSEvent e = new SQSEvent();
    e.setRecords(records);
    return e;
  }

  public static void writeResponse(SQSBatchResponse r, OutputStream out) throws IOException {
    try (JsonGenerator g = Payloads.generator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("batchItemFailures");
      if (r.getBatchItemFailures() != null) {
        for (SQSBatchResponse.BatchItemFailure f : r.getBatchItemFailures()) {
          g.writeStartObject();
          g.writeStringField("itemIdentifier", f.getItemIdentifier());
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /** The batch as the event source mapping sends it (the local stack's poller, priming and tests). */
  public static byte[] eventBytes(SQSEvent e) {
    return Payloads.bytes(1024, g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("Records");
      for (SQSEvent.SQSMessage m : e.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : e.getRecords()) {
        g.writeStartObject();
        Payloads.writeText(g, "messageId", m.getMessageId());
        Payloads.writeText(g, "receiptHandle", m.getReceiptHandle());
        Payloads.writeText(g, "body", m.getBody());
        Payloads.writeTextMap(g, "attributes", m.getAttributes());
        if (m.getMessageAttributes() != null) {
          g.writeObjectFieldStart("messageAttributes");
          for (Map.Entry<String, SQSEvent.MessageAttribute> a : m.getMessageAttributes().entrySet()) {
            g.writeObjectFieldStart(a.getKey());
            Payloads.writeText(g, "stringValue", a.getValue().getStringValue());
            Payloads.writeTexts(g, "stringListValues", a.getValue().getStringListValues());
            Payloads.writeText(g, "dataType", a.getValue().getDataType());
            g.writeEndObject();
          }
          g.writeEndObject();
        }
        Payloads.writeText(g, "md5OfBody", m.getMd5OfBody());
        Payloads.writeText(g, "md5OfMessageAttributes", m.getMd5OfMessageAttributes());
        Payloads.writeText(g, "eventSource", m.getEventSource());
        Payloads.writeText(g, "eventSourceARN", m.getEventSourceArn());
        Payloads.writeText(g, "awsRegion", m.getAwsRegion());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** A partial batch response as the event source mapping reads it (the local stack and tests). */
  public static SQSBatchResponse readResponse(InputStream in) throws IOException {
    JsonNode n = Payloads.readObject(in);
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    JsonNode fs = n.get("batchItemFailures");
    if (fs != null && fs.isArray()) {
      for (JsonNode f : fs) failures.add(new SQSBatchResponse.BatchItemFailure(Payloads.text(f, "itemIdentifier")));
    }
    return new SQSBatchResponse(failures);
  }
}
