package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/** Mean squared error: ℓ = (y − ŷ)². */
public final class Mse extends Loss {
  private static final long serialVersionUID = 1L;

  public Mse(Params params) {
    super(params, Reduction.MEAN);
  }

  /**
   * The term as one shared function object: the losses built on it (rmse, r2, mse_gradient) pass this
   * object, so an engine can see that they sum the same thing.
   */
  static final Kernels.ScalarTerm TERM = Mse::term;

  static double term(double y, double p) {
    double e = y - p;
    return e * e;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    return Kernels.scalar(reduction, Kernels.ANY, TERM);
  }
}
