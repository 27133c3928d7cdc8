package io.tributary.spark.lake;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark settings every Tributary job and lake query needs: Hudi's SQL extension and catalog (time
 * travel, CALL procedures, CREATE TABLE ... USING hudi), Kryo with Hudi's registrar, an in-memory catalog
 * (tables are registered by path per session: no Hive metastore to run) and UTC session time, so that
 * windows and time-travel instants do not depend on the machine's zone.
 */
public final class LakeSession {
  private LakeSession() {}

  /** Adds the settings to {@code builder}; values already given (spark-submit --conf) are overridden. */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    return builder
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar")
        .config("spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.hudi.catalog.HoodieCatalog")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.session.timeZone", "UTC");
  }
}
