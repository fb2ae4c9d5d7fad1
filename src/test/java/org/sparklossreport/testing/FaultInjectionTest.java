package org.sparklossreport.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
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

/**
 * The test-only fault injection: the settings a test passes install what each fault needs; its task-end
 * hook fails or delays the input-scan tasks only; the slow commit protocol writes what Spark's does; its
 * jar holds its classes and nothing else.
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
    spark.conf().unset(FaultInjection.COMMIT_PROTOCOL);
  }

  @Test
  void eachFaultsSettingsInstallWhatItNeeds() {
    Path jar = Path.of("/x/fault-injection.jar");
    List<String> classPath = List.of("spark.driver.extraClassPath=" + jar, "spark.executor.extraClassPath=" + jar);
    assertEquals(FaultInjection.Plugin.class.getName(), FaultInjection.PLUGIN);
    List<String> scan = FaultInjection.sparkConf(jar, Map.of(FaultInjection.FAIL_FIRST_ATTEMPT, "true"));
    assertTrue(scan.containsAll(classPath), scan.toString());
    assertTrue(scan.contains("spark.plugins=" + FaultInjection.PLUGIN), scan.toString());
    assertTrue(scan.contains(FaultInjection.FAIL_FIRST_ATTEMPT + "=true"), scan.toString());
    assertFalse(scan.stream().anyMatch(c -> c.startsWith(FaultInjection.COMMIT_PROTOCOL)), scan.toString());

    List<String> write = FaultInjection.sparkConf(jar, Map.of(FaultInjection.WRITE_DELAY_MS, "600000"));
    assertTrue(write.containsAll(classPath), write.toString());
    assertTrue(write.contains(FaultInjection.COMMIT_PROTOCOL + "="
        + FaultInjection.SlowCommitProtocol.class.getName()), write.toString());
    assertFalse(write.stream().anyMatch(c -> c.startsWith("spark.plugins=")), write.toString());
    assertThrows(IllegalArgumentException.class, () -> FaultInjection.sparkConf(jar, Map.of("spark.x", "1")));
  }

  @Test
  void theJarHoldsTheFaultInjectionClassesOnly() throws Exception {
    Path jar = FaultInjection.jar(tmp.resolve("jar"));
    List<String> entries;
    try (JarFile j = new JarFile(jar.toFile())) {
      entries = j.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).sorted().toList();
    }
    assertTrue(entries.contains("org/sparklossreport/testing/FaultInjection.class"), entries.toString());
    assertTrue(entries.contains("org/sparklossreport/testing/FaultInjection$Plugin.class"), entries.toString());
    assertTrue(entries.contains("org/sparklossreport/testing/FaultInjection$SlowCommitProtocol.class"),
        entries.toString());
    assertTrue(entries.stream().allMatch(n -> n.startsWith("org/sparklossreport/testing/FaultInjection")),
        entries.toString());
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
    // Off by default: the hooked scan aggregates as any other.
    assertEquals(3, hooked.groupBy("k").count().collectAsList().size());
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
  void theSlowCommitProtocolWritesWhatSparksDoes() {
    spark.conf().set(FaultInjection.COMMIT_PROTOCOL, FaultInjection.SlowCommitProtocol.class.getName());
    spark.conf().set(FaultInjection.WRITE_DELAY_MS, "1");
    Path out = tmp.resolve("out");
    spark.range(0, 20, 1, 2).toDF().write().parquet(out.toString());
    assertEquals(20, spark.read().parquet(out.toString()).count());
    assertTrue(out.resolve("_SUCCESS").toFile().isFile());
  }

  @Test
  void aBadDelayIsTheTestsMistake() {
    assertEquals(5, FaultInjection.millis(" 5 ", FaultInjection.SCAN_DELAY_MS));
    assertEquals(0, FaultInjection.millis(null, FaultInjection.SCAN_DELAY_MS));
    assertThrows(IllegalArgumentException.class, () -> FaultInjection.millis("soon", FaultInjection.SCAN_DELAY_MS));
    assertThrows(IllegalArgumentException.class, () -> FaultInjection.millis("-1", FaultInjection.WRITE_DELAY_MS));
  }
}
