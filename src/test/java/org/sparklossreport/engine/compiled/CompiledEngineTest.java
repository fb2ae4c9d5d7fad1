package org.sparklossreport.engine.compiled;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.state.StateStruct;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SameResults;
import org.sparklossreport.testing.SparkTest;

/**
 * The compiled engine gives what the public Aggregator gives, line for line: every scalar loss, with and
 * without weights, on rows that are null, NaN, infinite, out of each loss's domain or of negative weight,
 * with keys whose first rows are invalid and a key that only some partitions hold (so Catalyst merges
 * empty and non-empty partial buffers), and on labels of mean 1e6 for r2.
 */
@SparkTest
public class CompiledEngineTest {
  public static final List<String> SCALAR_LOSSES = List.of("mse", "rmse", "mae", "r2", "huber(delta=1.5)", "log_cosh",
      "quantile(tau=0.9)", "mape", "mse_gradient", "msle(label=count,prediction=rate)",
      "poisson(label=count,prediction=rate)", "binary_cross_entropy(label=clicked,prediction=p_click)",
      "binary_cross_entropy(label=clicked,prediction=logit,from_logits=true,label_smoothing=0.1)",
      "binary_focal_cross_entropy(label=clicked,prediction=logit,from_logits=true)",
      "hinge(label=clicked,prediction=logit)", "squared_hinge(label=clicked,prediction=logit)",
      "log_loss(label=clicked,prediction=p_click)", "cross_entropy(label=clicked,prediction=p_click)",
      "sparse(prediction=logit)", "sparse(prediction=logit,reduction=mean)",
      "r2(label=big,prediction=big_hat)", "mse(label=big,prediction=big_hat,reduction=sum)");

  /** 4,000 rows in 5 partitions; about one row in 15 is invalid for some reason. */
  public static Dataset<Row> table(SparkSession spark) {
    Column id = col("id");
    return spark.range(0, 4000, 1, 5)
        .withColumn("key", when(id.geq(3000).and(id.mod(5).equalTo(0)), 7).otherwise(id.mod(7)).cast("int"))
        .withColumn("label", when(id.mod(97).equalTo(0), lit(null))
            .when(id.mod(89).equalTo(0), lit(Double.NaN))
            .when(id.mod(83).equalTo(0), lit(Double.POSITIVE_INFINITY))
            .otherwise(lit(10).plus(sin(id).multiply(3))).cast("double"))
        .withColumn("prediction", col("label").plus(cos(id)))
        .withColumn("weight", when(id.mod(71).equalTo(0), -1.0).when(id.mod(79).equalTo(0), lit(null))
            .otherwise(lit(0.5).plus(id.mod(5).divide(4))).cast("double"))
        .withColumn("clicked", when(id.mod(61).equalTo(0), 2).when(id.mod(3).equalTo(0), 1).otherwise(0))
        .withColumn("p_click", when(id.mod(67).equalTo(0), 1.3).otherwise(id.mod(10).plus(0.5).divide(10)))
        .withColumn("logit", sin(id.multiply(0.7)).multiply(3))
        .withColumn("count", id.mod(6).cast("int"))
        .withColumn("rate", when(id.mod(53).equalTo(0), -2.0).otherwise(lit(0.5).plus(id.mod(4))))
        .withColumn("big", lit(1e6).plus(sin(id.multiply(1.3))))
        .withColumn("big_hat", col("big").plus(cos(id).multiply(0.3)));
  }

  @ParameterizedTest(name = "weight column: {0}")
  @ValueSource(strings = {"", "weight"})
  void compiledEngineEqualsTheAggregatorOnEveryScalarLoss(String weight, SparkSession spark) {
    Dataset<Row> df = table(spark);
    Map<String, List<LossResult>> compiled = results(spark, df, weight, "compiled");
    Map<String, List<LossResult>> aggregator = results(spark, df, weight, "aggregator");
    assertEquals(8, compiled.size(), "keys 0..7");
    long invalid = SameResults.assertSameResults(aggregator, compiled);
    assertTrue(invalid > 1000, "the table exercises the row checks: " + invalid + " invalid (row, loss) pairs");
  }

  @Test
  void compiledStatesDoNotDependOnThePartitioning(SparkSession spark) {
    Dataset<Row> df = table(spark);
    Map<String, List<LossResult>> one = results(spark, df.coalesce(1), "", "compiled");
    Map<String, List<LossResult>> many = results(spark, df.repartition(9, col("id")), "", "compiled");
    for (String key : one.keySet()) {
      for (int i = 0; i < one.get(key).size(); i++) {
        LossResult a = one.get(key).get(i);
        LossResult b = many.get(key).get(i);
        assertEquals(a.rows(), b.rows());
        if (a.value() != null) {
          Approx.assertClose(a.value(), b.value(), 1e-13, 1e-15, "key " + key + ", " + a.loss());
        }
      }
    }
  }

  @Test
  void r2OfLabelsWithMeanOneMillionKeepsItsDigits(SparkSession spark) {
    // labels 1e6 + (i − 500)/1000 and predictions off by ±0.001: SS_tot and SS_res in closed form
    int n = 1000;
    Dataset<Row> df = spark.range(0, n, 1, 4).withColumn("key", lit(1))
        .withColumn("label", expr("1e6D + (id - 500) / 1000D"))
        .withColumn("prediction", expr("label + if(id % 2 = 0, 0.001D, -0.001D)"));
    List<LossResult> r = results(spark, df, "", "compiled", List.of("r2")).get("1");
    double ssTot = 0;
    for (int i = 0; i < n; i++) {
      double d = (i - 500) / 1000.0 - (n - 1 - 1000) / 2.0 / 1000.0; // minus the mean, −0.0005
      ssTot += d * d;
    }
    double ssRes = n * 1e-6;
    Approx.assertClose(1 - ssRes / ssTot, r.get(0).value(), 1e-9, 0, "r2 at mean 1e6");
  }

  private static Map<String, List<LossResult>> results(SparkSession spark, Dataset<Row> df, String weight,
      String engine) {
    return results(spark, df, weight, engine, SCALAR_LOSSES);
  }

  /** The key states of {@code losses} on {@code engine}, by key (as text), finished. */
  public static Map<String, List<LossResult>> results(SparkSession spark, Dataset<Row> df, String weight,
      String engine, List<String> losses) {
    spark.conf().set(ReportPlan.ENGINE_CONF, engine);
    try {
      JobSpec spec = new JobSpec("in", null, "parquet", null, null, null, null, "label", "prediction",
          weight.isEmpty() ? null : weight, List.of("key"), losses, "out", "parquet", WriteMode.OVERWRITE,
          InvalidPolicy.SKIP, null, Map.of());
      ReportPlan plan = ReportPlan.of(spec, df.schema());
      Map<String, List<LossResult>> out = new TreeMap<>();
      for (Row r : plan.aggregate(df).collectAsList()) {
        out.put(String.valueOf(r.get(0)), plan.set().results(StateStruct.fromRow(r.getStruct(1))));
      }
      return out;
    } finally {
      spark.conf().unset(ReportPlan.ENGINE_CONF);
    }
  }
}
