package org.sparklossreport.history;

/**
 * What a history expects of tonight's value: {@code expected} and the spread {@code sd} of the earlier values
 * about it (the sample sd for normal and change, 1.4826·MAD for robust, the root mean square of the one-step
 * residuals for seasonal), and the method that made it ({@link BandMethod#SEASONAL} falls back to normal).
 * {@link #judge} adds tonight's own uncertainty.
 */
public record Band(double expected, double sd, BandMethod method) {

  /** Tonight's value judged against this band: {@code low}, {@code high}, {@code z} and {@code anomaly}. */
  public record Verdict(double low, double high, double z, boolean anomaly) {}

  /**
   * Judges {@code value} with standard error {@code se} (0 without intervals): s = sqrt(sd² + se²),
   * z = (value − expected) / s (0 when both are 0 and value = expected, ±∞ when only s is 0); the band is
   * expected ± k·s, or for {@link BandMethod#CHANGE} expected ± sqrt((change·|expected|)² + (k·se)²); an
   * anomaly is a value outside the band.
   */
  public Verdict judge(double value, double se, double k, double change) {
    double s = Math.sqrt(sd * sd + se * se);
    double d = value - expected;
    double z = s > 0 ? d / s : d == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, d);
    double half = method == BandMethod.CHANGE ? Math.hypot(change * Math.abs(expected), k * se) : k * s;
    return new Verdict(expected - half, expected + half, z, Math.abs(d) > half);
  }
}
