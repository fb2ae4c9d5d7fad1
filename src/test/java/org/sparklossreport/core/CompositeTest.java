package org.sparklossreport.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklossreport.losses.Losses;

/**
 * {@link Composite#result}: the total and its counts from the heads' results, worked by hand; and a
 * {@link LossSet} with a composite, whose results end with the total and whose joined form (a rollup's)
 * gives the same results from the heads' single-loss states.
 */
class CompositeTest {
  private static final Loss MSE = Losses.parse("mse(label=a,prediction=pa)");
  private static final Loss MAE = Losses.parse("mae(label=b,prediction=pb)");
  private static final Composite TOTAL = new Composite("total", List.of(new Composite.Term(0.25, MSE),
      new Composite.Term(2, MAE)));

  @Test
  void theTotalIsTheWeightedSumOfTheHeadsAndItsCountsTheirSums() {
    LossResult a = new LossResult(MSE.canonical(), 4.0, 3, 1, 3.0, Map.of("null", 1L));
    LossResult b = new LossResult(MAE.canonical(), 0.5, 2, 2, 2.5, Map.of("null", 2L));
    LossResult t = TOTAL.result(List.of(a, b));
    assertEquals("total", t.loss());
    assertEquals(0.25 * 4 + 2 * 0.5, t.value(), 0);
    assertEquals(5, t.rows());
    assertEquals(3, t.invalidRows());
    assertEquals(5.5, t.weightSum(), 0);
    assertEquals(Map.of(MSE.canonical() + "/null", 1L, MAE.canonical() + "/null", 2L), t.invalidByReason());

    LossResult empty = new LossResult(MAE.canonical(), null, 0, 4, 0, Map.of("null", 4L));
    assertNull(TOTAL.result(List.of(a, empty)).value(), "null when a head has no valid row");
    LossResult up = new LossResult(MSE.canonical(), Double.POSITIVE_INFINITY, 3, 0, 3, Map.of());
    LossResult down = new LossResult(MAE.canonical(), Double.NEGATIVE_INFINITY, 2, 0, 2, Map.of());
    LossResult undefined = TOTAL.result(List.of(up, down));
    assertNull(undefined.value());
    assertEquals(0, undefined.rows());
    assertEquals(5L, undefined.invalidByReason().get(LossResult.OVERFLOW));
    assertEquals(Double.POSITIVE_INFINITY, TOTAL.result(List.of(up, b)).value(), 0);
  }

  @Test
  void aTermNeedsAPositiveFiniteWeight() {
    for (double w : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(LossSpecException.class, () -> new Composite.Term(w, MSE), "weight " + w);
    }
  }

  @Test
  void aSetEndsWithItsTotalsAndItsJoinedFormGivesTheSameFromTheHeadsStates() {
    LossSet set = LossSet.over(4).add(MSE, 0, Shape.SCALAR, 1, Shape.SCALAR, -1)
        .add(MAE, 2, Shape.SCALAR, 3, Shape.SCALAR, -1).composite(TOTAL).build();
    LossState s = set.zero();
    double[][] rows = {{1, 2, 0, 1}, {3, 1, 5, 4}, {Double.NaN, 0, 2, 2}};
    for (double[] r : rows) {
      LossRow row = new LossRow(4);
      for (int i = 0; i < r.length; i++) {
        row.setScalar(i, r[i]);
      }
      set.add(s, row);
    }
    List<LossResult> results = set.results(s);
    assertEquals(List.of(MSE.canonical(), MAE.canonical(), "total"), set.outputNames());
    // mse over rows 1-2: ((1-2)² + (3-1)²)/2 = 2.5; mae over rows 1-3: (1 + 1 + 0)/3
    assertEquals(2.5, results.get(0).value(), 1e-15);
    assertEquals(2.0 / 3, results.get(1).value(), 1e-15);
    assertEquals(0.25 * 2.5 + 2 * (2.0 / 3), results.get(2).value(), 1e-15);
    assertEquals(set.stateSignature(), LossSet.over(4).add(MSE, 0, Shape.SCALAR, 1, Shape.SCALAR, -1)
        .add(MAE, 2, Shape.SCALAR, 3, Shape.SCALAR, -1).build().stateSignature(), "a total adds nothing to a state");

    List<LossSet> singles = List.of(LossSet.single(MSE, Shape.SCALAR, Shape.SCALAR),
        LossSet.single(MAE, Shape.SCALAR, Shape.SCALAR));
    LossSet joined = LossSet.joined(singles, List.of(TOTAL));
    assertEquals(results, joined.results(joined.join(List.of(set.part(s, 0), set.part(s, 1)))));
    assertEquals(List.of(results.get(0).rows(), 0L), List.of(
        joined.results(joined.join(java.util.Arrays.asList(set.part(s, 0), null))).get(0).rows(),
        joined.results(joined.join(java.util.Arrays.asList(set.part(s, 0), null))).get(1).rows()));
  }
}
