package org.sparklossreport.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The mergeable state of one or more losses over a set of rows: row counters and compensated sums, laid
 * out by a {@link LossSet}. A Java bean so that Spark encodes it ({@code Encoders.bean}) as a small
 * struct of two arrays; {@code version} lets saved states be read back by later releases.
 *
 * <p>Invariants: (1) a state of zeros (of the right lengths) is the empty state; (2) the state's meaning
 * is given by the {@link LossSet} that made it, whose {@link LossSet#stateSignature()} identifies the layout;
 * (3) a state that leaves the engines (the public aggregators' outputs, states to save) carries that
 * signature ({@link #getSignature()}), so it says what made it and merges only with states of the same
 * signature; states inside the job's engines carry none (null), to keep their rows small, and merge by
 * layout within the one set that made them.
 */
public final class LossState implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The layout version written into every state. */
  public static final int CURRENT_VERSION = 1;

  private int version = CURRENT_VERSION;
  private long[] counts;
  private double[] sums;
  private String signature;

  /** For the bean encoder. */
  public LossState() {
    this(0, 0);
  }

  public LossState(int countSlots, int sumSlots) {
    this.counts = new long[countSlots];
    this.sums = new double[sumSlots];
  }

  public int getVersion() {
    return version;
  }

  public void setVersion(int version) {
    this.version = version;
  }

  public long[] getCounts() {
    return counts;
  }

  public void setCounts(long[] counts) {
    this.counts = counts;
  }

  public double[] getSums() {
    return sums;
  }

  public void setSums(double[] sums) {
    this.sums = sums;
  }

  /**
   * What made the state, as {@link LossSet#stateSignature()} gives it: the format version, then per loss its
   * spec with every parameter (defaults included) and its input forms, e.g.
   * {@code v1;huber(reduction=mean,delta=1)[scalar,scalar]}; null for a state internal to the engines.
   */
  public String getSignature() {
    return signature;
  }

  public void setSignature(String signature) {
    this.signature = signature;
  }

  /** A deep copy. */
  public LossState copy() {
    LossState c = new LossState();
    c.version = version;
    c.counts = counts.clone();
    c.sums = sums.clone();
    c.signature = signature;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LossState other && version == other.version
        && java.util.Objects.equals(signature, other.signature)
        && Arrays.equals(counts, other.counts) && Arrays.equals(sums, other.sums);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(counts) + Arrays.hashCode(sums);
  }

  @Override
  public String toString() {
    return "LossState{v" + version + (signature == null ? "" : ", " + signature) + ", counts="
        + Arrays.toString(counts) + ", sums="
        + Arrays.toString(sums) + "}";
  }
}
