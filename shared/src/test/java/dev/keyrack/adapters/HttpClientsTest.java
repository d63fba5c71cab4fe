package dev.keyrack.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

class HttpClientsTest {
  @Test
  void urlConnectionIsTheDefault() {
    for (String choice : new String[] {null, "", " ", "urlconnection", "UrlConnection"}) {
      try (SdkHttpClient c = HttpClients.create(choice)) {
        assertThat(c).as("choice %s", choice).isInstanceOf(UrlConnectionHttpClient.class);
      }
    }
  }

  @Test
  void anUnknownChoiceNamesTheVariableAndTheChoices() {
    assertThatThrownBy(() -> HttpClients.create("netty")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(AwsWiring.HTTP_CLIENT).hasMessageContaining("urlconnection").hasMessageContaining("crt");
  }
}
