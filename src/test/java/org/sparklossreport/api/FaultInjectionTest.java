package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.TaskCompletionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.testing.SparkTest;

/**
 * The test-only fault injection: off by default; {@link FaultInjection#input} never changes the input;
 * the scan faults need the plugin, and its task-end hook fails or delays the input-scan tasks only.
 */
@SparkTest
class FaultInjectionTest {
  private final SparkSession spark;
  @TempDir
  Path tmp;

  FaultInjectionTest(SparkSession spark) {
    this.spark = spark;
  }

  @AfterEach
  void unset() {
    spark.conf().unset(FaultInjection.FAIL_FIRST_ATTEMPT);
    spark.conf().unset(FaultInjection.SCAN_DELAY_MS);
    spark.conf().unset(FaultInjection.WRITE_DELAY_MS);
    spark.conf().unset("spark.sql.sources.commitProtocolClass");
  }

  @Test
  void offByDefaultTheInputIsReturnedAsIs() {
    Dataset<Row> df = spark.range(10).toDF();
    assertSame(df, FaultInjection.input(spark, df));
    assertFalse(spark.conf().contains("spark.sql.sources.commitProtocolClass"));
  }

  @Test
  void scanFaultsWithoutThePluginAreAUsageErrorNamingIt() {
    assertEquals(FaultInjection.Plugin.class.getName(), FaultInjection.PLUGIN);
    spark.conf().set(FaultInjection.FAIL_FIRST_ATTEMPT, "true");
    Dataset<Row> df = spark.range(3).toDF();
    UsageException e = assertThrows(UsageException.class, () -> FaultInjection.input(spark, df));
    assertTrue(e.getMessage().contains("spark.plugins=" + FaultInjection.PLUGIN), e.getMessage());
  }

  /** What the plugin's executor side does at the start of each task: hook the task's end. */
  private static final MapPartitionsFunction<Row, Row> HOOK = rows -> {
    TaskContext.get().addTaskCompletionListener((TaskCompletionListener) FaultInjection::atTaskEnd);
    return rows;
  };

  @Test
  void theFirstAttemptOfEvenInputScanPartitionsFailsAndOtherTasksPass() {
    Path in = tmp.resolve("in");
    spark.range(0, 100, 1, 4).toDF().selectExpr("id", "id % 3 as k").write().parquet(in.toString());
    Dataset<Row> hooked = spark.read().parquet(in.toString()).mapPartitions(HOOK,
        Encoders.row(spark.read().parquet(in.toString()).schema()));
    spark.conf().set(FaultInjection.FAIL_FIRST_ATTEMPT, "true");
    // Reading the input without writing shuffle output (not the map side of an aggregation): no fault.
    assertEquals(100, hooked.collectAsList().size());
    // An input scan writing shuffle output: local[2] has one attempt per task (spark.task.maxFailures is
    // 1 in local mode), so the job fails.
    SparkException e = assertThrows(SparkException.class, () -> hooked.groupBy("k").count().collectAsList());
    assertTrue(String.valueOf(e.getMessage()).contains("test fault injection"), e.getMessage());
    spark.conf().unset(FaultInjection.FAIL_FIRST_ATTEMPT);
    assertEquals(3, hooked.groupBy("k").count().collectAsList().size());
  }

  @Test
  void aScanDelayPassesTheRowsThroughUnchanged() {
    Path in = tmp.resolve("in");
    spark.range(0, 100, 1, 3).toDF().selectExpr("id", "id % 3 as k").write().parquet(in.toString());
    Dataset<Row> df = spark.read().parquet(in.toString());
    List<Row> expected = df.groupBy("k").count().orderBy("k").collectAsList();
    spark.conf().set(FaultInjection.SCAN_DELAY_MS, "1");
    assertEquals(expected, df.mapPartitions(HOOK, Encoders.row(df.schema())).groupBy("k").count().orderBy("k")
        .collectAsList());
  }

  @Test
  void aWriteDelaySelectsTheSlowCommitProtocol() {
    spark.conf().set(FaultInjection.WRITE_DELAY_MS, "1");
    Dataset<Row> df = spark.range(3).toDF();
    assertSame(df, FaultInjection.input(spark, df));
    assertEquals(FaultInjection.SlowCommitProtocol.class.getName(),
        spark.conf().get("spark.sql.sources.commitProtocolClass"));
  }

  @Test
  void aBadDelayIsTheUsersMistake() {
    spark.conf().set(FaultInjection.SCAN_DELAY_MS, "soon");
    Dataset<Row> df = spark.range(3).toDF();
    assertThrows(UsageException.class, () -> FaultInjection.input(spark, df));
  }
}
