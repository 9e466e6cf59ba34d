package dev.snooze.local.network;

import dev.snooze.config.GcpNames;
import dev.snooze.logging.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP link on loopback between a client and one server (an emulator, a function) that can be
 * cut and restored, so that a test sees how the client lives through a network failure: pointed
 * at the link instead of the server, the client's bytes pass through unchanged until
 * {@link #cut()}, which resets every open connection and every new one, as a dropped route or a
 * restarting front end does; {@link #restore()} forwards again. Nothing is mocked: the client's
 * own library meets real resets on real sockets.
 */
public final class FaultyLink implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("faulty-link");
  private static final int BUFFER = 16 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final ExecutorService threads;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong resets = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile boolean cut;
  private volatile boolean closed;

  private FaultyLink(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
    this.threads = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "faulty-link-" + listener.getLocalPort());
      thread.setDaemon(true);
      return thread;
    });
    threads.execute(this::acceptLoop);
  }

  /**
   * Starts forwarding a free loopback port to {@code targetHost}.
   *
   * @param targetHost "HOST:PORT" of the server, e.g. an emulator's {@code 127.0.0.1:8086}
   */
  public static FaultyLink to(String targetHost) {
    Objects.requireNonNull(targetHost, "targetHost");
    if (!GcpNames.HOST_PORT.matcher(targetHost).matches()) {
      throw new IllegalArgumentException(
          "targetHost must be " + GcpNames.HOST_PORT_EXPECTED + ", got \"" + targetHost + "\"");
    }
    int colon = targetHost.lastIndexOf(':');
    InetSocketAddress target =
        new InetSocketAddress(targetHost.substring(0, colon), Integer.parseInt(targetHost.substring(colon + 1)));
    try {
      ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
      FaultyLink link = new FaultyLink(target, listener);
      LOG.info("faulty link forwarding", "link", link.host(), "target", targetHost);
      return link;
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for a link to " + targetHost, e);
    }
  }

  /** "127.0.0.1:PORT": where clients connect instead of the server. */
  public String host() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Resets every open connection, and every new one until {@link #restore()}. */
  public void cut() {
    cut = true;
    LOG.warning("link cut: resetting every connection", "link", host(), "open", open.size());
    open.forEach(Connection::reset);
  }

  /** Forwards new connections again. */
  public void restore() {
    cut = false;
    LOG.info("link restored", "link", host(), "resets", resets.get());
  }

  public boolean isCut() {
    return cut;
  }

  /** Connections reset so far, open ones cut and new ones refused: proof the fault was met. */
  public long resets() {
    return resets.get();
  }

  /** Connections forwarded to the server so far. */
  public long forwarded() {
    return forwarded.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.error("faulty link stopped accepting", "link", host(), "error", e.toString());
        }
        return;
      }
      if (cut) {
        resets.incrementAndGet();
        resetQuietly(client);
        continue;
      }
      threads.execute(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket server = new Socket();
    try {
      server.connect(target, 5_000);
    } catch (IOException e) {
      // The server itself is down: the client sees the same reset it would see from it.
      resetQuietly(client);
      closeQuietly(server);
      return;
    }
    Connection connection = new Connection(client, server);
    open.add(connection);
    forwarded.incrementAndGet();
    // Registered before checking: a cut racing this connection either sees it or is seen here.
    if (cut) {
      connection.reset();
      return;
    }
    threads.execute(() -> connection.pump(client, server));
    threads.execute(() -> connection.pump(server, client));
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    open.forEach(Connection::close);
    threads.shutdownNow();
  }

  /** One client connection and its own connection to the server, bytes pumped both ways. */
  private final class Connection {
    private final Socket client;
    private final Socket server;
    private int directionsDone; // guarded by this

    Connection(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void pump(Socket from, Socket to) {
      byte[] buffer = new byte[BUFFER];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
        // A clean end of one direction is passed on as such: the other may still be talking.
        to.shutdownOutput();
        finishOne();
      } catch (IOException e) {
        close();
      }
    }

    private void finishOne() {
      boolean both;
      synchronized (this) {
        both = ++directionsDone == 2;
      }
      if (both) {
        close();
      }
    }

    void reset() {
      if (open.remove(this)) {
        resets.incrementAndGet();
      }
      resetQuietly(client);
      resetQuietly(server);
    }

    void close() {
      open.remove(this);
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  /** Closes with SO_LINGER 0: the peer gets a TCP RST, not an orderly end of stream. */
  private static void resetQuietly(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // Already closed: nothing to reset.
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is best effort: the socket is gone either way.
    }
  }
}
