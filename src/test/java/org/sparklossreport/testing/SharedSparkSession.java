package org.sparklossreport.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one local SparkSession per test JVM ({@code local[2]}, UI off, 2 shuffle
 * partitions and 2 Delta snapshot partitions, bound to 127.0.0.1, with Delta Lake's extension and the losses' SQL functions), created on first use and stopped when the JVM ends. The
 * scalatest-free counterpart of spark-testing-base's {@code SharedSparkSession}.
 */
public final class SharedSparkSession implements ParameterResolver {
  private static SparkSession session;

  /** The shared session, created on first call. */
  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSession.builder()
          .appName("spark-loss-report-tests")
          .master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.adaptive.enabled", "false")
          // Delta Lake's extension and catalog, as the job sets them for a session it starts (Delta tests
          // read and write real Delta tables); the losses' SQL functions, as a user's session gets them
          // (the sql package's tests call them through SQL text only).
          .config("spark.sql.extensions",
              "io.delta.sql.DeltaSparkSessionExtension,org.sparklossreport.sql.LossReportExtensions")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          // Delta rebuilds a table's state from its log with 50 partitions unless told otherwise: 50 tasks for
          // each read of a test table's few log files. 2, as for the shuffles.
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/slr-test-warehouse")
          .getOrCreate();
      SparkSession s = session;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
    }
    return session;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return get();
  }
}
