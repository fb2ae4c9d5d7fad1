package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/** Mean absolute error: ℓ = |y − ŷ|. */
public final class Mae extends Loss {
  private static final long serialVersionUID = 1L;

  public Mae(Params params) {
    super(params, Reduction.MEAN);
  }

  static double term(double y, double p) {
    return Math.abs(y - p);
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    return Kernels.scalar(reduction, Kernels.ANY, Mae::term);
  }
}
