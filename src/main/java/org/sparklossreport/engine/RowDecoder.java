package org.sparklossreport.engine;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.Shape;
import scala.collection.Seq;

/**
 * Reads the input slots of a Spark {@link Row} into a reused {@link LossRow}: numbers of any numeric type
 * as doubles; {@code array<double>}, {@code array<float>} and ML {@code Vector}s as double[]. Fields are
 * found by name once, on the first row (every row of an aggregation has one schema).
 */
public final class RowDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<InputSlot> slots;
  private transient int[] index;
  private transient LossRow row;

  public RowDecoder(List<InputSlot> slots) {
    this.slots = List.copyOf(slots);
  }

  public List<InputSlot> slots() {
    return slots;
  }

  /** Decodes {@code r}; the returned row is overwritten by the next call. */
  public LossRow decode(Row r) {
    if (index == null) {
      index = new int[slots.size()];
      for (int i = 0; i < index.length; i++) {
        index[i] = r.fieldIndex(slots.get(i).column());
      }
      row = new LossRow(slots.size());
    }
    for (int i = 0; i < index.length; i++) {
      int at = index[i];
      if (r.isNullAt(at)) {
        row.setNull(i);
      } else if (slots.get(i).shape() == Shape.SCALAR) {
        row.setScalar(i, ((Number) r.get(at)).doubleValue());
      } else {
        double[] v = toArray(r.get(at));
        if (v == null) {
          row.setNull(i);
        } else {
          row.setVector(i, v);
        }
      }
    }
    return row;
  }

  /** A vector value as double[]; null when an element is null. */
  static double[] toArray(Object o) {
    if (o instanceof Vector v) {
      return v.toArray();
    }
    if (o instanceof org.apache.spark.mllib.linalg.Vector v) {
      return v.toArray();
    }
    if (o instanceof double[] d) {
      return d;
    }
    if (o instanceof Seq<?> seq) {
      double[] out = new double[seq.length()];
      scala.collection.Iterator<?> it = seq.iterator();
      for (int j = 0; j < out.length; j++) {
        Object x = it.next();
        if (x == null) {
          return null;
        }
        out[j] = ((Number) x).doubleValue();
      }
      return out;
    }
    throw new IllegalArgumentException("cannot read a vector from " + o.getClass().getName());
  }
}
