package org.sparklossreport.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden.Expected;
import org.sparklossreport.testing.Golden;

/**
 * The golden cases of {@code src/test/resources/golden} (NumPy values from the loss formulas) as SQL text:
 * the arguments of a call for a case, and the golden value of a (case, weighting, output) by group.
 */
public final class GoldenSql {
  private GoldenSql() {}

  /** The golden data, cached, as the view {@code golden}; unpersist it after the class. */
  public static org.apache.spark.sql.Dataset<Row> view(org.apache.spark.sql.SparkSession spark) {
    org.apache.spark.sql.Dataset<Row> data = Golden.dataFrame(spark).cache();
    data.createOrReplaceTempView("golden");
    return data;
  }

  /** {@code 'spec', label, prediction} (no label for a loss of the prediction alone), then {@code , w} if weighted. */
  public static String args(Case c, boolean weighted) {
    return "'" + c.spec() + "', " + (c.hasLabel() ? c.label() + ", " : "") + c.prediction() + (weighted ? ", w" : "");
  }

  /** The golden values by {@link #id}. */
  public static Map<String, Double> expected() {
    Map<String, Double> out = new HashMap<>();
    for (Expected e : Golden.expected()) {
      out.put(id(e.c(), e.weighted(), e.output(), e.group()), e.value());
    }
    return out;
  }

  public static String id(Case c, boolean weighted, String output, String group) {
    return c + (weighted ? " weighted " : " unweighted ") + output + " @" + group;
  }

  /** The group of a row whose first column is the key ({@code ROLLUP}'s null: all rows). */
  public static String group(Row r) {
    return r.isNullAt(0) ? Golden.ALL : r.getString(0);
  }

  /** Compares {@code actual} with the golden value {@code id} (1e-12 relative); adds a failure line; returns 1. */
  public static int check(List<String> failures, Map<String, Double> want, String id, Double actual) {
    Double w = want.get(id);
    if (w == null) {
      throw new IllegalStateException("no golden value " + id);
    }
    if (!org.sparklossreport.testing.Approx.close(w, actual, 1e-12, 0)) {
      failures.add(id + ": NumPy " + w + ", SQL " + actual);
    }
    return 1;
  }

  /** Every (case, weighted) pair of the golden cases. */
  public static List<Object[]> pairs() {
    List<Object[]> out = new ArrayList<>();
    for (Case c : Golden.cases()) {
      out.add(new Object[] {c, false});
      out.add(new Object[] {c, true});
    }
    return out;
  }
}
