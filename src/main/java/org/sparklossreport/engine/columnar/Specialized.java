package org.sparklossreport.engine.columnar;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.ScalarSums;

/**
 * The loops of {@link Loops}, written once. {@link Loops#specialize} defines a hidden copy of this class
 * per distinct check or accumulator, holding the function as a constant (the copy's class data, in
 * {@link #FN}); the JIT then compiles each copy's loops for that one function and inlines the loss's term
 * or check, instead of calling many losses' functions through one megamorphic call site per row. Built
 * with a function (the class itself, without class data) it is the generic fallback.
 */
final class Specialized extends Loops {
  /** The function of a hidden copy; null in the class itself. */
  private static final Loops.Fn FN = classData();
  private final Loops.Fn fn;

  Specialized() {
    this(null);
  }

  Specialized(Loops.Fn fn) {
    this.fn = fn;
  }

  private static Loops.Fn classData() {
    try {
      return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, Loops.Fn.class);
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  @Override
  void reasons(int n, byte[] label, byte[] prediction, byte[] weight, double[] w, double[] y, double[] p,
      int[] reason) {
    Kernels.ScalarCheck own = (FN != null ? FN : fn).check();
    for (int i = 0; i < n; i++) {
      InvalidReason r = BoundLoss.rowCheck(label[i], prediction[i], weight[i], w[i]);
      if (r == null && own != null) {
        r = ScalarSums.check(own, y[i], p[i]);
      }
      reason[i] = r == null ? -1 : r.ordinal();
    }
  }

  @Override
  void add(int n, double[] s, int stride, int at, int[] index, int[] reason, double[] y, double[] p,
      double[] w) {
    Accumulator a = (FN != null ? FN : fn).accumulator();
    if (w == null) {
      for (int i = 0; i < n; i++) {
        if (reason[i] < 0) {
          a.add(s, index[i] * stride + at, y[i], p[i], 1.0);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        if (reason[i] < 0) {
          a.add(s, index[i] * stride + at, y[i], p[i], w[i]);
        }
      }
    }
  }
}
