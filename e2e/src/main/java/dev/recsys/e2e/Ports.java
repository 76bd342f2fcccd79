package dev.recsys.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the servers the tests and benches start as child processes.
 *
 * <p>A port from {@code bind(0)} lies in the kernel's ephemeral range, which the kernel also gives
 * to outgoing connections as their local port. A child process binds its port seconds after the
 * pick (a JVM starting), and an outgoing connection of any process on the machine may take it in
 * between: the service then exits ("Port … seems to be in use"). So ports are drawn at random from
 * below the ephemeral range, where the kernel never allocates on its own, checked free by binding
 * them, and never handed out twice by one JVM. {@link LocalStack#start()} still starts again on
 * fresh ports if a service finds its port taken.
 */
public final class Ports {
  /** The lowest port drawn: above the registered well-known range most daemons use. */
  static final int LOWEST = 10_000;

  private static final Set<Integer> GIVEN = new HashSet<>();

  private Ports() {
  }

  /** A loopback port nothing listens on, not given before by this JVM. */
  public static synchronized int free() throws IOException {
    int ceiling = ephemeralLow();
    if (ceiling - LOWEST >= 1_000) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, ceiling);
        if (!GIVEN.contains(port) && bindable(port)) {
          GIVEN.add(port);
          return port;
        }
      }
    }
    // a machine whose ephemeral range starts low: take what the kernel gives
    for (int attempt = 0; attempt < 200; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
        if (GIVEN.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
    throw new IOException("no free loopback port found");
  }

  /** The first port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
  static int ephemeralLow() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      // readAllLines, not readString: a /proc file reports size 0 and readString then reads one byte
      return Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException unreadable) {
      return 32_768;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
