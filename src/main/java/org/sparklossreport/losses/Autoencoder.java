package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.Neumaier;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/**
 * Autoencoder reconstruction loss: the mean squared error over every element of every row,
 * Σ_i w_i Σ_j (x_ij − x̂_ij)² / Σ_i w_i d_i (d_i the vector length; d·Σw when all rows have one length).
 * The label is the input x, the prediction the reconstruction x̂. Reduction {@code sum} gives
 * Σ_i w_i Σ_j (x_ij − x̂_ij)².
 */
public final class Autoencoder extends Loss {
  private static final long serialVersionUID = 1L;

  public Autoencoder(Params params) {
    super(params, Reduction.MEAN);
  }

  static double squaredError(double[] x, double[] xhat) {
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      double e = x[j] - xhat[j];
      s += e * e;
    }
    return s;
  }

  @Override
  public Kernel bind(Shape label, Shape prediction) {
    requireShapes(label, prediction, Shape.VECTOR, Shape.VECTOR,
        "an input vector and its reconstruction, of one length");
    Reduction r = reduction;
    return new Kernel() {
      private static final long serialVersionUID = 1L;

      @Override
      public int slots() {
        return 4; // Σ w Σ_j e², Σ w d
      }

      @Override
      public InvalidReason check(LossRow row) {
        return row.yv().length != row.pv().length || row.pv().length == 0
            ? InvalidReason.VECTOR_LENGTH : null;
      }

      @Override
      public void add(double[] s, int at, LossRow row, double w) {
        Neumaier.add(s, at, w * squaredError(row.yv(), row.pv()));
        Neumaier.add(s, at + 2, w * row.pv().length);
      }

      @Override
      public void finish(double[] s, int at, double weightSum, double[] out) {
        double total = Neumaier.value(s, at);
        out[0] = r == Reduction.SUM ? total : total / Neumaier.value(s, at + 2);
      }
    };
  }
}
