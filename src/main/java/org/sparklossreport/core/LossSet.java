package org.sparklossreport.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several losses over the same rows, computed together: one {@link LossState} holds all their counters
 * and sums side by side, so a single pass over the rows (decoded once each) updates every loss.
 *
 * <p>Invariants: (1) {@link #zero()} is the identity of {@link #merge}; (2) {@link #merge} is associative
 * and commutative up to rounding far below the twelfth digit (compensated sums); (3) {@link #results}
 * does not change the state; (4) {@link #signature()} names the layout, so states are only merged with
 * states of the same losses in the same order.
 */
public final class LossSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<BoundLoss> losses;
  private final int slots;
  private final int countSlots;
  private final int sumSlots;

  private LossSet(List<BoundLoss> losses, int slots, int countSlots, int sumSlots) {
    this.losses = List.copyOf(losses);
    this.slots = slots;
    this.countSlots = countSlots;
    this.sumSlots = sumSlots;
  }

  /** Starts a set over rows of {@code slots} decoded input slots. */
  public static Builder over(int slots) {
    return new Builder(slots);
  }

  /** Adds losses in order, each bound to its input slots and shapes. */
  public static final class Builder {
    private final int slots;
    private final List<BoundLoss> losses = new ArrayList<>();
    private int countAt;
    private int sumAt;

    private Builder(int slots) {
      this.slots = slots;
    }

    /**
     * Binds {@code loss} to slots; throws {@link LossSpecException} when the shapes do not fit.
     *
     * @param labelSlot −1 for a loss of the prediction alone
     * @param weightSlot −1 for unit weights
     */
    public Builder add(Loss loss, int labelSlot, Shape labelShape, int predictionSlot,
        Shape predictionShape, int weightSlot) {
      Kernel kernel = loss.bind(labelShape, predictionShape);
      BoundLoss b = new BoundLoss(loss, kernel, loss.needsLabel() ? labelSlot : -1, predictionSlot,
          weightSlot, countAt, sumAt);
      losses.add(b);
      countAt += BoundLoss.COUNT_SLOTS;
      sumAt += b.sumSlots();
      return this;
    }

    public LossSet build() {
      return new LossSet(losses, slots, countAt, sumAt);
    }
  }

  /** The bound losses, in order. */
  public List<BoundLoss> losses() {
    return losses;
  }

  /** Input slots a decoded row must have. */
  public int slots() {
    return slots;
  }

  /** The empty state. */
  public LossState zero() {
    return new LossState(countSlots, sumSlots);
  }

  /** Adds one decoded row to every loss. */
  public LossState add(LossState state, LossRow row) {
    for (BoundLoss b : losses) {
      b.add(state, row);
    }
    return state;
  }

  /** Adds {@code other} into {@code state} and returns {@code state}. */
  public LossState merge(LossState state, LossState other) {
    checkLayout(other);
    for (BoundLoss b : losses) {
      b.merge(state, other);
    }
    return state;
  }

  /**
   * The report lines of a state: for each loss its value, then its extra outputs. A value past the double
   * range is ±Infinity. An output that is NaN although rows contributed with a non-zero weight sum is
   * undefined because a sum overflowed (∞/∞, ∞ − ∞): it is null, and its contributing rows are counted as
   * invalid under {@link LossResult#OVERFLOW} (rows 0, weight sum 0), so that rows + invalid rows is still
   * every row of the group and no value is null while rows &gt; 0 (outside weights summing to zero).
   */
  public List<LossResult> results(LossState state) {
    checkLayout(state);
    List<LossResult> out = new ArrayList<>();
    for (BoundLoss b : losses) {
      double[] values = b.values(state);
      long rows = b.rows(state);
      double w = b.weightSum(state);
      Map<String, Long> reasons = new LinkedHashMap<>();
      long invalid = 0;
      for (InvalidReason r : InvalidReason.values()) {
        long n = b.invalid(state, r);
        if (n > 0) {
          reasons.put(r.label(), n);
          invalid += n;
        }
      }
      String name = b.loss().canonical();
      List<String> extras = b.loss().extraOutputs();
      for (int i = 0; i < values.length; i++) {
        String output = i == 0 ? name : name + "." + extras.get(i - 1);
        if (Double.isNaN(values[i]) && rows > 0 && w != 0) {
          Map<String, Long> overflow = new LinkedHashMap<>(reasons);
          overflow.put(LossResult.OVERFLOW, rows);
          out.add(new LossResult(output, null, 0, invalid + rows, 0.0, Collections.unmodifiableMap(overflow)));
          continue;
        }
        Double v = Double.isNaN(values[i]) ? null : values[i];
        out.add(new LossResult(output, v, rows, invalid, w, Collections.unmodifiableMap(reasons)));
      }
    }
    return out;
  }

  /** The losses of this set in canonical form, comma-joined, with the layout version. */
  public String signature() {
    StringBuilder b = new StringBuilder("v").append(LossState.CURRENT_VERSION);
    for (BoundLoss l : losses) {
      b.append(';').append(l.loss().canonical());
    }
    return b.toString();
  }

  private void checkLayout(LossState s) {
    if (s.getVersion() != LossState.CURRENT_VERSION || s.getCounts().length != countSlots
        || s.getSums().length != sumSlots) {
      throw new IllegalStateException("loss state of version " + s.getVersion() + " with "
          + s.getCounts().length + "/" + s.getSums().length + " slots does not fit " + signature()
          + " (" + countSlots + "/" + sumSlots + ")");
    }
  }
}
