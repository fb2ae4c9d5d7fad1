package org.sparklossreport.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.columnar.ColumnarEngine;
import org.sparklossreport.engine.compiled.CompiledEngineTest;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.state.StateStruct;
import org.sparklossreport.testing.SameResults;
import org.sparklossreport.testing.SparkTest;

/**
 * Every engine gives what the public Aggregator engine ({@code aggregator}) gives on the same input, line
 * for line: scalar and vector losses, with and without weights, on rows that are invalid for every reason
 * (null inputs and null vector elements, NaN and infinite values, bad weights, out of a loss's domain,
 * vectors of different lengths), for keys of several kinds (none, int, long, string, two columns, null
 * keys), with more keys than a partition holds, on Parquet (columnar batches) and on rows computed by
 * Spark; same counts per reason, values within 1e-13 (relative). And {@link EnginePolicy} picks them.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineEquivalenceTest {
  private static final List<String> SCALAR = List.of("mse", "rmse", "mae", "r2", "huber(delta=1.5)", "mape",
      "mse_gradient", "poisson(label=count,prediction=rate)",
      "log_loss(label=clicked,prediction=p_click)", "sparse(prediction=logit)",
      "multi=0.7*log_loss(label=clicked,prediction=p_click)+0.3*mae(label=count,prediction=rate)");
  private static final List<String> VECTOR = List.of("categorical_cross_entropy(label=onehot,prediction=probs)",
      "cross_entropy(label=onehot,prediction=probs)", "kl_divergence(label=onehot,prediction=probs)",
      "log_loss(label=class,prediction=probs)", "sparse_categorical_cross_entropy(label=class,prediction=probs_f)",
      "autoencoder(label=x,prediction=x_hat)", "sparse(prediction=x_hat)", "mse", "r2");

  private Dataset<Row> parquet;
  private Dataset<Row> rows;

  /**
   * {@link CompiledEngineTest#table} (scalar columns, one row in 15 invalid) with keys of several kinds
   * and vector columns: a class index (sometimes null or out of range), its one-hot label (sometimes null,
   * with a null or NaN element, of another length or with a label out of range), probabilities of four
   * classes (sometimes one above 1, or of three classes; also as {@code array<float>}), and vectors of six
   * reconstructed with an error (sometimes of five, with an infinite element or null).
   */
  static Dataset<Row> table(SparkSession spark) {
    Column id = col("id");
    return CompiledEngineTest.table(spark)
        .withColumn("big_key", col("key").cast("long").multiply(-4_000_000_000_000L).plus(1))
        .withColumn("name", concat(lit("segment-"), col("key").cast("string")))
        .withColumn("maybe", when(col("key").equalTo(3), lit(null)).otherwise(col("key")))
        .withColumn("class", when(id.mod(73).equalTo(0), lit(null)).when(id.mod(59).equalTo(0), lit(5))
            .otherwise(id.mod(4)).cast("int"))
        .withColumn("onehot", when(id.mod(101).equalTo(0), lit(null))
            .when(id.mod(103).equalTo(0), expr("array(1D, CAST(NULL AS DOUBLE), 0D, 0D)"))
            .when(id.mod(107).equalTo(0), expr("array(1D, CAST('NaN' AS DOUBLE), 0D, 0D)"))
            .when(id.mod(109).equalTo(0), expr("array(1D, 0D, 0D)"))
            .when(id.mod(113).equalTo(0), expr("array(1.5D, 0D, 0D, 0D)"))
            .otherwise(expr("transform(sequence(0, 3), k -> if(k = id % 4, 1D, 0D))")))
        .withColumn("scores", expr("transform(sequence(0, 3), k -> sin(id * 0.37 + k) * 2)"))
        .withColumn("probs", when(id.mod(127).equalTo(0), expr("array(1.3D, 0.1D, 0.1D, 0.1D)"))
            .when(id.mod(131).equalTo(0), expr("array(0.5D, 0.25D, 0.25D)"))
            .otherwise(expr("transform(scores, s -> exp(s) / aggregate(scores, 0D, (a, t) -> a + exp(t)))")))
        .withColumn("probs_f", col("probs").cast("array<float>"))
        .withColumn("x", expr("transform(sequence(0, 5), j -> cos(id * 0.11 + j))"))
        .withColumn("x_hat", when(id.mod(137).equalTo(0), expr("array(0D, 0D, 0D, 0D, 0D)"))
            .when(id.mod(139).equalTo(0), expr("array(0D, CAST('Infinity' AS DOUBLE), 0D, 0D, 0D, 0D)"))
            .when(id.mod(149).equalTo(0), lit(null))
            .otherwise(expr("transform(x, (v, j) -> v + 0.1 * sin(id + j))")))
        .drop("scores");
  }

  @BeforeAll
  void tables(SparkSession spark, @TempDir Path tmp) {
    rows = table(spark);
    String path = tmp.resolve("in.parquet").toString();
    rows.write().parquet(path);
    parquet = spark.read().parquet(path);
  }

  private Dataset<Row> input(String kind) {
    return kind.equals("parquet") ? parquet : rows;
  }

  @ParameterizedTest(name = "{0} on {1}, weight ''{2}'', keys {3}")
  @CsvSource({
      "columnar,parquet,,key", "columnar,parquet,weight,key", "columnar,parquet,weight,''",
      "columnar,parquet,,big_key", "columnar,parquet,weight,name", "columnar,parquet,,key;name",
      "columnar,parquet,weight,maybe",
      "compiled,parquet,,key", "compiled,parquet,weight,key", "compiled,rows,weight,''",
      "compiled,rows,,big_key", "compiled,rows,weight,name", "compiled,rows,,key;name", "compiled,rows,weight,maybe",
      "auto,parquet,weight,key", "auto,rows,weight,key"})
  void scalarLossesEqualTheAggregator(String engine, String input, String weight, String keys) {
    compare(engine, input(input), weight, keys, SCALAR);
  }

  @ParameterizedTest(name = "{0} on {1}, weight ''{2}'', keys {3}")
  @CsvSource({
      "columnar,parquet,,key", "columnar,parquet,weight,key", "columnar,parquet,weight,''",
      "columnar,parquet,,big_key", "columnar,parquet,weight,name", "columnar,parquet,,key;name",
      "columnar,parquet,weight,maybe",
      "compiled,parquet,,key", "compiled,parquet,weight,key", "compiled,rows,weight,''",
      "compiled,rows,,big_key", "compiled,parquet,weight,name", "compiled,rows,,key;name",
      "compiled,parquet,weight,maybe", "auto,parquet,weight,key", "auto,rows,,key"})
  void vectorLossesEqualTheAggregator(String engine, String input, String weight, String keys) {
    compare(engine, input(input), weight, keys, VECTOR);
  }

  /** The aggregator's results on the rows (the Parquet copy holds the same values), by case. */
  private final Map<String, Map<String, List<LossResult>>> reference = new java.util.HashMap<>();

  private void compare(String engine, Dataset<Row> df, String weight, String keys, List<String> losses) {
    List<String> keyList = keys == null || keys.isEmpty() ? List.of() : List.of(keys.split(";"));
    Map<String, List<LossResult>> expected = reference.computeIfAbsent(weight + "/" + keyList + "/" + losses,
        k -> results(rows, weight, keyList, "aggregator", losses));
    Map<String, List<LossResult>> actual = results(df, weight, keyList, engine, losses);
    assertEquals(keyList.isEmpty() ? 1 : 8, actual.size(), "distinct keys");
    long invalid = SameResults.assertSameResults(expected, actual);
    assertTrue(invalid > 1000, "the table exercises the row checks: " + invalid + " invalid (row, loss) pairs");
  }

  @Test
  void everyInvalidReasonIsExercised(SparkSession spark) {
    Map<String, List<LossResult>> all = results(rows, "weight", List.of(), "compiled",
        union(SCALAR, VECTOR.subList(0, 7)));
    Set<String> seen = all.values().stream().flatMap(List::stream)
        .flatMap(r -> r.invalidByReason().keySet().stream()).collect(Collectors.toSet());
    for (InvalidReason r : InvalidReason.values()) {
      assertTrue(seen.contains(r.label()), r.label() + " among " + seen);
    }
  }

  /** More keys than a partition holds: the columnar engine emits partial states; Spark's sorts. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"columnar,scalar", "compiled,scalar", "compiled,vector"})
  void moreKeysThanAPartitionHolds(String engine, String kind, SparkSession spark, @TempDir Path tmp) {
    int keys = 6000;
    String path = tmp.resolve("many").toString();
    table(spark).withColumn("key", col("id").mod(keys)).coalesce(1).write().parquet(path);
    Dataset<Row> df = spark.read().parquet(path);
    List<String> losses = kind.equals("scalar") ? SCALAR : VECTOR;
    spark.conf().set(ColumnarEngine.MAX_KEYS_CONF, "1000"); // emitted before each batch past 1,000 keys
    Map<String, List<LossResult>> actual;
    try {
      actual = results(df, "weight", List.of("key"), engine, losses);
    } finally {
      spark.conf().unset(ColumnarEngine.MAX_KEYS_CONF);
    }
    assertEquals(4000, actual.size(), "4,000 rows: one key each");
    SameResults.assertSameResults(results(df, "weight", List.of("key"), "aggregator", losses), actual);
  }

  @Test
  void anInputWithoutRowsGivesOneEmptyStateWithoutKeys(SparkSession spark) {
    Dataset<Row> empty = rows.where("id < 0");
    for (String engine : List.of("compiled", "aggregator")) {
      for (List<String> losses : List.of(SCALAR, VECTOR)) {
        Map<String, List<LossResult>> r = results(empty, "weight", List.of(), engine, losses);
        assertEquals(1, r.size(), engine);
        r.values().iterator().next().forEach(x -> {
          assertEquals(0, x.rows(), engine + " " + x);
          assertNull(x.value(), engine + " " + x);
        });
        assertTrue(results(empty, "weight", List.of("key"), engine, losses).isEmpty(), engine);
      }
    }
  }

  @Test
  void thePolicyPicksColumnarForColumnBatchesElseCompiled(SparkSession spark) {
    ReportPlan scalar = plan(parquet, "", List.of("key"), SCALAR);
    ReportPlan vector = plan(parquet, "", List.of("key"), VECTOR);
    assertEquals("columnar", scalar.engine("auto", parquet).name());
    assertEquals("compiled", scalar.engine("auto", parquet.where("id > 10")).name(), "a filter on the scan");
    assertEquals("compiled", plan(rows, "", List.of("key"), SCALAR).engine("auto", rows).name(), "rows");
    assertEquals("columnar", vector.engine("auto", parquet).name(), "vector losses over column batches");
    assertEquals("compiled", plan(rows, "", List.of("key"), VECTOR).engine("auto", rows).name(), "vector rows");
    assertEquals("compiled", vector.engine("compiled", parquet).name());
    assertEquals("aggregator", vector.engine("aggregator", parquet).name());
    ReportPlan overRows = plan(rows, "", List.of("key"), VECTOR);
    UsageException unfit = assertThrows(UsageException.class, () -> overRows.engine("columnar", rows));
    assertTrue(unfit.getMessage().contains("spark.lossreport.engine=columnar reads column batches")
        && unfit.getMessage().contains("read row by row: use auto or compiled"), unfit.getMessage());
    UsageException unknown = assertThrows(UsageException.class, () -> scalar.engine("partitions", parquet));
    assertTrue(unknown.getMessage().contains(
        "spark.lossreport.engine must be auto, columnar, compiled or aggregator, got 'partitions'"),
        unknown.getMessage());
  }

  private static List<String> union(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    b.stream().filter(x -> !out.contains(x)).forEach(out::add);
    return out;
  }

  private static ReportPlan plan(Dataset<Row> df, String weight, List<String> keys, List<String> losses) {
    JobSpec spec = new JobSpec("in", null, "parquet", null, null, null, null, "label", "prediction",
        weight == null || weight.isEmpty() ? null : weight, keys, losses, "out", "parquet", WriteMode.OVERWRITE,
        InvalidPolicy.SKIP, null, Map.of());
    return ReportPlan.of(spec, df.schema());
  }

  /** The finished key states on {@code engine}, by the key values joined as text (one state per key). */
  static Map<String, List<LossResult>> results(Dataset<Row> df, String weight, List<String> keys, String engine,
      List<String> losses) {
    ReportPlan plan = plan(df, weight, keys, losses);
    Map<String, List<LossResult>> out = new TreeMap<>();
    for (Row r : plan.aggregate(df, plan.engine(engine, df)).collectAsList()) {
      List<String> key = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        key.add(String.valueOf(r.get(i)));
      }
      String k = String.join("|", key);
      assertNull(out.put(k, plan.set().results(StateStruct.fromRow(r.getStruct(keys.size())))), "one state per key: " + k);
    }
    return out;
  }
}
