package org.sparklossreport.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.engine.aggregator.StateAggregator;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.SparkTest;

/**
 * A loss report does not depend on how the rows are partitioned or ordered: every output of every golden
 * case (weighted by {@code w}), per key and overall, is the same to 1e-13 relative on one partition in
 * file order, on 7 partitions, and on the rows in a shuffled order in 3 partitions. The golden sums are
 * well conditioned, so a second test adds rows whose errors of ±1e5..1e6 cancel: there an uncompensated
 * sum depends on the order in the 10th digit, while the compensated (Neumaier) state stays within a few
 * ulp (its error bound is 2ε|S| + O(nε²)Σ|x|).
 *
 * <p>All cases run as one {@code LossSet} in one {@link StateAggregator} ({@link OnePass}) — the library's
 * single-pass form: every row decoded once, one buffer per group — and the states become results on the
 * driver.
 */
@SparkTest
class RepartitionInvarianceTest {
  private static final double REL = 1e-13;

  @Test
  void onePartitionSevenPartitionsAndShuffledOrderAgree(SparkSession spark) {
    List<Row> rows = Golden.sparkRows();
    List<Row> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(7));
    Dataset<Row> base = spark.createDataFrame(rows, Golden.schema());
    Map<String, Dataset<Row>> layouts = new LinkedHashMap<>();
    layouts.put("1 partition", base.repartition(1));
    layouts.put("7 partitions", base.repartition(7));
    layouts.put("shuffled, 3 partitions", spark.createDataFrame(shuffled, Golden.schema()).repartition(3));
    assertEquals(1, layouts.get("1 partition").rdd().getNumPartitions());
    assertEquals(7, layouts.get("7 partitions").rdd().getNumPartitions());

    OnePass pass = OnePass.of(Golden.cases(), Golden.schema(), "w");
    Map<String, Map<String, List<LossResult>>> results = new HashMap<>();
    for (Map.Entry<String, Dataset<Row>> layout : layouts.entrySet()) {
      Dataset<Row> df = layout.getValue();
      Map<String, List<LossResult>> byGroup = new HashMap<>();
      // one job per layout: rollup gives each key and the grand total (key null); partial states are
      // still built per input partition and merged after the shuffle
      for (Row r : df.rollup("key").agg(pass.column()).collectAsList()) {
        byGroup.put(r.isNullAt(0) ? Golden.ALL : r.getString(0), pass.results(r.getStruct(1)));
      }
      assertEquals(5, byGroup.size(), layout.getKey());
      results.put(layout.getKey(), byGroup);
    }

    Map<String, List<LossResult>> reference = results.get("1 partition");
    int outputs = Golden.cases().stream().mapToInt(c -> c.outputs().size()).sum();
    List<String> failures = new ArrayList<>();
    for (String layout : layouts.keySet()) {
      for (Map.Entry<String, List<LossResult>> g : reference.entrySet()) {
        List<LossResult> expected = g.getValue();
        List<LossResult> actual = results.get(layout).get(g.getKey());
        assertEquals(outputs, expected.size());
        for (int i = 0; i < expected.size(); i++) {
          LossResult e = expected.get(i);
          LossResult a = actual.get(i);
          if (e.value() == null || !Approx.close(e.value(), a.value(), REL, 0) || e.rows() != a.rows()) {
            failures.add(layout + ", group " + g.getKey() + ", " + e.loss() + " [case " + i + "]: " + e.value()
                + " (" + e.rows() + " rows) vs " + a.value() + " (" + a.rows() + " rows)");
          }
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " outputs depend on the partitioning (rel " + REL + "):\n  "
          + String.join("\n  ", failures));
    }
    assertTrue(reference.get("a").get(0).rows() > 0);
  }

  @Test
  void cancellingSumsDoNotDependOnTheOrderEither(SparkSession spark) {
    // 2000 rows, key a/b, y = 0: errors ±A (A in [1e5, 1e6]) in pairs that cancel, plus small errors in
    // [0, 1e-3]: Σ we ≈ 1 while Σ |we| ≈ 1e9, so mean_gradient = 2Σwe/W cancels hard.
    Random rnd = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      double a = 1e5 + 9e5 * rnd.nextDouble();
      String key = i % 3 == 0 ? "b" : "a";
      rows.add(org.apache.spark.sql.RowFactory.create(key, 0.0, a, 1.0 + (i % 4)));
      rows.add(org.apache.spark.sql.RowFactory.create(key, 0.0, -a + 1e-3 * rnd.nextDouble(), 1.0 + (i % 4)));
    }
    Collections.shuffle(rows, new Random(3)); // the pairs are not adjacent
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("key", "string").add("y", "double").add("p", "double").add("w", "double");
    List<Case> cases = List.of(new Case("mse_gradient", "y", "p"), new Case("mse_gradient(reduction=sum)", "y", "p"));
    OnePass pass = OnePass.of(cases, schema, "w");
    List<Row> reversed = new ArrayList<>(rows);
    Collections.reverse(reversed);
    Map<String, Dataset<Row>> layouts = new LinkedHashMap<>();
    layouts.put("1 partition", spark.createDataFrame(rows, schema).repartition(1));
    layouts.put("7 partitions", spark.createDataFrame(rows, schema).repartition(7));
    layouts.put("reversed, 3 partitions", spark.createDataFrame(reversed, schema).repartition(3));
    Map<String, Map<String, List<LossResult>>> results = new HashMap<>();
    for (Map.Entry<String, Dataset<Row>> layout : layouts.entrySet()) {
      Map<String, List<LossResult>> byGroup = new HashMap<>();
      for (Row r : layout.getValue().rollup("key").agg(pass.column()).collectAsList()) {
        byGroup.put(r.isNullAt(0) ? Golden.ALL : r.getString(0), pass.results(r.getStruct(1)));
      }
      results.put(layout.getKey(), byGroup);
    }
    List<String> failures = new ArrayList<>();
    for (String layout : layouts.keySet()) {
      for (String g : List.of(Golden.ALL, "a", "b")) {
        List<LossResult> e = results.get("1 partition").get(g);
        List<LossResult> a = results.get(layout).get(g);
        for (int i = 0; i < e.size(); i++) {
          if (!Approx.close(e.get(i).value(), a.get(i).value(), REL, 0)) {
            failures.add(layout + ", group " + g + ", " + e.get(i).loss() + ": " + e.get(i).value() + " vs "
                + a.get(i).value());
          }
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " outputs depend on the order of cancelling terms (rel " + REL + "):\n  "
          + String.join("\n  ", failures));
    }
    double meanGradient = results.get("1 partition").get(Golden.ALL).get(1).value();
    assertTrue(meanGradient > 1e-4 && meanGradient < 1e-2, "mean_gradient of the cancelling rows: " + meanGradient);
  }
}
