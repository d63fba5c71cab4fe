package dev.keyrack.lambdaroot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrack.adapters.AwsWiring;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.DefaultServiceMetadata;
import software.amazon.awssdk.regions.GeneratedServiceMetadataProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadata;

/**
 * The packages' stand-in for the SDK's table of service metadata answers as the SDK's own class
 * does for every client the functions build, and with the SDK's default for the rest.
 */
class ShadowServiceMetadataTest {

  /** The endpoint prefix of every SDK client AwsWiring builds (its public methods returning one). */
  static List<String> prefixesOfWiredClients() throws ReflectiveOperationException {
    TreeSet<String> prefixes = new TreeSet<>();
    for (Method m : AwsWiring.class.getMethods()) {
      if (SdkClient.class.isAssignableFrom(m.getReturnType())) {
        prefixes.add((String) m.getReturnType().getField("SERVICE_METADATA_ID").get(null));
      }
    }
    return new ArrayList<>(prefixes);
  }

  /** The SDK's own provider, loaded from the regions jar (and the jars it needs) apart from this class path. */
  static Object sdkProvider(ClassLoader[] keep) throws Exception {
    List<URL> jars = new ArrayList<>();
    for (Class<?> c : List.of(ServiceMetadata.class, software.amazon.awssdk.utils.ImmutableMap.class,
        software.amazon.awssdk.profiles.ProfileFile.class, software.amazon.awssdk.annotations.SdkPublicApi.class,
        software.amazon.awssdk.core.client.config.ClientOption.class,
        org.slf4j.Logger.class)) {
      jars.add(c.getProtectionDomain().getCodeSource().getLocation());
    }
    URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    keep[0] = loader;
    Class<?> original = loader.loadClass(GeneratedServiceMetadataProvider.class.getName());
    assertThat(Path.of(original.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()).endsWith(".jar");
    return original.getConstructor().newInstance();
  }

  @Test
  void theStandInIsTheClassTheSdkFindsHere() throws Exception {
    URL from = GeneratedServiceMetadataProvider.class.getProtectionDomain().getCodeSource().getLocation();
    assertThat(from.getPath()).as("the stand-in (target/classes), not the regions jar").doesNotEndWith(".jar");
    assertThat(ServiceMetadata.of("dynamodb").getClass().getSimpleName()).isEqualTo("DynamodbServiceMetadata");
  }

  @Test
  void answersAsTheSdkForEveryClientTheFunctionsBuild() throws Exception {
    List<String> prefixes = prefixesOfWiredClients();
    assertThat(prefixes).as("AwsWiring's clients").containsExactly("dynamodb", "scheduler", "sqs");
    ClassLoader[] keep = new ClassLoader[1];
    Object sdk = sdkProvider(keep);
    Method sdkLookup = sdk.getClass().getMethod("serviceMetadata", String.class);
    Class<?> sdkRegion = keep[0].loadClass(Region.class.getName());
    Method sdkRegionOf = sdkRegion.getMethod("of", String.class);
    GeneratedServiceMetadataProvider standIn = new GeneratedServiceMetadataProvider();
    for (String prefix : prefixes) {
      ServiceMetadata ours = standIn.serviceMetadata(prefix);
      Object theirs = sdkLookup.invoke(sdk, prefix);
      assertThat(ours).as(prefix).isNotNull();
      assertThat(theirs).as(prefix + " in the SDK's table").isNotNull();
      assertThat(ours.getClass().getName()).as(prefix).isEqualTo(theirs.getClass().getName());
      Method regions = theirs.getClass().getMethod("regions");
      assertThat(ours.regions()).as(prefix + " regions").isNotEmpty();
      assertThat(ours.regions().toString()).as(prefix + " regions").isEqualTo(regions.invoke(theirs).toString());
      Method endpointFor = publicMethod(theirs.getClass(), "endpointFor", sdkRegion);
      Method signingRegion = publicMethod(theirs.getClass(), "signingRegion", sdkRegion);
      for (Region region : ours.regions()) {
        Object r = sdkRegionOf.invoke(null, region.id());
        assertThat(ours.endpointFor(region).toString()).as(prefix + " endpoint in " + region)
            .isEqualTo(endpointFor.invoke(theirs, r).toString());
        assertThat(ours.signingRegion(region).id()).as(prefix + " signing region in " + region)
            .isEqualTo(sdkRegion.getMethod("id").invoke(signingRegion.invoke(theirs, r)));
      }
    }
    ((URLClassLoader) keep[0]).close();
  }

  @Test
  void anyOtherServiceGetsTheSdksDefault() {
    assertThat(new GeneratedServiceMetadataProvider().serviceMetadata("s3")).isNull();
    assertThat(ServiceMetadata.of("s3")).isInstanceOf(DefaultServiceMetadata.class);
  }

  @Test
  void givesTheSameObjectEachTime() {
    GeneratedServiceMetadataProvider p = new GeneratedServiceMetadataProvider();
    assertThat(p.serviceMetadata("sqs")).isSameAs(new GeneratedServiceMetadataProvider().serviceMetadata("sqs"));
  }

  private static Method publicMethod(Class<?> type, String name, Class<?> parameter) throws NoSuchMethodException {
    Method m = type.getMethod(name, parameter);
    assertThat(Modifier.isPublic(m.getModifiers())).isTrue();
    return m;
  }
}
