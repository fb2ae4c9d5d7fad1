package org.sparklossreport.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Compensated sums past the double range: the represented value is the IEEE sum (±Infinity, as NumPy
 * float64 gives it), never NaN from the compensation term (spec/job.md, "Report").
 */
class NeumaierTest {
  private static double sum(double... xs) {
    double[] s = new double[2];
    for (double x : xs) {
      Neumaier.add(s, 0, x);
    }
    assertTrue(Double.isFinite(s[1]), () -> "compensation " + s[1]);
    return Neumaier.value(s, 0);
  }

  @Test
  void aSumThatOverflowsIsInfinite() {
    assertEquals(Double.POSITIVE_INFINITY, sum(1e308, 1e308));
    assertEquals(Double.NEGATIVE_INFINITY, sum(-1e308, -1e308, 1.0));
    assertEquals(Double.POSITIVE_INFINITY, sum(1e308, 1e308, -1e308)); // NumPy: inf as well
    assertEquals(Double.POSITIVE_INFINITY, sum(1.0, 1e308, 1e308, 3.0));
  }

  @Test
  void anInfiniteTermGivesAnInfiniteSum() {
    assertEquals(Double.POSITIVE_INFINITY, sum(0.5, Double.POSITIVE_INFINITY, 2.0));
    assertEquals(Double.POSITIVE_INFINITY, sum(Double.POSITIVE_INFINITY));
  }

  @Test
  void opposedInfinitiesAreNaNAsInIeee() {
    assertTrue(Double.isNaN(sum(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
  }

  @Test
  void mergingAnOverflowedPairKeepsItsValue() {
    double[] a = {0, 0};
    double[] b = {0, 0};
    Neumaier.add(a, 0, 1e308);
    Neumaier.add(a, 0, 0.1);
    Neumaier.add(b, 0, 1e308);
    Neumaier.merge(a, 0, b, 0);
    assertEquals(Double.POSITIVE_INFINITY, Neumaier.value(a, 0));
    assertTrue(Double.isFinite(a[1]));
  }

  @Test
  void finiteSumsKeepTheirCompensation() {
    assertEquals(1e16 + 2, sum(1e16, 1.0, 1.0)); // a plain sum gives 1e16
    assertEquals(0.6, sum(0.1, 0.2, 0.3), 0.0);
  }
}
