package org.sparklossreport.core;

/**
 * One decoded input row as one loss sees it: the label and prediction slots it was bound to. The row
 * object is reused from row to row (no allocation on the hot path); a kernel must not keep it.
 */
public final class LossRow {
  /** Slot status: the value is present. */
  public static final byte OK = 0;
  /** Slot status: the column is null, or a vector holds a null element. */
  public static final byte NULL = 1;
  /** Slot status: the value, or an element of the vector, is NaN or infinite. */
  public static final byte NOT_FINITE = 2;

  final double[] scalars;
  final double[][] vectors;
  final byte[] status;
  private int label = -1;
  private int prediction = -1;

  /** A row of {@code slots} input slots. */
  public LossRow(int slots) {
    scalars = new double[slots];
    vectors = new double[slots][];
    status = new byte[slots];
  }

  /** Sets slot {@code i} to a scalar value. */
  public void setScalar(int i, double v) {
    scalars[i] = v;
    vectors[i] = null;
    status[i] = statusOf(v);
  }

  /** The status of a scalar value that is not null: {@link #OK} when finite, else {@link #NOT_FINITE}. */
  public static byte statusOf(double v) {
    return Double.isFinite(v) ? OK : NOT_FINITE;
  }

  /** Sets slot {@code i} to a vector value (checked for non-finite elements once, for every loss). */
  public void setVector(int i, double[] v) {
    vectors[i] = v;
    byte st = OK;
    for (double x : v) {
      if (!Double.isFinite(x)) {
        st = NOT_FINITE;
        break;
      }
    }
    status[i] = st;
  }

  /** Marks slot {@code i} null. */
  public void setNull(int i) {
    vectors[i] = null;
    status[i] = NULL;
  }

  /** Points the label and prediction accessors at slots (−1 when the loss has no such input). */
  public LossRow view(int labelSlot, int predictionSlot) {
    this.label = labelSlot;
    this.prediction = predictionSlot;
    return this;
  }

  /** {@link #OK}, {@link #NULL} or {@link #NOT_FINITE}. */
  public byte status(int slot) {
    return status[slot];
  }

  public boolean isNull(int slot) {
    return status[slot] == NULL;
  }

  public double scalar(int slot) {
    return scalars[slot];
  }

  public double[] vector(int slot) {
    return vectors[slot];
  }

  /** The label as a number; 0 for a loss of the prediction alone. */
  public double y() {
    return label < 0 ? 0 : scalars[label];
  }

  /** The prediction as a number. */
  public double p() {
    return scalars[prediction];
  }

  /** The label as a vector. */
  public double[] yv() {
    return vectors[label];
  }

  /** The prediction as a vector. */
  public double[] pv() {
    return vectors[prediction];
  }
}
