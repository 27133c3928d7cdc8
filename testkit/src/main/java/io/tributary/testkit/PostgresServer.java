package io.tributary.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own for a test: {@code initdb} into a fresh directory, {@code pg_ctl start} with
 * logical replication on a free port of 127.0.0.1, {@code pg_ctl stop} and the directory deleted on close.
 * PostgreSQL refuses to run as root, so as root the commands run as the {@code postgres} user (Debian's
 * package creates it) in a directory it owns.
 */
public final class PostgresServer implements AutoCloseable {
  /** Where Debian's postgresql-15 puts initdb and pg_ctl (.ci/run installs it). */
  static final Path BIN = Path.of(System.getProperty("tributary.test.postgres.bin", "/usr/lib/postgresql/15/bin"));
  static final String USER = "postgres";
  /** Longest a pg_ctl or initdb command may take: a busy CI machine makes initdb slow. */
  static final long COMMAND_TIMEOUT_SECONDS = 180;

  private final Path dir;
  private final int port;

  private PostgresServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Whether PostgreSQL is installed here. */
  public static boolean installed() {
    return Files.isExecutable(BIN.resolve("pg_ctl")) && Files.isExecutable(BIN.resolve("initdb"));
  }

  public static PostgresServer start() throws Exception {
    Path dir = Files.createTempDirectory("tributary-pg-");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
      Files.setOwner(dir, postgres);
    }
    Path data = dir.resolve("data");
    run(root, BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust", "-E", "UTF8",
        "--no-sync");
    int port = freePort();
    run(root, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
        "-w", "-t", String.valueOf(COMMAND_TIMEOUT_SECONDS), "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c wal_level=logical"
            + " -c max_replication_slots=10 -c max_wal_senders=10 -c fsync=off", "start");
    return new PostgresServer(dir, port);
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, "");
  }

  /** The server's log (for a failing test's message). */
  public String log() {
    try {
      return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no server log: " + e + ")";
    }
  }

  private static void run(boolean root, String... command) throws Exception {
    List<String> argv = new ArrayList<>();
    if (root) {
      argv.addAll(List.of("runuser", "-u", USER, "--"));
    }
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", argv) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s:\n" + out);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", argv) + " exited with " + p.exitValue() + ":\n" + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      run(root, BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
          "stop");
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
