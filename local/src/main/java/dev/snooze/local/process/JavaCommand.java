package dev.snooze.local.process;

import com.google.cloud.functions.invoker.runner.Invoker;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line of a child JVM that runs one of Snooze's own programs: on this JVM's
 * classpath (the functions under the Functions Framework's invoker, the frontend), or a function
 * from its deployable jar alone.
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

  /**
   * {@code java <flags> -jar <the invoker's own jar> --classpath functionJar --target target
   * --port port}: a function as Cloud Functions gen2 runs it, from its deployable jar, so that
   * nothing of this JVM's classpath can stand in for a class the jar lacks.
   */
  public static List<String> function(List<String> jvmFlags, Path functionJar, String target, int port) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", invokerJar().toString(),
        "--classpath", functionJar.toAbsolutePath().toString(),
        "--target", target,
        "--port", Integer.toString(port)));
    return command;
  }

  /** The same with the small JVMs' flags of {@link #of}. */
  public static List<String> function(Path functionJar, String target, int port) {
    return function(JVM_FLAGS, functionJar, target, port);
  }

  /** The Functions Framework invoker's jar on this classpath: self-contained, runnable with -jar. */
  public static Path invokerJar() {
    try {
      return Path.of(Invoker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the invoker's jar has no file path", e);
    }
  }

  // The child may not share our working directory's meaning of relative entries (and a jar run
  // with -jar lists only itself: its manifest Class-Path, resolved beside it, brings the rest).
  private static String absoluteClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
