package dev.snooze.local.emulators;

import dev.snooze.local.network.RefusedPort;
import dev.snooze.local.process.HttpProbe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

@ExtendWith(SharedEmulators.class)
@Isolated // it starts emulators that die or never answer, beside the shared ones: nothing else may be using them
class LocalEmulatorsTest {
  private static final String PROJECT = SharedEmulators.PROJECT;

  @Test
  void bothEmulatorsAnswer(LocalEmulators emulators) {
    assertThat(emulators.pubsubHost()).matches("127\\.0\\.0\\.1:\\d+|.+:\\d+");
    assertThat(HttpProbe.answers(emulators.pubsubHost(), "/v1/projects/" + PROJECT + "/topics")).isTrue();
    assertThat(HttpProbe.answers(emulators.firestoreHost(), "/")).isTrue();
  }

  @Test
  void reusesEmulatorsNamedByEnvironmentWithoutOwningThem(LocalEmulators shared) {
    Map<String, String> env = Map.of(
        "PUBSUB_EMULATOR_HOST", shared.pubsubHost(),
        "FIRESTORE_EMULATOR_HOST", shared.firestoreHost(),
        // Proves nothing is launched: there is no SDK here.
        "CLOUDSDK_ROOT_DIR", "/nonexistent");
    LocalEmulators reused = LocalEmulators.start(PROJECT, env);
    assertThat(reused.pubsubHost()).isEqualTo(shared.pubsubHost());
    assertThat(reused.firestoreHost()).isEqualTo(shared.firestoreHost());
    assertThat(reused.startedHere()).isEmpty();

    reused.close();
    assertThat(HttpProbe.answers(shared.pubsubHost(), "/v1/projects/" + PROJECT + "/topics")).isTrue();
    assertThat(HttpProbe.answers(shared.firestoreHost(), "/")).isTrue();
  }

  @Test
  void emulatorHostThatDoesNotAnswerIsAnError() throws IOException {
    try (RefusedPort dead = RefusedPort.hold()) {
      Map<String, String> env = Map.of("PUBSUB_EMULATOR_HOST", dead.host(), "CLOUDSDK_ROOT_DIR", "/nonexistent");
      assertThatThrownBy(() -> LocalEmulators.start(PROJECT, env))
          .isInstanceOf(EmulatorException.class)
          .hasMessageContaining("PUBSUB_EMULATOR_HOST=" + dead.host())
          .hasMessageContaining("no Pub/Sub emulator answers");
    }
    assertThatThrownBy(() -> LocalEmulators.start(PROJECT, Map.of("FIRESTORE_EMULATOR_HOST", "localhost")))
        .hasMessageContaining("HOST:PORT");
  }

  @Test
  void missingEmulatorNamesWhatToInstall(@TempDir Path emptySdk) {
    assertThatThrownBy(() -> LocalEmulators.start(PROJECT, Map.of("CLOUDSDK_ROOT_DIR", emptySdk.toString())))
        .isInstanceOf(EmulatorException.class)
        .hasMessageContaining("not installed")
        .hasMessageContaining("gcloud components install pubsub-emulator cloud-firestore")
        .hasMessageContaining("google-cloud-cli-pubsub-emulator")
        .hasMessageContaining("google-cloud-cli-firestore-emulator");
    assertThatThrownBy(() -> LocalEmulators.start(PROJECT, Map.of("PATH", emptySdk.toString())))
        .hasMessageContaining("no gcloud on PATH")
        .hasMessageContaining("gcloud components install pubsub-emulator cloud-firestore");
  }

  @Test
  void sdkRootIsFoundThroughTheGcloudSymlinkOnPath(@TempDir Path dir) throws IOException {
    Path sdkBin = Files.createDirectories(dir.resolve("sdk/bin"));
    Path gcloud = executable(sdkBin.resolve("gcloud"), "#!/bin/sh\n");
    Path usrBin = Files.createDirectories(dir.resolve("usr-bin"));
    Files.createSymbolicLink(usrBin.resolve("gcloud"), gcloud);
    assertThat(CloudSdk.root(Map.of("PATH", "/nowhere:" + usrBin)))
        .contains(dir.resolve("sdk").toRealPath());
  }

  @Test
  void emulatorThatDiesReportsItsLogTail(LocalEmulators shared, @TempDir Path sdk) throws IOException {
    fakeLauncher(sdk, Emulator.FIRESTORE, "#!/bin/sh\necho 'Error: port clash, cannot bind'\nexit 3\n");
    Map<String, String> env = Map.of(
        "CLOUDSDK_ROOT_DIR", sdk.toString(),
        "PUBSUB_EMULATOR_HOST", shared.pubsubHost(),
        LocalEmulators.LOG_DIR_ENV, sdk.resolve("logs").toString());
    assertThatThrownBy(() -> LocalEmulators.start(PROJECT, env))
        .isInstanceOf(EmulatorException.class)
        .hasMessageContaining("Firestore emulator exited with code 3")
        .hasMessageContaining("port clash, cannot bind");
  }

  @Test
  void emulatorThatNeverAnswersTimesOutAndIsStopped(LocalEmulators shared, @TempDir Path sdk) throws IOException {
    Path pidFile = sdk.resolve("child.pid");
    // A launcher that, like Firestore's, forks a child and never serves.
    fakeLauncher(sdk, Emulator.FIRESTORE,
        "#!/bin/sh\necho starting\nsleep 60 &\necho $! > " + pidFile + "\nwait\n");
    Map<String, String> env = Map.of(
        "CLOUDSDK_ROOT_DIR", sdk.toString(),
        "PUBSUB_EMULATOR_HOST", shared.pubsubHost(),
        LocalEmulators.LOG_DIR_ENV, sdk.resolve("logs").toString());
    assertThatThrownBy(() -> LocalEmulators.start(PROJECT, env, Duration.ofSeconds(2)))
        .isInstanceOf(EmulatorException.class)
        .hasMessageContaining("did not answer")
        .hasMessageContaining("within 2000 ms")
        .hasMessageContaining("starting");
    long child = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(child).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void closeStopsTheWholeTreeAndFreesThePort(LocalEmulators shared) {
    // Only Firestore is started afresh: its launcher is the script that forks a JVM child,
    // the case where killing the launcher alone would leak.
    LocalEmulators own = LocalEmulators.start(PROJECT, Map.of(
        "PATH", System.getenv("PATH"),
        "PUBSUB_EMULATOR_HOST", shared.pubsubHost()));
    assertThat(own.startedHere()).containsExactly(Emulator.FIRESTORE);
    List<ProcessHandle> tree = own.processTree();
    assertThat(tree).hasSizeGreaterThanOrEqualTo(2);
    String host = own.firestoreHost();
    assertThat(HttpProbe.answers(host, "/")).isTrue();

    own.close();

    assertThat(tree).noneMatch(ProcessHandle::isAlive);
    assertThat(portOpen(host)).isFalse();
    own.close(); // idempotent
  }

  private static boolean portOpen(String host) {
    String[] parts = host.split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void fakeLauncher(Path sdk, Emulator emulator, String script) throws IOException {
    Path launcher = sdk.resolve(emulator.launcher());
    Files.createDirectories(launcher.getParent());
    executable(launcher, script);
  }

  private static Path executable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
