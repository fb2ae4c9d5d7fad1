package org.sparklossreport.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.sparklossreport.functions.LossFunctions;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.SparkTest;

/**
 * {@code loss(spec, ...)} and {@code loss_outputs(spec, ...)} through SQL text, for every golden case
 * (all 22 losses, non-default parameters, scalar, class-index and vector inputs, unweighted and weighted by
 * {@code w}): per key and over all rows ({@code GROUP BY ROLLUP(key)}) equal to NumPy's values from the
 * loss formulas (src/test/resources/golden) and to the library's {@code Aggregator}s, to 1e-12 relative.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LossSqlTest {
  private static final double REL = 1e-12;
  private SparkSession spark;
  private Dataset<Row> data;

  @BeforeAll
  void load(SparkSession spark) {
    this.spark = spark;
    data = GoldenSql.view(spark);
  }

  @AfterAll
  void unload() {
    data.unpersist();
  }

  @Test
  void everyLossOfTheCatalogHasGoldenCases() {
    List<String> covered = Golden.cases().stream().map(c -> c.loss().name()).distinct().toList();
    assertEquals(Losses.names().size(), covered.size(), "losses with golden cases: " + covered);
  }

  @Test
  void lossAndLossOutputsEqualTheGoldenValuesPerKeyAndOverall() {
    List<Object[]> pairs = GoldenSql.pairs();
    StringBuilder select = new StringBuilder("SELECT key, count(*)");
    for (Object[] p : pairs) {
      String args = GoldenSql.args((Case) p[0], (Boolean) p[1]);
      select.append(",\n  loss(").append(args).append("), loss_outputs(").append(args).append(")");
    }
    List<Row> rows = spark.sql(select + "\nFROM golden GROUP BY ROLLUP(key)").collectAsList();
    assertEquals(5, rows.size());
    Map<String, Double> want = GoldenSql.expected();
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Row r : rows) {
      String group = GoldenSql.group(r);
      for (int i = 0; i < pairs.size(); i++) {
        Case c = (Case) pairs.get(i)[0];
        boolean weighted = (Boolean) pairs.get(i)[1];
        Double value = r.isNullAt(2 + 2 * i) ? null : r.getDouble(2 + 2 * i);
        Row outputs = r.getStruct(3 + 2 * i);
        checked += GoldenSql.check(failures, want, GoldenSql.id(c, weighted, "value", group), value);
        for (String output : c.outputs()) {
          checked += GoldenSql.check(failures, want, GoldenSql.id(c, weighted, output, group),
              outputs.isNullAt(outputs.fieldIndex(output)) ? null : outputs.getDouble(outputs.fieldIndex(output)));
        }
        assertEquals(r.getLong(1),
            outputs.getLong(outputs.fieldIndex("rows")) + outputs.getLong(outputs.fieldIndex("invalid_rows")),
            c + " " + group + ": rows + invalid_rows is every row of the group");
      }
    }
    assertEquals(Golden.expected().size() + pairs.size() * 5, checked);
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + checked + " values differ from NumPy:\n  " + String.join("\n  ", failures));
    }
  }

  @Test
  void lossEqualsTheAggregatorOfTheSameSpec() {
    List<Column> aggregators = new ArrayList<>();
    StringBuilder select = new StringBuilder("SELECT ");
    for (Case c : Golden.cases()) {
      aggregators.add(LossFunctions.column(c.loss(), data, c.hasLabel() ? c.label() : null, c.prediction(), "w"));
      select.append(aggregators.size() == 1 ? "" : ", ").append("loss(").append(GoldenSql.args(c, true)).append(")");
    }
    Row sql = spark.sql(select + " FROM golden").first();
    Row agg = data.agg(aggregators.get(0), aggregators.subList(1, aggregators.size()).toArray(new Column[0])).first();
    for (int i = 0; i < aggregators.size(); i++) {
      Approx.assertClose(agg.getDouble(i), sql.getDouble(i), REL, 0, Golden.cases().get(i).toString());
    }
  }

  @Test
  void mlVectorColumnsGiveTheGoldenValues() {
    Dataset<Row> df = data;
    for (String c : Golden.VECTOR_COLUMNS) {
      df = df.withColumn(c, org.apache.spark.ml.functions.array_to_vector(df.col(c)));
    }
    df.createOrReplaceTempView("golden_ml");
    List<Case> cases = Golden.cases().stream().filter(c -> Golden.VECTOR_COLUMNS.contains(c.prediction())).toList();
    assertTrue(cases.size() > 15, "vector cases: " + cases.size());
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < cases.size(); i++) {
      select.append(i == 0 ? "" : ", ").append("loss(").append(GoldenSql.args(cases.get(i), true)).append(")");
    }
    Row r = spark.sql(select + " FROM golden_ml").first();
    Map<String, Double> want = GoldenSql.expected();
    for (int i = 0; i < cases.size(); i++) {
      Approx.assertClose(want.get(GoldenSql.id(cases.get(i), true, "value", Golden.ALL)), r.getDouble(i), REL, 0,
          cases.get(i) + " over ML Vectors");
    }
  }

  @Test
  void shortcutsAreTheLossesWithDefaultParameters() {
    Map<String, Case> byName = new HashMap<>();
    for (Case c : Golden.cases()) {
      if (c.spec().equals(c.loss().name())) {
        byName.putIfAbsent(c.spec(), c);
      }
    }
    assertEquals(Losses.names().size(), byName.size(), "a default-parameter golden case per loss");
    Map<String, Double> want = GoldenSql.expected();
    for (Case c : byName.values()) {
      String in = (c.hasLabel() ? c.label() + ", " : "") + c.prediction();
      Row r = spark.sql("SELECT " + c.spec() + "(" + in + "), " + c.spec() + "(" + in + ", w), " + c.spec()
          + "_weighted(" + in + ", w), " + c.spec() + "_outputs(" + in + ", w).value FROM golden").first();
      Double unweighted = want.get(GoldenSql.id(c, false, "value", Golden.ALL));
      Double weighted = want.get(GoldenSql.id(c, true, "value", Golden.ALL));
      Approx.assertClose(unweighted, r.getDouble(0), REL, 0, c + " shortcut");
      for (int i = 1; i < 4; i++) {
        Approx.assertClose(weighted, r.getDouble(i), REL, 0, c + " weighted shortcut " + i);
      }
    }
  }

  @Test
  void invalidRowsAreCountedNotDropped() {
    // y 1, 2, null, 4 with p 1.5, NaN, 3, 4: one null row, one non-finite row, two that contribute
    Row r = spark.sql("SELECT loss_outputs('mse', y, p) FROM VALUES (1D, 1.5D), (2D, double('NaN')),"
        + " (null, 3D), (4D, 4D) AS t(y, p)").first().getStruct(0);
    Approx.assertClose((0.25 + 0) / 2, r.getDouble(0), REL, 0, "mse over the two valid rows");
    assertEquals(2L, r.getLong(r.fieldIndex("rows")));
    assertEquals(2L, r.getLong(r.fieldIndex("invalid_rows")));
    Approx.assertClose(2.0, r.getDouble(r.fieldIndex("weight_sum")), 0, 0, "weight_sum");
  }

  @Test
  void noRowGivesNullValueAndZeroCounts() {
    Row r = spark.sql("SELECT loss('mse', y, p), loss_outputs('r2', y, p) FROM golden WHERE y > 1e300").first();
    assertTrue(r.isNullAt(0));
    Row o = r.getStruct(1);
    assertTrue(o.isNullAt(0));
    assertEquals(0L, o.getLong(o.fieldIndex("rows")));
  }
}
