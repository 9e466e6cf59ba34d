package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import dev.snooze.local.functions.LocalFunctions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The functions' deployable jar, {@code functions/target/snooze-functions-all.jar} (the reactor
 * packages it before this module's integration tests): what it ships, and Wake, Sleep and Status
 * run from it alone on a local stack. The stack tests run the functions from this module's
 * classpath, which also holds what the frontend and the tests need (grpc-xds among it), so only
 * a run from the jar can meet a class the jar lacks.
 */
@ExtendWith(SharedEmulators.class)
class FunctionsJarIT {
  private static final Path JAR =
      Path.of("..", "functions", "target", "snooze-functions-all.jar").toAbsolutePath().normalize();
  /**
   * The jar is 53 MiB (Dec 2026). 5 MiB more leaves room for ordinary library upgrades, while
   * any block left out of it coming back goes past: other platforms' native libraries +7.3 MiB,
   * grpc-xds and its helpers +9.7 MiB, every CloudEvent type +11.3 MiB (docs/benchmarks.md, P2).
   */
  private static final long MAX_BYTES = 58L << 20;
  private static final String RESIZE = "compute.regionInstanceGroupManagers.resize";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static List<String> entries;

  @BeforeAll
  static void readJar() throws IOException {
    assertThat(JAR).as("build it first: mvn -B package -DskipTests").isRegularFile();
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      entries = jar.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).toList();
    }
  }

  @Test
  void shipsNativeLibrariesForLinuxOnX8664Only() {
    List<String> natives = entries.stream()
        .filter(name -> name.matches(".*\\.(so|dll|dylib|jnilib)"))
        .toList();

    // Cloud Functions gen2 runs Linux on x86-64: a .dll, .dylib or .jnilib, or another
    // architecture's .so, never loads there.
    assertThat(natives).allMatch(name -> name.endsWith(".so") && name.contains("x86_64"),
        "a Linux x86-64 shared library");
    // Netty's own OpenSSL and epoll must stay: without them gRPC falls back to the JDK's TLS and NIO.
    assertThat(natives)
        .anyMatch(name -> name.contains("netty_tcnative_linux_x86_64"))
        .anyMatch(name -> name.contains("netty_transport_native_epoll_x86_64"));
  }

  @Test
  void shipsNeitherXdsNorCloudEventTypesButPubSubs() {
    assertThat(entries).noneMatch(name -> name.startsWith("io/grpc/xds/"));
    assertThat(entries.stream().filter(name -> name.startsWith("com/google/events/")))
        .isNotEmpty()
        .allMatch(name -> name.startsWith("com/google/events/cloud/pubsub/v1/"))
        .contains("com/google/events/cloud/pubsub/v1/MessagePublishedData.class");
  }

  @Test
  void everyServiceProviderItRegistersIsInIt() throws IOException {
    Set<String> classes = Set.copyOf(entries);
    List<String> missing = new ArrayList<>();
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      for (String service : entries.stream().filter(n -> n.startsWith("META-INF/services/")).toList()) {
        for (String provider : providers(jar, service)) {
          if (!classes.contains(provider.replace('.', '/') + ".class")) {
            missing.add(service + ": " + provider);
          }
        }
      }
    }
    // ServiceLoader fails the whole lookup on one missing class: gRPC would find no channel,
    // name resolver or load balancer at all.
    assertThat(missing).isEmpty();
  }

  @Test
  void staysUnderItsSizeBound() throws IOException {
    assertThat(Files.size(JAR))
        .as("%s is %.1f MiB (%d files)", JAR, Files.size(JAR) / 1048576.0, entries.size())
        .isLessThanOrEqualTo(MAX_BYTES);
  }

  @Test
  void wakeSleepAndStatusRunFromItAlone(LocalEmulators emulators) throws Exception {
    String topic = "activity-" + UUID.randomUUID();
    ManagedChannel channel = ManagedChannelBuilder.forTarget(emulators.pubsubHost()).usePlaintext().build();
    try (LocalStack stack = LocalStack.start(TestStacks.env(emulators, Map.of(
        "SNOOZE_OFFERS", TestStacks.ONE_OFFER.get("SNOOZE_OFFERS"),
        "SNOOZE_FUNCTIONS_JAR", JAR.toString(),
        "SNOOZE_EMULATOR_LOG_DIR", Path.of("target", "functions-jar-it-logs").toAbsolutePath().toString(),
        "SNOOZE_TOPIC", topic,
        "SNOOZE_IDLE_TIMEOUT", "6",
        "SNOOZE_SLEEP_CHECK_INTERVAL", "0.5",
        "SNOOZE_SIM_BOOT_TIME", "0.5")))) {
      assertThat(functionJvms()).as("JVMs running a function from the jar").hasSize(3);
      String statusUrl = stack.functions().url(LocalFunctions.Entry.STATUS);
      assertThat(status(statusUrl).get("phase").getAsString()).isEqualTo("ASLEEP");

      TestStacks.publish(channel, topic, "{\"schemaVersion\":1,\"source\":\"functions-jar-it\",\"kind\":\"request\"}");

      // Wake (Firestore over gRPC, Compute over REST) resizes to 1; Sleep, called by the
      // scheduler's ticker, resizes to 0 after the idle timeout; Status reads both throughout.
      // Whether AWAKE is seen in between depends on how fast a cold Wake is on this machine.
      await().atMost(WAIT).until(() -> stack.compute().calls().getOrDefault(RESIZE, 0L) >= 1);
      await().atMost(WAIT).until(() -> status(statusUrl).get("phase").getAsString().equals("ASLEEP"));
      JsonObject asleep = status(statusUrl);
      assertThat(asleep.getAsJsonArray("history").asList())
          .extracting(e -> e.getAsJsonObject().get("kind").getAsString())
          .containsExactly("SLEEP", "WAKE");
      assertThat(asleep.getAsJsonObject("mig").get("targetSize").getAsInt()).isZero();
      assertThat(stack.compute().calls()).containsEntry(RESIZE, 2L);
    } finally {
      channel.shutdownNow();
    }
  }

  private static List<String> providers(ZipFile jar, String service) throws IOException {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(jar.getInputStream(jar.getEntry(service)), StandardCharsets.UTF_8))) {
      return reader.lines()
          .map(line -> line.replaceFirst("#.*", "").strip())
          .filter(line -> !line.isEmpty())
          .toList();
    }
  }

  /** This JVM's descendants whose command line runs the invoker on the jar. */
  private static List<String> functionJvms() {
    return ProcessHandle.current().descendants()
        .map(p -> p.info().arguments().map(Arrays::asList).orElse(List.of()))
        .filter(args -> args.contains("--classpath") && args.contains(JAR.toString()))
        .map(args -> String.join(" ", args))
        .collect(Collectors.toList());
  }

  private static JsonObject status(String statusUrl) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(statusUrl)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }
}
