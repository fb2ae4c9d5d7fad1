package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Quantile (pinball) loss: ℓ = max(τe, (τ − 1)e), e = y − ŷ, τ = {@code tau} ∈ (0, 1), default 0.5;
 * scikit-learn's {@code mean_pinball_loss} with {@code alpha} = τ.
 */
public final class Quantile extends Loss {
  private static final long serialVersionUID = 1L;
  private final double tau;

  public Quantile(Params params) {
    super(params, Reduction.MEAN);
    tau = params.number("tau", 0.5, 0, true, 1, true);
  }

  static double term(double y, double p, double tau) {
    double e = y - p;
    return Math.max(tau * e, (tau - 1) * e);
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    double t = tau;
    return Kernels.scalar(reduction, Kernels.ANY, (y, p) -> term(y, p, t));
  }
}
