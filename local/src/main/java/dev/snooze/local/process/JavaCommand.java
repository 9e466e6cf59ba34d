package dev.snooze.local.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line of a child JVM that runs one of Snooze's own programs on this JVM's classpath:
 * the functions under the Functions Framework's invoker, the frontend.
 */
public final class JavaCommand {
  // Small, fast-starting JVMs: each child needs little heap, and the stack starts several at once.
  private static final List<String> JVM_FLAGS =
      List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

  private JavaCommand() {}

  /** {@code java <flags> -cp <this classpath> mainClass args...}. */
  public static List<String> of(String mainClass, String... args) {
    return withFlags(JVM_FLAGS, mainClass, args);
  }

  /** The same with the program's own JVM flags, e.g. those of its production container. */
  public static List<String> withFlags(List<String> jvmFlags, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(absoluteClasspath());
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    return command;
  }

  // The child may not share our working directory's meaning of relative entries (and a jar run
  // with -jar lists only itself: its manifest Class-Path, resolved beside it, brings the rest).
  private static String absoluteClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
