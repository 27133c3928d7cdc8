package io.tributary.spark.testing;

import io.tributary.spark.lake.LakeSession;
import org.apache.spark.sql.SparkSession;

/** One local SparkSession for every test class of this JVM (a session costs seconds; Spark allows one context). */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session = LakeSession.configure(SparkSession.builder()
              .master("local[2]")
              .appName("spark-jobs-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2"))
          .getOrCreate();
      session.sparkContext().setLogLevel(System.getProperty("sparkLog", "WARN"));
      if (System.getProperty("profileJobs") != null) {
        java.util.Map<Integer, Long> starts = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<Integer, String> names = new java.util.concurrent.ConcurrentHashMap<>();
        session.sparkContext().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
            starts.put(e.jobId(), e.time());
            names.put(e.jobId(), String.valueOf(e.properties().getProperty("callSite.short")));
          }

          @Override
          public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd e) {
            System.out.println("PROFILE job " + e.jobId() + " " + (e.time() - starts.getOrDefault(e.jobId(), e.time()))
                + " ms " + names.get(e.jobId()));
          }
        });
      }
    }
    return session;
  }
}
