package io.tributary.console.lake;

import io.tributary.console.Unavailable;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.hadoop.fs.HadoopFSUtils;

/** One Hudi table read through Hudi's own metadata ({@code HoodieTableMetaClient}): its timeline and schema. */
public final class HudiTimeline {
  /** One instant, newest first: commits, delta commits, compactions, cleans, rollbacks. */
  public record Instant(String instant, String action, String state, String completed, String recordsWritten) {}

  public record Field(String name, String type) {}

  /** Type, record key and ordering fields, the instants and the schema (empty before the first commit). */
  public record Table(String location, String name, String type, String recordKey, String orderingFields,
      List<Instant> instants, List<Field> fields) {
    /** Completed commits (of any kind that writes data). */
    public long commits() {
      return instants.stream().filter(i -> i.state().equals("COMPLETED") && i.recordsWritten() != null).count();
    }

    public String lastCommit() {
      return instants.stream().filter(i -> i.state().equals("COMPLETED")).map(Instant::instant).findFirst().orElse("-");
    }
  }

  private HudiTimeline() {}

  public static Table read(String location) {
    HoodieTableMetaClient meta;
    try {
      meta = HoodieTableMetaClient.builder().setConf(HadoopFSUtils.getStorageConf(new Configuration()))
          .setBasePath(location).setLoadActiveTimelineOnLoad(true).build();
    } catch (RuntimeException e) {
      throw new Unavailable("no Hudi table readable at " + location + ": " + e.getMessage(), e);
    }
    HoodieTimeline timeline = meta.getActiveTimeline();
    List<Instant> instants = new ArrayList<>();
    for (HoodieInstant i : timeline.getReverseOrderedInstants().toList()) {
      instants.add(new Instant(i.requestedTime(), i.getAction(), i.getState().name(),
          i.getCompletionTime() == null ? "-" : i.getCompletionTime(), recordsWritten(timeline, i)));
    }
    List<Field> fields = new ArrayList<>();
    try {
      Schema schema = new TableSchemaResolver(meta).getTableSchema(false).toAvroSchema();
      schema.getFields().forEach(f -> fields.add(new Field(f.name(), f.schema().toString())));
    } catch (Exception e) { // no commit yet: no schema
      fields.clear();
    }
    String recordKey = meta.getTableConfig().getRecordKeyFields().map(k -> String.join(",", k)).orElse("-");
    return new Table(location, meta.getTableConfig().getTableName(), meta.getTableType().name(), recordKey,
        String.join(",", meta.getTableConfig().getOrderingFields()), instants, fields);
  }

  /** Records a completed write commit wrote; null for instants that write no data (clean, rollback) or pending. */
  private static String recordsWritten(HoodieTimeline timeline, HoodieInstant i) {
    boolean writes = i.getAction().equals(HoodieTimeline.COMMIT_ACTION)
        || i.getAction().equals(HoodieTimeline.DELTA_COMMIT_ACTION)
        || i.getAction().equals(HoodieTimeline.REPLACE_COMMIT_ACTION);
    if (!writes || !i.isCompleted()) {
      return null;
    }
    try {
      HoodieCommitMetadata md = timeline.readCommitMetadata(i);
      return Long.toString(md.fetchTotalRecordsWritten());
    } catch (Exception e) {
      return "?";
    }
  }
}
