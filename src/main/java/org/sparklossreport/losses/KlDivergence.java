package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Shape;

/**
 * Kullback–Leibler divergence as Keras: ℓ = Σ_k y_k log(y_k / ŷ_k) with y and ŷ clipped to [ε, 1]
 * ({@code epsilon}, default 1e-7, Keras's), over two probability vectors of one length.
 */
public final class KlDivergence extends ClippedLoss {
  private static final long serialVersionUID = 1L;

  public KlDivergence(Params params) {
    super(params, LossMath.KERAS_EPSILON);
  }

  static double term(double[] y, double[] p, double eps) {
    double s = 0;
    for (int k = 0; k < y.length; k++) {
      double a = Math.min(Math.max(y[k], eps), 1);
      double b = Math.min(Math.max(p[k], eps), 1);
      s += a * Math.log(a / b);
    }
    return s;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireShapes(label, prediction, Shape.VECTOR, Shape.VECTOR, "two probability vectors of one length");
    double e = epsilon;
    return Kernels.vector(reduction, Kernels.PROBABILITY_VECTORS, (y, p) -> term(y, p, e));
  }
}
