package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Shape;

/**
 * Poisson loss as Keras: ℓ = ŷ − y·log(ŷ + ε), ε = {@code epsilon} (default 1e-7, Keras's). Counts
 * y ≥ 0 and rates ŷ ≥ 0; other rows are invalid.
 */
public final class Poisson extends ClippedLoss {
  private static final long serialVersionUID = 1L;

  public Poisson(Params params) {
    super(params, LossMath.KERAS_EPSILON);
  }

  static double term(double y, double p, double eps) {
    return p - y * Math.log(p + eps);
  }

  static InvalidReason check(double y, double p) {
    return !(y >= 0) ? InvalidReason.LABEL_RANGE : !(p >= 0) ? InvalidReason.PREDICTION_RANGE : null;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    double e = epsilon;
    return Kernels.scalar(reduction, Poisson::check, (y, p) -> term(y, p, e));
  }
}
