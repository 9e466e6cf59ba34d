package dev.snooze.local.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The link against a loopback echo server, with plain sockets as any client library uses them. */
class TcpLinkTest {
  private ServerSocket echo;
  private Thread echoThread;
  private TcpLink link;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread = new Thread(this::serveEcho, "echo");
    echoThread.setDaemon(true);
    echoThread.start();
    link = TcpLink.to("127.0.0.1:" + echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    link.close();
    echo.close();
  }

  /** Echoes each connection's bytes back, then ends its side when the client ends its own. */
  private void serveEcho() {
    while (!echo.isClosed()) {
      try {
        Socket socket = echo.accept();
        Thread worker = new Thread(() -> {
          try (socket) {
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
          } catch (IOException e) {
            // The link reset it: that is what the tests do.
          }
        });
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private Socket connect() throws IOException {
    return connect(link);
  }

  private static Socket connect(TcpLink to) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(to.host().split(":")[1])), 2_000);
    socket.setSoTimeout(5_000);
    return socket;
  }

  @Test
  void bytesPassBothWaysUnchangedAndAnEndIsPassedOn() throws IOException {
    byte[] sent = new byte[200_000];
    new Random(7).nextBytes(sent);
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(sent);
      socket.shutdownOutput();
      byte[] received = socket.getInputStream().readAllBytes();
      assertThat(received).isEqualTo(sent);
    }
    assertThat(link.forwarded()).isEqualTo(1);
    assertThat(link.resets()).isZero();
  }

  @Test
  void aCutResetsOpenConnectionsAndEveryNewOneUntilRestored() throws IOException {
    try (Socket open = connect()) {
      roundTrip(open, "before");

      link.cut();

      assertThat(link.isCut()).isTrue();
      assertThatThrownBy(() -> roundTrip(open, "during")).isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
    // The reset may come as soon as the connect or only on the first read.
    assertThatThrownBy(() -> {
      try (Socket refused = connect()) {
        roundTrip(refused, "new");
      }
    }).isInstanceOf(SocketException.class);
    assertThat(link.resets()).isEqualTo(2);

    link.restore();

    try (Socket again = connect()) {
      roundTrip(again, "after");
    }
    assertThat(link.forwarded()).isEqualTo(2);
  }

  @Test
  void aServerThatIsDownLooksReset() throws IOException {
    try (RefusedPort down = RefusedPort.hold(); TcpLink toDown = TcpLink.to(down.host())) {
      assertThatThrownBy(() -> {
        try (Socket socket = connect(toDown)) {
          roundTrip(socket, "anyone?");
        }
      }).isInstanceOf(SocketException.class);
      assertThat(toDown.forwarded()).isZero();
    }
  }

  @Test
  void aLinkToNothingResetsUntilRetargetedThenForwardsToTheNewServer() throws IOException {
    try (TcpLink front = TcpLink.toNothing()) {
      assertThatThrownBy(() -> {
        try (Socket socket = connect(front)) {
          roundTrip(socket, "anyone?");
        }
      }).isInstanceOf(SocketException.class);
      assertThat(front.resets()).isEqualTo(1);

      front.retarget("127.0.0.1:" + echo.getLocalPort());
      try (Socket socket = connect(front)) {
        roundTrip(socket, "there you are");
      }
      assertThat(front.forwarded()).isEqualTo(1);

      front.retarget(null);
      assertThatThrownBy(() -> {
        try (Socket socket = connect(front)) {
          roundTrip(socket, "gone again?");
        }
      }).isInstanceOf(SocketException.class);
      assertThat(front.forwarded()).isEqualTo(1);
    }
  }

  @Test
  void aTargetThatIsNotHostAndPortIsRefused() {
    assertThatThrownBy(() -> TcpLink.to("localhost")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> TcpLink.to("localhost:http")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HOST:PORT");
  }

  /** Writes a line and reads its echo; a reset surfaces on the write or the read. */
  private static void roundTrip(Socket socket, String text) throws IOException {
    byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(line);
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    byte[] echoed = in.readNBytes(line.length);
    if (echoed.length < line.length) {
      throw new SocketException("connection ended: reset or closed after " + echoed.length + " bytes");
    }
    assertThat(new String(echoed, StandardCharsets.UTF_8)).isEqualTo(text + "\n");
  }
}
