package org.sparklossreport.testing;

import static org.junit.jupiter.api.Assertions.fail;

/** Approximate comparison of doubles with a relative and an absolute tolerance. */
public final class Approx {
  private Approx() {}

  /** True when |expected − actual| ≤ max(relTol·max(|expected|, |actual|), absTol); nulls and NaNs equal only themselves. */
  public static boolean close(Double expected, Double actual, double relTol, double absTol) {
    if (expected == null || actual == null) {
      return expected == actual;
    }
    if (expected.isNaN() || actual.isNaN()) {
      return expected.isNaN() && actual.isNaN();
    }
    if (expected.equals(actual)) {
      return true;
    }
    double diff = Math.abs(expected - actual);
    return diff <= Math.max(relTol * Math.max(Math.abs(expected), Math.abs(actual)), absTol);
  }

  /** Fails with both numbers, their difference and the tolerances unless they are close. */
  public static void assertClose(Double expected, Double actual, double relTol, double absTol) {
    assertClose(expected, actual, relTol, absTol, "");
  }

  /** As {@link #assertClose(Double, Double, double, double)} with a message naming what was compared. */
  public static void assertClose(Double expected, Double actual, double relTol, double absTol, String what) {
    if (!close(expected, actual, relTol, absTol)) {
      String rel = expected == null || actual == null ? "" : String.format(" (relative %.3e)",
          Math.abs(expected - actual) / Math.max(Math.abs(expected), Math.abs(actual)));
      fail((what.isEmpty() ? "" : what + ": ") + "expected " + expected + " but was " + actual + rel
          + "; tolerance rel " + relTol + ", abs " + absTol);
    }
  }
}
