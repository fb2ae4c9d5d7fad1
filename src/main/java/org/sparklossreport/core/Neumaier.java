package org.sparklossreport.core;

/**
 * Neumaier's compensated summation on a pair of slots {@code (sum, compensation)} inside a double array.
 *
 * <p>Invariants: (1) the represented value is {@code s[at] + s[at + 1]}; (2) {@code (0, 0)} is the
 * identity of {@link #merge}; (3) the error of the represented value does not grow with the number of
 * terms (it is bounded by about 2 ulp of the true sum plus n·eps² of the sum of magnitudes), so the
 * result does not depend, to the twelfth digit, on how the rows are split into partitions; (4) the
 * compensation stays finite: once the sum overflows to ±∞ the pair represents the IEEE sum (±∞, or NaN
 * for ∞ − ∞), never a NaN made by the compensation.
 */
public final class Neumaier {
  private Neumaier() {}

  /** Adds {@code x} to the compensated pair at {@code at}. */
  public static void add(double[] s, int at, double x) {
    double sum = s[at];
    s[at + 1] += error(sum, x);
    s[at] = sum + x;
  }

  /**
   * The rounding error of {@code sum + x}: fl(sum + x) + error = sum + x exactly (the larger operand
   * first, as Neumaier). The compiled engine calls this same function from its generated code.
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
    add(s, at, o[from]);
    s[at + 1] += o[from + 1];
  }

  /** The value a pair represents: the sum when it is infinite (or NaN), else sum + compensation. */
  public static double value(double[] s, int at) {
    double sum = s[at];
    return Double.isFinite(sum) ? sum + s[at + 1] : sum;
  }
}
