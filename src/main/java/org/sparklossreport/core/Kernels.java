package org.sparklossreport.core;

import java.io.Serializable;

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

  /** Weighted mean (or sum) of a scalar term. */
  public static Kernel scalar(Reduction reduction, ScalarCheck check, ScalarTerm term) {
    boolean checks = check != ANY;
    return new MeanKernel(reduction) {
      private static final long serialVersionUID = 1L;

      @Override
      public boolean checksRows() {
        return checks;
      }

      @Override
      public InvalidReason check(LossRow r) {
        return check.of(r.y(), r.p());
      }

      @Override
      double term(LossRow r) {
        return term.of(r.y(), r.p());
      }
    };
  }

  /** Weighted mean (or sum) of a term of two vectors, which must have one length. */
  public static Kernel vector(Reduction reduction, VectorCheck check, VectorTerm term) {
    return new MeanKernel(reduction) {
      private static final long serialVersionUID = 1L;

      @Override
      public InvalidReason check(LossRow r) {
        if (r.yv().length != r.pv().length || r.pv().length == 0) {
          return InvalidReason.VECTOR_LENGTH;
        }
        return check.of(r.yv(), r.pv());
      }

      @Override
      double term(LossRow r) {
        return term.of(r.yv(), r.pv());
      }
    };
  }

  /**
   * Weighted mean (or sum) of a term of a class index (the label, an integer in [0, length of ŷ)) and
   * a vector ŷ checked by {@code check} (the label vector passed to it is null).
   */
  public static Kernel indexed(Reduction reduction, VectorCheck check, IndexTerm term) {
    return new MeanKernel(reduction) {
      private static final long serialVersionUID = 1L;

      @Override
      public InvalidReason check(LossRow r) {
        double k = r.y();
        if (k < 0 || k != Math.rint(k) || k >= r.pv().length) {
          return InvalidReason.CLASS_INDEX;
        }
        return check.of(null, r.pv());
      }

      @Override
      double term(LossRow r) {
        return term.of((int) r.y(), r.pv());
      }
    };
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

  /** A state of one compensated pair Σ w·ℓ; value Σwℓ/Σw (mean) or Σwℓ (sum). */
  abstract static class MeanKernel implements Kernel {
    private static final long serialVersionUID = 1L;
    private final Reduction reduction;

    MeanKernel(Reduction reduction) {
      this.reduction = reduction;
    }

    abstract double term(LossRow r);

    @Override
    public int slots() {
      return 2;
    }

    @Override
    public void add(double[] s, int at, LossRow r, double w) {
      Neumaier.add(s, at, w * term(r));
    }

    @Override
    public void finish(double[] s, int at, double weightSum, double[] out) {
      double total = Neumaier.value(s, at);
      out[0] = reduction == Reduction.SUM ? total : total / weightSum;
    }
  }
}
