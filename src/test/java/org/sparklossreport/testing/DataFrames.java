package org.sparklossreport.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Approximate DataFrame equality: the same schema (names and types, in order), the same number of rows,
 * rows matched after sorting on every non-floating column, floating values within tolerance and all
 * other values equal. A failure lists the schemas or the first mismatching rows side by side.
 */
public final class DataFrames {
  private DataFrames() {}

  public static void assertApproxEquals(Dataset<Row> expected, Dataset<Row> actual, double relTol,
      double absTol) {
    StructType es = expected.schema();
    StructType as = actual.schema();
    if (!sameShape(es, as)) {
      fail("schemas differ:\n  expected " + es.simpleString() + "\n  actual   " + as.simpleString());
    }
    List<Row> e = sorted(expected.collectAsList(), es);
    List<Row> a = sorted(actual.collectAsList(), as);
    if (e.size() != a.size()) {
      fail("row counts differ: expected " + e.size() + ", actual " + a.size() + "\n" + sample(e, a));
    }
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < e.size(); i++) {
      String d = rowDiff(e.get(i), a.get(i), es, relTol, absTol);
      if (d != null) {
        diffs.add("  row " + i + ": " + d + "\n    expected " + e.get(i) + "\n    actual   " + a.get(i));
      }
    }
    if (!diffs.isEmpty()) {
      fail(diffs.size() + " of " + e.size() + " rows differ (rel " + relTol + ", abs " + absTol + "):\n"
          + String.join("\n", diffs.subList(0, Math.min(10, diffs.size()))));
    }
  }

  private static boolean sameShape(StructType a, StructType b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      if (!a.fields()[i].name().equals(b.fields()[i].name())
          || !a.fields()[i].dataType().equals(b.fields()[i].dataType())) {
        return false;
      }
    }
    return true;
  }

  private static boolean floating(StructField f) {
    String t = f.dataType().typeName();
    return t.equals("double") || t.equals("float");
  }

  private static List<Row> sorted(List<Row> rows, StructType schema) {
    List<Row> out = new ArrayList<>(rows);
    Comparator<Row> byKeys = (x, y) -> 0;
    for (int i = 0; i < schema.length(); i++) {
      if (!floating(schema.fields()[i])) {
        int at = i;
        byKeys = byKeys.thenComparing(r -> String.valueOf(r.get(at)));
      }
    }
    for (int i = 0; i < schema.length(); i++) {
      if (floating(schema.fields()[i])) {
        int at = i;
        byKeys = byKeys.thenComparing(r -> r.isNullAt(at) ? Double.NEGATIVE_INFINITY
            : ((Number) r.get(at)).doubleValue());
      }
    }
    out.sort(byKeys);
    return out;
  }

  private static String rowDiff(Row e, Row a, StructType schema, double relTol, double absTol) {
    for (int i = 0; i < schema.length(); i++) {
      StructField f = schema.fields()[i];
      Object x = e.get(i);
      Object y = a.get(i);
      if (floating(f) && x != null && y != null) {
        if (!Approx.close(((Number) x).doubleValue(), ((Number) y).doubleValue(), relTol, absTol)) {
          return "column " + f.name() + ": " + x + " vs " + y;
        }
      } else if (!Objects.equals(x, y)) {
        return "column " + f.name() + ": " + x + " vs " + y;
      }
    }
    return null;
  }

  private static String sample(List<Row> e, List<Row> a) {
    return "  expected (first 5): " + e.subList(0, Math.min(5, e.size())) + "\n  actual (first 5):   "
        + a.subList(0, Math.min(5, a.size()));
  }
}
