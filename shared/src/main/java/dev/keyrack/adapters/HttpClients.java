package dev.keyrack.adapters;

import java.util.Locale;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The synchronous HTTP client under a container's SDK clients, chosen by
 * {@value AwsWiring#HTTP_CLIENT}: {@code urlconnection} (the default) or {@code crt}. The CRT client
 * is only referenced from {@link Crt}, so a package that does not ship it never loads it.
 */
public final class HttpClients {
  public static final String URL_CONNECTION = "urlconnection";
  public static final String CRT = "crt";

  private HttpClients() {}

  /** The client named by {@code choice} (null or blank: url-connection). */
  public static SdkHttpClient create(String choice) {
    String c = choice == null || choice.isBlank() ? URL_CONNECTION : choice.trim().toLowerCase(Locale.ROOT);
    return switch (c) {
      case URL_CONNECTION -> UrlConnectionHttpClient.create();
      case CRT -> Crt.create();
      default -> throw new IllegalStateException(AwsWiring.HTTP_CLIENT + " is '" + choice + "'; use "
          + URL_CONNECTION + " or " + CRT);
    };
  }

  /** Kept apart so that the CRT classes load only when chosen. */
  private static final class Crt {
    static SdkHttpClient create() {
      try {
        return software.amazon.awssdk.http.crt.AwsCrtHttpClient.create();
      } catch (NoClassDefFoundError e) {
        throw new IllegalStateException(AwsWiring.HTTP_CLIENT + "=crt, but this package does not ship "
            + "software.amazon.awssdk:aws-crt-client; add it to the function's pom or use " + URL_CONNECTION, e);
      }
    }
  }
}
