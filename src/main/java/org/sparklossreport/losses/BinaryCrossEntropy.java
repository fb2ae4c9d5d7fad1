package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Shape;

/**
 * Binary cross-entropy: ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)], y ∈ [0, 1], ŷ clipped to [ε, 1 − ε]
 * ({@code epsilon}, default 1e-15). With {@code from_logits} ŷ is a logit z and ℓ = max(z, 0) − zy +
 * log1p(e^−|z|), exact for any finite z. {@code label_smoothing} s replaces y by y(1 − s) + s/2 (Keras).
 */
public final class BinaryCrossEntropy extends ClippedLoss {
  private static final long serialVersionUID = 1L;
  private final boolean fromLogits;
  private final double labelSmoothing;

  /** The inputs of the binary cross-entropies (this and the focal one), as a shape error names them. */
  static final String INPUTS = "a label in [0, 1] and a probability (or logit) as numbers";

  public BinaryCrossEntropy(Params params) {
    super(params, LossMath.EPSILON);
    fromLogits = params.flag("from_logits", false);
    labelSmoothing = params.number("label_smoothing", 0, 0, false, 1, false);
  }

  static double term(double y, double p, double eps, boolean fromLogits, double smoothing) {
    double t = LossMath.smooth(y, smoothing, 2);
    return fromLogits ? LossMath.binaryCrossEntropyFromLogit(t, p) : LossMath.binaryCrossEntropy(t, p, eps);
  }

  /** Labels in [0, 1]; predictions in [0, 1] unless they are logits. */
  static InvalidReason check(double y, double p, boolean fromLogits) {
    if (!Kernels.isProbability(y)) {
      return InvalidReason.LABEL_RANGE;
    }
    return fromLogits || Kernels.isProbability(p) ? null : InvalidReason.PROBABILITY_RANGE;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireShapes(label, prediction, Shape.SCALAR, Shape.SCALAR, INPUTS);
    double e = epsilon;
    boolean logits = fromLogits;
    double s = labelSmoothing;
    return Kernels.scalar(reduction, (y, p) -> check(y, p, logits), (y, p) -> term(y, p, e, logits, s));
  }
}
