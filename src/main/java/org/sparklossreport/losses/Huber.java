package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/** Huber loss: ℓ = ½e² if |e| ≤ δ, else δ(|e| − ½δ), with e = y − ŷ and δ = {@code delta} > 0. */
public final class Huber extends Loss {
  private static final long serialVersionUID = 1L;
  private final double delta;

  public Huber(Params params) {
    super(params, Reduction.MEAN);
    delta = params.number("delta", 1.0, 0, true, Double.POSITIVE_INFINITY, true);
  }

  static double term(double y, double p, double delta) {
    double a = Math.abs(y - p);
    return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    double d = delta;
    return Kernels.scalar(reduction, Kernels.ANY, (y, p) -> term(y, p, d));
  }
}
