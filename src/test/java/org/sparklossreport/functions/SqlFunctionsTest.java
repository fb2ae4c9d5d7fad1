package org.sparklossreport.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SparkTest;

/**
 * The SQL functions of {@link LossFunctions#register}: for every loss {@code name(label, prediction)},
 * {@code name_weighted(label, prediction, weight)} and {@code name_outputs(label, prediction)} (a struct
 * of every output and the counts); {@code sparse} takes the prediction alone. Checked on the worked
 * examples of the loss specification (literals), so docs/LOSSES.md can show them as they are.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlFunctionsTest {
  private static final double REL = 1e-12;
  private SparkSession spark;

  @BeforeAll
  void register(SparkSession spark) {
    this.spark = spark;
    LossFunctions.register(spark);
    // the spec's examples as one table: y, p (regression), yb, pb (binary), yoh, pp (one-hot / probabilities),
    // x, xh (autoencoder) and a weight of 1 (so weighted = unweighted)
    spark.sql("select * from values"
        + " (1, 1.1D, 0, 0.1D, array(0D,1D,0D), array(.1D,.9D,.1D), array(1D,2D,3D), array(1.1D,1.9D,2.9D), 1D),"
        + " (2, 2.2D, 1, 0.9D, array(1D,0D,0D), array(.9D,.1D,.1D), array(4D,5D,6D), array(3.9D,4.9D,5.9D), 1D),"
        + " (3, 3.1D, 1, 0.8D, array(0D,0D,1D), array(.1D,.1D,.8D), array(7D,8D,9D), array(6.9D,7.8D,8.9D), 1D),"
        + " (4, 4.1D, 0, 0.2D, array(1D,0D,0D), array(.9D,.1D,.1D), null, null, 1D),"
        + " (5, 5.1D, 1, 0.95D, array(0D,1D,0D), array(.1D,.9D,.1D), null, null, 1D)"
        + " as t(y, p, yb, pb, yoh, pp, x, xh, w)").createOrReplaceTempView("spec");
  }

  private Row sql(String select) {
    return spark.sql("select " + select + " from spec").first();
  }

  @Test
  void everyLossIsRegisteredThreeTimes() {
    List<String> functions = spark.catalog().listFunctions().collectAsList().stream()
        .map(f -> f.name()).toList();
    for (String name : Losses.names()) {
      for (String f : List.of(name, name + "_weighted", name + "_outputs")) {
        assertTrue(functions.contains(f), "not registered: " + f);
      }
    }
  }

  @Test
  void specExamplesThroughSql() {
    // Spec worked examples: mse 0.015999999999999993, mae 0.11999999999999993, binary_cross_entropy
    // 0.14166028566632335, categorical_cross_entropy 0.12891712278910186, autoencoder 0.013333333333333317
    Row r = sql("mse(y, p), mae(y, p), binary_cross_entropy(yb, pb), categorical_cross_entropy(yoh, pp),"
        + " autoencoder(x, xh), log_loss(yb, pp), mse_weighted(y, p, w)");
    Approx.assertClose(0.015999999999999993, r.getDouble(0), REL, 0, "mse");
    Approx.assertClose(0.11999999999999993, r.getDouble(1), REL, 0, "mae");
    Approx.assertClose(0.14166028566632335, r.getDouble(2), REL, 0, "binary_cross_entropy");
    Approx.assertClose(0.12891712278910186, r.getDouble(3), REL, 0, "categorical_cross_entropy");
    Approx.assertClose(0.013333333333333317, r.getDouble(4), REL, 0, "autoencoder (null rows skipped)");
    assertTrue(r.getDouble(5) > 0, "log_loss takes a class index and a probability vector in SQL");
    Approx.assertClose(0.015999999999999993, r.getDouble(6), REL, 0, "mse_weighted, unit weights");
  }

  @Test
  void sparseTakesThePredictionAlone() {
    // Spec: sparse of Ŷ=[[.9,.1,.1],[.1,.9,.1],[.1,.1,.9]] → 2.571
    Row r = spark.sql("select sparse(p), sparse_weighted(p, 2D) from values"
        + " (array(.9D,.1D,.1D)), (array(.1D,.9D,.1D)), (array(.1D,.1D,.9D)) as t(p)").first();
    Approx.assertClose(2.571, r.getDouble(0), REL, 0, "sparse");
    Approx.assertClose(2 * 2.571, r.getDouble(1), REL, 0, "sparse_weighted, weight 2 under reduction sum");
  }

  @Test
  void outputsStructHasEveryOutputAndTheCounts() {
    Row r = sql("mse_gradient_outputs(y, p) as g, hinge_outputs(yb, pb) as h").getStruct(0);
    StructType t = r.schema();
    assertEquals(List.of("value", "mean_gradient", "gradient_norm", "rows", "invalid_rows", "weight_sum"),
        List.of(t.fieldNames()));
    Approx.assertClose(0.015999999999999993, r.getDouble(0), REL, 0, "value");
    Approx.assertClose(0.24, r.getDouble(1), REL, 0, "mean_gradient = 2·mean(ŷ − y)");
    Approx.assertClose(0.4 * Math.sqrt(0.08), r.getDouble(2), REL, 0, "gradient_norm = (2/n)·sqrt(Σe²)");
    assertEquals(5L, r.getLong(3));
    assertEquals(0L, r.getLong(4));
    Approx.assertClose(5.0, r.getDouble(5), 0, 0, "weight_sum");
    Row a = sql("autoencoder_outputs(x, xh)").getStruct(0);
    assertEquals(3L, a.getLong(a.fieldIndex("rows")));
    assertEquals(2L, a.getLong(a.fieldIndex("invalid_rows")), "null rows are counted as invalid");
  }

  @Test
  void emptyInputGivesNull() {
    Row r = spark.sql("select mse(y, p), r2(y, p), categorical_cross_entropy(yoh, pp), sparse(pp),"
        + " mse_gradient_outputs(y, p) from spec where y > 100").first();
    for (int i = 0; i < 4; i++) {
      assertTrue(r.isNullAt(i), "column " + i + " of " + r);
    }
    Row g = r.getStruct(4);
    assertTrue(g.isNullAt(0) && g.isNullAt(1) && g.isNullAt(2), g.toString());
    assertEquals(0L, g.getLong(3));
  }

  @Test
  void wrongArgumentTypesFailAtAnalysis() {
    assertThrows(AnalysisException.class, () -> sql("categorical_cross_entropy(y, p)"));
  }
}
