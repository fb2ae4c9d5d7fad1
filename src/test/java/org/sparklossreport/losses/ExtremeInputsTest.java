package org.sparklossreport.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.LossFixtures.row;
import static org.sparklossreport.testing.LossFixtures.value;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklossreport.testing.Approx;

/**
 * Inputs at the edges of each loss's domain give finite values equal to the formula's: probabilities
 * exactly 0 and 1 (clipped to [ε, 1 − ε]), logits of ±1e4 (stable forms, no overflow), errors of ±1e300
 * (log_cosh and huber, no overflow) and tiny errors (log_cosh without cancellation).
 *
 * <p>Expected values are written from the formulas: ε = 1e-15 (the default of the log losses) gives
 * −log(ε) = 34.538776394910684 and −log(1 − ε) = 9.992007221626415e-16 (1 − 1e-15 rounds to
 * 1 − 9.992007221626409e-16, so a probability of 1 clipped to 1 − ε leaves 1 − (1 − ε) ≠ ε);
 * ε = 1e-7 (Keras's) gives −log(ε) = 16.11809565095832. Numbers from Python float64
 * ({@code -math.log(...)}).
 */
class ExtremeInputsTest {
  private static final double REL = 1e-12;
  private static final double LOG_EPS15 = 34.538776394910684; // −log(1e-15)
  private static final double LOG_1M_EPS15 = 9.992007221626415e-16; // −log(1 − 1e-15)
  private static final double LOG_EPS15_OF_ROUNDED = 34.53957599234088; // −log(1 − (1 − 1e-15))
  private static final double LOG_EPS7 = 16.11809565095832; // −log(1e-7)
  private static final double LOG_EPS7_OF_ROUNDED = 16.118095651484676; // −log(1 − (1 − 1e-7))

  private static void assertFiniteClose(double expected, Double actual, String what) {
    assertTrue(actual != null && Double.isFinite(actual), what + ": not finite: " + actual);
    Approx.assertClose(expected, actual, REL, 1e-300, what);
  }

  @Test
  void binaryCrossEntropyAtProbabilitiesZeroAndOne() {
    assertFiniteClose(LOG_EPS15, value("binary_cross_entropy", row(1.0, 0.0)), "y=1, p=0");
    assertFiniteClose(LOG_EPS15_OF_ROUNDED, value("binary_cross_entropy", row(0.0, 1.0)), "y=0, p=1");
    assertFiniteClose(LOG_1M_EPS15, value("binary_cross_entropy", row(1.0, 1.0)), "y=1, p=1");
    assertFiniteClose(LOG_1M_EPS15, value("binary_cross_entropy", row(0.0, 0.0)), "y=0, p=0");
    // log_loss and cross_entropy take the same scalar form
    assertFiniteClose(LOG_EPS15, value("log_loss", row(1.0, 0.0)), "log_loss y=1, p=0");
    assertFiniteClose(LOG_EPS15, value("cross_entropy", row(1.0, 0.0)), "cross_entropy y=1, p=0");
  }

  @Test
  void binaryCrossEntropyAtLogitsPlusMinus1e4() {
    // max(z, 0) − z·y + log1p(e^−|z|): exactly 1e4 for a confident wrong logit, 0 for a confident right one
    assertFiniteClose(1e4, value("binary_cross_entropy(from_logits=true)", row(1.0, -1e4)), "y=1, z=-1e4");
    assertFiniteClose(1e4, value("binary_cross_entropy(from_logits=true)", row(0.0, 1e4)), "y=0, z=1e4");
    assertEquals(0.0, value("binary_cross_entropy(from_logits=true)", row(1.0, 1e4)));
    assertEquals(0.0, value("binary_cross_entropy(from_logits=true)", row(0.0, -1e4)));
    // soft label 0.5: 0.5·1e4 either way
    assertFiniteClose(5e3, value("binary_cross_entropy(from_logits=true)", row(0.5, 1e4)), "y=0.5, z=1e4");
  }

  @Test
  void focalAtProbabilitiesZeroAndOne() {
    // (1 − p_t)^γ · BCE with ε = 1e-7: a wrong certain prediction has p_t = 0, factor 1
    assertFiniteClose(LOG_EPS7, value("binary_focal_cross_entropy", row(1.0, 0.0)), "y=1, p=0");
    assertFiniteClose(LOG_EPS7_OF_ROUNDED, value("binary_focal_cross_entropy", row(0.0, 1.0)), "y=0, p=1");
    assertEquals(0.0, value("binary_focal_cross_entropy", row(1.0, 1.0)), "y=1, p=1: p_t = 1");
    assertEquals(0.0, value("binary_focal_cross_entropy", row(0.0, 0.0)), "y=0, p=0: p_t = 1");
  }

  @Test
  void focalAtLogitsPlusMinus1e4() {
    // σ(∓1e4) is 0 or 1 exactly, p_t = 0 for a wrong logit, and the BCE is exact for logits: 1e4
    assertFiniteClose(1e4, value("binary_focal_cross_entropy(from_logits=true)", row(1.0, -1e4)), "y=1, z=-1e4");
    assertFiniteClose(1e4, value("binary_focal_cross_entropy(from_logits=true)", row(0.0, 1e4)), "y=0, z=1e4");
    assertFiniteClose(0.75e4, value("binary_focal_cross_entropy(from_logits=true,apply_class_balancing=true)",
        row(0.0, 1e4)), "balanced y=0, z=1e4: (1 − α)·1e4");
    assertEquals(0.0, value("binary_focal_cross_entropy(from_logits=true)", row(1.0, 1e4)));
    assertEquals(0.0, value("binary_focal_cross_entropy(from_logits=true)", row(0.0, -1e4)));
  }

  @Test
  void categoricalAtProbabilitiesZeroAndOne() {
    double[] certain = {0, 1, 0};
    assertFiniteClose(LOG_EPS15, value("categorical_cross_entropy", row(new double[] {1, 0, 0}, certain)), "wrong");
    assertFiniteClose(LOG_1M_EPS15, value("categorical_cross_entropy", row(new double[] {0, 1, 0}, certain.clone())),
        "right");
    assertFiniteClose(LOG_EPS15, value("categorical_cross_entropy(normalize=true)",
        row(new double[] {1, 0, 0}, certain.clone())), "normalized, wrong");
    assertFiniteClose(LOG_EPS15, value("cross_entropy", row(new double[] {1, 0, 0}, certain.clone())), "cross_entropy");
    assertFiniteClose(LOG_EPS15, value("log_loss", row(new double[] {1, 0, 0}, certain.clone())), "log_loss one-hot");
    assertFiniteClose(LOG_EPS15, value("log_loss", row(0.0, certain.clone())), "log_loss index");
    assertFiniteClose(LOG_EPS15, value("sparse_categorical_cross_entropy", row(0.0, certain.clone())), "scce wrong");
    assertFiniteClose(LOG_1M_EPS15, value("sparse_categorical_cross_entropy", row(1.0, certain.clone())), "scce right");
  }

  @Test
  void categoricalAtLogitsPlusMinus1e4() {
    double[] z = {1e4, -1e4, 0};
    // log Σ e^z = 1e4 (exactly in double); ℓ = lse − z_k
    assertFiniteClose(2e4, value("categorical_cross_entropy(from_logits=true)", row(new double[] {0, 1, 0}, z)), "cce");
    assertEquals(0.0, value("categorical_cross_entropy(from_logits=true)", row(new double[] {1, 0, 0}, z.clone())));
    assertFiniteClose(1e4, value("categorical_cross_entropy(from_logits=true)", row(new double[] {0, 0, 1}, z.clone())),
        "cce class 2");
    assertFiniteClose(2e4, value("sparse_categorical_cross_entropy(from_logits=true)", row(1.0, z.clone())), "scce");
    assertEquals(0.0, value("sparse_categorical_cross_entropy(from_logits=true)", row(0.0, z.clone())));
    // label smoothing 0.3 over 3 classes, true class 1: (0.1, 0.8, 0.1)·(lse − z) = 0.1·0 + 0.8·2e4 + 0.1·1e4
    assertFiniteClose(1.7e4, value("categorical_cross_entropy(from_logits=true,label_smoothing=0.3)",
        row(new double[] {0, 1, 0}, z.clone())), "cce smoothed");
  }

  @Test
  void klDivergenceAtZeroAndOne() {
    // Keras clipping to [ε, 1], ε = 1e-7: 1·log(1/1e-7) + 1e-7·log(1e-7/1)
    assertFiniteClose(16.118094039148755, value("kl_divergence", row(new double[] {1, 0}, new double[] {0, 1})), "kl");
    assertEquals(0.0, value("kl_divergence", row(new double[] {0, 1}, new double[] {0, 1})));
  }

  @Test
  void poissonAtZeroRate() {
    // ŷ − y·log(ŷ + ε), ε = 1e-7: a count of 1 at rate 0 costs −log(1e-7)
    assertFiniteClose(LOG_EPS7, value("poisson", row(1.0, 0.0)), "y=1, rate 0");
  }

  @Test
  void logCoshAtErrorsPlusMinus1e300() {
    // log(cosh(e)) = |e| − log 2 + log1p(e^−2|e|) = 1e300 in double (cosh itself overflows past |e| ≈ 710)
    assertFiniteClose(1e300, value("log_cosh", row(1e300, 0.0)), "e=1e300");
    assertFiniteClose(1e300, value("log_cosh", row(0.0, 1e300)), "e=-1e300");
    assertFiniteClose(2e300, value("log_cosh", row(1e300, -1e300)), "e=2e300");
    assertFiniteClose(1e300, value("log_cosh", List.of(row(1e300, 0.0), row(-1e300, 0.0))), "mean of two");
    assertFiniteClose(800 - Math.log(2), value("log_cosh", row(800.0, 0.0)), "e=800");
  }

  @Test
  void logCoshAtTinyErrorsKeepsItsDigits() {
    // log(cosh(e)) = e²/2 − e⁴/12 + ...: for |e| ≪ 1 the value is tiny and must not be lost to cancellation
    // against log 2 (nor become negative). Expected: Python float64 math.log1p(2*math.sinh(e/2)**2).
    Approx.assertClose(4.999999999999165e-13, value("log_cosh", row(1e-6, 0.0)), REL, 0, "e=1e-6");
    Approx.assertClose(4.999999991666667e-09, value("log_cosh", row(0.0, 1e-4)), REL, 0, "e=-1e-4");
    Approx.assertClose(5.0000000000000005e-17, value("log_cosh", row(1e-8, 0.0)), REL, 0, "e=1e-8");
    Approx.assertClose(5e-19, value("log_cosh", row(1e-9, 0.0)), REL, 0, "e=1e-9");
    Approx.assertClose(0.0049916888216465305, value("log_cosh", row(0.1, 0.0)), REL, 0, "e=0.1");
    Approx.assertClose(0.4337808304830271, value("log_cosh", row(1.0, 0.0)), REL, 0, "e=1");
    assertEquals(0.0, value("log_cosh", row(3.0, 3.0)));
  }

  @Test
  void huberAtErrorsPlusMinus1e300() {
    // δ(|e| − δ/2) on the linear branch: no squaring of the error
    assertFiniteClose(1e300, value("huber", row(1e300, 0.0)), "e=1e300");
    assertFiniteClose(1e300, value("huber", row(0.0, 1e300)), "e=-1e300");
    assertFiniteClose(2e300, value("huber", row(1e300, -1e300)), "e=2e300");
    assertFiniteClose(2.5e299, value("huber(delta=0.25)", row(1e300, 0.0)), "delta 0.25");
    assertFiniteClose(1e300, value("huber", List.of(row(1e300, 0.0), row(-1e300, 0.0))), "mean of two");
  }

  @Test
  void quantileAndMaeAtErrorsPlusMinus1e300() {
    assertFiniteClose(0.9e300, value("quantile(tau=0.9)", row(1e300, 0.0)), "quantile under-prediction");
    assertFiniteClose(0.1e300, value("quantile(tau=0.9)", row(0.0, 1e300)), "quantile over-prediction");
    assertFiniteClose(1e300, value("mae", row(-1e300, 0.0)), "mae");
  }
}
