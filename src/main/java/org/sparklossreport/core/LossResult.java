package org.sparklossreport.core;

import java.io.Serializable;
import java.util.Map;

/**
 * One output of one loss over one group: the report's {@code loss}, {@code value}, {@code rows},
 * {@code invalid_rows} and {@code weight_sum}, with the invalid rows broken down by reason.
 *
 * @param loss the canonical loss, or {@code <loss>.<output>} for an extra output
 * @param value the loss (±Infinity past the double range); null when no row contributed, the weights sum
 *     to zero, or the value is undefined because a sum overflowed (then {@code rows} is 0 and the rows are
 *     counted under {@link #OVERFLOW})
 * @param rows rows that contributed
 * @param invalidRows rows left out as invalid for this loss
 * @param weightSum Σ w over the contributing rows
 * @param invalidByReason invalid rows per {@link InvalidReason#label()}, only reasons that occurred
 */
public record LossResult(String loss, Double value, long rows, long invalidRows, double weightSum,
    Map<String, Long> invalidByReason) implements Serializable {
  /**
   * The reason, in {@link #invalidByReason}, of rows whose valid values gave no defined result: a sum
   * past the double range made the output NaN (∞/∞, ∞ − ∞). Not an {@link InvalidReason} of a row, so
   * not a counter of the state: {@link LossSet#results} decides it from the finished value.
   */
  public static final String OVERFLOW = "overflow";

  /** True when this output's value was undefined because a sum overflowed. */
  public boolean overflowed() {
    return invalidByReason.containsKey(OVERFLOW);
  }
}
