package org.sparklossreport.history;

/**
 * Additive Holt-Winters (additive trend, additive season of {@link #PERIOD}) with fixed smoothing parameters,
 * the recursion of statsmodels' {@code ExponentialSmoothing(trend='add', seasonal='add')}:
 * <pre>
 *   l_t = α (y_t − s_{t−m}) + (1 − α)(l_{t−1} + b_{t−1})
 *   b_t = β (l_t − l_{t−1}) + (1 − β) b_{t−1}
 *   s_t = γ (y_t − l_{t−1} − b_{t−1}) + (1 − γ) s_{t−m}
 *   ŷ_{t+1} = l_t + b_t + s_{t+1−m}
 * </pre>
 * Initial states from the first two seasons: l₀ = mean of season 1, b₀ = (mean of season 2 − mean of
 * season 1) / m, s_j = y_j − l₀ for the first season's j. The parameters are fixed
 * ({@link #ALPHA}, {@link #BETA}, {@link #GAMMA}), not fitted: a history of a few weeks is too short to
 * estimate three parameters per series reliably, and fixed ones make a band reproducible and cheap.
 */
public final class HoltWinters {
  private HoltWinters() {}

  /** The season: a week of nightly values. */
  public static final int PERIOD = 7;
  /** Level smoothing. */
  public static final double ALPHA = 0.3;
  /** Trend smoothing. */
  public static final double BETA = 0.05;
  /** Season smoothing. */
  public static final double GAMMA = 0.2;

  /**
   * @param forecast the one-step forecast after the last value
   * @param sse the sum of squared one-step residuals over every value
   */
  public record Fit(double forecast, double sse) {}

  /** Fits {@code y} (at least two seasons, oldest first) and forecasts one step. */
  public static Fit fit(double[] y) {
    int m = PERIOD;
    if (y.length < 2 * m) {
      throw new IllegalArgumentException("Holt-Winters needs two seasons (" + 2 * m + " values), got " + y.length);
    }
    double first = 0;
    double second = 0;
    for (int j = 0; j < m; j++) {
      first += y[j];
      second += y[m + j];
    }
    first /= m;
    second /= m;
    double level = first;
    double trend = (second - first) / m;
    double[] season = new double[y.length + m];
    for (int j = 0; j < m; j++) {
      season[j] = y[j] - level;
    }
    double sse = 0;
    for (int t = 0; t < y.length; t++) {
      double s = season[t];
      double r = y[t] - (level + trend + s);
      sse += r * r;
      double previous = level;
      level = ALPHA * (y[t] - s) + (1 - ALPHA) * (previous + trend);
      season[t + m] = GAMMA * (y[t] - previous - trend) + (1 - GAMMA) * s;
      trend = BETA * (level - previous) + (1 - BETA) * trend;
    }
    return new Fit(level + trend + season[y.length], sse);
  }
}
