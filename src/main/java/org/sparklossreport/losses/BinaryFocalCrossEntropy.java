package org.sparklossreport.losses;

import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Binary focal cross-entropy as Keras's {@code BinaryFocalCrossentropy}: ℓ = (1 − p_t)^γ · BCE(y, ŷ),
 * p_t = yŷ + (1 − y)(1 − ŷ); with {@code apply_class_balancing}, times α for positives and 1 − α for
 * negatives (α·y + (1 − α)(1 − y)). Options {@code gamma} ≥ 0 (2.0), {@code alpha} ∈ [0, 1] (0.25),
 * {@code from_logits}, {@code label_smoothing}, {@code epsilon} (1e-7, Keras's clip).
 */
public final class BinaryFocalCrossEntropy extends Loss {
  private static final long serialVersionUID = 1L;
  private final double gamma;
  private final double alpha;
  private final boolean balance;
  private final boolean fromLogits;
  private final double labelSmoothing;
  private final double epsilon;

  public BinaryFocalCrossEntropy(Params params) {
    super(params, Reduction.MEAN);
    gamma = params.number("gamma", 2.0, 0, false, Double.POSITIVE_INFINITY, true);
    alpha = params.number("alpha", 0.25, 0, false, 1, false);
    balance = params.flag("apply_class_balancing", false);
    fromLogits = params.flag("from_logits", false);
    labelSmoothing = params.number("label_smoothing", 0, 0, false, 1, false);
    epsilon = LossMath.epsilon(params, LossMath.KERAS_EPSILON);
  }

  static double term(double y, double p, double gamma, double alpha, boolean balance,
      boolean fromLogits, double smoothing, double eps) {
    double t = LossMath.smooth(y, smoothing, 2);
    double prob = fromLogits ? LossMath.sigmoid(p) : p;
    double bce = BinaryCrossEntropy.term(y, p, eps, fromLogits, smoothing);
    double pt = t * prob + (1 - t) * (1 - prob);
    double focal = Math.pow(1 - pt, gamma) * bce;
    return balance ? (alpha * t + (1 - alpha) * (1 - t)) * focal : focal;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireShapes(label, prediction, Shape.SCALAR, Shape.SCALAR, BinaryCrossEntropy.INPUTS);
    double g = gamma;
    double a = alpha;
    boolean b = balance;
    boolean l = fromLogits;
    double s = labelSmoothing;
    double e = epsilon;
    return Kernels.scalar(reduction, (y, p) -> BinaryCrossEntropy.check(y, p, l),
        (y, p) -> term(y, p, g, a, b, l, s, e));
  }
}
