package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/** Root mean squared error: sqrt(Σw(y − ŷ)² / Σw); with reduction {@code sum}, sqrt(Σw(y − ŷ)²). */
public final class Rmse extends Loss {
  private static final long serialVersionUID = 1L;

  public Rmse(Params params) {
    super(params, Reduction.MEAN);
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    return Kernels.scalar(reduction, Kernels.ANY, Mse.TERM, Math::sqrt);
  }
}
