package org.sparklossreport.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast log1p and sinh of {@link LossMath} (built on JIT intrinsics) against fdlibm's
 * {@code StrictMath.log1p} and {@code StrictMath.sinh}, over random arguments across their ranges.
 */
class LossMathTest {
  private static final double TOLERANCE = 3 * Math.ulp(1.0); // 3 ulp, fdlibm's own error included

  private static double relativeError(double expected, double actual) {
    return expected == actual ? 0 : Math.abs(expected - actual) / Math.abs(expected);
  }

  @Test
  void log1pMatchesFdlibmFromMinusOneToTheLargestDouble() {
    SplittableRandom r = new SplittableRandom(7);
    double worst = 0;
    for (int i = 0; i < 200_000; i++) {
      double x = switch (i % 4) {
        case 0 -> Math.pow(10, -20 + 20 * r.nextDouble()); // tiny positive
        case 1 -> -Math.pow(10, -20 + 20 * r.nextDouble()) * 0.999_999; // in (−1, 0)
        case 2 -> Math.pow(10, 308 * r.nextDouble()); // up to 1e308
        default -> r.nextDouble() * 4 - 0.5;
      };
      worst = Math.max(worst, relativeError(StrictMath.log1p(x), LossMath.log1p(x)));
    }
    assertTrue(worst <= TOLERANCE, "worst relative error " + worst);
    assertEquals(0.0, LossMath.log1p(0.0));
    assertEquals(1e-300, LossMath.log1p(1e-300));
    assertEquals(Double.POSITIVE_INFINITY, LossMath.log1p(Double.POSITIVE_INFINITY));
  }

  @Test
  void sinhMatchesFdlibmOnMinusAHalfToAHalf() {
    SplittableRandom r = new SplittableRandom(8);
    double worst = 0;
    for (int i = 0; i < 200_000; i++) {
      double h = i % 2 == 0 ? r.nextDouble() - 0.5 : Math.pow(10, -20 + 20 * r.nextDouble()) * 0.5;
      worst = Math.max(worst, relativeError(StrictMath.sinh(h), LossMath.sinhSmall(h)));
    }
    assertTrue(worst <= TOLERANCE, "worst relative error " + worst);
  }
}
