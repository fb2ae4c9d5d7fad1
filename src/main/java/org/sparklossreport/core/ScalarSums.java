package org.sparklossreport.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A kernel over a scalar label and a scalar prediction whose state is a list of {@link Accumulator}s,
 * described as data: the job's compiled engine turns it into Spark aggregate expressions that call the
 * same term and check functions, the columnar engine runs them in loops over column batches, and the
 * Java kernel runs them a row at a time.
 */
public interface ScalarSums {
  /**
   * The reasons a scalar domain check may give (the shared checks of nulls, non-finite values and
   * weights come before it): an engine counts only these for a loss with a check.
   */
  Set<InvalidReason> CHECK_REASONS = Collections.unmodifiableSet(EnumSet.of(InvalidReason.PROBABILITY_RANGE,
      InvalidReason.LABEL_RANGE, InvalidReason.PREDICTION_RANGE));

  /**
   * {@code check}'s reason for a row that passed the shared checks (null for no check or a valid row);
   * a reason outside {@link #CHECK_REASONS} is a bug in the loss, since engines count only those.
   */
  static InvalidReason check(Kernels.ScalarCheck check, double y, double p) {
    InvalidReason reason = check == null ? null : check.of(y, p);
    if (reason != null && !CHECK_REASONS.contains(reason)) {
      throw new IllegalStateException("a scalar check gave " + reason + ", not one of " + CHECK_REASONS);
    }
    return reason;
  }

  /**
   * True when a row can be left out for {@code reason} by the shared checks or a loss's check: nulls and
   * non-finite values always, invalid weights with a weight column, {@link #CHECK_REASONS} with a check.
   * Engines keep no counter for the other reasons; they are 0.
   */
  static boolean possible(InvalidReason reason, boolean weighted, boolean checked) {
    return reason == InvalidReason.NULL || reason == InvalidReason.NOT_FINITE
        || reason == InvalidReason.WEIGHT && weighted || checked && CHECK_REASONS.contains(reason);
  }

  /** The domain check, giving one of {@link #CHECK_REASONS}, or null when every finite row is valid. */
  Kernels.ScalarCheck scalarCheck();

  /** The state's blocks, in slot order. */
  List<Accumulator> accumulators();
}
