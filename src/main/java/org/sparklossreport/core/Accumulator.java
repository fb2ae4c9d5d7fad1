package org.sparklossreport.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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
      if (o[from + HAS_K] == 0) { // an empty right block adds nothing: merged(…) gives the left slot
        return;
      }
      if (s[at + HAS_K] == 0) { // an empty left block takes the right one: merged(…) gives the right slot
        System.arraycopy(o, from, s, at, slots());
        return;
      }
      double k = s[at + K];
      double k2 = o[from + K];
      double w = Neumaier.value(o, from + W);
      double sum = Neumaier.value(o, from + SUM);
      Neumaier.merge(s, at + W, o, from + W);
      Neumaier.merge(s, at + SUM, o, from + SUM);
      Neumaier.add(s, at + SUM, sumShift(k, k2, w));
      Neumaier.merge(s, at + SQUARES, o, from + SQUARES);
      Neumaier.add(s, at + SQUARES, squaresShift(k, k2, sum));
      Neumaier.add(s, at + SQUARES, squaresShift2(k, k2, w));
    }

    /**
     * {@link #merge} as expressions of another evaluator (the compiled engine's Catalyst aggregate): the
     * eight slots of block {@code left} merged with block {@code right}, given as their slots 0..7, each
     * a call of the functions {@code merge} uses, written beside it in the same order.
     */
    public static <E> List<E> mergeForm(Calls<E> f, IntFunction<E> left, IntFunction<E> right) {
      E k = left.apply(K);
      E k2 = right.apply(K);
      E w = Neumaier.valueForm(f, right.apply(W), right.apply(W + 1));
      E sum = Neumaier.valueForm(f, right.apply(SUM), right.apply(SUM + 1));
      List<E> wSum = pairMerge(f, left, right, W);
      List<E> sums = pairMerge(f, left, right, SUM);
      sums = Neumaier.addForm(f, sums.get(0), sums.get(1), f.call(Moments.class, "sumShift", List.of(k, k2, w)));
      List<E> squares = pairMerge(f, left, right, SQUARES);
      squares = Neumaier.addForm(f, squares.get(0), squares.get(1),
          f.call(Moments.class, "squaresShift", List.of(k, k2, sum)));
      squares = Neumaier.addForm(f, squares.get(0), squares.get(1),
          f.call(Moments.class, "squaresShift2", List.of(k, k2, w)));
      List<E> both = List.of(k, left.apply(HAS_K), wSum.get(0), wSum.get(1), sums.get(0), sums.get(1),
          squares.get(0), squares.get(1));
      List<E> out = new ArrayList<>();
      for (int i = 0; i < both.size(); i++) {
        out.add(f.call(Moments.class, "merged",
            List.of(left.apply(HAS_K), right.apply(HAS_K), left.apply(i), right.apply(i), both.get(i))));
      }
      return out;
    }

    private static <E> List<E> pairMerge(Calls<E> f, IntFunction<E> left, IntFunction<E> right, int at) {
      return Neumaier.mergeForm(f, left.apply(at), left.apply(at + 1), right.apply(at), right.apply(at + 1));
    }

    /**
     * A slot after {@link #merge}: the left block's when the right one is empty ({@code hasK2} 0), the
     * right block's when the left one is empty, else {@code both}, the two blocks' merged.
     */
    public static double merged(double hasK, double hasK2, double left, double right, double both) {
      return hasK2 == 0 ? left : hasK == 0 ? right : both;
    }

    /** What moving Σw(y − K₂) of a block of Σw {@code w2} to the shift K₁ adds: δ·W₂, δ = K₂ − K₁. */
    public static double sumShift(double k, double k2, double w2) {
      return (k2 - k) * w2;
    }

    /** What moving Σw(y − K₂)² to the shift K₁ adds first: 2δ·Σw(y − K₂). */
    public static double squaresShift(double k, double k2, double sum2) {
      return 2 * (k2 - k) * sum2;
    }

    /** What moving Σw(y − K₂)² to the shift K₁ adds then: δ²·W₂. */
    public static double squaresShift2(double k, double k2, double w2) {
      double delta = k2 - k;
      return delta * delta * w2;
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
