package org.sparklossreport.losses;

import java.util.List;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Neumaier;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Coefficient of determination, weighted as scikit-learn: R² = 1 − SS_res / SS_tot with
 * SS_res = Σw(y − ŷ)² and SS_tot = Σw(y − ȳ)², ȳ = Σwy / Σw. When SS_tot = 0 it is 1 for a perfect fit,
 * else 0 (scikit-learn's {@code force_finite}).
 *
 * <p>SS_tot comes from the label's moments about a shift of the state's own ({@link
 * Accumulator.Moments}), so labels of mean 1e6 and standard deviation 1 keep their digits.
 */
public final class R2 extends Loss {
  private static final long serialVersionUID = 1L;

  public R2(Params params) {
    super(params, Reduction.MEAN);
    if (reduction != Reduction.MEAN) {
      throw new LossSpecException("r2: reduction must be mean (R² has no sum form), got " + reduction);
    }
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireNumbers(label, prediction);
    // state: the label's shifted moments (8 slots), then SS_res = Σw(y − ŷ)²
    return Kernels.sums(Kernels.ANY, List.of(new Accumulator.Moments(), new Accumulator.Term(Mse.TERM, false)),
        (s, at, w, out) -> out[0] = r2(Accumulator.Moments.centeredSquares(s, at), Neumaier.value(s, at + 8)));
  }

  /** 1 − SS_res / SS_tot; for SS_tot = 0, 1 for a perfect fit and else 0 (scikit-learn's force_finite). */
  static double r2(double ssTot, double ssRes) {
    if (ssTot <= 0) {
      return ssRes == 0 ? 1.0 : 0.0;
    }
    return 1 - ssRes / ssTot;
  }
}
