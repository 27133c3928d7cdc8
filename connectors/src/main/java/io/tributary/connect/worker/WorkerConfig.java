package io.tributary.connect.worker;

import io.tributary.config.DidYouMean;
import io.tributary.config.ZooKeeperAuth;
import io.tributary.config.DidYouMean.Match;
import io.tributary.connect.PipelineException;
import io.tributary.connect.ValidationError;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A worker's settings, from a small {@code key=value} (or {@code key: value}) file. Every problem names the
 * file, line and key, as pipeline files do.
 *
 * @param pipelines pipeline files, and directories whose {@code *.yaml}/{@code *.yml} files are pipelines,
 *     submitted to the cluster when the worker starts
 */
public record WorkerConfig(
    String workerId, String zookeeperConnect, String clusterName, List<Path> pipelines, long sessionTimeoutMs,
    long statusIntervalMs, Path workDir, ZooKeeperAuth zookeeperAuth) {

  /** One key of the file: name, default (null = computed or none) and meaning; docs/connect-workers.md lists them. */
  public record Key(String name, String defaultValue, String description) {}

  public static final Key WORKER_ID = new Key("worker.id", null,
      "Name of this worker, unique in the cluster (default: the host name). A restarted worker should keep it.");
  public static final Key ZOOKEEPER_CONNECT = new Key("zookeeper.connect", "127.0.0.1:2181",
      "ZooKeeper of the worker cluster: host:port[,host:port...][/chroot].");
  public static final Key CLUSTER_NAME = new Key("cluster.name", "default",
      "Workers with the same ZooKeeper and cluster name form one cluster (state under /tributary/connect/<name>).");
  public static final Key PIPELINES = new Key("pipelines", null,
      "Pipeline files or directories (their *.yaml, *.yml), comma-separated, relative to this file; submitted to the "
          + "cluster when the worker starts (as `connect submit` does). Optional.");
  public static final Key SESSION_TIMEOUT = new Key("zookeeper.session.timeout.ms", "15000",
      "ZooKeeper session timeout: how long a silent worker keeps its pipelines before they move to another.");
  public static final Key STATUS_INTERVAL = new Key("status.interval.ms", "2000",
      "How often the worker publishes its pipelines' metrics for `connect status`.");
  public static final Key WORK_DIR = new Key("work.dir", null,
      "Local directory for the worker's copies of pipeline files (default: <tmp>/tributary-connect-<worker.id>).");

  public static final Key ZOOKEEPER_SET_ACL = new Key(ZooKeeperAuth.SET_ACL, "false", ZooKeeperAuth.SET_ACL_DOC);
  public static final Key ZOOKEEPER_AUTH_DIGEST = new Key(ZooKeeperAuth.AUTH_DIGEST, null, ZooKeeperAuth.AUTH_DIGEST_DOC);

  public static final List<Key> KEYS = List.of(WORKER_ID, ZOOKEEPER_CONNECT, CLUSTER_NAME, PIPELINES, SESSION_TIMEOUT,
      STATUS_INTERVAL, WORK_DIR, ZOOKEEPER_SET_ACL, ZOOKEEPER_AUTH_DIGEST);

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  /** The most edits a misspelt key may have for a suggestion. */
  private static final int MAX_SUGGESTION_DISTANCE = 3;

  /** Reads and checks {@code file}. */
  public static WorkerConfig load(Path file) throws PipelineException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PipelineException(List.of(new ValidationError(file, 0, 0, null,
          "cannot read the worker config (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")")));
    }
    return parse(file, text);
  }

  /** Checks {@code text} as if read from {@code file} (which names errors and anchors relative paths). */
  public static WorkerConfig parse(Path file, String text) throws PipelineException {
    Properties props = new Properties();
    try {
      props.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new PipelineException(List.of(new ValidationError(file, 0, 0, null, "unreadable: " + e.getMessage())));
    }
    Map<String, Integer> lines = keyLines(text);
    List<ValidationError> errors = new ArrayList<>();
    List<String> known = KEYS.stream().map(Key::name).toList();
    for (String key : props.stringPropertyNames()) {
      if (!known.contains(key)) {
        Match near = DidYouMean.nearest(key, known).orElseThrow();
        errors.add(new ValidationError(file, lines.getOrDefault(key, 0), 0, key, "unknown key"
            + (near.distance() <= MAX_SUGGESTION_DISTANCE ? " (did you mean '" + near.name() + "'?)"
                : "; known keys: " + String.join(", ", known))));
      }
    }
    Path base = file.toAbsolutePath().getParent();
    String id = props.getProperty(WORKER_ID.name(), "").trim();
    if (id.isEmpty()) {
      id = hostName();
    } else if (!ID.matcher(id).matches()) {
      errors.add(new ValidationError(file, lines.getOrDefault(WORKER_ID.name(), 0), 0, WORKER_ID.name(),
          "'" + id + "' is not a worker name: 1 to 128 of A-Z a-z 0-9 . _ -"));
    }
    String zk = value(props, ZOOKEEPER_CONNECT);
    if (zk.isEmpty() || zk.contains(" ")) {
      errors.add(new ValidationError(file, lines.getOrDefault(ZOOKEEPER_CONNECT.name(), 0), 0,
          ZOOKEEPER_CONNECT.name(), "expected host:port[,host:port...][/chroot], got '" + zk + "'"));
    }
    String cluster = value(props, CLUSTER_NAME);
    if (!ID.matcher(cluster).matches()) {
      errors.add(new ValidationError(file, lines.getOrDefault(CLUSTER_NAME.name(), 0), 0, CLUSTER_NAME.name(),
          "'" + cluster + "' is not a cluster name: 1 to 128 of A-Z a-z 0-9 . _ -"));
    }
    List<Path> pipelines = new ArrayList<>();
    for (String p : props.getProperty(PIPELINES.name(), "").split(",")) {
      if (!p.isBlank()) {
        Path path = base.resolve(p.trim()).normalize();
        if (!Files.exists(path)) {
          errors.add(new ValidationError(file, lines.getOrDefault(PIPELINES.name(), 0), 0, PIPELINES.name(),
              "'" + p.trim() + "' does not exist (" + path + ")"));
        }
        pipelines.add(path);
      }
    }
    long session = number(props, SESSION_TIMEOUT, 1000, 600_000, file, lines, errors);
    long status = number(props, STATUS_INTERVAL, 100, 600_000, file, lines, errors);
    String dir = props.getProperty(WORK_DIR.name(), "").trim();
    Path workDir = dir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "tributary-connect-" + id)
        : base.resolve(dir).normalize();
    ZooKeeperAuth zkAuth = ZooKeeperAuth.NONE;
    try {
      zkAuth = ZooKeeperAuth.of(value(props, ZOOKEEPER_SET_ACL),
          props.getProperty(ZOOKEEPER_AUTH_DIGEST.name(), ""));
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().startsWith(ZooKeeperAuth.AUTH_DIGEST) ? ZooKeeperAuth.AUTH_DIGEST : ZooKeeperAuth.SET_ACL;
      errors.add(new ValidationError(file, lines.getOrDefault(key, 0), 0, key, e.getMessage()));
    }
    if (!errors.isEmpty()) {
      errors.sort(Comparator.comparingInt(ValidationError::line));
      throw new PipelineException(errors);
    }
    return new WorkerConfig(id, zk, cluster, List.copyOf(pipelines), session, status, workDir, zkAuth);
  }

  private static String value(Properties props, Key key) {
    return props.getProperty(key.name(), key.defaultValue()).trim();
  }

  private static long number(Properties props, Key key, long min, long max, Path file, Map<String, Integer> lines,
      List<ValidationError> errors) {
    String text = value(props, key);
    try {
      long v = Long.parseLong(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new ValidationError(file, lines.getOrDefault(key.name(), 0), 0, key.name(),
        "expected a whole number from " + min + " to " + max + ", got '" + text + "'"));
    return 0;
  }

  /** The line each key is on (first occurrence), for messages. */
  private static Map<String, Integer> keyLines(String text) {
    Map<String, Integer> out = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith("!")) {
        continue;
      }
      String key = l.split("[=:\\s]", 2)[0];
      out.putIfAbsent(key, i + 1);
    }
    return out;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
    } catch (IOException e) {
      return "worker";
    }
  }
}
