package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossRow;
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
 * <p>SS_tot is computed on data shifted by a value K of the state's own (its first label), as
 * SS_tot = Σw(y − K)² − (Σw(y − K))² / W. With K a label of the data the two terms are of the size of
 * the variance, not of ȳ², so labels of mean 1e6 and standard deviation 1 keep their digits. Two states
 * with different shifts merge exactly: Σw(y − K₁) = Σw(y − K₂) + δW and Σw(y − K₁)² = Σw(y − K₂)² +
 * 2δΣw(y − K₂) + δ²W, δ = K₂ − K₁.
 */
public final class R2 extends Loss {
  private static final long serialVersionUID = 1L;

  public R2(Params params) {
    super(params, Reduction.MEAN);
    if (reduction != Reduction.MEAN) {
      throw new LossSpecException("r2: reduction must be mean (R² has no sum form), got " + reduction);
    }
    seal(params);
  }

  // slot offsets: shift K, has-shift flag, then compensated pairs W, Σw(y−K), Σw(y−K)², Σw(y−ŷ)²
  private static final int K = 0;
  private static final int HAS_K = 1;
  private static final int W = 2;
  private static final int SA = 4;
  private static final int SB = 6;
  private static final int RES = 8;

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    if (label != Shape.SCALAR || prediction != Shape.SCALAR) {
      throw shapeError(label, prediction, "numbers for both");
    }
    return new Kernel() {
      private static final long serialVersionUID = 1L;

      @Override
      public int slots() {
        return 10;
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
        double y = row.y();
        if (s[at + HAS_K] == 0) {
          s[at + K] = y;
          s[at + HAS_K] = 1;
        }
        double d = y - s[at + K];
        double e = y - row.p();
        Neumaier.add(s, at + W, w);
        Neumaier.add(s, at + SA, w * d);
        Neumaier.add(s, at + SB, w * d * d);
        Neumaier.add(s, at + RES, w * e * e);
      }

      @Override
      public void merge(double[] s, int at, double[] o, int from) {
        if (o[from + HAS_K] == 0) {
          return;
        }
        if (s[at + HAS_K] == 0) {
          System.arraycopy(o, from, s, at, slots());
          return;
        }
        double delta = o[from + K] - s[at + K];
        double w = Neumaier.value(o, from + W);
        double sa = Neumaier.value(o, from + SA);
        Neumaier.merge(s, at + W, o, from + W);
        Neumaier.merge(s, at + SA, o, from + SA);
        Neumaier.add(s, at + SA, delta * w);
        Neumaier.merge(s, at + SB, o, from + SB);
        Neumaier.add(s, at + SB, 2 * delta * sa);
        Neumaier.add(s, at + SB, delta * delta * w);
        Neumaier.merge(s, at + RES, o, from + RES);
      }

      @Override
      public void finish(double[] s, int at, double weightSum, double[] out) {
        double w = Neumaier.value(s, at + W);
        double sa = Neumaier.value(s, at + SA);
        double ssTot = Neumaier.value(s, at + SB) - sa * (sa / w);
        double ssRes = Neumaier.value(s, at + RES);
        if (ssTot <= 0) {
          out[0] = ssRes == 0 ? 1.0 : 0.0;
        } else {
          out[0] = 1 - ssRes / ssTot;
        }
      }
    };
  }
}
