package org.sparklossreport.functions;

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
import org.sparklossreport.core.LossResult;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden.Expected;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.SparkTest;

/**
 * Every loss of the catalog, through Spark, against the golden values that {@code make_golden.py} computed
 * with NumPy from the loss formulas (src/test/resources/golden): per key ({@code groupBy("key").agg(...)})
 * and over all rows ({@code agg(...)}), unweighted and weighted by column {@code w}, to 1e-12 relative. Every
 * {@link LossFunctions#column} goes into one {@code agg}, so each is one Spark job.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenTest {
  /** The golden values are exactly rounded sums of float64 terms; the aggregators sum with Neumaier. */
  private static final double REL = 1e-12;

  private Dataset<Row> data;

  @BeforeAll
  void load(SparkSession spark) {
    data = Golden.dataFrame(spark).cache();
  }

  @AfterAll
  void unload() {
    data.unpersist();
  }

  @Test
  void goldenCoversEveryLossOfTheCatalog() {
    List<String> covered = Golden.cases().stream().map(c -> c.loss().name()).distinct().toList();
    for (String name : org.sparklossreport.losses.Losses.names()) {
      assertTrue(covered.contains(name), "no golden value for " + name);
    }
    // 4 keys + ALL, unweighted and weighted, for each output
    int outputs = Golden.cases().stream().mapToInt(c -> c.outputs().size()).sum();
    assertEquals(outputs * 5 * 2, Golden.expected().size());
  }

  @Test
  void perKeyAndOverallMatchGoldenValues() {
    check(data, Golden.cases(), "array<double> vectors");
  }

  @Test
  void vectorColumnsAsMlVectorsMatchGoldenValues() {
    // The same vector cases with every vector column converted to an ML Vector. To keep the test light
    // they run as one LossSet per weighting in the single-pass StateAggregator (OnePass), which decodes
    // rows with the same RowDecoder as LossFunctions.column.
    Dataset<Row> df = data;
    for (String c : Golden.VECTOR_COLUMNS) {
      df = df.withColumn(c, org.apache.spark.ml.functions.array_to_vector(df.col(c)));
    }
    List<Case> vectorCases = Golden.cases().stream()
        .filter(c -> Golden.VECTOR_COLUMNS.contains(c.prediction())).toList();
    assertTrue(vectorCases.size() > 15, "vector cases: " + vectorCases.size());
    OnePass unweighted = OnePass.of(vectorCases, df.schema(), null);
    OnePass weighted = OnePass.of(vectorCases, df.schema(), "w");
    Map<String, List<List<LossResult>>> byGroup = new HashMap<>(); // group → [unweighted, weighted]
    for (Row r : df.rollup("key").agg(unweighted.column(), weighted.column()).collectAsList()) {
      byGroup.put(r.isNullAt(0) ? Golden.ALL : r.getString(0),
          List.of(unweighted.results(r.getStruct(1)), weighted.results(r.getStruct(2))));
    }
    assertEquals(5, byGroup.size(), "groups: " + byGroup.keySet());
    Map<String, Integer> index = new HashMap<>();
    int at = 0;
    for (Case c : vectorCases) {
      for (String output : c.outputs()) {
        index.put(id(c, false, output), at);
        index.put(id(c, true, output), at);
        at++;
      }
    }
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Expected e : Golden.expected()) {
      Integer i = index.get(id(e.c(), e.weighted(), e.output()));
      if (i == null) {
        continue;
      }
      Double actual = byGroup.get(e.group()).get(e.weighted() ? 1 : 0).get(i).value();
      checked++;
      if (!Approx.close(e.value(), actual, REL, 0)) {
        failures.add(e + ": expected " + e.value() + " but was " + actual);
      }
    }
    assertEquals(vectorCases.size() * 10, checked);
    if (!failures.isEmpty()) {
      fail("ML Vector columns: " + failures.size() + " of " + checked + " golden values differ (rel " + REL
          + "):\n  " + String.join("\n  ", failures));
    }
  }

  /** Computes every (case, weighted, output) column per key and overall and compares with the golden. */
  private static void check(Dataset<Row> df, List<Case> cases, String what) {
    List<Column> columns = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    for (Case c : cases) {
      for (boolean weighted : new boolean[] {false, true}) {
        for (String output : c.outputs()) {
          index.put(id(c, weighted, output), columns.size());
          columns.add(LossFunctions.column(c.loss(), df, c.hasLabel() ? c.label() : null, c.prediction(),
              weighted ? "w" : null, output));
        }
      }
    }
    Column first = columns.get(0);
    Column[] rest = columns.subList(1, columns.size()).toArray(new Column[0]);
    Map<String, Row> byGroup = new HashMap<>();
    byGroup.put(Golden.ALL, df.agg(first, rest).first());
    for (Row r : df.groupBy("key").agg(first, rest).collectAsList()) {
      byGroup.put(r.getString(0), dropFirst(r));
    }
    assertEquals(5, byGroup.size(), "groups: " + byGroup.keySet());

    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Expected e : Golden.expected()) {
      Integer at = index.get(id(e.c(), e.weighted(), e.output()));
      if (at == null) {
        continue;
      }
      Row row = byGroup.get(e.group());
      Double actual = row.isNullAt(at) ? null : row.getDouble(at);
      checked++;
      if (!Approx.close(e.value(), actual, REL, 0)) {
        failures.add(e + ": expected " + e.value() + " but was " + actual
            + (actual == null ? "" : String.format(" (relative %.2e)",
                Math.abs(actual - e.value()) / Math.abs(e.value()))));
      }
    }
    assertTrue(checked >= cases.size() * 10, "checked " + checked);
    if (!failures.isEmpty()) {
      fail(what + ": " + failures.size() + " of " + checked + " golden values differ (rel " + REL + "):\n  "
          + String.join("\n  ", failures));
    }
  }

  private static Row dropFirst(Row r) {
    Object[] values = new Object[r.length() - 1];
    for (int i = 1; i < r.length(); i++) {
      values[i - 1] = r.get(i);
    }
    return org.apache.spark.sql.RowFactory.create(values);
  }

  private static String id(Case c, boolean weighted, String output) {
    return c + "|" + weighted + "|" + output;
  }
}
