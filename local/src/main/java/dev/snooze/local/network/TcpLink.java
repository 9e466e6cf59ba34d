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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP link from a loopback port, held for the link's whole life, to a server that may move or
 * go away: clients connect to the link, never to the server, so the address they were given
 * stays valid and can never be taken by another process.
 *
 * <p>Two uses. A function's stable address in the local stack: its JVM binds a port of its own
 * choosing, the link forwards to it ({@link #retarget}), and while no instance runs every
 * connection is reset, as a crashed instance's would be. A fault between a client and a server
 * (an emulator): the client's bytes pass through unchanged until {@link #cut()}, which resets
 * every open connection and every new one, as a dropped route or a restarting front end does;
 * {@link #restore()} forwards again. Nothing is mocked: the client's own library meets real
 * resets on real sockets.
 */
public final class TcpLink implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.forComponent("tcp-link");
  private static final int BUFFER = 16 * 1024;

  private final ServerSocket listener;
  private volatile InetSocketAddress target;
  private final ExecutorService threads;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong resets = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpLink(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
    this.threads = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "tcp-link-" + listener.getLocalPort());
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
  public static TcpLink to(String targetHost) {
    InetSocketAddress target = address(Objects.requireNonNull(targetHost, "targetHost"));
    TcpLink link = open(target);
    LOG.info("tcp link forwarding", "link", link.host(), "target", targetHost);
    return link;
  }

  /** Holds a free loopback port with nothing behind it yet: every connection is reset until {@link #retarget}. */
  public static TcpLink toNothing() {
    return open(null);
  }

  private static TcpLink open(InetSocketAddress target) {
    try {
      return new TcpLink(target, new ServerSocket(0, 128, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for a link", e);
    }
  }

  private static InetSocketAddress address(String host) {
    if (!GcpNames.HOST_PORT.matcher(host).matches()) {
      throw new IllegalArgumentException("targetHost must be " + GcpNames.HOST_PORT_EXPECTED + ", got \"" + host + "\"");
    }
    int colon = host.lastIndexOf(':');
    return new InetSocketAddress(host.substring(0, colon), Integer.parseInt(host.substring(colon + 1)));
  }

  /**
   * New connections go to {@code targetHost} from now on, or are reset when it is null (the
   * server is gone); open connections are left to end with their server.
   */
  public void retarget(String targetHost) {
    target = targetHost == null ? null : address(targetHost);
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
    InetSocketAddress to = target;
    if (to == null) {
      resets.incrementAndGet();
      resetQuietly(client);
      return;
    }
    Socket server = new Socket();
    try {
      server.connect(to, 5_000);
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
