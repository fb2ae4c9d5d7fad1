package org.sparklossreport.losses;

import java.util.List;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
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
  }

  @Override
  public List<String> extraOutputs() {
    return List.of("mean_gradient", "gradient_norm");
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    Reduction r = reduction;
    // state: Σw e², Σw e, Σw² e² with e = ŷ − y
    return Kernels.sums(Kernels.ANY, List.of(new Accumulator.Term(Mse.TERM, false),
        new Accumulator.Term(MseGradient::error, false), new Accumulator.Term(Mse.TERM, true)),
        (s, at, w, out) -> {
          double scale = r == Reduction.SUM ? 1 : w;
          out[0] = Neumaier.value(s, at) / scale;
          out[1] = 2 * Neumaier.value(s, at + 2) / scale;
          out[2] = 2 * Math.sqrt(Neumaier.value(s, at + 4)) / scale;
        });
  }

  /** e = ŷ − y, the sign of the gradient of (ŷ − y)² in ŷ. */
  static double error(double y, double p) {
    return p - y;
  }
}
