package org.sparklossreport.engine;

import org.apache.spark.sql.catalyst.util.ArrayData;
import org.sparklossreport.core.LossRow;

/**
 * Reads a vector slot of a {@link LossRow} from Spark's array data (an internal row's array, or a column
 * batch's {@code ColumnarArray}): null when an element is null, as the public Aggregator's decoder reads
 * it, else the elements as doubles in an array reused from row to row (kernels keep no row).
 */
public final class VectorSlot {
  private VectorSlot() {}

  /**
   * Sets slot {@code s} of {@code row} to {@code a}; {@code floats}: the elements are floats, else doubles;
   * {@code nulls}: an element may be null (false when the whole batch holds none); {@code reuse[s]} holds
   * the slot's array between rows.
   */
  public static void read(LossRow row, int s, ArrayData a, boolean floats, boolean nulls, double[][] reuse) {
    int n = a.numElements();
    for (int j = 0; nulls && j < n; j++) {
      if (a.isNullAt(j)) {
        row.setNull(s);
        return;
      }
    }
    double[] v = reuse[s];
    if (v == null || v.length != n) {
      v = new double[n];
      reuse[s] = v;
    }
    for (int j = 0; j < n; j++) {
      v[j] = floats ? a.getFloat(j) : a.getDouble(j);
    }
    row.setVector(s, v);
  }
}
