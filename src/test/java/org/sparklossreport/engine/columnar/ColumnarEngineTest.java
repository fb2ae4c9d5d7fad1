package org.sparklossreport.engine.columnar;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.SameResults.assertSameResults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.compiled.CompiledEngineTest;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.state.StateStruct;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SparkTest;

/**
 * The columnar engine gives what the public Aggregator gives, line for line, on Parquet input: every
 * scalar loss, with and without weights, on the rows of {@link CompiledEngineTest#table} (null, NaN,
 * infinite, out-of-domain and negatively weighted rows); for keys of every kind (none, int, negative and
 * large longs, strings, several columns, null keys); past the number of keys a partition holds; and it is
 * picked only where Spark reads the input as column batches.
 */
@SparkTest
class ColumnarEngineTest {

  private static Dataset<Row> parquet(SparkSession spark, Dataset<Row> df, Path dir) {
    String path = dir.resolve("in.parquet").toString();
    df.write().mode("overwrite").parquet(path);
    return spark.read().parquet(path);
  }

  @ParameterizedTest(name = "weight column: {0}")
  @ValueSource(strings = {"", "weight"})
  void columnarEngineEqualsTheAggregatorOnEveryScalarLoss(String weight, SparkSession spark, @TempDir Path tmp) {
    Dataset<Row> df = parquet(spark, CompiledEngineTest.table(spark), tmp);
    Map<String, List<LossResult>> columnar = CompiledEngineTest.results(spark, df, weight, "columnar",
        CompiledEngineTest.SCALAR_LOSSES);
    Map<String, List<LossResult>> aggregator = CompiledEngineTest.results(spark, df, weight, "aggregator",
        CompiledEngineTest.SCALAR_LOSSES);
    assertEquals(8, columnar.size(), "keys 0..7");
    long invalid = assertSameResults(aggregator, columnar);
    assertTrue(invalid > 1000, "the table exercises the row checks: " + invalid + " invalid (row, loss) pairs");
  }

  @Test
  void orcInputIsReadInBatchesToo(SparkSession spark, @TempDir Path tmp) {
    String path = tmp.resolve("in.orc").toString();
    CompiledEngineTest.table(spark).write().orc(path);
    Dataset<Row> df = spark.read().orc(path);
    List<String> losses = List.of("mse", "r2", "huber(delta=1.5)", "log_loss(label=clicked,prediction=p_click)");
    assertEquals("columnar", plan(df, List.of("key"), losses).engine("auto", df).name());
    assertSameResults(CompiledEngineTest.results(spark, df, "weight", "aggregator", losses),
        CompiledEngineTest.results(spark, df, "weight", "columnar", losses));
  }

  @Test
  void partitionDirectoriesAreKeysToo(SparkSession spark, @TempDir Path tmp) {
    // date=.../segment=... directories: Spark's reader gives their values as constant columns of each batch
    String path = tmp.resolve("by-dir").toString();
    CompiledEngineTest.table(spark)
        .withColumn("date", org.apache.spark.sql.functions.expr("date_add(DATE'2026-11-01', CAST(key % 3 AS INT))"))
        .withColumn("segment", concat(lit("s"), col("key").cast("string")))
        .write().partitionBy("date", "segment").parquet(path);
    Dataset<Row> df = spark.read().parquet(path);
    List<String> losses = List.of("mse", "r2", "log_loss(label=clicked,prediction=p_click)");
    for (List<String> keys : List.of(List.of("date"), List.of("date", "segment"), List.of("segment", "key"))) {
      assertEquals("columnar", plan(df, keys, losses).engine("auto", df).name(), keys.toString());
      Map<String, List<LossResult>> columnar = byKeys(spark, df, keys, "columnar", losses);
      assertEquals(keys.equals(List.of("date")) ? 3 : 8, columnar.size(), keys.toString());
      assertSameResults(byKeys(spark, df, keys, "aggregator", losses), columnar);
    }
  }

  @ParameterizedTest(name = "keys: {0}")
  @ValueSource(strings = {"", "key", "big_key", "name", "key,name", "maybe"})
  void keysOfEveryKindGiveTheAggregatorsStates(String keys, SparkSession spark, @TempDir Path tmp) {
    Dataset<Row> table = CompiledEngineTest.table(spark)
        .withColumn("big_key", col("key").cast("long").multiply(-4_000_000_000_000L).plus(1)) // hashed
        .withColumn("name", concat(lit("segment-"), col("key").cast("string")))
        .withColumn("maybe", when(col("key").equalTo(3), lit(null)).otherwise(col("key")));
    Dataset<Row> df = parquet(spark, table, tmp);
    List<String> keyList = keys.isEmpty() ? List.of() : List.of(keys.split(","));
    List<String> losses = List.of("mse", "r2", "log_loss(label=clicked,prediction=p_click)");
    Map<String, List<LossResult>> columnar = byKeys(spark, df, keyList, "columnar", losses);
    assertEquals(keyList.isEmpty() ? 1 : 8, columnar.size(), "distinct keys");
    assertSameResults(byKeys(spark, df, keyList, "aggregator", losses), columnar);
  }

  @Test
  void morePartitionKeysThanAPartitionHoldsAreEmittedAndMerged(SparkSession spark, @TempDir Path tmp) {
    int keys = 6000; // past 1,000 keys the states are emitted before each batch: merged from several
    Dataset<Row> table = spark.range(0, 2L * keys, 1, 1)
        .withColumn("key", col("id").mod(keys))
        .withColumn("label", col("id").cast("double").divide(1000))
        .withColumn("prediction", col("label").plus(when(col("id").lt(keys), 0.5).otherwise(-0.25)));
    Dataset<Row> df = parquet(spark, table.coalesce(1), tmp);
    spark.conf().set(ColumnarEngine.MAX_KEYS_CONF, "1000");
    Map<String, List<LossResult>> columnar;
    try {
      columnar = byKeys(spark, df, List.of("key"), "columnar", List.of("mae"));
    } finally {
      spark.conf().unset(ColumnarEngine.MAX_KEYS_CONF);
    }
    assertEquals(keys, columnar.size());
    for (List<LossResult> r : columnar.values()) {
      assertEquals(2, r.get(0).rows(), "each key's two rows, whichever emission they fell in");
      Approx.assertClose(0.375, r.get(0).value(), 1e-12, 0, "mae");
    }
  }

  @Test
  void floatKeysGroupAsSparkGroupsThem(SparkSession spark, @TempDir Path tmp) {
    // 0.0 and −0.0 are one key, every NaN is one key (Spark's grouping normalizes them), here spread
    // over three files, so that the merge gets each key's partial states from several partitions
    Dataset<Row> table = spark.range(0, 600, 1, 3)
        .withColumn("score", expr("CASE id % 4 WHEN 0 THEN 0.0D WHEN 1 THEN -0.0D WHEN 2 THEN CAST('NaN' AS DOUBLE)"
            + " ELSE 1.5D END"))
        .withColumn("label", col("id").cast("double").divide(100))
        .withColumn("prediction", col("label").plus(0.25));
    Dataset<Row> df = parquet(spark, table, tmp);
    List<String> losses = List.of("mse", "mae");
    assertEquals("columnar", plan(df, List.of("score"), losses).engine("auto", df).name());
    Map<String, List<LossResult>> columnar = byKeys(spark, df, List.of("score"), "columnar", losses);
    assertEquals(Set.of("0.0", "NaN", "1.5"), columnar.keySet());
    assertEquals(300, columnar.get("0.0").get(0).rows(), "0.0 and -0.0 together");
    assertSameResults(byKeys(spark, df, List.of("score"), "aggregator", losses), columnar);
  }

  @Test
  void statesDoNotDependOnHowTheFilesAreSplit(SparkSession spark, @TempDir Path tmp) {
    Dataset<Row> one = parquet(spark, CompiledEngineTest.table(spark).coalesce(1), tmp.resolve("one"));
    Dataset<Row> many = parquet(spark, CompiledEngineTest.table(spark).repartition(9, col("id")), tmp.resolve("many"));
    Map<String, List<LossResult>> a = CompiledEngineTest.results(spark, one, "weight", "columnar",
        CompiledEngineTest.SCALAR_LOSSES);
    Map<String, List<LossResult>> b = CompiledEngineTest.results(spark, many, "weight", "columnar",
        CompiledEngineTest.SCALAR_LOSSES);
    assertSameResults(a, b);
  }

  @Test
  void autoPicksTheColumnarEngineOnlyWhereSparkReadsBatches(SparkSession spark, @TempDir Path tmp) {
    Dataset<Row> df = parquet(spark, CompiledEngineTest.table(spark), tmp);
    ReportPlan scalar = plan(df, List.of("key"), List.of("mse", "r2"));
    assertEquals("columnar", scalar.engine("auto", df).name());
    Dataset<Row> filtered = df.where(col("id").gt(10));
    assertEquals("compiled", scalar.engine("auto", filtered).name(), "a filter between the scan and the losses");
    Dataset<Row> inMemory = CompiledEngineTest.table(spark);
    assertEquals("compiled", scalar.engine("auto", inMemory).name(), "rows computed by Spark, not scanned");
    UsageException e = assertThrows(UsageException.class, () -> scalar.engine("columnar", filtered).name());
    assertTrue(e.getMessage().contains("spark.lossreport.engine=columnar") && e.getMessage().contains("--where"),
        e.getMessage());
    Dataset<Row> manyKeys = parquet(spark, spark.range(0, 70_000, 1, 1).withColumn("key", col("id").mod(20_000))
        .withColumn("label", col("id").cast("double")).withColumn("prediction", lit(1.0)), tmp.resolve("many"));
    assertEquals("columnar", plan(manyKeys, List.of("key"), List.of("mse")).engine("auto", manyKeys).name(),
        "many keys per partition: still columnar, no sample of the keys");
    assertEquals("columnar", plan(manyKeys, List.of(), List.of("mse")).engine("auto", manyKeys).name(),
        "no keys");
    assertEquals("columnar", plan(manyKeys, List.of("key"), List.of("mse")).engine("columnar", manyKeys).name(),
        "set explicitly");
    Dataset<Row> vectors = df.withColumn("probs", array(col("p_click"), lit(1).minus(col("p_click"))))
        .withColumn("onehot", array(col("clicked").cast("double"), lit(1).minus(col("clicked")).cast("double")));
    ReportPlan vector = plan(vectors, List.of("key"), List.of("cross_entropy(label=onehot,prediction=probs)"));
    assertEquals("compiled", vector.engine("auto", vectors).name(), "a loss of vectors");
  }

  private static ReportPlan plan(Dataset<Row> df, List<String> keys, List<String> losses) {
    JobSpec spec = new JobSpec("in", null, "parquet", null, null, null, null, "label", "prediction", null, keys, losses,
        "out", "parquet", WriteMode.OVERWRITE, InvalidPolicy.SKIP, null, Map.of());
    return ReportPlan.of(spec, df.schema());
  }

  /** Finished key states by the key values (joined as text). */
  private static Map<String, List<LossResult>> byKeys(SparkSession spark, Dataset<Row> df, List<String> keys,
      String engine, List<String> losses) {
    spark.conf().set(ReportPlan.ENGINE_CONF, engine);
    try {
      ReportPlan plan = plan(df, keys, losses);
      Map<String, List<LossResult>> out = new TreeMap<>();
      for (Row r : plan.aggregate(df).collectAsList()) {
        List<Object> key = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
          key.add(r.get(i));
        }
        String k = key.stream().map(String::valueOf).collect(Collectors.joining("|"));
        assertTrue(out.put(k, plan.set().results(StateStruct.fromRow(r.getStruct(keys.size())))) == null,
            "one state per key: " + k);
      }
      return out;
    } finally {
      spark.conf().unset(ReportPlan.ENGINE_CONF);
    }
  }
}
