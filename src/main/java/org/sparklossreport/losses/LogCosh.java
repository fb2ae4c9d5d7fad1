package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Log-cosh loss: ℓ = log(cosh(e)), e = y − ŷ, computed without overflow or cancellation: for |e| ≤ 1 as
 * log1p(2 sinh²(|e|/2)) (cosh(e) − 1 = 2 sinh²(e/2); keeps its digits when ℓ ≈ e²/2 is tiny), beyond as
 * |e| + log1p(e^−2|e|) − log 2, finite for |e| up to the largest double (cosh overflows past |e| ≈ 710).
 */
public final class LogCosh extends Loss {
  private static final long serialVersionUID = 1L;
  private static final double LOG_2 = Math.log(2);

  public LogCosh(Params params) {
    super(params, Reduction.MEAN);
  }

  static double term(double y, double p) {
    double a = Math.abs(y - p);
    if (a <= 1) {
      double s = LossMath.sinhSmall(0.5 * a);
      return LossMath.log1p(2 * s * s);
    }
    return a + LossMath.log1p(Math.exp(-2 * a)) - LOG_2;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    return Kernels.scalar(reduction, Kernels.ANY, LogCosh::term);
  }
}
