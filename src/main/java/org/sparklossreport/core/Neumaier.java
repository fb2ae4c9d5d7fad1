package org.sparklossreport.core;

import java.util.List;

/**
 * Neumaier's compensated summation on a pair of slots {@code (sum, compensation)} inside a double array.
 *
 * <p>Invariants: (1) the represented value is {@code s[at] + s[at + 1]}; (2) {@code (0, 0)} is the
 * identity of {@link #merge}; (3) the error of the represented value does not grow with the number of
 * terms (it is bounded by about 2 ulp of the true sum plus n·eps² of the sum of magnitudes), so the
 * result does not depend, to the twelfth digit, on how the rows are split into partitions; (4) the
 * compensation stays finite: once the sum overflows to ±∞ the pair represents the IEEE sum (±∞, or NaN
 * for ∞ − ∞), never a NaN made by the compensation.
 *
 * <p>Each rule is written once, as the static functions on primitives {@link #sumAfter},
 * {@link #compensationAfter}, {@link #mergedCompensation} and {@link #valueOf}; the compiled engine's
 * Catalyst aggregates call the same functions from their generated code ({@link #addForm},
 * {@link #mergeForm}, {@link #valueForm}).
 */
public final class Neumaier {
  private Neumaier() {}

  /** Adds {@code x} to the compensated pair at {@code at}. */
  public static void add(double[] s, int at, double x) {
    double sum = s[at];
    s[at + 1] = compensationAfter(sum, s[at + 1], x);
    s[at] = sumAfter(sum, x);
  }

  /**
   * {@link #add} as expressions of another evaluator: the new {@code (sum, compensation)} of the pair
   * {@code (sum, c)} plus {@code x}, each a call of the function {@link #add} uses.
   */
  public static <E> List<E> addForm(Calls<E> f, E sum, E c, E x) {
    return List.of(f.call(Neumaier.class, "sumAfter", List.of(sum, x)),
        f.call(Neumaier.class, "compensationAfter", List.of(sum, c, x)));
  }

  /** The sum of a pair of sum {@code sum} after adding {@code x}: the IEEE sum. */
  public static double sumAfter(double sum, double x) {
    return sum + x;
  }

  /** The compensation {@code c} of a pair of sum {@code sum} after adding {@code x}. */
  public static double compensationAfter(double sum, double c, double x) {
    return c + error(sum, x);
  }

  /**
   * The rounding error of {@code sum + x}: fl(sum + x) + error = sum + x exactly (the larger operand
   * first, as Neumaier).
   *
   * <p>0 when {@code sum + x} is not finite (it overflowed, or an operand is infinite): there is no
   * rounding error to keep, and the formula would give NaN or ±∞ (∞ − ∞), which would turn the pair's
   * value into NaN. So a pair that overflows represents the IEEE sum, ±∞, as NumPy float64 gives it.
   */
  public static double error(double sum, double x) {
    double t = sum + x;
    if (!(Math.abs(t) <= Double.MAX_VALUE)) {
      return 0.0;
    }
    return Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
  }

  /** Adds the pair at {@code from} in {@code o} to the pair at {@code at} in {@code s}. */
  public static void merge(double[] s, int at, double[] o, int from) {
    double sum = s[at];
    s[at + 1] = mergedCompensation(sum, s[at + 1], o[from], o[from + 1]);
    s[at] = sumAfter(sum, o[from]);
  }

  /** {@link #merge} as expressions of another evaluator: the pair {@code (sum, c)} plus {@code (sum2, c2)}. */
  public static <E> List<E> mergeForm(Calls<E> f, E sum, E c, E sum2, E c2) {
    return List.of(f.call(Neumaier.class, "sumAfter", List.of(sum, sum2)),
        f.call(Neumaier.class, "mergedCompensation", List.of(sum, c, sum2, c2)));
  }

  /** The compensation of the pair {@code (sum, c)} after adding the pair {@code (sum2, c2)}. */
  public static double mergedCompensation(double sum, double c, double sum2, double c2) {
    return compensationAfter(sum, c, sum2) + c2;
  }

  /** The value a pair represents: the sum when it is infinite (or NaN), else sum + compensation. */
  public static double value(double[] s, int at) {
    return valueOf(s[at], s[at + 1]);
  }

  /** The value of the pair {@code (sum, c)}; see {@link #value(double[], int)}. */
  public static double valueOf(double sum, double c) {
    return Double.isFinite(sum) ? sum + c : sum;
  }

  /** {@link #valueOf} as an expression of another evaluator. */
  public static <E> E valueForm(Calls<E> f, E sum, E c) {
    return f.call(Neumaier.class, "valueOf", List.of(sum, c));
  }
}
