package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Shape;

/**
 * Categorical cross-entropy: ℓ = −Σ_k y_k log ŷ_k for a label vector y (one-hot or soft) and a
 * probability vector ŷ clipped to [ε, 1 − ε]. Options as Keras: {@code normalize} divides ŷ by its row
 * sum first; {@code from_logits} reads ŷ as logits z, ℓ = −Σ_k y_k (z_k − log Σ_j e^{z_j});
 * {@code label_smoothing} s replaces y_k by y_k(1 − s) + s/K.
 */
public final class CategoricalCrossEntropy extends ClippedLoss {
  private static final long serialVersionUID = 1L;
  private final boolean normalize;
  private final boolean fromLogits;
  private final double labelSmoothing;

  public CategoricalCrossEntropy(Params params) {
    super(params, LossMath.EPSILON);
    normalize = params.flag("normalize", false);
    fromLogits = params.flag("from_logits", false);
    labelSmoothing = params.number("label_smoothing", 0, 0, false, 1, false);
    if (normalize && fromLogits) {
      throw new org.sparklossreport.core.LossSpecException(
          name() + ": normalize and from_logits exclude each other (logits are normalised by softmax)");
    }
  }

  static double term(double[] y, double[] p, double eps, boolean normalize, boolean fromLogits,
      double smoothing) {
    int classes = p.length;
    double s = 0;
    if (fromLogits) {
      double lse = LossMath.logSumExp(p);
      for (int k = 0; k < classes; k++) {
        s -= LossMath.smooth(y[k], smoothing, classes) * (p[k] - lse);
      }
      return s;
    }
    double total = normalize ? LossMath.sum(p) : 1;
    for (int k = 0; k < classes; k++) {
      s -= LossMath.smooth(y[k], smoothing, classes) * Math.log(LossMath.clip(p[k] / total, eps));
    }
    return s;
  }

  static InvalidReason check(double[] y, double[] p, boolean normalize, boolean fromLogits) {
    if (!Kernels.areProbabilities(y)) {
      return InvalidReason.LABEL_RANGE;
    }
    if (fromLogits) {
      return null;
    }
    if (!Kernels.areProbabilities(p) || (normalize && !(LossMath.sum(p) > 0))) {
      return InvalidReason.PROBABILITY_RANGE;
    }
    return null;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireShapes(label, prediction, Shape.VECTOR, Shape.VECTOR, "a label vector and a probability vector of one"
        + " length (for class indices use sparse_categorical_cross_entropy or log_loss)");
    double e = epsilon;
    boolean n = normalize;
    boolean l = fromLogits;
    double s = labelSmoothing;
    return Kernels.vector(reduction, (y, p) -> check(y, p, n, l), (y, p) -> term(y, p, e, n, l, s));
  }
}
