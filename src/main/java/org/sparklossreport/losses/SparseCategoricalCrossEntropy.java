package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Shape;

/**
 * Sparse categorical cross-entropy as Keras: a class index k and a probability vector ŷ, ℓ = −log ŷ_k
 * (ŷ_k clipped to [ε, 1 − ε]); with {@code from_logits}, ℓ = log Σ_j e^{z_j} − z_k. Rows whose label
 * equals {@code ignore_class} count with weight 0: they are kept in {@code rows} but do not move the mean.
 */
public final class SparseCategoricalCrossEntropy extends ClippedLoss {
  private static final long serialVersionUID = 1L;
  private final boolean fromLogits;
  private final Integer ignoreClass;

  public SparseCategoricalCrossEntropy(Params params) {
    super(params, LossMath.EPSILON);
    fromLogits = params.flag("from_logits", false);
    ignoreClass = params.optionalInt("ignore_class", Integer.MIN_VALUE);
  }

  static double term(int k, double[] p, double eps, boolean fromLogits) {
    return fromLogits ? LossMath.logSumExp(p) - p[k] : -Math.log(LossMath.clip(p[k], eps));
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireShapes(label, prediction, Shape.SCALAR, Shape.VECTOR,
        "a class index (number) and a probability or logit vector");
    double e = epsilon;
    boolean l = fromLogits;
    Kernels.VectorCheck check = l ? Kernels.ANY_VECTORS : Kernels.PROBABILITY_VECTORS;
    Kernel indexed = Kernels.indexed(reduction, check, (k, p) -> term(k, p, e, l));
    if (ignoreClass == null) {
      return indexed;
    }
    double ignored = ignoreClass;
    return new Kernel() {
      private static final long serialVersionUID = 1L;

      @Override
      public int slots() {
        return indexed.slots();
      }

      @Override
      public InvalidReason check(LossRow row) {
        return row.y() == ignored ? null : indexed.check(row);
      }

      @Override
      public boolean setsWeights() {
        return true;
      }

      @Override
      public double weightOf(LossRow row, double w) {
        return row.y() == ignored ? 0 : w;
      }

      @Override
      public void add(double[] s, int at, LossRow row, double w) {
        if (row.y() != ignored) {
          indexed.add(s, at, row, w);
        }
      }

      @Override
      public void finish(double[] s, int at, double weightSum, double[] out) {
        indexed.finish(s, at, weightSum, out);
      }
    };
  }
}
