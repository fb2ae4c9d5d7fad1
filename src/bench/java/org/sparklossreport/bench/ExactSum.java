package org.sparklossreport.bench;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The exact sum of doubles (Shewchuk's non-overlapping partials, the algorithm of Python's
 * {@code math.fsum}): the reference the benchmark checks the job's compensated sums against. Independent
 * of the project's {@code Neumaier} summation on purpose.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;
  private double[] partials = new double[8];
  private int n;

  /** Adds x exactly. */
  public void add(double x) {
    int i = 0;
    for (int j = 0; j < n; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[i++] = lo;
      }
      x = hi;
    }
    if (i == partials.length) {
      partials = Arrays.copyOf(partials, i * 2);
    }
    partials[i++] = x;
    n = i;
  }

  /** Adds every partial of another exact sum. */
  public ExactSum merge(ExactSum o) {
    for (int j = 0; j < o.n; j++) {
      add(o.partials[j]);
    }
    return this;
  }

  /** The exact sum, as a decimal. */
  public BigDecimal exact() {
    BigDecimal s = BigDecimal.ZERO;
    for (int j = 0; j < n; j++) {
      s = s.add(new BigDecimal(partials[j]));
    }
    return s;
  }

  /** The exact sum rounded once to a double. */
  public double value() {
    return exact().doubleValue();
  }
}
