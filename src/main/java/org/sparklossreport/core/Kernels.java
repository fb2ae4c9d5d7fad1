package org.sparklossreport.core;

import java.io.Serializable;
import java.util.List;

/**
 * The common kernel forms: the weighted mean (or sum) of a per-row term ℓ_i over scalars, vectors, or a
 * class index with a probability vector. State: one compensated pair Σ w·ℓ. A loss supplies its term
 * and its domain check as small functions that read like the formula.
 */
public final class Kernels {
  private Kernels() {}

  /** ℓ(y, ŷ) for scalar inputs. */
  @FunctionalInterface
  public interface ScalarTerm extends Serializable {
    double of(double y, double p);
  }

  /** Domain check for scalar inputs: null when the row is valid. */
  @FunctionalInterface
  public interface ScalarCheck extends Serializable {
    InvalidReason of(double y, double p);
  }

  /** ℓ(y, ŷ) for two vectors of equal length. */
  @FunctionalInterface
  public interface VectorTerm extends Serializable {
    double of(double[] y, double[] p);
  }

  /** Domain check for two vectors of equal length: null when the row is valid. */
  @FunctionalInterface
  public interface VectorCheck extends Serializable {
    InvalidReason of(double[] y, double[] p);
  }

  /** ℓ(k, ŷ) for a class index k and a vector ŷ. */
  @FunctionalInterface
  public interface IndexTerm extends Serializable {
    double of(int k, double[] p);
  }

  /** Accepts every finite row. */
  public static final ScalarCheck ANY = (y, p) -> null;

  /** Accepts every pair of finite vectors of equal length. */
  public static final VectorCheck ANY_VECTORS = (y, p) -> null;

  /** ℓ of a decoded row, for forms the helpers below do not cover. */
  @FunctionalInterface
  public interface RowTerm extends Serializable {
    double of(LossRow r);
  }

  /** What becomes of the reduced value (the identity, or sqrt for RMSE). */
  @FunctionalInterface
  public interface Finish extends Serializable {
    double of(double reduced);
  }

  /** Domain check of a decoded row: null when the row is valid. */
  @FunctionalInterface
  interface RowCheck extends Serializable {
    InvalidReason of(LossRow r);
  }

  /** Weighted mean (or sum) of a scalar term. */
  public static Kernel scalar(Reduction reduction, ScalarCheck check, ScalarTerm term) {
    return scalar(reduction, check, term, v -> v);
  }

  /** Weighted mean (or sum) of a scalar term, then {@code then} of it (sqrt for RMSE). */
  public static Kernel scalar(Reduction reduction, ScalarCheck check, ScalarTerm term, Finish then) {
    return sums(check, List.of(new Accumulator.Term(term, false)),
        (s, at, w, out) -> out[0] = then.of(reduction == Reduction.SUM ? Neumaier.value(s, at)
            : Neumaier.value(s, at) / w));
  }

  /** A state's outputs from its blocks (at {@code at}) and the weight sum of its valid rows. */
  @FunctionalInterface
  public interface Outputs extends Serializable {
    void of(double[] s, int at, double weightSum, double[] out);
  }

  /**
   * A kernel over scalar inputs whose state is {@code blocks} side by side, valid rows as {@code check}
   * says ({@link #ANY} for every finite row), outputs as {@code outputs} computes them.
   */
  public static Kernel sums(ScalarCheck check, List<Accumulator> blocks, Outputs outputs) {
    return new SumsKernel(check == ANY ? null : check, List.copyOf(blocks), outputs);
  }

  /** Weighted mean (or sum) of a term of two vectors, which must have one length. */
  public static Kernel vector(Reduction reduction, VectorCheck check, VectorTerm term) {
    return new TermKernel(reduction, r -> r.yv().length != r.pv().length || r.pv().length == 0
        ? InvalidReason.VECTOR_LENGTH : check.of(r.yv(), r.pv()), r -> term.of(r.yv(), r.pv()), v -> v);
  }

  /**
   * Weighted mean (or sum) of a term of a class index (the label, an integer in [0, length of ŷ)) and
   * a vector ŷ checked by {@code check} (the label vector passed to it is null).
   */
  public static Kernel indexed(Reduction reduction, VectorCheck check, IndexTerm term) {
    return new TermKernel(reduction, r -> {
      double k = r.y();
      return k < 0 || k != Math.rint(k) || k >= r.pv().length ? InvalidReason.CLASS_INDEX : check.of(null, r.pv());
    }, r -> term.of((int) r.y(), r.pv()), v -> v);
  }

  /** Weighted mean (or sum) of a row term that accepts every finite row, then {@code then} of it. */
  public static Kernel row(Reduction reduction, RowTerm term, Finish then) {
    return new TermKernel(reduction, null, term, then);
  }

  /** A probability in [0, 1]. */
  public static boolean isProbability(double v) {
    return v >= 0 && v <= 1;
  }

  /** Every element a probability; a null vector passes. */
  public static boolean areProbabilities(double[] v) {
    if (v == null) {
      return true;
    }
    for (double x : v) {
      if (!isProbability(x)) {
        return false;
      }
    }
    return true;
  }

  /** Checks labels and predictions are probabilities (labels first). */
  public static final ScalarCheck PROBABILITIES = (y, p) ->
      !isProbability(y) ? InvalidReason.LABEL_RANGE
          : !isProbability(p) ? InvalidReason.PROBABILITY_RANGE : null;

  /** Checks label and prediction vectors hold probabilities (labels first). */
  public static final VectorCheck PROBABILITY_VECTORS = (y, p) ->
      !areProbabilities(y) ? InvalidReason.LABEL_RANGE
          : !areProbabilities(p) ? InvalidReason.PROBABILITY_RANGE : null;

  /**
   * A state of one compensated pair Σ w·ℓ; value then(Σwℓ/Σw) (mean) or then(Σwℓ) (sum). A null check
   * accepts every finite row.
   */
  private static final class TermKernel implements Kernel {
    private static final long serialVersionUID = 1L;
    private final Reduction reduction;
    private final RowCheck check;
    private final RowTerm term;
    private final Finish then;

    TermKernel(Reduction reduction, RowCheck check, RowTerm term, Finish then) {
      this.reduction = reduction;
      this.check = check;
      this.term = term;
      this.then = then;
    }

    @Override
    public int slots() {
      return 2;
    }

    @Override
    public boolean checksRows() {
      return check != null;
    }

    @Override
    public InvalidReason check(LossRow r) {
      return check == null ? null : check.of(r);
    }

    @Override
    public void add(double[] s, int at, LossRow r, double w) {
      Neumaier.add(s, at, w * term.of(r));
    }

    @Override
    public void finish(double[] s, int at, double weightSum, double[] out) {
      double total = Neumaier.value(s, at);
      out[0] = then.of(reduction == Reduction.SUM ? total : total / weightSum);
    }
  }

  /** The scalar kernel: its state is its blocks side by side (see {@link ScalarSums}). */
  private static final class SumsKernel implements Kernel, ScalarSums {
    private static final long serialVersionUID = 1L;
    private final ScalarCheck check;
    private final List<Accumulator> blocks;
    private final Accumulator.Term single; // the common case of one term, without the loop
    private final Outputs outputs;
    private final int slots;

    SumsKernel(ScalarCheck check, List<Accumulator> blocks, Outputs outputs) {
      this.check = check;
      this.blocks = blocks;
      this.single = blocks.size() == 1 && blocks.get(0) instanceof Accumulator.Term t ? t : null;
      this.outputs = outputs;
      this.slots = blocks.stream().mapToInt(Accumulator::slots).sum();
    }

    @Override
    public ScalarCheck scalarCheck() {
      return check;
    }

    @Override
    public List<Accumulator> accumulators() {
      return blocks;
    }

    @Override
    public int slots() {
      return slots;
    }

    @Override
    public boolean checksRows() {
      return check != null;
    }

    @Override
    public InvalidReason check(LossRow r) {
      return ScalarSums.check(check, r.y(), r.p());
    }

    @Override
    public void add(double[] s, int at, LossRow r, double w) {
      if (single != null) {
        single.add(s, at, r.y(), r.p(), w);
        return;
      }
      double y = r.y();
      double p = r.p();
      for (Accumulator b : blocks) {
        b.add(s, at, y, p, w);
        at += b.slots();
      }
    }

    @Override
    public void merge(double[] s, int at, double[] o, int from) {
      for (Accumulator b : blocks) {
        b.merge(s, at, o, from);
        at += b.slots();
        from += b.slots();
      }
    }

    @Override
    public void finish(double[] s, int at, double weightSum, double[] out) {
      outputs.of(s, at, weightSum, out);
    }
  }
}
