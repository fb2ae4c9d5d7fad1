package org.sparklossreport.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.sparklossreport.testing.LossFixtures.output;
import static org.sparklossreport.testing.LossFixtures.scalars;
import static org.sparklossreport.testing.LossFixtures.value;
import static org.sparklossreport.testing.LossFixtures.vectors;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.LossFixtures.In;
import org.sparklossreport.testing.LossFixtures;

/**
 * The worked examples of the loss specification (the project's "Loss semantics", table "The seed's nine
 * losses"; numpy float64 numbers), reproduced to 1e-12 relative. The numbers are copied here as literals:
 * the tests do not read the specification at run time.
 */
class SpecExamplesTest {
  private static final double REL = 1e-12;

  // Spec: y=[1,2,3,4,5], ŷ=[1.1,2.2,3.1,4.1,5.1]
  private static final double[] Y = {1, 2, 3, 4, 5};
  private static final double[] P = {1.1, 2.2, 3.1, 4.1, 5.1};

  // Spec: y=[0,1,1,0,1], ŷ=[0.1,0.9,0.8,0.2,0.95]
  private static final double[] YB = {0, 1, 1, 0, 1};
  private static final double[] PB = {0.1, 0.9, 0.8, 0.2, 0.95};

  @Test
  void mse() {
    // Spec, mse: → 0.016 (0.015999999999999993)
    Approx.assertClose(0.015999999999999993, value("mse", scalars(Y, P)), REL, 0);
  }

  @Test
  void mae() {
    // Spec, mae: same data → 0.12 (0.11999999999999993)
    Approx.assertClose(0.11999999999999993, value("mae", scalars(Y, P)), REL, 0);
  }

  @Test
  void crossEntropySumIsTheSeedsNumberAndMeanIsTheDefault() {
    // Spec, cross_entropy: reduction sum → 0.7083014283316168 (the seed's snippet), mean → 0.14166028566632335
    Approx.assertClose(0.7083014283316168, value("cross_entropy(reduction=sum)", scalars(YB, PB)), REL, 0);
    Approx.assertClose(0.14166028566632335, value("cross_entropy", scalars(YB, PB)), REL, 0);
  }

  @Test
  void crossEntropyOfBernoulliVectorsEqualsTheScalarForm() {
    // Spec, cross_entropy: scalars are read as Bernoulli (p, 1−p) vs (q, 1−q): the same data as explicit
    // two-element vectors gives the same 0.14166028566632335
    double[][] y = new double[YB.length][];
    double[][] p = new double[PB.length][];
    for (int i = 0; i < YB.length; i++) {
      y[i] = new double[] {YB[i], 1 - YB[i]};
      p[i] = new double[] {PB[i], 1 - PB[i]};
    }
    Approx.assertClose(0.14166028566632335, value("cross_entropy", vectors(y, p)), REL, 0);
  }

  @Test
  void binaryCrossEntropy() {
    // Spec, binary_cross_entropy: same data → 0.14166028566632335
    Approx.assertClose(0.14166028566632335, value("binary_cross_entropy", scalars(YB, PB)), REL, 0);
  }

  @Test
  void logLossIsTheFullBinaryCrossEntropyNotTheSeedsPositiveTermOnly() {
    // Spec, log_loss: same scalar data → 0.14166028566632335; the seed's snippet sums only the positive
    // term (0.07595947227191663): document, do not copy
    Double v = value("log_loss", scalars(YB, PB));
    Approx.assertClose(0.14166028566632335, v, REL, 0);
    assertNotEquals(0.07595947227191663, v, 1e-6);
  }

  @Test
  void logLossClassIndexAndOneHotFormsAgreeWithTheBinaryForm() {
    // Spec, log_loss: a class index + probability vector, or a one-hot label vector, are the same loss:
    // the scalar data as classes {0, 1} with probability vectors (1−q, q) → 0.14166028566632335
    List<In> indexed = new ArrayList<>();
    List<In> oneHot = new ArrayList<>();
    for (int i = 0; i < YB.length; i++) {
      double[] probs = {1 - PB[i], PB[i]};
      indexed.add(LossFixtures.row(YB[i], probs));
      oneHot.add(LossFixtures.row(new double[] {1 - YB[i], YB[i]}, probs.clone()));
    }
    Approx.assertClose(0.14166028566632335, value("log_loss", indexed), REL, 0);
    Approx.assertClose(0.14166028566632335, value("log_loss", oneHot), REL, 0);
  }

  // Spec: Y=[[0,1,0],[1,0,0],[0,0,1],[1,0,0],[0,1,0]], P=[[.1,.9,.1],[.9,.1,.1],[.1,.1,.8],[.9,.1,.1],[.1,.9,.1]]
  private static final double[][] YC = {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}, {1, 0, 0}, {0, 1, 0}};
  private static final double[][] PC = {{.1, .9, .1}, {.9, .1, .1}, {.1, .1, .8}, {.9, .1, .1}, {.1, .9, .1}};

  @Test
  void categoricalCrossEntropy() {
    // Spec, categorical_cross_entropy → 0.12891712278910186
    Approx.assertClose(0.12891712278910186, value("categorical_cross_entropy", vectors(YC, PC)), REL, 0);
  }

  @Test
  void categoricalCrossEntropyNormalized() {
    // Spec, categorical_cross_entropy: with normalize → 0.2051652666325629
    Approx.assertClose(0.2051652666325629,
        value("categorical_cross_entropy(normalize=true)", vectors(YC, PC)), REL, 0);
  }

  @Test
  void mseGradientValueAndGradients() {
    // Spec, mse_gradient: → 0.016. mean_gradient = mean of ∂ℓ/∂ŷ_i = 2(ŷ_i − y_i); the seed's per-element
    // output 2(y − ŷ) = [−0.2,−0.4,−0.2,−0.2,−0.2] is the negative gradient, so mean_gradient is minus its
    // mean: +0.24. gradient_norm = (2/n)·sqrt(Σ(ŷ_i − y_i)²) = (2/5)·sqrt(0.08).
    List<In> rows = scalars(Y, P);
    Approx.assertClose(0.015999999999999993, output("mse_gradient", "value", rows), REL, 0);
    double seedMean = (-0.2 - 0.4 - 0.2 - 0.2 - 0.2) / 5;
    Approx.assertClose(-seedMean, output("mse_gradient", "mean_gradient", rows), REL, 0);
    Approx.assertClose(0.4 * Math.sqrt(0.08), output("mse_gradient", "gradient_norm", rows), REL, 0);
  }

  @Test
  void autoencoder() {
    // Spec, autoencoder: X=[[1,2,3],[4,5,6],[7,8,9]], X̂=[[1.1,1.9,2.9],[3.9,4.9,5.9],[6.9,7.8,8.9]]
    // → 0.013333333333333317
    double[][] x = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    double[][] xhat = {{1.1, 1.9, 2.9}, {3.9, 4.9, 5.9}, {6.9, 7.8, 8.9}};
    Approx.assertClose(0.013333333333333317, value("autoencoder", vectors(x, xhat)), REL, 0);
  }

  @Test
  void sparsityIsTheElementwiseFormulaNotTheSeedsMatrixNorms() {
    // Spec, sparse: Ŷ=[[.9,.1,.1],[.1,.9,.1],[.1,.1,.9]] → 2.571 (λ = 0.1, default reduction sum over all
    // rows and elements). The seed's numpy matrix norms give 1.199: not the formula, document.
    double[][] yhat = {{.9, .1, .1}, {.1, .9, .1}, {.1, .1, .9}};
    List<In> rows = new ArrayList<>();
    for (double[] r : yhat) {
      rows.add(LossFixtures.row(null, r));
    }
    Double v = value("sparse", rows);
    Approx.assertClose(2.571, v, REL, 0);
    assertNotEquals(1.199, v, 1e-3);
  }

  @Test
  void defaultReductionsAreAsSpecified() {
    // Spec: reduction mean is the default; sparse's default is sum
    for (String name : Losses.names()) {
      assertEquals(name.equals("sparse") ? "sum" : "mean", Losses.create(name).reduction().toString(), name);
    }
  }
}
