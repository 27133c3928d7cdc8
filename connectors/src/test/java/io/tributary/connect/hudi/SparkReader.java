package io.tributary.connect.hudi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads Hudi tables back with stock Spark (local mode) and the Hudi Spark bundle, as a user would. One
 * SparkSession for the whole test JVM: starting one costs seconds.
 */
final class SparkReader {
  private static SparkSession spark;

  private SparkReader() {}

  static synchronized SparkSession spark() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("tributary-connectors-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          .config("spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar")
          .config("spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
    }
    return spark;
  }

  /** A snapshot read of the table at {@code path} (file:// or hdfs://). */
  static Dataset<Row> read(String path) {
    return spark().read().format("hudi").load(path);
  }

  /** key -> seq of every row of a snapshot read, failing on a key seen twice. */
  static Map<String, Long> seqByKey(String path, String keyField, String seqField) {
    List<Row> rows = read(path).select(keyField, seqField).collectAsList();
    Map<String, Long> out = new HashMap<>(rows.size() * 2);
    for (Row r : rows) {
      Long previous = out.put(r.getString(0), r.getLong(1));
      if (previous != null) {
        throw new AssertionError("key " + r.getString(0) + " appears twice in " + path + " (seq " + previous
            + " and " + r.getLong(1) + ")");
      }
    }
    return out;
  }
}
