package org.sparklossreport.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.sparklossreport.core.LossResult;

/** Two engines' finished key states agree: what the engine equivalence tests compare. */
public final class SameResults {
  private SameResults() {}

  /**
   * Same keys, losses, rows and invalid rows by reason; Σw within 1e-14 and values within 1e-13
   * (relative) of {@code expected}, null where it is null.
   *
   * @return the invalid (row, loss) pairs counted, to show the rows exercised the checks
   */
  public static long assertSameResults(Map<String, List<LossResult>> expected,
      Map<String, List<LossResult>> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    long invalid = 0;
    for (String key : expected.keySet()) {
      List<LossResult> a = expected.get(key);
      List<LossResult> c = actual.get(key);
      assertEquals(a.size(), c.size());
      for (int i = 0; i < a.size(); i++) {
        String what = "key " + key + ", " + a.get(i).loss();
        assertEquals(a.get(i).loss(), c.get(i).loss());
        assertEquals(a.get(i).rows(), c.get(i).rows(), what + ": rows");
        assertEquals(a.get(i).invalidByReason(), c.get(i).invalidByReason(), what + ": invalid rows by reason");
        Approx.assertClose(a.get(i).weightSum(), c.get(i).weightSum(), 1e-14, 0, what + ": Σw");
        if (a.get(i).value() == null) {
          assertEquals(null, c.get(i).value(), what);
        } else {
          Approx.assertClose(a.get(i).value(), c.get(i).value(), 1e-13, 1e-15, what);
        }
        invalid += c.get(i).invalidRows();
      }
    }
    return invalid;
  }
}
