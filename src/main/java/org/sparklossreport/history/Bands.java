package org.sparklossreport.history;

import java.util.Arrays;

/**
 * The band maths, on one series' earlier values (oldest first, no Spark): the rule of each
 * {@link BandMethod} in one place. Checked against NumPy and statsmodels ({@code BandsGoldenTest}).
 */
public final class Bands {
  private Bands() {}

  /** The scale of the MAD that makes it a consistent estimate of a normal sd. */
  public static final double MAD_SCALE = 1.4826;

  /** The band of {@code method} on {@code history} (at least one value, oldest first). */
  public static Band of(double[] history, BandMethod method) {
    if (history.length == 0) {
      throw new IllegalArgumentException("a band needs at least one earlier value");
    }
    return switch (method) {
      case NORMAL -> new Band(mean(history), sd(history), BandMethod.NORMAL);
      case ROBUST -> {
        double median = median(history);
        double[] dev = Arrays.stream(history).map(x -> Math.abs(x - median)).toArray();
        yield new Band(median, MAD_SCALE * median(dev), BandMethod.ROBUST);
      }
      case CHANGE -> new Band(history[history.length - 1], sd(history), BandMethod.CHANGE);
      case SEASONAL -> {
        if (history.length < 2 * HoltWinters.PERIOD) {
          yield of(history, BandMethod.NORMAL);
        }
        HoltWinters.Fit fit = HoltWinters.fit(history);
        yield new Band(fit.forecast(), Math.sqrt(fit.sse() / history.length), BandMethod.SEASONAL);
      }
    };
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** The sample standard deviation (n − 1); 0 for one value. */
  static double sd(double[] x) {
    if (x.length < 2) {
      return 0;
    }
    double m = mean(x);
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (x.length - 1));
  }

  /** The median: the middle value, or the mean of the two middle values. */
  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
