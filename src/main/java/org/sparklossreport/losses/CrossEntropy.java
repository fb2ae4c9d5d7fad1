package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Shape;

/**
 * Cross-entropy of two distributions: ℓ = −Σ_k p_k log q_k, q clipped to [ε, 1 − ε]. Vectors p (label)
 * and q (prediction) of one length; or numbers, read as Bernoulli distributions (p, 1 − p) and
 * (q, 1 − q), which makes it binary cross-entropy. The seed sums over rows; the default here is the mean
 * ({@code reduction=sum} gives the seed's number).
 */
public final class CrossEntropy extends ClippedLoss {
  private static final long serialVersionUID = 1L;

  public CrossEntropy(Params params) {
    super(params, LossMath.EPSILON);
  }

  static double term(double[] p, double[] q, double eps) {
    double s = 0;
    for (int k = 0; k < p.length; k++) {
      s -= p[k] * Math.log(LossMath.clip(q[k], eps));
    }
    return s;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    double e = epsilon;
    if (label == Shape.SCALAR && prediction == Shape.SCALAR) {
      return Kernels.scalar(reduction, Kernels.PROBABILITIES, (y, p) -> LossMath.binaryCrossEntropy(y, p, e));
    }
    if (label == Shape.VECTOR && prediction == Shape.VECTOR) {
      return Kernels.vector(reduction, Kernels.PROBABILITY_VECTORS, (y, p) -> term(y, p, e));
    }
    throw shapeError(label, prediction, "two probability vectors, or two probabilities as numbers");
  }
}
