package org.sparklossreport.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklossreport.testing.Approx;

/**
 * Candidate-minus-baseline intervals ({@link Jackknife#pairedDelta}, {@link Jackknife#unpairedDelta}) against a
 * NumPy/SciPy golden ({@code src/test/resources/jackknife/make_delta_golden.py}): seeded replicate vectors over 10
 * buckets, some empty on one side or both, different numbers of non-empty buckets per side. Plus the degenerate
 * cases: identical sides, null replicates, fewer than two buckets.
 */
class JackknifeDeltaTest {
  private static final Path GOLDEN = Path.of("src/test/resources/jackknife/delta_expected.csv");
  private static final double REL = 1e-12;
  private static final double NAN = Double.NaN;

  private static Double cell(String s) {
    return s.isEmpty() ? null : Double.parseDouble(s);
  }

  private static double[] vector(String s) {
    return Arrays.stream(s.split(";")).mapToDouble(Double::parseDouble).toArray();
  }

  private static void assertInterval(Double se, Double low, Double high, Jackknife.Interval got, String what) {
    String tol = " (relative tolerance " + REL + ")";
    Approx.assertClose(se, got.stdError(), REL, 0, what + " std_error" + tol);
    Approx.assertClose(low, got.low(), REL, 0, what + " low" + tol);
    Approx.assertClose(high, got.high(), REL, 0, what + " high" + tol);
  }

  @Test
  void deltasEqualANumPyJackknife() throws IOException {
    List<String> lines = Files.readAllLines(GOLDEN);
    assertEquals(8, lines.size() - 1, "cases in " + GOLDEN + " (rerun make_delta_golden.py if it changed)");
    int nullUnpaired = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      assertEquals(14, f.length, line);
      String name = f[0];
      double level = Double.parseDouble(f[1]);
      Jackknife.Replicates c = new Jackknife.Replicates(Double.parseDouble(f[2]), vector(f[3]));
      Jackknife.Replicates b = new Jackknife.Replicates(Double.parseDouble(f[4]), vector(f[5]));
      assertEquals(10, c.leaveOneOut().length, name + ": B = 10 candidate replicates");
      assertEquals(10, b.leaveOneOut().length, name + ": B = 10 baseline replicates");

      Jackknife.Interval p = Jackknife.pairedDelta(c, b, level);
      assertNotNull(p.stdError(), name + ": paired over m = " + f[6] + " >= 2 buckets has an interval");
      assertInterval(cell(f[7]), cell(f[8]), cell(f[9]), p, name + " paired (m = " + f[6] + ")");

      Jackknife.Interval u = Jackknife.unpairedDelta(c, b, level);
      if (f[11].isEmpty()) {
        nullUnpaired++;
      }
      assertInterval(cell(f[11]), cell(f[12]), cell(f[13]), u, name + " unpaired (m_c = " + c.buckets() + ", m_b = "
          + b.buckets() + ", Welch df = " + f[10] + ")");
    }
    assertEquals(0, nullUnpaired, "every golden case has m_c, m_b >= 2, so an unpaired interval");
  }

  @Test
  void theGoldenCoversEmptyBucketsOnEitherSideAndUnequalCounts() throws IOException {
    List<String> lines = Files.readAllLines(GOLDEN);
    boolean emptyOnOneSide = false;
    boolean emptyOnBoth = false;
    boolean unequalM = false;
    boolean fractionalDf = false;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      double[] c = vector(f[3]);
      double[] b = vector(f[5]);
      for (int i = 0; i < c.length; i++) {
        emptyOnOneSide |= Double.isNaN(c[i]) != Double.isNaN(b[i]);
        emptyOnBoth |= Double.isNaN(c[i]) && Double.isNaN(b[i]);
      }
      unequalM |= new Jackknife.Replicates(0, c).buckets() != new Jackknife.Replicates(0, b).buckets();
      double df = Double.parseDouble(f[10]);
      fractionalDf |= df != Math.rint(df);
    }
    assertTrue(emptyOnOneSide && emptyOnBoth && unequalM && fractionalDf, "golden cases: a bucket empty on one side "
        + emptyOnOneSide + ", on both " + emptyOnBoth + ", unequal m " + unequalM + ", fractional Welch df "
        + fractionalDf);
  }

  @Test
  void aPairedDeltaByHand() {
    // d = (2 - 1, 3 - 4) = (1, -1): mean 0, std_error = sqrt(1/2 · 2) = 1, t_{1, 0.95} = 6.313751514675037 (SciPy)
    Jackknife.Replicates c = new Jackknife.Replicates(2.5, new double[] {2, 3});
    Jackknife.Replicates b = new Jackknife.Replicates(2.0, new double[] {1, 4});
    Jackknife.Interval p = Jackknife.pairedDelta(c, b, 0.9);
    assertInterval(1.0, 0.5 - 6.313751514675037, 0.5 + 6.313751514675037, p, "paired by hand");
  }

  @Test
  void aBucketEmptyOnOneSideTakesThatSidesFullValue() {
    // bucket 1 empty for the baseline: d = (2 - 1, 3 - 2 [θ̂_b]) = (1, 1); bucket 2 empty on both: left out
    Jackknife.Replicates c = new Jackknife.Replicates(2.5, new double[] {2, 3, NAN});
    Jackknife.Replicates b = new Jackknife.Replicates(2.0, new double[] {1, NAN, NAN});
    Jackknife.Interval p = Jackknife.pairedDelta(c, b, 0.9);
    assertEquals(0.0, p.stdError(), "d = (1, 1) has no spread: std error exactly 0");
    assertEquals(0.5, p.low(), "interval [delta, delta] = [0.5, 0.5] exactly");
    assertEquals(0.5, p.high(), "interval [delta, delta] = [0.5, 0.5] exactly");
  }

  @Test
  void identicalReplicatesGiveAZeroPairedStdError() {
    double[] loo = {0.61, 0.58, NAN, 0.64, 0.6, 0.57, NAN, 0.66, 0.59, 0.63};
    Jackknife.Replicates same = new Jackknife.Replicates(0.61, loo);
    Jackknife.Interval p = Jackknife.pairedDelta(same, same, 0.95);
    assertEquals(0.0, p.stdError(), "same replicates both sides: paired std error exactly 0");
    assertEquals(0.0, p.low(), "interval [delta, delta] with delta = 0 exactly");
    assertEquals(0.0, p.high(), "interval [delta, delta] with delta = 0 exactly");

    // same θ₋ᵢ, a different θ̂: every d_i = 0, the interval collapses onto delta = 0.7 − 0.61
    Jackknife.Replicates shifted = new Jackknife.Replicates(0.7, loo.clone());
    Jackknife.Interval q = Jackknife.pairedDelta(shifted, same, 0.95);
    assertEquals(0.0, q.stdError(), "same θ₋ᵢ both sides: paired std error exactly 0");
    assertEquals(0.7 - 0.61, q.low(), "interval [delta, delta] exactly");
    assertEquals(0.7 - 0.61, q.high(), "interval [delta, delta] exactly");

    // the unpaired interval of the same sides is not degenerate: it does not know they share examples
    Jackknife.Interval u = Jackknife.unpairedDelta(same, same, 0.95);
    assertTrue(u.stdError() > 0 && u.low() < 0 && u.high() > 0, "unpaired of identical sides: se > 0, interval"
        + " around 0, got " + u);
  }

  @Test
  void nullReplicatesGiveNoInterval() {
    Jackknife.Replicates r = new Jackknife.Replicates(1.0, new double[] {0.9, 1.1, 1.0});
    assertSame(Jackknife.Interval.NONE, Jackknife.pairedDelta(null, r, 0.9), "paired, null candidate");
    assertSame(Jackknife.Interval.NONE, Jackknife.pairedDelta(r, null, 0.9), "paired, null baseline");
    assertSame(Jackknife.Interval.NONE, Jackknife.pairedDelta(null, null, 0.9), "paired, both null");
    assertSame(Jackknife.Interval.NONE, Jackknife.unpairedDelta(null, r, 0.9), "unpaired, null candidate");
    assertSame(Jackknife.Interval.NONE, Jackknife.unpairedDelta(r, null, 0.9), "unpaired, null baseline");
    assertSame(Jackknife.Interval.NONE, Jackknife.unpairedDelta(null, null, 0.9), "unpaired, both null");
  }

  @Test
  void fewerThanTwoBucketsGiveNoInterval() {
    Jackknife.Replicates one = new Jackknife.Replicates(1.0, new double[] {NAN, 0.9, NAN, NAN});
    Jackknife.Replicates oneSame = new Jackknife.Replicates(0.8, new double[] {NAN, 0.7, NAN, NAN});
    Jackknife.Replicates none = new Jackknife.Replicates(0.8, new double[] {NAN, NAN, NAN, NAN});
    Jackknife.Replicates four = new Jackknife.Replicates(0.8, new double[] {0.7, 0.75, 0.9, 0.85});

    assertSame(Jackknife.Interval.NONE, Jackknife.pairedDelta(one, oneSame, 0.9),
        "paired over m = 1 bucket (the same one non-empty on both sides): fewer than 2");
    assertSame(Jackknife.Interval.NONE, Jackknife.pairedDelta(none, none, 0.9), "paired over m = 0 buckets");
    assertSame(Jackknife.Interval.NONE, Jackknife.unpairedDelta(one, four, 0.9), "unpaired with m_c = 1 < 2");
    assertSame(Jackknife.Interval.NONE, Jackknife.unpairedDelta(four, one, 0.9), "unpaired with m_b = 1 < 2");
    assertSame(Jackknife.Interval.NONE, Jackknife.unpairedDelta(none, four, 0.9), "unpaired with m_c = 0 < 2");

    // one side with a single bucket still pairs over the union of non-empty buckets (m = 4 >= 2)
    Jackknife.Interval p = Jackknife.pairedDelta(one, four, 0.9);
    assertNotNull(p.stdError(), "paired over the union of buckets, m = 4: an interval, got " + p);
  }

  @Test
  void pairedSidesMustHaveTheSameBuckets() {
    Jackknife.Replicates ten = new Jackknife.Replicates(1.0, new double[] {1, 1.1, 0.9, 1, 1.2, 0.8, 1, 1, 1.05, 0.95});
    Jackknife.Replicates four = new Jackknife.Replicates(0.8, new double[] {0.7, 0.75, 0.9, 0.85});
    assertSame(Jackknife.Interval.NONE, Jackknife.pairedDelta(ten, four, 0.9), "paired over B = 10 vs B = 4 buckets");
    assertNotNull(Jackknife.unpairedDelta(ten, four, 0.9).stdError(), "unpaired needs no common buckets");
  }
}
