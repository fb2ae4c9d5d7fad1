package org.sparklossreport.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossState;
import org.sparklossreport.spark.PartitionStates;
import org.sparklossreport.spark.States;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SparkTest;

/**
 * The job's engines of the single pass give the same report lines for every loss of the demo table, per
 * key: {@code partitions} and {@code aggregator} (the public StateAggregator), including when the
 * per-partition key map overflows and flushes partial states; {@code auto} picks {@code compiled} only
 * where it applies (CompiledStatesTest compares that engine).
 */
@SparkTest
class EngineEquivalenceTest {
  private static final List<String> KEYS = List.of("date", "model", "segment");

  @Test
  void enginesAgreeOnEveryLossPerKey(SparkSession spark) {
    Dataset<Row> df = Demo.table(spark, 3000);
    Map<String, List<LossResult>> partitions = results(spark, df, "partitions");
    Map<String, List<LossResult>> aggregator = results(spark, df, "aggregator");
    Map<String, List<LossResult>> auto = results(spark, df, "auto"); // partitions: the table has vector losses
    assertEquals(aggregator.keySet(), partitions.keySet());
    assertEquals(partitions, auto);
    assertEquals(24, partitions.size(), "3 dates × 2 models × 4 segments");
    for (String key : aggregator.keySet()) {
      List<LossResult> a = aggregator.get(key);
      List<LossResult> p = partitions.get(key);
      assertEquals(a.size(), p.size());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i).loss(), p.get(i).loss());
        assertEquals(a.get(i).rows(), p.get(i).rows(), key + " " + a.get(i).loss());
        Approx.assertClose(a.get(i).value(), p.get(i).value(), 1e-13, 0, key + " " + a.get(i).loss());
      }
    }
  }

  @Test
  void overflowingKeyMapFlushesPartialStatesWithoutLosingRows(SparkSession spark) {
    int keys = PartitionStates.MAX_KEYS_IN_MEMORY + 500; // one partition sees more keys than the map holds
    Dataset<Row> df = spark.range(0, keys * 2L, 1, 1).selectExpr("id % " + keys + " as key",
        "cast(id % 7 as double) as label", "cast(id % 5 as double) as prediction");
    JobSpec spec = spec(List.of("key"), List.of("mse", "mae"));
    ReportPlan plan = ReportPlan.of(spec, df.schema());
    spark.conf().set(ReportPlan.ENGINE_CONF, "partitions"); // auto would compile these scalar losses
    LossState overall;
    try {
      Dataset<Row> states = plan.aggregate(df);
      assertEquals(keys, states.count(), "one state per key after merging partial states");
      overall = plan.mergeAll(states);
    } finally {
      spark.conf().unset(ReportPlan.ENGINE_CONF);
    }
    List<LossResult> r = plan.set().results(overall);
    assertEquals(keys * 2L, r.get(0).rows());
    // mse over id = 0..2k-1 of (id%7 - id%5)^2, summed directly
    double sum = 0;
    for (long id = 0; id < keys * 2L; id++) {
      double e = id % 7 - id % 5;
      sum += e * e;
    }
    Approx.assertClose(sum / (keys * 2.0), r.get(0).value(), 1e-12, 0, "mse");
  }

  @Test
  void autoCompilesScalarLossesAndFallsBackForVectors(SparkSession spark) {
    Dataset<Row> df = Demo.table(spark, 10);
    ReportPlan scalar = ReportPlan.of(spec(KEYS, List.of("mse", "r2", "log_loss(label=clicked,prediction=p_click)")),
        df.schema());
    ReportPlan vector = ReportPlan.of(spec(KEYS, List.of("mse", "log_loss(label=class,prediction=probs)")),
        df.schema());
    assertEquals("compiled", scalar.engine("auto", df).name());
    assertEquals("partitions", vector.engine("auto", df).name());
    assertEquals("aggregator", vector.engine("aggregator", df).name());
    UsageException unfit = assertThrows(UsageException.class, () -> vector.engine("compiled", df).name());
    assertTrue(unfit.getMessage().contains("spark.lossreport.engine=compiled")
        && unfit.getMessage().contains("log_loss"), unfit.getMessage());
    UsageException unknown = assertThrows(UsageException.class, () -> scalar.engine("fast", df).name());
    assertTrue(unknown.getMessage().contains("auto, columnar, compiled, partitions or aggregator, got 'fast'"),
        unknown.getMessage());
  }

  private static Map<String, List<LossResult>> results(SparkSession spark, Dataset<Row> df, String engine) {
    spark.conf().set(ReportPlan.ENGINE_CONF, engine);
    try {
      ReportPlan plan = ReportPlan.of(spec(KEYS, Demo.LOSSES), df.schema());
      Map<String, List<LossResult>> out = new java.util.TreeMap<>();
      for (Row r : plan.aggregate(df).collectAsList()) {
        out.put(r.get(0) + "/" + r.get(1) + "/" + r.get(2), plan.set().results(States.fromRow(r.getStruct(3))));
      }
      return out;
    } finally {
      spark.conf().unset(ReportPlan.ENGINE_CONF);
    }
  }

  private static JobSpec spec(List<String> keys, List<String> losses) {
    return new JobSpec("in", null, "parquet", null, null, null, null, "label", "prediction", null,
        keys, losses, "out", "parquet", WriteMode.OVERWRITE, InvalidPolicy.SKIP, null, Map.of());
  }
}
