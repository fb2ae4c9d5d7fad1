package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Hinge loss as Keras: ℓ = max(0, 1 − y·ŷ) with labels in {−1, 1}; labels 0 are read as −1 (Keras maps
 * {0, 1} to {−1, 1}). Other labels are invalid. {@code squared_hinge} squares the term.
 */
public final class Hinge extends Loss {
  private static final long serialVersionUID = 1L;
  private final boolean squared;

  /** {@code hinge} ({@code squared} false) or {@code squared_hinge}. */
  public Hinge(Params params, boolean squared) {
    super(params, Reduction.MEAN);
    this.squared = squared;
  }

  static double term(double y, double p, boolean squared) {
    double sign = y == 0 ? -1 : y;
    double h = Math.max(0, 1 - sign * p);
    return squared ? h * h : h;
  }

  static InvalidReason check(double y, double p) {
    return y == -1 || y == 0 || y == 1 ? null : InvalidReason.LABEL_RANGE;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    boolean sq = squared;
    return Kernels.scalar(reduction, Hinge::check, (y, p) -> term(y, p, sq));
  }
}
