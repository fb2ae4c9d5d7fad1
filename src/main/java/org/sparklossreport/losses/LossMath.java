package org.sparklossreport.losses;

/** Numerically careful building blocks shared by the loss formulas. */
final class LossMath {
  private LossMath() {}

  /** Spark MLlib's and the seed's clipping bound for log-based losses. */
  static final double EPSILON = 1e-15;

  /** Keras's backend epsilon, the default where the project follows a Keras loss exactly. */
  static final double KERAS_EPSILON = 1e-7;

  /** NumPy's float64 machine epsilon, scikit-learn's floor for |y| in MAPE. */
  static final double MACHINE_EPSILON = Math.ulp(1.0);

  /** The clipping bound a loss takes as {@code epsilon}, in (0, 0.5), {@code defaultEpsilon} when not given. */
  static double epsilon(org.sparklossreport.core.Params params, double defaultEpsilon) {
    return params.number("epsilon", defaultEpsilon, 0, true, 0.5, true);
  }

  /** p clipped to [ε, 1 − ε]. */
  static double clip(double p, double eps) {
    return Math.min(Math.max(p, eps), 1 - eps);
  }

  /** log(1 + e^x) without overflow: max(x, 0) + log1p(e^−|x|). */
  static double softplus(double x) {
    return Math.max(x, 0) + log1p(Math.exp(-Math.abs(x)));
  }

  /** 1 / (1 + e^−x), exact in both tails. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** log Σ e^{z_k} = m + log Σ e^{z_k − m}, m = max z. */
  static double logSumExp(double[] z) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - m);
    }
    return m + Math.log(s);
  }

  /** −[y log p + (1 − y) log(1 − p)] with p clipped to [ε, 1 − ε]. */
  static double binaryCrossEntropy(double y, double p, double eps) {
    double q = clip(p, eps);
    if (y == 1) { // hard labels, the common case: the same value with one logarithm instead of two
      return -Math.log(q);
    }
    if (y == 0) {
      return -Math.log(1 - q);
    }
    return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
  }

  /** Binary cross-entropy of a logit z: max(z, 0) − z·y + log1p(e^−|z|), never overflowing. */
  static double binaryCrossEntropyFromLogit(double y, double z) {
    return Math.max(z, 0) - z * y + log1p(Math.exp(-Math.abs(z)));
  }

  /** Label smoothing as Keras: y(1 − s) + s / classes. */
  static double smooth(double y, double s, int classes) {
    return y * (1 - s) + s / classes;
  }

  /** Sum of a vector's elements. */
  static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  /**
   * log(1 + x) for x > −1, to a few ulp, through {@link Math#log} (a JIT intrinsic; {@code Math.log1p} is
   * not on Java 17): with u = fl(1 + x), log(u)·x/(u − 1) corrects the rounding of 1 + x (Goldberg,
   * "What every computer scientist should know about floating-point arithmetic", theorem 4).
   */
  static double log1p(double x) {
    double u = 1 + x;
    if (u == 1) {
      return x;
    }
    if (Double.isInfinite(u)) {
      return Math.log(u);
    }
    return Math.log(u) * (x / (u - 1));
  }

  /**
   * sinh(h) for |h| ≤ 1/2 as its Taylor series to h¹⁵/15! (the next term is below 1e-19 relative), to a
   * few ulp and without the cancellation of (eʰ − e⁻ʰ)/2 near 0.
   */
  static double sinhSmall(double h) {
    double q = h * h;
    return h * (1 + q / 6 * (1 + q / 20 * (1 + q / 42 * (1 + q / 72 * (1 + q / 110 * (1 + q / 156
        * (1 + q / 210)))))));
  }
}
