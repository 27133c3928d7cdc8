package io.tributary.connect.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.connect.worker.ClusterLayout.Assignment;
import io.tributary.connect.worker.ClusterLayout.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * What {@code connect status} shows, read from the cluster's ZooKeeper nodes: the live workers and leader, and
 * per pipeline its owner (the owner node, the only authority on who runs it), state and metrics (as that owner
 * last published them).
 */
public record ClusterStatus(List<String> workers, String leader, List<Row> pipelines) {

  /**
   * One pipeline. {@code state}: RUNNING, STOPPING, FAILED, FINISHED as the owner reports; STARTING (owned, no
   * report yet); WAITING (assigned to {@code assignedTo}, whose previous owner has not let go yet); UNASSIGNED
   * (no live worker).
   */
  public record Row(String pipeline, Optional<String> owner, String state, Optional<String> assignedTo,
      Optional<TaskStatus> status) {}

  static final List<String> HEADERS =
      List.of("PIPELINE", "OWNER", "STATE", "RECORDS IN", "RECORDS OUT", "DEAD-LETTERED", "LAG", "LAST COMMIT");
  private static final boolean[] RIGHT = {false, false, false, true, true, true, true, false};
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  /** Reads the cluster's state. */
  public static ClusterStatus read(CuratorFramework zk) throws Exception {
    List<String> workers = new ArrayList<>(new TreeSet<>(children(zk, ClusterLayout.WORKERS)));
    Assignment assignment = data(zk, ClusterLayout.ASSIGNMENT)
        .map(b -> ClusterLayout.fromJson(b, Assignment.class, ClusterLayout.ASSIGNMENT)).orElse(null);
    Map<String, String> assigned = assignment == null ? Map.of() : assignment.pipelines();
    List<Row> rows = new ArrayList<>();
    for (String p : new TreeSet<>(children(zk, ClusterLayout.PIPELINES))) {
      Optional<String> owner = data(zk, ClusterLayout.owner(p)).map(b -> new String(b, StandardCharsets.UTF_8));
      Optional<TaskStatus> status = data(zk, ClusterLayout.status(p))
          .map(b -> ClusterLayout.fromJson(b, TaskStatus.class, ClusterLayout.status(p)))
          .filter(s -> owner.isPresent() && s.worker().equals(owner.get()));
      Optional<String> to = Optional.ofNullable(assigned.get(p)).filter(workers::contains);
      String state = status.map(TaskStatus::state)
          .orElse(owner.isPresent() ? "STARTING" : to.isPresent() ? "WAITING" : "UNASSIGNED");
      rows.add(new Row(p, owner, state, to, status));
    }
    String leader = assignment == null || !workers.contains(assignment.leader()) ? null : assignment.leader();
    return new ClusterStatus(workers, leader, rows);
  }

  /** The table, with a line on the workers above it and the errors of failed pipelines below. */
  public String render(long nowMillis) {
    StringBuilder sb = new StringBuilder();
    sb.append(workers.size()).append(workers.size() == 1 ? " worker" : " workers");
    if (!workers.isEmpty()) {
      sb.append(": ");
      for (int i = 0; i < workers.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(workers.get(i)).append(workers.get(i).equals(leader) ? " (leader)" : "");
      }
    }
    sb.append('\n');
    if (pipelines.isEmpty()) {
      return sb.append("no pipelines (submit one: tributary connect submit PIPELINE.yaml)\n").toString();
    }
    List<List<String>> cells = new ArrayList<>();
    for (Row r : pipelines) {
      Optional<TaskStatus> s = r.status();
      cells.add(List.of(r.pipeline(), r.owner().orElse("-"),
          r.state().equals("WAITING") ? "WAITING (" + r.assignedTo().get() + ")" : r.state(),
          s.map(x -> Long.toString(x.recordsIn())).orElse("-"),
          s.map(x -> Long.toString(x.recordsOut())).orElse("-"),
          s.map(x -> Long.toString(x.deadLettered())).orElse("-"),
          s.map(TaskStatus::lag).map(String::valueOf).orElse("-"),
          s.map(TaskStatus::lastCommitMillis).map(t -> TIME.format(Instant.ofEpochMilli(t)) + " ("
              + Math.max(0, (nowMillis - t) / 1000) + " s ago)").orElse("-")));
    }
    sb.append(StatusTable.render(HEADERS, cells, RIGHT));
    for (Row r : pipelines) {
      r.status().filter(s -> s.error() != null).ifPresent(s -> sb.append(r.pipeline()).append(": ")
          .append(s.state()).append(": ").append(s.error()).append('\n'));
    }
    return sb.toString();
  }

  /**
   * The same as JSON, for scripts ({@code connect status --format json}): the workers, the leader, and per
   * pipeline its owner, state and the counters its owner last published (null where the table shows "-").
   */
  public ObjectNode toJson() {
    ObjectNode o = ClusterLayout.JSON.createObjectNode();
    ArrayNode w = o.putArray("workers");
    workers.forEach(w::add);
    o.put("leader", leader);
    ArrayNode ps = o.putArray("pipelines");
    for (Row r : pipelines) {
      ObjectNode p = ps.addObject();
      p.put("pipeline", r.pipeline());
      p.put("owner", r.owner().orElse(null));
      p.put("state", r.state());
      p.put("assignedTo", r.assignedTo().orElse(null));
      Optional<TaskStatus> s = r.status();
      p.put("recordsIn", s.map(TaskStatus::recordsIn).orElse(null));
      p.put("recordsOut", s.map(TaskStatus::recordsOut).orElse(null));
      p.put("deadLettered", s.map(TaskStatus::deadLettered).orElse(null));
      p.put("lag", s.map(TaskStatus::lag).orElse(null));
      p.put("lastCommitMillis", s.map(TaskStatus::lastCommitMillis).orElse(null));
      p.put("error", s.map(TaskStatus::error).orElse(null));
    }
    return o;
  }

  private static List<String> children(CuratorFramework zk, String path) throws Exception {
    try {
      return zk.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  private static Optional<byte[]> data(CuratorFramework zk, String path) throws Exception {
    try {
      return Optional.ofNullable(zk.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }
}
