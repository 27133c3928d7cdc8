package io.tributary.registry.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The URL of a registry that is not there: a port just freed on 127.0.0.1, so a call is refused at once. */
final class DeadRegistry {
  private DeadRegistry() {}

  static String url() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
