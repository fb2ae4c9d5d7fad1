package org.sparklossreport.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparklossreport.testing.SparkTest;

/** The test-only fault injection: off by default; when on, it fails or delays as documented. */
@SparkTest
class FaultInjectionTest {
  private final SparkSession spark;

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
  void theFirstAttemptOfEvenPartitionsFails() {
    spark.conf().set(FaultInjection.FAIL_FIRST_ATTEMPT, "true");
    // local[2]: one attempt per task (spark.task.maxFailures is 1 in local mode), so the job fails.
    Dataset<Row> df = FaultInjection.input(spark, spark.range(0, 10, 1, 2).toDF());
    SparkException e = assertThrows(SparkException.class, df::count);
    assertTrue(String.valueOf(e.getMessage()).contains("test fault injection"), e.getMessage());
  }

  @Test
  void aDelayPassesTheRowsThroughUnchanged() {
    spark.conf().set(FaultInjection.SCAN_DELAY_MS, "1");
    Dataset<Row> df = spark.range(0, 100, 1, 3).toDF();
    Dataset<Row> slow = FaultInjection.input(spark, df);
    assertEquals(df.collectAsList(), slow.collectAsList());
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
