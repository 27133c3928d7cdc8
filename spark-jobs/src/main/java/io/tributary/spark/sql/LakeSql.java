package io.tributary.spark.sql;

import io.tributary.spark.JobException;
import io.tributary.spark.lake.CommitLedger;
import io.tributary.spark.sql.LakeCatalog.TableRef;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL over lake tables registered by name for one query. Snapshot mode registers each table in the
 * session catalog over its location ({@code CREATE TABLE ... USING hudi LOCATION}), which is what gives
 * {@code TIMESTAMP AS OF} (time travel) and Hudi's table-valued functions and procedures. Incremental mode
 * ({@code since}) instead registers each name as a view of Hudi's incremental query: the records written by
 * commits completed after that instant.
 */
public final class LakeSql {
  private LakeSql() {}

  /** Registers {@code tables} and plans {@code query}; Spark's AnalysisException for a bad query. */
  public static Dataset<Row> query(SparkSession spark, List<TableRef> tables, String since, String query) {
    for (TableRef t : tables) {
      if (!CommitLedger.exists(spark.sparkContext().hadoopConfiguration(), t.uri())) {
        throw new JobException("table '" + t.name() + "' (" + t.definedBy() + "): no Hudi table at " + t.uri());
      }
      if (since == null) {
        // the session may outlive one query (tests, notebooks): a name always means its latest location
        spark.catalog().dropTempView(t.name());
        spark.sql("DROP TABLE IF EXISTS `" + t.name() + "`");
        spark.sql("CREATE TABLE `" + t.name() + "` USING hudi LOCATION '" + t.uri().replace("'", "\\'") + "'");
      } else {
        spark.read().format("hudi")
            .option("hoodie.datasource.query.type", "incremental")
            .option("hoodie.datasource.read.begin.instanttime", since)
            .load(t.uri())
            .createOrReplaceTempView(t.name());
      }
    }
    return spark.sql(query);
  }
}
