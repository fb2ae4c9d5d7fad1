package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Shape;

/**
 * Log loss as scikit-learn and Spark MLlib define it, in three forms chosen by the column shapes:
 * a class index k with a probability vector, ℓ = −log ŷ_k; a label vector (one-hot or soft) with a
 * probability vector, ℓ = −Σ_k y_k log ŷ_k; a binary label with P(class 1), ℓ = binary cross-entropy.
 * Probabilities are clipped to [ε, 1 − ε] ({@code epsilon}, default 1e-15 as MLlib).
 */
public final class LogLoss extends ClippedLoss {
  private static final long serialVersionUID = 1L;

  public LogLoss(Params params) {
    super(params, LossMath.EPSILON);
  }

  static double term(int k, double[] p, double eps) {
    return -Math.log(LossMath.clip(p[k], eps));
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    double e = epsilon;
    if (prediction == Shape.VECTOR && label == Shape.SCALAR) {
      return Kernels.indexed(reduction, Kernels.PROBABILITY_VECTORS, (k, p) -> term(k, p, e));
    }
    if (prediction == Shape.VECTOR) {
      return Kernels.vector(reduction, Kernels.PROBABILITY_VECTORS, (y, p) -> CrossEntropy.term(y, p, e));
    }
    if (label == Shape.SCALAR) {
      return Kernels.scalar(reduction, Kernels.PROBABILITIES, (y, p) -> LossMath.binaryCrossEntropy(y, p, e));
    }
    throw shapeError(label, prediction,
        "a class index with a probability vector, a label vector with a probability vector, "
            + "or a binary label with P(class 1) as numbers");
  }
}
