package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Sparsity loss ({@code sparse}), of the prediction alone: ℓ = λ·Σ_j |ŷ_j| + (1 − λ)·Σ_j ŷ_j², λ =
 * {@code lambda} ∈ [0, 1] (default 0.1), element-wise over a scalar or vector prediction. The default
 * reduction is {@code sum} over all rows and elements of the key; {@code mean} divides by Σw.
 */
public final class Sparsity extends Loss {
  private static final long serialVersionUID = 1L;
  private final double lambda;

  public Sparsity(Params params) {
    super(params, Reduction.SUM);
    lambda = params.number("lambda", 0.1, 0, false, 1, false);
  }

  @Override
  public boolean needsLabel() {
    return false;
  }

  static double term(double[] p, double lambda) {
    double l1 = 0;
    double l2 = 0;
    for (double v : p) {
      l1 += Math.abs(v);
      l2 += v * v;
    }
    return lambda * l1 + (1 - lambda) * l2;
  }

  static double term(double p, double lambda) {
    return lambda * Math.abs(p) + (1 - lambda) * p * p;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    double l = lambda;
    return prediction == Shape.VECTOR
        ? Kernels.row(reduction, r -> term(r.pv(), l), v -> v)
        : Kernels.scalar(reduction, Kernels.ANY, (y, p) -> term(p, l)); // y is 0: no label
  }
}
