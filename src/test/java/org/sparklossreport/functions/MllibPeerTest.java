package org.sparklossreport.functions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.SparkTest;

/**
 * A peer check against Spark MLlib's own evaluators on the golden data: {@code RegressionEvaluator}
 * (mse, mae, rmse, r2) and {@code MulticlassClassificationEvaluator} (logLoss, class-index label and a
 * probability {@code Vector}), unweighted and weighted.
 *
 * <p>Tolerance: MLlib sums without compensation (Welford updates for the variance), so on n = 2400 rows
 * its rounding error is up to about n·ε ≈ 5e-13 relative; 1e-11 is well above that and far below any
 * difference of definition.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MllibPeerTest {
  private static final double REL = 1e-11;

  private Dataset<Row> data;

  @BeforeAll
  void load(SparkSession spark) {
    // ML Vector probabilities, and the predicted class (argmax) that the evaluator also reads
    Dataset<Row> df = Golden.dataFrame(spark);
    data = df.withColumn("pvec", org.apache.spark.ml.functions.array_to_vector(col("pv")))
        .withColumn("pred", expr("cast(array_position(pv, array_max(pv)) - 1 as double)"))
        .withColumn("label", col("cls").cast("double"))
        .cache();
  }

  @AfterAll
  void unload() {
    data.unpersist();
  }

  private double ours(String spec, String label, String prediction, String weight) {
    Column c = LossFunctions.column(Losses.parse(spec), data, label, prediction, weight);
    return data.agg(c).first().getDouble(0);
  }

  @ParameterizedTest(name = "{0} weighted={1}")
  @CsvSource({"mse,false", "mse,true", "mae,false", "mae,true", "rmse,false", "rmse,true", "r2,false"})
  void regressionEvaluator(String metric, boolean weighted) {
    RegressionEvaluator ev = new RegressionEvaluator().setLabelCol("y").setPredictionCol("p").setMetricName(metric);
    if (weighted) {
      ev.setWeightCol("w");
    }
    double mllib = ev.evaluate(data);
    Approx.assertClose(mllib, ours(metric, "y", "p", weighted ? "w" : null), REL, 0, metric);
  }

  @Test
  void weightedR2DiffersFromMllibByItsUnbiasedVarianceFactor() {
    // MLlib: SS_tot = variance(y) · (W − 1), its weighted variance unbiased with denominator W − Σw²/W.
    // scikit-learn (and this project): SS_tot = Σw(y − ȳ)². So 1 − R²_mllib = (1 − R²) · (W − Σw²/W) / (W − 1).
    double mllib = new RegressionEvaluator().setLabelCol("y").setPredictionCol("p").setMetricName("r2")
        .setWeightCol("w").evaluate(data);
    double r2 = ours("r2", "y", "p", "w");
    Row s = data.agg(sum("w"), sum(pow(col("w"), 2))).first();
    double w = s.getDouble(0);
    double w2 = s.getDouble(1);
    Approx.assertClose(1 - mllib, (1 - r2) * (w - w2 / w) / (w - 1), 1e-10, 0, "relation");
    assertTrue(Math.abs(mllib - r2) > 1e-6, "the definitions differ visibly on this data");
  }

  @ParameterizedTest(name = "weighted={0}")
  @CsvSource({"false", "true"})
  void logLossMatchesMulticlassEvaluator(boolean weighted) {
    MulticlassClassificationEvaluator ev = new MulticlassClassificationEvaluator().setMetricName("logLoss")
        .setLabelCol("label").setPredictionCol("pred").setProbabilityCol("pvec");
    if (weighted) {
      ev.setWeightCol("w");
    }
    double mllib = ev.evaluate(data);
    // the same default clip, ε = 1e-15; the golden rows include one-hot probability vectors that it bites on
    Approx.assertClose(mllib, ours("log_loss", "label", "pvec", weighted ? "w" : null), REL, 0, "log_loss");
    Approx.assertClose(mllib, ours("sparse_categorical_cross_entropy", "label", "pvec", weighted ? "w" : null),
        REL, 0, "sparse_categorical_cross_entropy");
  }
}
