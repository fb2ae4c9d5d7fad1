package org.sparklossreport.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.junit.jupiter.api.Test;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.SparkTest;

/**
 * The extension: a session built with {@code spark.sql.extensions} naming {@link LossReportExtensions} (the
 * shared test session) has every function, described by {@code DESCRIBE FUNCTION}, and none of them hides one
 * of Spark's built-in functions.
 */
@SparkTest
class LossReportExtensionsTest {

  @Test
  void theSessionIsConfiguredByTheExtensionConfOnly(SparkSession spark) {
    assertTrue(spark.conf().get("spark.sql.extensions").contains(LossReportExtensions.class.getName()));
  }

  @Test
  void everyFunctionIsThereAndDescribed(SparkSession spark) {
    List<String> names = SqlFunctions.all().stream().map(SqlFunction::name).toList();
    assertEquals(6 + 3 * Losses.names().size(), names.size());
    for (String f : List.of("loss", "loss_outputs", "loss_state_agg", "loss_state_merge_agg", "loss_value",
        "loss_state", "mse", "mse_weighted", "mse_outputs", "sparse_categorical_cross_entropy_outputs")) {
      assertTrue(names.contains(f), f);
      List<Row> d = spark.sql("DESCRIBE FUNCTION " + f).collectAsList();
      String text = d.stream().map(r -> r.getString(0)).reduce("", (a, b) -> a + "\n" + b);
      assertTrue(text.contains("Function: " + f) && text.contains("Usage: " + f + "("), text);
    }
  }

  @Test
  void noFunctionHidesABuiltIn() {
    for (SqlFunction f : SqlFunctions.all()) {
      assertFalse(FunctionRegistry.builtin().functionExists(FunctionIdentifier.apply(f.name())),
          f.name() + " is a Spark built-in");
    }
  }

  @Test
  void registerAddsThemToARunningSession(SparkSession spark) {
    // a new session of the shared context (its extensions already hold them: this checks that register
    // replaces them without error and that they work afterwards)
    SparkSession other = spark.newSession();
    LossReportExtensions.register(other);
    assertEquals(0.25, other.sql("SELECT loss('mse', y, p) FROM VALUES (1D, 1.5D) AS t(y, p)").first().getDouble(0));
  }
}
