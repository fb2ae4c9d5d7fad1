package org.sparklossreport.core;

import java.io.Serializable;

/**
 * The arithmetic of one loss bound to input shapes: which rows it accepts, what a valid row adds to its
 * state, how two states combine and how a state becomes the loss's outputs.
 *
 * <p>A kernel owns {@link #slots()} doubles of the loss state, starting at an offset {@code at}. All
 * zeros is the empty state. {@link #merge} must be associative and commutative and have the empty state
 * as its identity; {@link #finish} must not change the state. Shared checks (nulls, non-finite values,
 * weights) happen before {@link #check}; a kernel checks only its own domain.
 */
public interface Kernel extends Serializable {
  /** Doubles of state this kernel keeps. */
  int slots();

  /** Why this row cannot contribute, or null when it can. Inputs are non-null and finite here. */
  InvalidReason check(LossRow row);

  /** False when {@link #check} accepts every finite row (lets the hot loop skip the call). */
  default boolean checksRows() {
    return true;
  }

  /** True when {@link #weightOf} may differ from the row's weight (lets the hot loop skip the call). */
  default boolean setsWeights() {
    return false;
  }

  /**
   * The weight a valid row counts with; {@code w} unless the loss sets some rows aside on purpose
   * (sparse categorical cross-entropy's {@code ignore_class} rows count with weight 0).
   */
  default double weightOf(LossRow row, double w) {
    return w;
  }

  /** Adds a valid row of weight {@code w} to the state. */
  void add(double[] s, int at, LossRow row, double w);

  /** Adds the state at {@code from} in {@code o} to the state at {@code at} in {@code s}. */
  default void merge(double[] s, int at, double[] o, int from) {
    for (int i = 0; i < slots(); i += 2) {
      Neumaier.merge(s, at + i, o, from + i);
    }
  }

  /**
   * Writes the outputs (value first, then the extra outputs in {@link Loss#extraOutputs()} order) for a
   * state holding at least one row of total weight {@code weightSum}. Writes NaN for an output that
   * has no value (the caller reports it as null).
   */
  void finish(double[] s, int at, double weightSum, double[] out);
}
