package io.tributary.log.group;

import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link GroupConsumerMain} in its own JVM, and the parsed contents of its output file. */
final class ChildConsumer implements AutoCloseable {
  /** How long a SIGTERMed member may take to leave its group before it is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  final String name;
  final Path output;
  final Path log;
  private final ChildProcess process;

  /** One record as the member read it. */
  record Read(int partition, long offset, String value) {}

  private ChildConsumer(String name, Path output, Path log, ChildProcess process) {
    this.name = name;
    this.output = output;
    this.log = log;
    this.process = process;
  }

  static ChildConsumer start(String name, Path dir, String bootstrap, String group, String topic, int sessionTimeoutMs)
      throws IOException {
    return start(name, dir, bootstrap, group, topic, sessionTimeoutMs, null, null);
  }

  /** With {@code classPath} (null = this JVM's) and a partition assignor class (null = the client's default). */
  static ChildConsumer start(String name, Path dir, String bootstrap, String group, String topic, int sessionTimeoutMs,
      String classPath, String assignor) throws IOException {
    Files.createDirectories(dir);
    Path output = dir.resolve(name + ".out");
    Path log = dir.resolve(name + ".log");
    JvmProcessBuilder builder = JvmProcessBuilder.main(GroupConsumerMain.class.getName()).name(name)
        .jvmArgs("-Xmx128m", "-XX:TieredStopAtLevel=1")
        .args(bootstrap, group, topic, output.toString(), Integer.toString(sessionTimeoutMs)).logFile(log);
    if (classPath != null) {
      builder.classpath(classPath);
    }
    if (assignor != null) {
      builder.args(assignor);
    }
    return new ChildConsumer(name, output, log, builder.start());
  }

  void kill9() throws InterruptedException {
    process.kill9();
  }

  /** SIGTERM: the member closes its consumer (LeaveGroup) and exits. */
  void stop() throws InterruptedException {
    process.stop(STOP_TIMEOUT);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  List<Read> reads() throws IOException {
    List<Read> list = new ArrayList<>();
    if (!Files.exists(output)) {
      return list;
    }
    for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length == 4 && f[0].equals("R")) {
        list.add(new Read(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]));
      }
    }
    return list;
  }

  /** The last offset this member committed per partition (the next offset to read). */
  Map<Integer, Long> lastCommits() throws IOException {
    Map<Integer, Long> map = new HashMap<>();
    if (!Files.exists(output)) {
      return map;
    }
    for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length == 3 && f[0].equals("C")) {
        map.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
      }
    }
    return map;
  }

  long commitFailures() throws IOException {
    return Files.exists(output) ? Files.readAllLines(output).stream().filter(l -> l.startsWith("F ")).count() : 0;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
