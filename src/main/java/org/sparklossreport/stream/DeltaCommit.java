package org.sparklossreport.stream;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One idempotent Delta commit of a micro-batch: written with Delta's {@code txnAppId} (the query's id, kept
 * in its checkpoint) and {@code txnVersion} (the batch id), so a batch that runs again after a crash finds
 * its commit already in the table's log and Delta skips the write. Every table a micro-batch writes goes
 * through here.
 *
 * @param appId the streaming query's id (the same across restarts from one checkpoint)
 * @param batchId the micro-batch's id
 */
record DeltaCommit(String appId, long batchId) {

  /** Appends {@code rows} to the Delta table at {@code path} (made if absent), once per batch. */
  void append(Dataset<Row> rows, String path) {
    writer(rows).mode("append").save(path);
  }

  /**
   * Replaces the rows of the Delta table at {@code path} that {@code condition} selects by {@code rows}
   * (each of which it must select), once per batch; a table not there yet is made.
   */
  void replace(Dataset<Row> rows, String path, String condition) {
    replace(rows, path, condition, java.util.Map.of());
  }

  /** {@link #replace(Dataset, String, String)}; a table made here gets the table properties {@code properties}. */
  void replace(Dataset<Row> rows, String path, String condition, java.util.Map<String, String> properties) {
    SparkSession spark = rows.sparkSession();
    DataFrameWriter<Row> w = writer(rows).mode("overwrite").options(properties);
    if (exists(spark, path)) {
      w = w.option("replaceWhere", condition);
    }
    w.save(path);
  }

  private DataFrameWriter<Row> writer(Dataset<Row> rows) {
    return rows.write().format("delta").option("txnAppId", appId).option("txnVersion", batchId);
  }

  /**
   * Whether this batch's commit is already in the Delta table at {@code path}: the batch is a replay after a
   * crash, and Delta skips its write.
   */
  boolean done(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      return false;
    }
    scala.Option<Object> v = org.apache.spark.sql.delta.DeltaLog.forTable(spark, path)
        .update(false, scala.Option.empty(), scala.Option.empty()).transactions().get(appId);
    return v.isDefined() && (Long) v.get() >= batchId;
  }

  /** Whether a Delta table is at {@code path}. */
  static boolean exists(SparkSession spark, String path) {
    try {
      Path log = new Path(path, "_delta_log");
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The Delta table at {@code path}, or null when there is none yet. */
  static Dataset<Row> read(SparkSession spark, String path) {
    return exists(spark, path) ? spark.read().format("delta").load(path) : null;
  }
}
