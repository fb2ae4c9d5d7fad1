package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.history.BandMethod;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.history.ReportHistorySpec;

/** The history options turned into a {@link HistorySpec}, and every mistake an exit-2 error naming its option. */
class HistoryOptionsTest {
  private static Map<String, Object> options(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaultsAndGivenValues() {
    assertNull(HistoryOptions.history(options(), List.of("date")));
    HistorySpec d = HistoryOptions.history(options("history-by", "date"), List.of("date", "model"));
    assertEquals(HistorySpec.of("date"), d);
    HistorySpec h = HistoryOptions.history(options("history-by", "DATE", "history-window", "14", "history-min", "3",
        "band", "Seasonal", "band-k", "2.5", "band-change", "0.2", "history-keep-anomalies", "true",
        "fail-if", List.of("z(mse) > 4", "mse > 1")), List.of("date"));
    assertEquals(new HistorySpec("DATE", 14, 3, BandMethod.SEASONAL, 2.5, 0.2, true, h.gates()), h);
    assertEquals(1, h.gates().size(), "only the gates on z and anomaly");
    assertEquals(List.of("value"), HistoryOptions.passGates(options("history-by", "date",
        "fail-if", List.of("z(mse) > 4", "mse > 1"))).stream().map(g -> g.field()).toList());
  }

  @Test
  void mistakesNameTheirOption() {
    List<String> keys = List.of("date", "model");
    for (Map.Entry<Map<String, Object>, String> c : Map.of(
        options("history-by", "date", "history-window", "x"), "--history-window must be a whole number",
        options("history-by", "date", "history-window", "0"), "--history-window 0",
        options("history-by", "date", "history-min", "30"), "--history-min 30",
        options("history-by", "date", "band-k", "-1"), "--band-k -1.0",
        options("history-by", "date", "band-change", "NaN"), "--band-change NaN",
        options("history-by", "date", "band", "holt"), "--band 'holt'",
        options("history-by", "day"), "--history-by day is not a --partition-by key (date, model)",
        options("history-min", "3"), "--history-min needs --history-by COL").entrySet()) {
      UsageException e = assertThrows(UsageException.class, () -> HistoryOptions.history(c.getKey(), keys));
      assertTrue(e.getMessage().startsWith(c.getValue()), e.getMessage());
    }
    UsageException gate = assertThrows(UsageException.class,
        () -> HistoryOptions.passGates(options("fail-if", "anomaly(mse) > 0")));
    assertTrue(gate.getMessage().contains("anomaly needs a history"), gate.getMessage());
  }

  @Test
  void theCommandNeedsAReportAndAColumn() {
    ReportHistorySpec s = HistoryOptions.toCommandSpec(options("report", "r", "history-by", "date", "output", "o",
        "output-format", "delta"));
    assertEquals("delta", s.outputFormat());
    assertNull(s.reportFormat());
    assertTrue(assertThrows(UsageException.class, () -> HistoryOptions.toCommandSpec(options("report", "r")))
        .getMessage().contains("give --history-by COL"));
    assertTrue(assertThrows(UsageException.class, () -> HistoryOptions.toCommandSpec(options("history-by", "d")))
        .getMessage().contains("give --report PATH"));
    assertTrue(assertThrows(UsageException.class, () -> HistoryOptions.toCommandSpec(options("report", "r",
        "history-by", "d", "losses", "mse"))).getMessage().startsWith("--losses is not an option of history"));
  }
}
