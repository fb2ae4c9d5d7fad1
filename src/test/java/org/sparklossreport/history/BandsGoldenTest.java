package org.sparklossreport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The band maths against {@code src/test/resources/history}, made by {@code make_history_golden.py} beside
 * it: NumPy for normal, robust and change (and the walk that leaves anomalies out), statsmodels'
 * {@code ExponentialSmoothing} (additive trend and season, period 7, the same fixed parameters and known
 * initial states) for seasonal. Tolerance 1e-9 relative (1e-6 asked of seasonal; the recursions agree far
 * closer).
 */
class BandsGoldenTest {
  private static final double TOL = 1e-9;

  static List<String> lines(String name) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        BandsGoldenTest.class.getResourceAsStream("/history/" + name), StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }

  static Map<Integer, double[]> series() throws IOException {
    Map<Integer, double[]> out = new TreeMap<>();
    for (String line : lines("series.csv")) {
      String[] parts = line.split(";");
      out.put(Integer.parseInt(parts[0]),
          Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray());
    }
    return out;
  }

  private static void close(double expected, double actual, String what) {
    if (Double.isInfinite(expected)) {
      assertEquals(expected, actual, what);
    } else {
      assertEquals(expected, actual, TOL * Math.max(1, Math.abs(expected)), what);
    }
  }

  @Test
  void bandsAndVerdictsMatchNumpyAndStatsmodels() throws IOException {
    Map<Integer, double[]> series = series();
    List<String> rows = lines("bands.tsv");
    int checked = 0;
    for (String line : rows.subList(1, rows.size())) {
      String[] f = line.split("\t");
      double[] y = series.get(Integer.parseInt(f[0]));
      BandMethod method = BandMethod.parse(f[1]);
      String what = "series " + f[0] + " (" + y.length + " values), " + f[1];
      Band band = Bands.of(y, method);
      assertEquals(f[2], band.method().label(), what);
      close(Double.parseDouble(f[3]), band.expected(), what + ": expected");
      close(Double.parseDouble(f[4]), band.sd(), what + ": sd");
      Band.Verdict v = band.judge(Double.parseDouble(f[5]), Double.parseDouble(f[6]), 3, 0.1);
      close(Double.parseDouble(f[7]), v.low(), what + ": band_low");
      close(Double.parseDouble(f[8]), v.high(), what + ": band_high");
      close(Double.parseDouble(f[9].replace("inf", "Infinity")), v.z(), what + ": z");
      assertEquals(Boolean.parseBoolean(f[10]), v.anomaly(), what + ": anomaly");
      checked++;
    }
    assertEquals(13 * 4 * 3, checked);
  }

  @Test
  void walkLeavesAnomaliesOutAsNumpyDoes() throws IOException {
    Map<Integer, double[]> series = series();
    HistorySpec spec = HistorySpec.of("date");
    List<String> rows = lines("walk.tsv");
    int anomalies = 0;
    for (String line : rows.subList(1, rows.size())) {
      String[] f = line.split("\t");
      double[] y = series.get(Integer.parseInt(f[0]));
      StringBuilder flags = new StringBuilder();
      for (int i = 0; i < y.length; i++) { // night i judged after nights 0..i-1, none of them flagged yet
        List<SeriesWalk.Point> earlier = new ArrayList<>();
        for (int j = 0; j < i; j++) {
          earlier.add(new SeriesWalk.Point(y[j], null, null, null));
        }
        flags.append(SeriesWalk.judge(earlier, y[i], 0, spec).anomaly() ? '1' : '0');
      }
      assertEquals(f[1], flags.toString(), "series " + f[0]);
      anomalies += f[1].chars().filter(c -> c == '1').count();
    }
    assertEquals(4, anomalies, "the golden walk flags the four injected anomalies");
  }
}
