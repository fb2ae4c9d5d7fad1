package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Mean absolute percentage error as scikit-learn defines it: ℓ = |y − ŷ| / max(|y|, machine ε), a
 * fraction (not multiplied by 100).
 */
public final class Mape extends Loss {
  private static final long serialVersionUID = 1L;

  public Mape(Params params) {
    super(params, Reduction.MEAN);
  }

  static double term(double y, double p) {
    return Math.abs(y - p) / Math.max(Math.abs(y), LossMath.MACHINE_EPSILON);
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    return Kernels.scalar(reduction, Kernels.ANY, Mape::term);
  }
}
