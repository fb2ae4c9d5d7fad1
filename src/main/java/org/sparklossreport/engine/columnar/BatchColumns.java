package org.sparklossreport.engine.columnar;

import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.sparklossreport.core.LossRow;

/**
 * The per-batch side of {@link PartitionAccumulator}: a column batch's scalar slots read once into arrays
 * (values as a cast to double gives them, and a status per value), each row's key block, each check's
 * reason codes, and the jackknife bucket column appended to a batch. The arrays are reused from batch to
 * batch and grow to the largest batch; the accumulator's loops read them as plain fields (no call per
 * row).
 */
final class BatchColumns {
  int rows; // rows the arrays hold
  int[] index = new int[0]; // per row: its key's block
  final double[][] values; // per slot, per row
  final byte[][] status; // per slot, per row: LossRow.OK, NULL or NOT_FINITE
  final int[][] reasons; // per check, per row: InvalidReason.ordinal, −1 for a valid row
  double[] zeros = new double[0]; // a missing label or weight: 0 (weight 0 passes like weight 1)
  byte[] ok = new byte[0]; // a missing label's or weight's status

  private OnHeapColumnVector bucketVector;
  private int[] bucketOf = new int[0];

  BatchColumns(int slots, int checks) {
    this.values = new double[slots][0];
    this.status = new byte[slots][0];
    this.reasons = new int[checks][0];
  }

  /** Makes the arrays hold {@code n} rows. */
  void ensureRows(int n) {
    if (n <= rows) {
      return;
    }
    rows = n;
    index = new int[n];
    zeros = new double[n];
    ok = new byte[n];
    for (int s = 0; s < values.length; s++) {
      values[s] = new double[n];
      status[s] = new byte[n];
    }
    for (int c = 0; c < reasons.length; c++) {
      reasons[c] = new int[n];
    }
  }

  /** Reads the batch's scalar slots ({@code layout}'s non-array slots) into {@link #values} and {@link #status}. */
  void readScalars(ColumnarBatch batch, ColumnarEngine.Layout layout, int n) {
    for (int s = 0; s < values.length; s++) {
      if (!(layout.slotTypes()[s] instanceof ArrayType)) {
        read(batch.column(layout.slotOrdinals()[s]), layout.slotTypes()[s], n, values[s], status[s]);
      }
    }
  }

  /**
   * The batch with one more column, the rows' jackknife buckets ({@link BucketHash}), at the ordinal the
   * layout's last key reads: the bucket is a key like the others.
   */
  ColumnarBatch withBuckets(ColumnarBatch batch, int n, BucketHash bucket) {
    if (bucketOf.length < n) {
      bucketOf = new int[n];
      if (bucketVector != null) {
        bucketVector.close();
      }
      bucketVector = new OnHeapColumnVector(n, DataTypes.IntegerType);
    }
    ColumnVector[] columns = new ColumnVector[batch.numCols() + 1];
    for (int c = 0; c < batch.numCols(); c++) {
      columns[c] = batch.column(c);
    }
    bucket.fill(columns, n, bucketOf);
    bucketVector.putInts(0, n, bucketOf, 0);
    columns[batch.numCols()] = bucketVector;
    return new ColumnarBatch(columns, n);
  }

  /**
   * Column {@code c} of type {@code t} as a cast to double reads it, with each value's status
   * ({@link LossRow#OK}, {@link LossRow#NULL} or {@link LossRow#NOT_FINITE}); 0 in place of a null.
   */
  static void read(ColumnVector c, DataType t, int n, double[] v, byte[] st) {
    boolean nulls = c.hasNull();
    for (int i = 0; i < n; i++) {
      if (nulls && c.isNullAt(i)) {
        v[i] = 0;
        st[i] = LossRow.NULL;
        continue;
      }
      double x = t instanceof DoubleType ? c.getDouble(i) : other(c, t, i);
      v[i] = x;
      st[i] = Double.isFinite(x) ? LossRow.OK : LossRow.NOT_FINITE;
    }
  }

  /** A value of a column that is not of doubles. */
  private static double other(ColumnVector c, DataType t, int i) {
    if (t instanceof FloatType) {
      return c.getFloat(i);
    } else if (t instanceof LongType) {
      return c.getLong(i);
    } else if (t instanceof IntegerType) {
      return c.getInt(i);
    } else if (t instanceof ShortType) {
      return c.getShort(i);
    } else if (t instanceof ByteType) {
      return c.getByte(i);
    } else if (t instanceof BooleanType) {
      return c.getBoolean(i) ? 1 : 0;
    } else if (t instanceof DecimalType d) {
      return c.getDecimal(i, d.precision(), d.scale()).toDouble();
    }
    throw new IllegalArgumentException("the columnar engine does not read columns of type " + t);
  }
}
