package org.sparklossreport.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklossreport.losses.Losses;

/**
 * {@link LossSet#results} where a sum overflowed: an infinite value is a value; an undefined one (NaN)
 * is null with the contributing rows counted under {@link LossResult#OVERFLOW}, so that
 * rows + invalid_rows stays the input rows and no value is null while rows &gt; 0.
 */
class LossSetOverflowTest {
  private static LossSet set(String... specs) {
    LossSet.Builder b = LossSet.over(2);
    for (String s : specs) {
      b.add(Losses.parse(s), 0, Shape.SCALAR, 1, Shape.SCALAR, -1);
    }
    return b.build();
  }

  private static LossState state(LossSet set, double[][] rows) {
    LossState s = set.zero();
    LossRow row = new LossRow(2);
    for (double[] r : rows) {
      row.setScalar(0, r[0]);
      row.setScalar(1, r[1]);
      set.add(s, row);
    }
    return s;
  }

  @Test
  void infiniteValuesAreReportedAndUndefinedOnesAreOverflow() {
    LossSet set = set("mse", "mae", "r2");
    List<LossResult> r = set.results(state(set, new double[][] {{1e200, -1e200}, {1, 1.5}, {2, 2.5}}));
    assertEquals(Double.POSITIVE_INFINITY, r.get(0).value());
    assertEquals(3, r.get(0).rows());
    assertEquals(Map.of(), r.get(0).invalidByReason());
    assertEquals((2e200 + 1) / 3, r.get(1).value(), 1e188);
    LossResult r2 = r.get(2); // SS_res = ∞, SS_tot = ∞: NumPy gives nan
    assertNull(r2.value());
    assertEquals(0, r2.rows());
    assertEquals(3, r2.invalidRows());
    assertEquals(Map.of(LossResult.OVERFLOW, 3L), r2.invalidByReason());
    assertEquals(0.0, r2.weightSum());
  }

  @Test
  void overflowAddsToTheOtherReasons() {
    LossSet set = set("r2");
    LossState s = state(set, new double[][] {{1e200, -1e200}, {1, 1.5}, {Double.NaN, 1}});
    LossResult r2 = set.results(s).get(0);
    assertNull(r2.value());
    assertEquals(0, r2.rows());
    assertEquals(3, r2.invalidRows());
    assertEquals(List.of("not_finite", "overflow"), List.copyOf(r2.invalidByReason().keySet()));
    assertEquals(2L, r2.invalidByReason().get(LossResult.OVERFLOW));
  }

  @Test
  void noRowsOrZeroWeightsAreNotOverflow() {
    LossSet set = set("mse");
    LossResult empty = set.results(set.zero()).get(0);
    assertNull(empty.value());
    assertEquals(0, empty.invalidRows());
  }
}
