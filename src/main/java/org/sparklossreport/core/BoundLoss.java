package org.sparklossreport.core;

import java.io.Serializable;

/**
 * A loss bound to input slots and to its place in a {@link LossSet}'s state: the shared row checks
 * (nulls, non-finite values, weights) wrapped around the loss's own {@link Kernel}.
 *
 * <p>State layout at its offsets: counts {@code [rows, invalid by reason...]}; sums
 * {@code [Σw, compensation, kernel slots...]}.
 */
public final class BoundLoss implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Counters per loss: contributing rows, then one per {@link InvalidReason}. */
  public static final int COUNT_SLOTS = 1 + InvalidReason.COUNT;

  final Loss loss;
  final Kernel kernel;
  final int labelSlot;
  final int predictionSlot;
  final int weightSlot;
  final int countAt;
  final int sumAt;
  private final Shape labelShape;
  private final Shape predictionShape;
  private final boolean checksRows;
  private final boolean setsWeights;

  /**
   * @param labelSlot the label's input slot, −1 for a loss without label
   * @param weightSlot the weight's input slot, −1 for weight 1
   */
  BoundLoss(Loss loss, Kernel kernel, int labelSlot, Shape labelShape, int predictionSlot,
      Shape predictionShape, int weightSlot, int countAt, int sumAt) {
    this.loss = loss;
    this.labelShape = loss.needsLabel() ? labelShape : null;
    this.predictionShape = predictionShape;
    this.kernel = kernel;
    this.labelSlot = labelSlot;
    this.predictionSlot = predictionSlot;
    this.weightSlot = weightSlot;
    this.countAt = countAt;
    this.sumAt = sumAt;
    this.checksRows = kernel.checksRows();
    this.setsWeights = kernel.setsWeights();
  }

  public Loss loss() {
    return loss;
  }

  public Kernel kernel() {
    return kernel;
  }

  /** The label's input slot, −1 for a loss without label. */
  public int labelSlot() {
    return labelSlot;
  }

  public int predictionSlot() {
    return predictionSlot;
  }

  /** The weight's input slot, −1 for weight 1. */
  public int weightSlot() {
    return weightSlot;
  }

  /** Where this loss's counters start in the state: rows, then one per {@link InvalidReason}. */
  public int countAt() {
    return countAt;
  }

  /** Where this loss's sums start in the state: the Σw pair, then the kernel's slots. */
  public int sumAt() {
    return sumAt;
  }

  /** The label's shape, null for a loss without label. */
  public Shape labelShape() {
    return labelShape;
  }

  public Shape predictionShape() {
    return predictionShape;
  }

  /**
   * What this loss's part of a state is: its spec with every parameter ({@link Loss#fullSpec()}) and
   * the input forms it was bound to, {@code [label,prediction]} (just {@code [prediction]} for a loss
   * without label): {@code huber(reduction=mean,delta=1)[scalar,scalar]},
   * {@code log_loss(reduction=mean,epsilon=1e-15)[scalar,vector]} (class index, probability vector).
   * Weights are left out: they change the sums, not what the state means.
   */
  public String stateSignature() {
    return loss.fullSpec() + "[" + inputForms() + "]";
  }

  /**
   * The input forms, as every form of a state names them: the label's then the prediction's
   * ({@code scalar,vector}), or the prediction's alone for a loss without label ({@code vector}).
   */
  public String inputForms() {
    String p = predictionShape.name().toLowerCase(java.util.Locale.ROOT);
    return labelShape == null ? p : labelShape.name().toLowerCase(java.util.Locale.ROOT) + "," + p;
  }

  /** Doubles of state: Σw as a compensated pair plus the kernel's. */
  int sumSlots() {
    return 2 + kernel.slots();
  }

  /** Why the row cannot contribute to this loss, or null. */
  public InvalidReason classify(LossRow row) {
    InvalidReason shared = rowCheck(labelSlot >= 0 ? row.status(labelSlot) : LossRow.OK,
        row.status(predictionSlot), weightSlot >= 0 ? row.status(weightSlot) : LossRow.OK,
        weightSlot >= 0 ? row.scalar(weightSlot) : 1.0);
    if (shared != null) {
      return shared;
    }
    return checksRows ? kernel.check(row.view(labelSlot, predictionSlot)) : null;
  }

  /**
   * The checks every loss shares, before its own: a null input, then a weight that is not a finite
   * number ≥ 0, then a label or prediction that is not finite. Statuses are {@link LossRow#OK},
   * {@link LossRow#NULL} or {@link LossRow#NOT_FINITE} (OK and weight 1 for an input the loss lacks).
   *
   * @return the reason, or null when the row passes
   */
  public static InvalidReason rowCheck(byte label, byte prediction, byte weight, double w) {
    if (label == LossRow.NULL || prediction == LossRow.NULL || weight == LossRow.NULL) {
      return InvalidReason.NULL;
    }
    if (!(w >= 0) || weight == LossRow.NOT_FINITE) {
      return InvalidReason.WEIGHT;
    }
    if (label != LossRow.OK || prediction != LossRow.OK) {
      return InvalidReason.NOT_FINITE;
    }
    return null;
  }

  /**
   * {@link #rowCheck} as a number, {@link InvalidReason#codeOf} (−1 when the row passes): what the
   * compiled engine's generated code calls ({@link #rowCheckForm}).
   */
  public static int rowCheckCode(byte label, byte prediction, byte weight, double w) {
    return InvalidReason.codeOf(rowCheck(label, prediction, weight, w));
  }

  /**
   * {@link #rowCheck} as an expression of another evaluator: the reason code of a row whose statuses
   * ({@link LossRow#statusOf}, or {@link LossRow#NULL}) and weight value (any number when null) are
   * {@code label}, {@code prediction}, {@code weight} and {@code w}.
   */
  public static <E> E rowCheckForm(Calls<E> f, E label, E prediction, E weight, E w) {
    return f.call(BoundLoss.class, "rowCheckCode", java.util.List.of(label, prediction, weight, w));
  }

  /**
   * True when this loss's Σw is its row count: no weight column, and a kernel that keeps each row's
   * weight 1. Engines then keep no Σw ({@link #unitWeightSum}), and its weights cannot sum to 0.
   */
  public boolean unitWeights() {
    return weightSlot < 0 && !setsWeights;
  }

  /**
   * Σw of {@code rows} contributing rows of weight 1: the count, exactly, with compensation 0, as a
   * Neumaier sum of ones gives it (below 2⁵³ rows).
   */
  public static double unitWeightSum(long rows) {
    return rows;
  }

  /** True when this loss has rows in {@code state} whose weights sum to 0: it has no value. */
  public boolean zeroWeight(LossState state) {
    return !unitWeights() && rows(state) > 0 && weightSum(state) == 0;
  }

  /** Adds one row to the state: to the sums when valid, else to the counter of its reason. */
  public void add(LossState state, LossRow row) {
    InvalidReason reason = classify(row);
    long[] c = state.getCounts();
    if (reason != null) {
      c[countAt + 1 + reason.ordinal()]++;
      return;
    }
    LossRow r = row.view(labelSlot, predictionSlot);
    double w = weightSlot >= 0 ? r.scalar(weightSlot) : 1.0;
    if (setsWeights) {
      w = kernel.weightOf(r, w);
    }
    double[] s = state.getSums();
    c[countAt]++;
    Neumaier.add(s, sumAt, w);
    kernel.add(s, sumAt + 2, r, w);
  }

  /** Adds this loss's part of {@code other} into {@code state}. */
  void merge(LossState state, LossState other) {
    long[] c = state.getCounts();
    long[] oc = other.getCounts();
    for (int i = 0; i < COUNT_SLOTS; i++) {
      c[countAt + i] += oc[countAt + i];
    }
    Neumaier.merge(state.getSums(), sumAt, other.getSums(), sumAt);
    kernel.merge(state.getSums(), sumAt + 2, other.getSums(), sumAt + 2);
  }

  /** Contributing rows. */
  public long rows(LossState state) {
    return state.getCounts()[countAt];
  }

  /** Rows left out for {@code reason}. */
  public long invalid(LossState state, InvalidReason reason) {
    return state.getCounts()[countAt + 1 + reason.ordinal()];
  }

  /** Σ w over contributing rows. */
  public double weightSum(LossState state) {
    return Neumaier.value(state.getSums(), sumAt);
  }

  /**
   * The outputs (value first, then extras) of the state; NaN where there is no value: no contributing
   * row, or weights summing to zero.
   */
  public double[] values(LossState state) {
    double[] out = new double[1 + loss.extraOutputs().size()];
    double w = weightSum(state);
    if (rows(state) == 0 || w == 0) {
      java.util.Arrays.fill(out, Double.NaN);
      return out;
    }
    kernel.finish(state.getSums(), sumAt + 2, w, out);
    return out;
  }
}
