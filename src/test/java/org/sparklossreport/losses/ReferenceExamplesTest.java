package org.sparklossreport.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparklossreport.testing.LossFixtures.row;
import static org.sparklossreport.testing.LossFixtures.scalars;
import static org.sparklossreport.testing.LossFixtures.value;
import static org.sparklossreport.testing.LossFixtures.vectors;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.LossFixtures.In;

/**
 * Worked examples from the reference documentation of each loss beyond the seed's (Keras 3 and tf.keras
 * docstrings, scikit-learn docstrings), reproduced with the printed precision: a value printed as 0.155 is
 * checked to within one unit of its last digit (±0.001; the Keras docs round some values and truncate
 * others, scikit-learn's {@code 0.948...} is a prefix), a value that is exact or printed in full to 1e-12
 * relative. Keras examples on 2-D arrays map to one
 * scalar row per element (Keras averages each row, then the rows, which is the mean over all elements
 * when rows have one length) or to one vector row per row for vector losses.
 *
 * <p>Weighted examples: Keras's default reduction {@code sum_over_batch_size} divides Σ w·ℓ by the
 * number of samples, this project (like scikit-learn and Keras's {@code mean_with_sample_weight})
 * divides by Σ w. The tests convert with that factor and say so.
 */
class ReferenceExamplesTest {
  private static final double REL = 1e-12;

  /** Within one unit of the last digit of a number printed with {@code decimals} decimals. */
  private static void assertPrinted(double printed, Double actual, int decimals) {
    Approx.assertClose(printed, actual, 0, Math.pow(10, -decimals));
  }

  // Keras's common 2x2 example: y_true = [[0, 1], [0, 0]], y_pred = [[0.6, 0.4], [0.4, 0.6]]
  private static final double[] KY = {0, 1, 0, 0};
  private static final double[] KP = {0.6, 0.4, 0.4, 0.6};

  @Test
  void huberKeras3() {
    // keras.losses.huber docstring (Keras 3, keras/src/losses/losses.py):
    // y_true = [[0, 1], [0, 0]], y_pred = [[0.6, 0.4], [0.4, 0.6]] → 0.155 (exact: (0.18+0.18+0.08+0.18)/4)
    Approx.assertClose(0.155, value("huber", scalars(KY, KP)), REL, 0);
    // tf.keras.losses.Huber (TF 2.13 docs): reduction SUM → 0.31, the sum of the two row means; here
    // reduction=sum adds all four elements, twice that.
    Approx.assertClose(0.62, value("huber(reduction=sum)", scalars(KY, KP)), REL, 0);
  }

  @Test
  void huberDeltaOnTheLinearBranch() {
    // keras.losses.huber formula: |x| > delta → delta·|x| − 0.5·delta²; with delta = 0.1 every element of the
    // 2x2 example is linear: 0.1·(0.6+0.6+0.4+0.6)/4 − 0.005 = 0.05
    Approx.assertClose(0.05, value("huber(delta=0.1)", scalars(KY, KP)), REL, 0);
  }

  @Test
  void logCoshKeras3() {
    // keras.losses.log_cosh docstring (Keras 3): y_true = [[0., 1.], [0., 0.]], y_pred = [[1., 1.], [0., 0.]]
    // → 0.108
    Double v = value("log_cosh", scalars(new double[] {0, 1, 0, 0}, new double[] {1, 1, 0, 0}));
    assertPrinted(0.108, v, 3);
  }

  @Test
  void binaryCrossEntropyFromLogitsKeras3() {
    // keras.losses.BinaryCrossentropy docstring (Keras 3), Example 1: y_true = [0, 1, 0, 0],
    // y_pred = [-18.6, 0.51, 2.94, -12.8], from_logits=True → 0.8654
    double[] y = {0, 1, 0, 0};
    double[] z = {-18.6, 0.51, 2.94, -12.8};
    assertPrinted(0.8654, value("binary_cross_entropy(from_logits=true)", scalars(y, z)), 4);
    // Example 2, reduction None: rows [[0, 1], [0, 0]] → array([0.235, 1.496])
    assertPrinted(0.235, value("binary_cross_entropy(from_logits=true)",
        scalars(new double[] {0, 1}, new double[] {-18.6, 0.51})), 3);
    assertPrinted(1.496, value("binary_cross_entropy(from_logits=true)",
        scalars(new double[] {0, 0}, new double[] {2.94, -12.8})), 3);
  }

  @Test
  void binaryCrossEntropyProbabilitiesKeras3() {
    // keras.losses.binary_crossentropy docstring (Keras 3): y_true = [[0, 1], [0, 0]],
    // y_pred = [[0.6, 0.4], [0.4, 0.6]] → array([0.916, 0.714]), one value per row
    assertPrinted(0.916, value("binary_cross_entropy", scalars(new double[] {0, 1}, new double[] {0.6, 0.4})), 3);
    assertPrinted(0.714, value("binary_cross_entropy", scalars(new double[] {0, 0}, new double[] {0.4, 0.6})), 3);
  }

  @Test
  void binaryFocalCrossEntropyKeras3() {
    // keras.losses.BinaryFocalCrossentropy docstring (Keras 3): y_true = [0, 1, 0, 0],
    // y_pred = [-18.6, 0.51, 2.94, -12.8] (logits)
    double[] y = {0, 1, 0, 0};
    double[] z = {-18.6, 0.51, 2.94, -12.8};
    // gamma=2, from_logits=True → 0.691
    assertPrinted(0.691, value("binary_focal_cross_entropy(gamma=2,from_logits=true)", scalars(y, z)), 3);
    // apply_class_balancing=True, gamma=2 → 0.51
    assertPrinted(0.51, value("binary_focal_cross_entropy(apply_class_balancing=true,gamma=2,from_logits=true)",
        scalars(y, z)), 2);
    // Example 2 (the same four values as [[0, 1], [0, 0]]): gamma=3 → 0.647; with balancing → 0.482
    assertPrinted(0.647, value("binary_focal_cross_entropy(gamma=3,from_logits=true)", scalars(y, z)), 3);
    assertPrinted(0.482, value("binary_focal_cross_entropy(apply_class_balancing=true,gamma=3,from_logits=true)",
        scalars(y, z)), 3);
    // gamma=5, reduction None → array([0.0017, 1.1561]): the two rows separately
    assertPrinted(0.0017, value("binary_focal_cross_entropy(gamma=5,from_logits=true)",
        scalars(new double[] {0, 1}, new double[] {-18.6, 0.51})), 4);
    assertPrinted(1.1561, value("binary_focal_cross_entropy(gamma=5,from_logits=true)",
        scalars(new double[] {0, 0}, new double[] {2.94, -12.8})), 4);
    // with balancing → array([0.0004, 0.8670])
    assertPrinted(0.0004, value("binary_focal_cross_entropy(apply_class_balancing=true,gamma=5,from_logits=true)",
        scalars(new double[] {0, 1}, new double[] {-18.6, 0.51})), 4);
    assertPrinted(0.8670, value("binary_focal_cross_entropy(apply_class_balancing=true,gamma=5,from_logits=true)",
        scalars(new double[] {0, 0}, new double[] {2.94, -12.8})), 4);
  }

  @Test
  void binaryFocalCrossEntropyWeightedKeras3() {
    // Keras 3 docstring: gamma=3, from_logits=True, sample_weight=[0.8, 0.2] on rows [[0, 1], [0, 0]] → 0.133.
    // Keras: Σ_rows sw·mean(row) / 2 rows. Here each element carries its row's weight and the mean divides
    // by Σw = 2·(0.8 + 0.2) = 2, so ours = Σ_rows sw·2·mean(row) / 2 = 2 × Keras's.
    List<In> rows = List.of(row(0.0, -18.6, 0.8), row(1.0, 0.51, 0.8), row(0.0, 2.94, 0.2), row(0.0, -12.8, 0.2));
    Double ours = value("binary_focal_cross_entropy(gamma=3,from_logits=true)", rows);
    assertPrinted(0.133, ours / 2, 3);
  }

  // Keras's categorical example: y_true = [[0, 1, 0], [0, 0, 1]], y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
  private static final double[][] CY = {{0, 1, 0}, {0, 0, 1}};
  private static final double[][] CP = {{0.05, 0.95, 0}, {0.1, 0.8, 0.1}};

  @Test
  void categoricalCrossEntropyKeras3() {
    // keras.losses.CategoricalCrossentropy docstring (Keras 3) → 1.177; reduction="sum" → 2.354;
    // reduction=None → array([0.0513, 2.303])
    assertPrinted(1.177, value("categorical_cross_entropy", vectors(CY, CP)), 3);
    assertPrinted(2.354, value("categorical_cross_entropy(reduction=sum)", vectors(CY, CP)), 3);
    assertPrinted(0.0513, value("categorical_cross_entropy", vectors(new double[][] {CY[0]}, new double[][] {CP[0]})), 4);
    assertPrinted(2.303, value("categorical_cross_entropy", vectors(new double[][] {CY[1]}, new double[][] {CP[1]})), 3);
  }

  @Test
  void categoricalCrossEntropyWeightedKeras3() {
    // Keras 3 docstring: sample_weight=[0.3, 0.7] → 0.814 = Σ sw·ℓ / 2 rows. Ours divides by Σw = 1.0:
    // ours × Σw / n = Keras's.
    List<In> rows = List.of(row(CY[0], CP[0], 0.3), row(CY[1], CP[1], 0.7));
    Double ours = value("categorical_cross_entropy", rows);
    assertPrinted(0.814, ours * 1.0 / 2, 3);
  }

  @Test
  void sparseCategoricalCrossEntropyKeras3() {
    // keras.losses.SparseCategoricalCrossentropy docstring (Keras 3): y_true = [1, 2],
    // y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] → 1.177; reduction="sum" → 2.354
    List<In> rows = List.of(row(1.0, CP[0].clone()), row(2.0, CP[1].clone()));
    assertPrinted(1.177, value("sparse_categorical_cross_entropy", rows), 3);
    assertPrinted(2.354, value("sparse_categorical_cross_entropy(reduction=sum)", rows), 3);
  }

  @Test
  void sparseCategoricalCrossEntropyIgnoreClass() {
    // Keras 3 sparse_categorical_crossentropy, ignore_class: rows of the ignored class are masked and the
    // mean is over the others (Keras scales the mask by total/valid): with class 2 ignored, only
    // −log(0.95) = 0.0513 remains
    List<In> rows = List.of(row(1.0, CP[0].clone()), row(2.0, CP[1].clone()));
    assertPrinted(0.0513, value("sparse_categorical_cross_entropy(ignore_class=2)", rows), 4);
    Approx.assertClose(-Math.log(0.95), value("sparse_categorical_cross_entropy(ignore_class=2)", rows), REL, 0);
  }

  @Test
  void klDivergenceTfKeras() {
    // tf.keras.losses.KLDivergence (TF 2.13 docs; same formula and clipping in Keras 3): y_true = [[0, 1], [0, 0]],
    // y_pred = [[0.6, 0.4], [0.4, 0.6]] → 0.458; reduction SUM → 0.916; sample_weight=[0.8, 0.2] → 0.366
    double[][] y = {{0, 1}, {0, 0}};
    double[][] p = {{0.6, 0.4}, {0.4, 0.6}};
    assertPrinted(0.458, value("kl_divergence", vectors(y, p)), 3);
    assertPrinted(0.916, value("kl_divergence(reduction=sum)", vectors(y, p)), 3);
    Double weighted = value("kl_divergence", List.of(row(y[0], p[0], 0.8), row(y[1], p[1], 0.2)));
    assertPrinted(0.366, weighted * (0.8 + 0.2) / 2, 3); // Keras divides by the 2 rows, ours by Σw
  }

  @Test
  void hingeTfKeras() {
    // tf.keras.losses.Hinge (TF 2.13 docs; Keras 3 has the same formula and {0,1} → {−1,1} mapping):
    // y_true = [[0., 1.], [0., 0.]], y_pred = [[0.6, 0.4], [0.4, 0.6]] → 1.3; reduction NONE → [1.1, 1.5]
    Approx.assertClose(1.3, value("hinge", scalars(KY, KP)), REL, 0);
    Approx.assertClose(1.1, value("hinge", scalars(new double[] {0, 1}, new double[] {0.6, 0.4})), REL, 0);
    Approx.assertClose(1.5, value("hinge", scalars(new double[] {0, 0}, new double[] {0.4, 0.6})), REL, 0);
  }

  @Test
  void squaredHingeTfKeras() {
    // tf.keras.losses.SquaredHinge (TF 2.13 docs): same data → 1.86
    Approx.assertClose(1.86, value("squared_hinge", scalars(KY, KP)), REL, 0);
  }

  @Test
  void poissonTfKeras() {
    // tf.keras.losses.Poisson (TF 2.13 docs): y_true = [[0., 1.], [0., 0.]], y_pred = [[1., 1.], [0., 0.]]
    // → 0.5; reduction NONE → [0.999, 0.] (per row)
    double[] y = {0, 1, 0, 0};
    double[] p = {1, 1, 0, 0};
    assertPrinted(0.5, value("poisson", scalars(y, p)), 3);
    assertPrinted(0.999, value("poisson", scalars(new double[] {0, 1}, new double[] {1, 1})), 3);
    assertEquals(0.0, value("poisson", scalars(new double[] {0, 0}, new double[] {0, 0})));
  }

  // scikit-learn's regression example: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]
  private static final double[] SY = {3, -0.5, 2, 7};
  private static final double[] SP = {2.5, 0.0, 2, 8};

  @Test
  void scikitLearnRegressionMetrics() {
    // sklearn.metrics docstrings: mean_squared_error → 0.375, mean_absolute_error → 0.5,
    // root_mean_squared_error → 0.612..., r2_score → 0.948...
    Approx.assertClose(0.375, value("mse", scalars(SY, SP)), REL, 0);
    Approx.assertClose(0.5, value("mae", scalars(SY, SP)), REL, 0);
    Approx.assertClose(Math.sqrt(0.375), value("rmse", scalars(SY, SP)), REL, 0);
    assertPrinted(0.612, value("rmse", scalars(SY, SP)), 3);
    assertPrinted(0.948, value("r2", scalars(SY, SP)), 3);
  }

  @Test
  void r2ScikitLearnSpecialCases() {
    // sklearn.metrics.r2_score docstring: [1,2,3] vs [1,2,3] → 1.0; vs [2,2,2] → 0.0; vs [3,2,1] → -3.0;
    // constant y_true [-2,-2,-2]: perfect → 1.0, imperfect ([-2,-2,-2+1e-8]) → 0.0 (force_finite=True)
    double[] y = {1, 2, 3};
    assertEquals(1.0, value("r2", scalars(y, new double[] {1, 2, 3})), 1e-15);
    assertEquals(0.0, value("r2", scalars(y, new double[] {2, 2, 2})), 1e-15);
    assertEquals(-3.0, value("r2", scalars(y, new double[] {3, 2, 1})), 1e-15);
    double[] c = {-2, -2, -2};
    assertEquals(1.0, value("r2", scalars(c, new double[] {-2, -2, -2})));
    assertEquals(0.0, value("r2", scalars(c, new double[] {-2, -2, -2 + 1e-8})));
  }

  @Test
  void mapeScikitLearn() {
    // sklearn.metrics.mean_absolute_percentage_error docstring: → 0.3273...; a fraction, not a percentage
    assertPrinted(0.3273, value("mape", scalars(SY, SP)), 4);
    // y_true = [1., 0., 2.4, 7.], y_pred = [1.2, 0.1, 2.4, 8.] → 112589990684262.48 (division by eps
    // where y_true is 0)
    Approx.assertClose(112589990684262.48,
        value("mape", scalars(new double[] {1, 0, 2.4, 7}, new double[] {1.2, 0.1, 2.4, 8})), REL, 0);
  }

  @Test
  void msleScikitLearn() {
    // sklearn.metrics.mean_squared_log_error docstring: y_true = [3, 5, 2.5, 7], y_pred = [2.5, 5, 4, 8]
    // → 0.039...
    assertPrinted(0.0397, value("msle", scalars(new double[] {3, 5, 2.5, 7}, new double[] {2.5, 5, 4, 8})), 4);
  }

  @Test
  void pinballScikitLearn() {
    // sklearn.metrics.mean_pinball_loss docstring: y_true = [1, 2, 3];
    // [0, 2, 3], alpha=0.1 → 0.03...; [1, 2, 4], alpha=0.1 → 0.3...; [0, 2, 3], alpha=0.9 → 0.3...;
    // [1, 2, 4], alpha=0.9 → 0.03...; y_pred = y_true → 0.0
    double[] y = {1, 2, 3};
    Approx.assertClose(0.1 / 3, value("quantile(tau=0.1)", scalars(y, new double[] {0, 2, 3})), REL, 0);
    Approx.assertClose(0.9 / 3, value("quantile(tau=0.1)", scalars(y, new double[] {1, 2, 4})), REL, 0);
    Approx.assertClose(0.9 / 3, value("quantile(tau=0.9)", scalars(y, new double[] {0, 2, 3})), REL, 0);
    Approx.assertClose(0.1 / 3, value("quantile(tau=0.9)", scalars(y, new double[] {1, 2, 4})), REL, 0);
    assertEquals(0.0, value("quantile(tau=0.1)", scalars(y, y)));
    assertEquals(0.0, value("quantile(tau=0.9)", scalars(y, y)));
    // "equivalent to half of mean_absolute_error when alpha=0.5" (user guide)
    Approx.assertClose(0.5 * value("mae", scalars(SY, SP)), value("quantile", scalars(SY, SP)), REL, 0);
  }

  @Test
  void logLossScikitLearn() {
    // sklearn.metrics.log_loss docstring: log_loss(["spam", "ham", "ham", "spam"],
    // [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) → 0.21616... (classes sorted: ham = 0, spam = 1)
    List<In> rows = new ArrayList<>();
    double[] k = {1, 0, 0, 1};
    double[][] p = {{.1, .9}, {.9, .1}, {.8, .2}, {.35, .65}};
    for (int i = 0; i < k.length; i++) {
      rows.add(row(k[i], p[i]));
    }
    assertPrinted(0.21616, value("log_loss", rows), 5);
  }
}
