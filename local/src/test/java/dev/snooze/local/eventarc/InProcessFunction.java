package dev.snooze.local.eventarc;

import com.google.cloud.functions.invoker.runner.Invoker;
import dev.snooze.local.process.ChildProcess;
import java.net.BindException;
import java.net.URI;

/**
 * A function run in this JVM by the Functions Framework's invoker. The invoker must be told its
 * port and cannot say which one it bound, so a port found free is tried, and another if something
 * took it in the meantime: the invoker then fails to bind (it never shares a port), so the
 * function answering at {@link #url()} is always this one.
 */
record InProcessFunction(Invoker invoker, int port) implements AutoCloseable {
  private static final int ATTEMPTS = 5;

  static InProcessFunction start(Class<?> function, String signatureType) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = ChildProcess.freePort();
      Invoker invoker = new Invoker(port, function.getName(), signatureType, function.getClassLoader());
      try {
        invoker.startTestServer();
        return new InProcessFunction(invoker, port);
      } catch (Exception e) {
        if (!boundElsewhere(e) || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  @Override
  public void close() throws Exception {
    invoker.stopServer();
  }

  private static boolean boundElsewhere(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
