package io.tributary.spark.lake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Upserts into one Hudi table through Hudi's Spark datasource, with the options worked out once: record
 * key, ordering field, partition path (and the key generator they imply), table type, the job's own
 * {@code table.options}, and per write the entries for the commit's metadata.
 */
public final class HudiWriter {
  private final String path;
  private final Map<String, String> options;

  /**
   * @param precombineField null for none: the last write of a key wins
   * @param partitionPath empty for a table without partitions
   * @param extra user options, applied last
   */
  public HudiWriter(String path, String tableName, String tableType, List<String> recordKey, String precombineField,
      List<String> partitionPath, Map<String, String> extra) {
    this.path = path;
    Map<String, String> o = new LinkedHashMap<>();
    o.put("hoodie.table.name", tableName);
    o.put("hoodie.datasource.write.table.name", tableName);
    o.put("hoodie.datasource.write.table.type", tableType);
    o.put("hoodie.datasource.write.operation", "upsert");
    o.put("hoodie.datasource.write.recordkey.field", String.join(",", recordKey));
    if (precombineField != null) {
      o.put("hoodie.datasource.write.precombine.field", precombineField);
    }
    o.put("hoodie.datasource.write.partitionpath.field", String.join(",", partitionPath));
    o.put("hoodie.datasource.write.keygenerator.class", partitionPath.isEmpty()
        ? "org.apache.hudi.keygen.NonpartitionedKeyGenerator"
        : recordKey.size() == 1 && partitionPath.size() == 1 ? "org.apache.hudi.keygen.SimpleKeyGenerator"
        : "org.apache.hudi.keygen.ComplexKeyGenerator");
    o.put("hoodie.datasource.write.hive_style_partitioning", "true");
    o.put("hoodie.datasource.write.commitmeta.key.prefix", CommitLedger.PREFIX);
    o.putAll(extra);
    this.options = Map.copyOf(o);
  }

  public String path() {
    return path;
  }

  /** One Hudi commit holding {@code rows} and {@code commitMetadata} (keys start with {@link CommitLedger#PREFIX}). */
  public void upsert(Dataset<Row> rows, Map<String, String> commitMetadata) {
    for (String k : commitMetadata.keySet()) {
      if (!k.startsWith(CommitLedger.PREFIX)) {
        throw new IllegalArgumentException("commit metadata key " + k + " lacks the prefix " + CommitLedger.PREFIX);
      }
    }
    rows.write().format("hudi").options(options).options(commitMetadata).mode(SaveMode.Append).save(path);
  }
}
