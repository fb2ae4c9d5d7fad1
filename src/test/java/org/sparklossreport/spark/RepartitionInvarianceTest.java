package org.sparklossreport.spark;

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
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.SparkTest;

/**
 * A loss report does not depend on how the rows are partitioned or ordered: every output of every golden
 * case (weighted by {@code w}), per key and overall, is the same to 1e-13 relative on one partition in
 * file order, on 7 partitions, and on the rows in a shuffled order in 3 partitions. (Compensated sums:
 * about 2 ulp whatever the order, so 1e-13 is loose; plain double sums of these 2400 rows move the
 * 13th–14th digit.)
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
      byGroup.put(Golden.ALL, pass.results(df.agg(pass.column()).first().getStruct(0)));
      for (Row r : df.groupBy("key").agg(pass.column()).collectAsList()) {
        byGroup.put(r.getString(0), pass.results(r.getStruct(1)));
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
}
