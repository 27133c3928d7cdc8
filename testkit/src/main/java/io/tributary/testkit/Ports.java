package io.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports of 127.0.0.1 for child processes. */
public final class Ports {
  /** How long one connection attempt of {@link #tcpConnects} may take. */
  static final int CONNECT_TIMEOUT_MS = 500;

  private Ports() {}

  /** A port that was free on 127.0.0.1 a moment ago (the usual small race is accepted). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True if 127.0.0.1:port accepts a TCP connection now. */
  public static boolean tcpConnects(int port) {
    return tcpConnects("127.0.0.1", port);
  }

  /** True if host:port accepts a TCP connection now. */
  public static boolean tcpConnects(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
