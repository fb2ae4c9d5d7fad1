package org.sparklossreport.losses;

import java.util.List;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.Neumaier;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * The seed's "gradient descent loss": the MSE L = Σw e² / W (e = ŷ − y, W = Σw) with the gradient of L
 * with respect to the predictions. Outputs: the value L; {@code mean_gradient} = Σ 2w e / W, the
 * derivative with respect to a bias shared by all predictions; {@code gradient_norm} = ‖∇_ŷ L‖₂ =
 * (2 / W)·sqrt(Σ w² e²), which is (2/n)·sqrt(Σ e²) for unit weights. With reduction {@code sum},
 * L = Σw e² and both gradients drop the 1/W.
 */
public final class MseGradient extends Loss {
  private static final long serialVersionUID = 1L;

  public MseGradient(Params params) {
    super(params, Reduction.MEAN);
    seal(params);
  }

  @Override
  public List<String> extraOutputs() {
    return List.of("mean_gradient", "gradient_norm");
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    if (label != Shape.SCALAR || prediction != Shape.SCALAR) {
      throw shapeError(label, prediction, "numbers for both");
    }
    Reduction r = reduction;
    return new Kernel() {
      private static final long serialVersionUID = 1L;

      @Override
      public int slots() {
        return 6; // Σ w e², Σ w e, Σ w² e²
      }

      @Override
      public boolean checksRows() {
        return false;
      }

      @Override
      public InvalidReason check(LossRow row) {
        return null;
      }

      @Override
      public void add(double[] s, int at, LossRow row, double w) {
        double e = row.p() - row.y();
        Neumaier.add(s, at, w * e * e);
        Neumaier.add(s, at + 2, w * e);
        Neumaier.add(s, at + 4, (w * e) * (w * e));
      }

      @Override
      public void finish(double[] s, int at, double weightSum, double[] out) {
        double scale = r == Reduction.SUM ? 1 : weightSum;
        out[0] = Neumaier.value(s, at) / scale;
        out[1] = 2 * Neumaier.value(s, at + 2) / scale;
        out[2] = 2 * Math.sqrt(Neumaier.value(s, at + 4)) / scale;
      }
    };
  }
}
