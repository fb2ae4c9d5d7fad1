package org.sparklossreport.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.LossFixtures.In;
import org.sparklossreport.testing.LossFixtures;

/**
 * Weights are frequencies: a row of integer weight w gives the same result as the row repeated w times
 * with unit weight (scikit-learn's and Spark MLlib's sample-weight semantics), for every loss case of the
 * golden files, on 600 golden rows with integer weights 1..4 (column {@code wi}).
 *
 * <p>The one output that is not a frequency-weighted mean is {@code mse_gradient.gradient_norm}, which is
 * defined as the norm of the gradient of the weighted MSE with respect to each row's prediction,
 * (2/W)·sqrt(Σ w²e²): a row of weight w is one prediction, not w of them. It is checked against that
 * formula here instead.
 */
class WeightsAsRepetitionsTest {
  private static final double REL = 1e-12;
  private static final int N = 600;

  static Stream<Case> cases() {
    return Golden.cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void integerWeightEqualsRepeatedRows(Case c) {
    List<Map<String, Object>> data = Golden.rows().subList(0, N);
    List<In> weighted = Golden.inputs(c, data, "wi");
    List<In> repeated = new ArrayList<>();
    for (In in : weighted) {
      for (int k = 0; k < in.weight(); k++) {
        repeated.add(new In(in.label(), in.prediction(), null));
      }
    }
    assertTrue(repeated.size() > 2 * N, "weights above 1 occur");
    List<LossResult> w = LossFixtures.results(c.spec(), weighted);
    List<LossResult> r = LossFixtures.results(c.spec(), repeated);
    assertEquals(r.size(), w.size());
    for (int i = 0; i < w.size(); i++) {
      if (w.get(i).loss().endsWith(".gradient_norm")) {
        continue; // see the class comment and gradientNormWeighsEachPredictionOnce
      }
      Approx.assertClose(r.get(i).value(), w.get(i).value(), REL, 0, c + " " + w.get(i).loss());
      Approx.assertClose(r.get(i).weightSum(), w.get(i).weightSum(), 1e-15, 0, c + " weight sum");
    }
  }

  @Test
  void gradientNormWeighsEachPredictionOnce() {
    // Rows (y, ŷ, w): (0, 1, 2), (0, 3, 1). W = 3, e = ŷ − y = (1, 3).
    // weighted: (2/W)·sqrt(Σ w²e²) = (2/3)·sqrt(4 + 9) ; the first row repeated twice instead:
    // (2/n)·sqrt(Σ e²) = (2/3)·sqrt(1 + 1 + 9)
    List<In> weighted = List.of(LossFixtures.row(0.0, 1.0, 2.0), LossFixtures.row(0.0, 3.0, 1.0));
    List<In> repeated = List.of(LossFixtures.row(0.0, 1.0), LossFixtures.row(0.0, 1.0), LossFixtures.row(0.0, 3.0));
    Double w = LossFixtures.output("mse_gradient", "gradient_norm", weighted);
    Double r = LossFixtures.output("mse_gradient", "gradient_norm", repeated);
    Approx.assertClose(2.0 / 3 * Math.sqrt(13), w, REL, 0);
    Approx.assertClose(2.0 / 3 * Math.sqrt(11), r, REL, 0);
    assertNotEquals(w, r);
    // value and mean_gradient are frequency-weighted means: (2·1 + 9)/3 and 2·(2·1 + 3)/3
    Approx.assertClose(11.0 / 3, LossFixtures.output("mse_gradient", "value", weighted), REL, 0);
    Approx.assertClose(10.0 / 3, LossFixtures.output("mse_gradient", "mean_gradient", weighted), REL, 0);
  }
}
