package dev.snooze.local;

import dev.snooze.local.console.Console;
import dev.snooze.local.console.ConsoleOptions;
import dev.snooze.logging.JsonLog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar snooze-local.jar [--text | --json | --help]}: runs the local stack until Ctrl-C
 * (or SIGTERM), then stops every part, emulator processes included.
 */
public final class Main {
  private static final JsonLog LOG = JsonLog.forComponent("local-stack");

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ConsoleOptions options;
    try {
      options = ConsoleOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(Usage.text());
      return;
    }
    Console console = Console.open(options);
    long startedAt = System.nanoTime();
    LocalStack stack;
    try {
      stack = LocalStack.start(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("the local stack could not start", "error", e);
      System.err.println("Snooze's local stack could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      console.stopping();
      stack.close();
      stopped.countDown();
    }, "snooze-local-shutdown"));
    console.ready(new Console.Ready(stack.endpoints(), Duration.ofNanos(System.nanoTime() - startedAt),
        stack.settings().idleTimeout(), stack.logDir(), stack.knobs()));
    stack.followLogs(console::logged);
    stopped.await();
  }
}
