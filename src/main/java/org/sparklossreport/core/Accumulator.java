package org.sparklossreport.core;

import java.io.Serializable;

/**
 * One block of a scalar kernel's state, filled from (y, ŷ, w) of the valid rows. An accumulator is data
 * (which sum of which term), so that an engine can also compile it into its own aggregation; its Java
 * arithmetic here is the reference.
 */
public sealed interface Accumulator extends Serializable permits Accumulator.Term, Accumulator.Moments {
  /** Doubles of state. */
  int slots();

  /** Adds a valid row of weight {@code w} to the block at {@code at}. */
  void add(double[] s, int at, double y, double p, double w);

  /** Adds the block at {@code from} in {@code o} to the block at {@code at} in {@code s}. */
  void merge(double[] s, int at, double[] o, int from);

  /**
   * Σ w·ℓ(y, ŷ) (or Σ w²·ℓ with {@code squaredWeight}) as one Neumaier pair.
   *
   * @param term the loss's per-row term, written once in the loss
   */
  record Term(Kernels.ScalarTerm term, boolean squaredWeight) implements Accumulator {
    @Override
    public int slots() {
      return 2;
    }

    @Override
    public void add(double[] s, int at, double y, double p, double w) {
      Neumaier.add(s, at, (squaredWeight ? w * w : w) * term.of(y, p));
    }

    @Override
    public void merge(double[] s, int at, double[] o, int from) {
      Neumaier.merge(s, at, o, from);
    }
  }

  /**
   * The weighted moments of the label about a shift K of the block's own (its first label): slots
   * {@code [K, has K, Σw, Σw(y − K), Σw(y − K)²]}, the last three as Neumaier pairs. With K a label of
   * the data the sums are of the size of the spread, not of the mean, so Σw(y − ȳ)² =
   * Σw(y − K)² − (Σw(y − K))² / Σw keeps its digits for labels of mean 1e6 and spread 1. Blocks with
   * different shifts merge exactly: with δ = K₂ − K₁, Σw(y − K₁) = Σw(y − K₂) + δ·W₂ and
   * Σw(y − K₁)² = Σw(y − K₂)² + 2δ·Σw(y − K₂) + δ²·W₂.
   */
  record Moments() implements Accumulator {
    /** Slot offsets inside the block. */
    public static final int K = 0;
    public static final int HAS_K = 1;
    public static final int W = 2;
    public static final int SUM = 4;
    public static final int SQUARES = 6;

    @Override
    public int slots() {
      return 8;
    }

    @Override
    public void add(double[] s, int at, double y, double p, double w) {
      double d = deviation(s[at + K], s[at + HAS_K], y, true);
      s[at + K] = shift(s[at + K], s[at + HAS_K], y, true);
      s[at + HAS_K] = 1;
      Neumaier.add(s, at + W, w);
      Neumaier.add(s, at + SUM, w * d);
      Neumaier.add(s, at + SQUARES, w * d * d);
    }

    @Override
    public void merge(double[] s, int at, double[] o, int from) {
      if (o[from + HAS_K] == 0) {
        return;
      }
      if (s[at + HAS_K] == 0) {
        System.arraycopy(o, from, s, at, slots());
        return;
      }
      double delta = o[from + K] - s[at + K];
      double w = Neumaier.value(o, from + W);
      double sum = Neumaier.value(o, from + SUM);
      Neumaier.merge(s, at + W, o, from + W);
      Neumaier.merge(s, at + SUM, o, from + SUM);
      Neumaier.add(s, at + SUM, delta * w);
      Neumaier.merge(s, at + SQUARES, o, from + SQUARES);
      Neumaier.add(s, at + SQUARES, 2 * delta * sum);
      Neumaier.add(s, at + SQUARES, delta * delta * w);
    }

    /** The shift after a row: its label when the block has none yet and the row is valid, else K. */
    public static double shift(double k, double hasK, double y, boolean valid) {
      return valid && hasK == 0 ? y : k;
    }

    /** y − K of a valid row, with K the shift after it; 0 for a row that is not valid. */
    public static double deviation(double k, double hasK, double y, boolean valid) {
      return valid ? y - shift(k, hasK, y, true) : 0;
    }

    /** Σw(y − ȳ)² of the block at {@code at}. */
    public static double centeredSquares(double[] s, int at) {
      double w = Neumaier.value(s, at + W);
      double sum = Neumaier.value(s, at + SUM);
      return Neumaier.value(s, at + SQUARES) - sum * (sum / w);
    }
  }
}
