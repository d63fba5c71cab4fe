package dev.keyrack.bench.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventReaderTest {
  private static Path jarOf(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static final List<Class<?>> JACKSON = List.of(com.fasterxml.jackson.core.JsonFactory.class,
      com.fasterxml.jackson.databind.ObjectMapper.class, com.fasterxml.jackson.annotation.JsonProperty.class);

  @Test
  void readsTheEventIntoTheHandlersTypeWithAJacksonOfItsOwn() throws Exception {
    List<Path> jars = new java.util.ArrayList<>();
    for (Class<?> c : JACKSON) jars.add(jarOf(c));
    byte[] json = "{\"version\": \"2.0\", \"rawPath\": \"/access_codes/create\", \"ROUTEKEY\": \"POST /access_codes/create\", \"unknown\": 1}"
        .getBytes(StandardCharsets.UTF_8);

    Object event = EventReader.readApart(json, APIGatewayV2HTTPEvent.class, jars);

    assertThat(event).isInstanceOf(APIGatewayV2HTTPEvent.class); // the handler's own class, not a copy
    assertThat(((APIGatewayV2HTTPEvent) event).getRawPath()).isEqualTo("/access_codes/create");
    assertThat(((APIGatewayV2HTTPEvent) event).getRouteKey()).as("read case-insensitively").isEqualTo("POST /access_codes/create");
  }

  @Test
  void refusesToReadWithTheFunctionsJackson() {
    assertThatThrownBy(() -> EventReader.readApart("{}".getBytes(StandardCharsets.UTF_8), APIGatewayV2HTTPEvent.class, List.of()))
        .hasMessageContaining("jackson-core");
  }
}
