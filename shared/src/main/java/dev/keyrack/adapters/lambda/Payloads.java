package dev.keyrack.adapters.lambda;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrack.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing a Lambda invocation's payload with the function's own Jackson
 * ({@link Json#MAPPER}). Keyrack's handlers are {@code RequestStreamHandler}s: the Lambda runtime
 * hands them the event's bytes and takes the response's, instead of converting both with its own
 * serializer, a second (shaded) Jackson that cost every cold start about 200 ms (keyrack-bench,
 * part cold_start) and that a SnapStart snapshot restored cold, since priming never reached it. The
 * functions' payload classes (the api's HTTP event, the worker's SQS batch) are built on these.
 */
public final class Payloads {
  private Payloads() {}

  /** The payload's JSON object; an {@link IOException} if it is not JSON or not an object. */
  public static JsonNode readObject(InputStream in) throws IOException {
    JsonNode n = parse(in);
    if (n == null || !n.isObject()) {
      throw new IOException("the invocation's payload is not a JSON object but " + (n == null ? "empty" : n.getNodeType()));
    }
    return n;
  }

  /**
   * The payload as a map (the Scheduler's input of the programmer and the reconciler); null for a
   * JSON null or an empty payload, as the runtime's serializer reads them into a map parameter.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readMap(InputStream in) throws IOException {
    JsonNode n = parse(in);
    if (n == null || n.isNull()) return null;
    if (!n.isObject()) throw new IOException("the invocation's payload is not a JSON object but " + n.getNodeType());
    return Json.MAPPER.convertValue(n, LinkedHashMap.class);
  }

  /**
   * The payload's JSON; null if it is empty. A parser's message quotes the payload (a token, or
   * bytes it could not decode), so the failure thrown names only its kind and where it is.
   */
  private static JsonNode parse(InputStream in) throws IOException {
    try {
      JsonNode n = Json.MAPPER.readTree(in);
      return n == null || n.isMissingNode() ? null : n;
    } catch (IOException e) {
      String at = e instanceof JsonProcessingException p && p.getLocation() != null
          ? " at line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() : "";
      throw new IOException("the invocation's payload is not JSON (" + e.getClass().getSimpleName() + at + ")");
    }
  }

  /** Writes {@code value} as the invocation's response (the stream is flushed, not closed). */
  public static void write(Object value, OutputStream out) throws IOException {
    try (JsonGenerator g = generator(out)) {
      Json.MAPPER.writeValue(g, value);
    }
  }

  /** What writes a JSON document on a generator. */
  @FunctionalInterface
  public interface JsonWriter {
    void writeTo(JsonGenerator g) throws IOException;
  }

  /** The document {@code writer} writes, as bytes (an event as its sender hands it over). */
  public static byte[] bytes(int sizeHint, JsonWriter writer) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(sizeHint);
    try (JsonGenerator g = generator(out)) {
      writer.writeTo(g);
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x);
    }
    return out.toByteArray();
  }

  /** A generator on {@code out} that flushes, but does not close, the stream when it is closed. */
  public static JsonGenerator generator(OutputStream out) throws IOException {
    return Json.MAPPER.getFactory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  /** The text of field {@code name}; null if it is absent or JSON null. */
  public static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The texts of array field {@code name}; null if it is absent or not an array. */
  public static List<String> texts(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isArray()) return null;
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) out.add(item.isNull() ? null : item.asText());
    return out;
  }

  /** The text values of object field {@code name}, in order; null if it is absent or not an object. */
  public static Map<String, String> textMap(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isObject()) return null;
    Map<String, String> out = new LinkedHashMap<>();
    v.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
    return out;
  }

  /** Writes a text field; nothing if it is null. */
  public static void writeText(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) g.writeStringField(name, value);
  }

  /** Writes an array of texts; nothing if it is null. */
  public static void writeTexts(JsonGenerator g, String name, List<String> values) throws IOException {
    if (values == null) return;
    g.writeArrayFieldStart(name);
    for (String v : values) g.writeString(v);
    g.writeEndArray();
  }

  /** Writes an object of texts; nothing if it is null. */
  public static void writeTextMap(JsonGenerator g, String name, Map<String, String> values) throws IOException {
    if (values == null) return;
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, String> e : values.entrySet()) g.writeStringField(e.getKey(), e.getValue());
    g.writeEndObject();
  }
}
