package dev.snooze.local.emulators;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** The two Google emulators the local cloud runs, and what each needs to be launched and probed. */
public enum Emulator {
  PUBSUB(
      "Pub/Sub",
      "PUBSUB_EMULATOR_HOST",
      Path.of("platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator"),
      "pubsub-emulator",
      "google-cloud-cli-pubsub-emulator"),
  FIRESTORE(
      "Firestore",
      "FIRESTORE_EMULATOR_HOST",
      Path.of("platform", "cloud-firestore-emulator", "cloud_firestore_emulator"),
      "cloud-firestore",
      "google-cloud-cli-firestore-emulator");

  private final String displayName;
  private final String hostEnvVar;
  private final Path launcher;
  private final String component;
  private final String debianPackage;

  Emulator(String displayName, String hostEnvVar, Path launcher, String component, String debianPackage) {
    this.displayName = displayName;
    this.hostEnvVar = hostEnvVar;
    this.launcher = launcher;
    this.component = component;
    this.debianPackage = debianPackage;
  }

  public String displayName() {
    return displayName;
  }

  /** The variable the client libraries (and users) read to find a running emulator. */
  public String hostEnvVar() {
    return hostEnvVar;
  }

  /** The launcher, relative to the Cloud SDK root. */
  public Path launcher() {
    return launcher;
  }

  public String component() {
    return component;
  }

  public String debianPackage() {
    return debianPackage;
  }

  /**
   * The launcher's own arguments. Measured on this kind of machine (5 runs each, to first HTTP
   * answer, medians): the launchers directly take 2.0 s (Pub/Sub) and 2.6 s (Firestore); through
   * {@code gcloud [beta] emulators ... start} 3.1 s and 3.5 s, because gcloud first boots its
   * own Python before it starts the same launcher. So the launchers are run directly.
   */
  List<String> command(Path launcherPath, int port) {
    String exe = launcherPath.toString();
    return switch (this) {
      case PUBSUB -> List.of(exe, "--host=127.0.0.1", "--port=" + port);
      case FIRESTORE -> List.of(exe, "start", "--host=127.0.0.1", "--port=" + port);
    };
  }

  /** The line the emulator logs once it has bound its port (and only then). */
  Pattern listening() {
    return switch (this) {
      case PUBSUB -> Pattern.compile("Server started, listening on \\d+");
      case FIRESTORE -> Pattern.compile("Dev App Server is now running");
    };
  }

  /** A path that answers 200 once the emulator serves requests. */
  String probePath(String project) {
    return switch (this) {
      // The REST surface shares the gRPC port; listing topics needs no prior state.
      case PUBSUB -> "/v1/projects/" + project + "/topics";
      // The Firestore emulator answers "Ok" on its root once it is up.
      case FIRESTORE -> "/";
    };
  }
}
