package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/** Mean squared logarithmic error: ℓ = (log1p(y) − log1p(ŷ))², defined for y, ŷ > −1. */
public final class Msle extends Loss {
  private static final long serialVersionUID = 1L;

  public Msle(Params params) {
    super(params, Reduction.MEAN);
  }

  static double term(double y, double p) {
    double d = Math.log1p(y) - Math.log1p(p);
    return d * d;
  }

  static InvalidReason check(double y, double p) {
    return !(y > -1) ? InvalidReason.LABEL_RANGE : !(p > -1) ? InvalidReason.PREDICTION_RANGE : null;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    return Kernels.scalar(reduction, Msle::check, Msle::term);
  }
}
