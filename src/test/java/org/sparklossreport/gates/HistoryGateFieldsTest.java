package org.sparklossreport.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The gate fields of a history: {@code z} (a double) and {@code anomaly} (a boolean, compared as 1 or 0). */
class HistoryGateFieldsTest {
  private static final StructType SCHEMA = new StructType().add("model", DataTypes.StringType)
      .add("grouping", DataTypes.StringType).add("loss", DataTypes.StringType).add("value", DataTypes.DoubleType)
      .add("z", DataTypes.DoubleType).add("anomaly", DataTypes.BooleanType);

  private static final List<Row> ROWS = List.of(RowFactory.create("a", "model", "mse", 1.0, 0.5, false),
      RowFactory.create("b", "model", "mse", 9.0, 7.5, true), RowFactory.create("c", "model", "mse", 2.0, -5.0, true),
      RowFactory.create(null, "overall", "mse", 3.0, null, null));

  @Test
  void zAndAnomalyParseAsFields() {
    Gate z = Gate.parse("model: z(mse) > 4");
    assertEquals("z", z.field());
    assertEquals("model", z.grouping());
    assertEquals("anomaly", Gate.parse("anomaly(mse) > 0").field());
    assertTrue(Gate.HISTORY_FIELDS.containsAll(List.of("z", "anomaly")));
  }

  @Test
  void anomalyCountsTrueAsOneAndNullsCannotFail() {
    List<GateOutcome> out = GateEvaluator.evaluate(ROWS, SCHEMA, List.of(Gate.parse("anomaly(mse) > 0"),
        Gate.parse("z(mse) > 4"), Gate.parse("z(mse) < -4"), Gate.parse("anomaly(mse) >= 0")));
    assertEquals(2, out.get(0).failed());
    assertEquals(1, out.get(0).nulls(), "the overall row has no anomaly flag");
    assertEquals(1, out.get(1).failed());
    assertEquals(7.5, out.get(1).worst().get(0).value());
    assertEquals(1, out.get(2).failed());
    assertEquals(3, out.get(3).failed(), "false counts as 0");
  }
}
