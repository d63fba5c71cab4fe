package dev.keyrack.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * {@link Instant}, the one java.time type in Keyrack's JSON documents, as jackson-datatype-jsr310's
 * JavaTimeModule wrote and read it with dates not written as timestamps: written as ISO-8601 in UTC
 * ({@code 2026-12-01T07:02:16.263Z}, {@link Instant#toString}); read from that, from an ISO-8601
 * date-time with an offset, or from a number of epoch seconds (with a fraction). JavaTimeModule
 * registers (de)serializers for every java.time type, some 50 classes whose set-up took about 50 ms
 * of every cold start (keyrack-bench, part cold_start); another java.time type in a document now
 * fails loudly (Jackson refuses java.time types it has no serializer for) rather than silently.
 */
final class InstantModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  InstantModule() {
    super("KeyrackInstant");
    addSerializer(Instant.class, new Serializer());
    addDeserializer(Instant.class, new Deserializer());
  }

  static final class Serializer extends StdScalarSerializer<Instant> {
    private static final long serialVersionUID = 1L;

    Serializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(value.toString());
    }
  }

  static final class Deserializer extends StdScalarDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    Deserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_STRING) {
        String s = p.getText().trim();
        if (s.isEmpty()) return null;
        try {
          return Instant.parse(s);
        } catch (DateTimeException e) {
          try {
            return OffsetDateTime.parse(s).toInstant();
          } catch (DateTimeException e2) {
            return (Instant) ctxt.handleWeirdStringValue(Instant.class, s, "not an ISO-8601 instant");
          }
        }
      }
      if (t == JsonToken.VALUE_NUMBER_INT) return Instant.ofEpochSecond(p.getLongValue());
      if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        BigDecimal seconds = p.getDecimalValue();
        long whole = seconds.longValue();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        // As jackson-datatype-jsr310 reads it (its DecimalUtils): before 1970 the fraction counts forwards.
        return Instant.ofEpochSecond(whole, whole < 0 ? Math.abs(nanos) : nanos);
      }
      return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
    }
  }
}
