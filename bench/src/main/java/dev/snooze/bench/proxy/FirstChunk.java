package dev.snooze.bench.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Time to the first body byte of a streamed (chunked) answer whose backend sends its first chunk
 * at once and then waits: what a user sees as the first token's delay, less the model's own.
 * Measured on a plain socket, from writing the request on an open connection to reading the
 * first byte of chunk data, so that no client library's buffering is in the figure.
 */
final class FirstChunk {
  private FirstChunk() {}

  /**
   * Milliseconds to the first data byte, per target, each request on a fresh connection. The
   * targets take turns, request by request, so that a busy moment of the machine falls on all of
   * them alike.
   */
  static Map<String, List<Double>> measure(Map<String, Integer> ports, String path, int requests) {
    Map<String, List<Double>> millis = new LinkedHashMap<>();
    for (int i = 0; i < requests; i++) {
      ports.forEach((target, port) -> millis.computeIfAbsent(target, k -> new ArrayList<>()).add(once(port, path)));
    }
    return millis;
  }

  private static double once(int port, String path) {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      out.write(request);
      out.flush();
      readFirstDataByte(in);
      return (System.nanoTime() - start) / 1e6;
    } catch (IOException e) {
      throw new UncheckedIOException("first-chunk request to port " + port + " failed", e);
    }
  }

  /** Reads the head, then the first chunk-size line, then one byte of chunk data. */
  private static void readFirstDataByte(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) next(in));
    }
    String status = head.substring(0, head.indexOf("\r\n"));
    if (!status.contains(" 200")) {
      throw new IOException("expected 200, got " + status);
    }
    if (!head.toString().toLowerCase().contains("transfer-encoding: chunked")) {
      throw new IOException("the answer is not chunked:\n" + head);
    }
    StringBuilder sizeLine = new StringBuilder();
    while (!sizeLine.toString().endsWith("\r\n")) {
      sizeLine.append((char) next(in));
    }
    next(in);
  }

  private static int next(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("connection closed before the first chunk");
    }
    return b;
  }
}
