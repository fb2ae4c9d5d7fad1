package org.sparklossreport.losses;

import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernel;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Neumaier;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;
import org.sparklossreport.core.Shape;

/** Root mean squared error: sqrt(Σw(y − ŷ)² / Σw); with reduction {@code sum}, sqrt(Σw(y − ŷ)²). */
public final class Rmse extends Loss {
  private static final long serialVersionUID = 1L;

  public Rmse(Params params) {
    super(params, Reduction.MEAN);
    seal(params);
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
        return 2;
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
        Neumaier.add(s, at, w * Mse.term(row.y(), row.p()));
      }

      @Override
      public void finish(double[] s, int at, double weightSum, double[] out) {
        double total = Neumaier.value(s, at);
        out[0] = Math.sqrt(r == Reduction.SUM ? total : total / weightSum);
      }
    };
  }
}
