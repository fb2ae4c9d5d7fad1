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

  /** p clipped to [ε, 1 − ε]. */
  static double clip(double p, double eps) {
    return Math.min(Math.max(p, eps), 1 - eps);
  }

  /** log(1 + e^x) without overflow: max(x, 0) + log1p(e^−|x|). */
  static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
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
    return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
  }

  /** Binary cross-entropy of a logit z: max(z, 0) − z·y + log1p(e^−|z|), never overflowing. */
  static double binaryCrossEntropyFromLogit(double y, double z) {
    return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
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
}
