package dev.snooze.local.emulators;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Cloud SDK root, which holds the emulator launchers. {@code CLOUDSDK_ROOT_DIR} wins
 * (it is also what gcloud itself honours), so that a test or an unusual install can point
 * elsewhere; otherwise the root is derived from {@code gcloud} on PATH, whose Debian symlink
 * /usr/bin/gcloud resolves to ROOT/bin/gcloud.
 */
final class CloudSdk {
  static final String ROOT_ENV = "CLOUDSDK_ROOT_DIR";

  private CloudSdk() {}

  static Optional<Path> root(Map<String, String> env) {
    String override = env.get(ROOT_ENV);
    if (override != null && !override.isBlank()) {
      return Optional.of(Path.of(override));
    }
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path gcloud = Path.of(dir, "gcloud");
      if (Files.isExecutable(gcloud)) {
        try {
          Path real = gcloud.toRealPath();
          Path bin = real.getParent();
          if (bin != null && bin.getParent() != null) {
            return Optional.of(bin.getParent());
          }
        } catch (IOException e) {
          // A dangling symlink is not an SDK; keep looking along PATH.
        }
      }
    }
    return Optional.empty();
  }

  /** The launcher for {@code emulator}, or an exception naming what to install. */
  static Path launcher(Map<String, String> env, Emulator emulator) {
    Optional<Path> root = root(env);
    if (root.isEmpty()) {
      throw new EmulatorException(
          "The " + emulator.displayName() + " emulator is needed but no Google Cloud SDK was found: "
              + "no gcloud on PATH and " + ROOT_ENV + " is not set. " + installHint());
    }
    Path launcher = root.get().resolve(emulator.launcher());
    if (!Files.isExecutable(launcher)) {
      throw new EmulatorException(
          "The " + emulator.displayName() + " emulator is not installed: " + launcher
              + " is missing or not executable (SDK root " + root.get() + "). " + installHint());
    }
    return launcher;
  }

  static String installHint() {
    return "Install the emulators with `gcloud components install pubsub-emulator cloud-firestore` "
        + "or, for a Debian/apt install of the SDK, `apt-get install google-cloud-cli-pubsub-emulator "
        + "google-cloud-cli-firestore-emulator`; or set PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST "
        + "to emulators that are already running.";
  }
}
