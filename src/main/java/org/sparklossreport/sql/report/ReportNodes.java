package org.sparklossreport.sql.report;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import scala.collection.immutable.Seq;

/**
 * What the two plan nodes of a {@code loss_report} call ({@link ReportRelation}, {@link ReportExec}) share:
 * the same three fields (the input's plan, the options, the report's columns), through which Spark copies,
 * compares and prints a plan node. One place, so the logical and the physical node cannot drift apart.
 */
final class ReportNodes {
  /** The product's arity: input, options, output. */
  static final int ARITY = 3;

  private ReportNodes() {}

  /** The product's element {@code n} of a node's fields, in constructor order. */
  static Object element(int n, Object... fields) {
    if (n < 0 || n >= fields.length) {
      throw new IndexOutOfBoundsException(n);
    }
    return fields[n];
  }

  /** Whether two nodes' fields are equal, element by element. */
  static boolean sameFields(Object[] a, Object[] b) {
    return Arrays.equals(a, b);
  }

  /** The hash of a node's fields. */
  static int hash(Object... fields) {
    return Arrays.hashCode(fields);
  }

  /** The one-line description in {@code EXPLAIN}: the options, sorted, and the number of columns. */
  static String describe(Map<String, Object> options, Seq<Attribute> output) {
    return "LossReport " + new TreeMap<>(options) + ", " + output.size() + " columns";
  }
}
