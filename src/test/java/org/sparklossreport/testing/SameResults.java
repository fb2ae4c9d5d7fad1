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

  /**
   * The outputs of one state agree with {@code expected}: losses, rows, invalid rows (also by reason)
   * exactly, Σw within 1e-15 and values within {@code rel} (relative), null where null.
   */
  public static void assertSameOutputs(List<LossResult> expected, List<LossResult> actual, double rel, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      LossResult e = expected.get(i);
      LossResult a = actual.get(i);
      assertEquals(e.loss(), a.loss(), what);
      assertEquals(e.rows(), a.rows(), what + " rows");
      assertEquals(e.invalidRows(), a.invalidRows(), what + " invalid rows");
      assertEquals(e.invalidByReason(), a.invalidByReason(), what + " invalid by reason");
      Approx.assertClose(e.weightSum(), a.weightSum(), 1e-15, 0, what + " weight sum");
      Approx.assertClose(e.value(), a.value(), rel, 1e-300, what + " " + e.loss());
    }
  }
}
