package org.sparklossreport.core;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Delete-one-bucket jackknife intervals of every output of a {@link LossSet}, from the states of its
 * buckets alone (no rescan). For an output with m ≥ 2 non-empty buckets (buckets where it has a
 * contributing row): θ₋ᵢ = the output over every bucket but i, θ̄ = mean θ₋ᵢ,
 * {@code std_error} = sqrt((m−1)/m · Σ(θ₋ᵢ − θ̄)²), and the interval θ̂ ± t_{m−1,(1+L)/2} · std_error with
 * θ̂ the output over all buckets and t the Student-t quantile (Commons Math).
 *
 * <p>A comparison of two groups (candidate minus baseline) is <em>paired</em> when their buckets hold the
 * same examples (buckets hashed from an example id): the jackknife then runs over the bucket-wise
 * differences d₋ᵢ = θ₋ᵢ(candidate) − θ₋ᵢ(baseline), so what the two share cancels. Otherwise it is
 * <em>unpaired</em>: the two standard errors add in quadrature, with Welch–Satterthwaite degrees of freedom.
 *
 * <p>The leave-one-out states are merges of a prefix and a suffix of the buckets (2B merges, not B²). An
 * interval is null, never NaN, when m &lt; 2, when θ̂ or any θ₋ᵢ has no finite value (an empty group, a
 * value past the double range) or when the standard error is not finite.
 */
public final class Jackknife {
  private Jackknife() {}

  /** One output's standard error and interval, each null when undefined. */
  public record Interval(Double stdError, Double low, Double high) {
    /** The interval of an output without one. */
    public static final Interval NONE = new Interval(null, null, null);
  }

  /**
   * One output's jackknife replicates: {@code value} = θ̂ and {@code leaveOneOut}[i] = θ₋ᵢ, NaN where bucket
   * i has no contributing row of the output. Null from {@link #replicates} where θ̂ or a θ₋ᵢ is not finite.
   */
  public record Replicates(double value, double[] leaveOneOut) {
    /** m, the buckets with a contributing row. */
    public int buckets() {
      int m = 0;
      for (double v : leaveOneOut) {
        m += Double.isNaN(v) ? 0 : 1;
      }
      return m;
    }

    /** θ₋ᵢ of the non-empty buckets. */
    double[] nonEmpty() {
      double[] out = new double[buckets()];
      int j = 0;
      for (double v : leaveOneOut) {
        if (!Double.isNaN(v)) {
          out[j++] = v;
        }
      }
      return out;
    }
  }

  /**
   * The intervals of every output of {@code set} (in {@link LossSet#results} order) over {@code buckets}
   * (null entries are empty buckets) at two-sided level {@code level}.
   */
  public static List<Interval> of(LossSet set, LossState[] buckets, double level) {
    return replicates(set, buckets).stream().map(r -> interval(r, level)).toList();
  }

  /** The replicates of every output of {@code set} ({@link LossSet#results} order); null entries: undefined. */
  public static List<Replicates> replicates(LossSet set, LossState[] buckets) {
    int b = buckets.length;
    LossState[] prefix = new LossState[b + 1]; // prefix[i]: buckets 0..i-1 merged
    LossState[] suffix = new LossState[b + 1]; // suffix[i]: buckets i..b-1 merged
    prefix[0] = set.zero();
    suffix[b] = set.zero();
    for (int i = 0; i < b; i++) {
      prefix[i + 1] = buckets[i] == null ? prefix[i] : set.merge(prefix[i].copy(), buckets[i]);
    }
    for (int i = b - 1; i >= 0; i--) {
      suffix[i] = buckets[i] == null ? suffix[i + 1] : set.merge(suffix[i + 1].copy(), buckets[i]);
    }
    List<LossResult> all = set.results(prefix[b]);
    int outputs = all.size();
    double[][] theta = new double[outputs][b];
    boolean[] undefined = new boolean[outputs];
    for (int o = 0; o < outputs; o++) {
      java.util.Arrays.fill(theta[o], Double.NaN);
      Double value = all.get(o).value();
      undefined[o] = value == null || !Double.isFinite(value);
    }
    for (int i = 0; i < b; i++) {
      if (buckets[i] == null) {
        continue;
      }
      List<LossResult> own = set.results(buckets[i]);
      List<LossResult> without = null;
      for (int o = 0; o < outputs; o++) {
        if (own.get(o).rows() == 0 || undefined[o]) {
          continue; // no contributing row of this output in bucket i
        }
        if (without == null) {
          without = set.results(set.merge(prefix[i].copy(), suffix[i + 1]));
        }
        Double v = without.get(o).value();
        if (v == null || !Double.isFinite(v)) {
          undefined[o] = true;
        } else {
          theta[o][i] = v;
        }
      }
    }
    List<Replicates> out = new ArrayList<>(outputs);
    for (int o = 0; o < outputs; o++) {
      out.add(undefined[o] ? null : new Replicates(all.get(o).value(), theta[o]));
    }
    return out;
  }

  /** The interval of one output from its replicates (null: undefined) at two-sided level {@code level}. */
  public static Interval interval(Replicates r, double level) {
    if (r == null) {
      return Interval.NONE;
    }
    double[] theta = r.nonEmpty();
    return around(r.value(), theta.length < 2 ? Double.NaN : standardError(theta), theta.length - 1, level);
  }

  /**
   * Candidate minus baseline, paired bucket by bucket: the jackknife of d = θ(candidate) − θ(baseline) over
   * the buckets where either has a contributing row (a bucket empty on one side leaves that side whole,
   * θ₋ᵢ = θ̂). Both must come from the same buckets of the same examples.
   */
  public static Interval pairedDelta(Replicates candidate, Replicates baseline, double level) {
    if (candidate == null || baseline == null || candidate.leaveOneOut().length != baseline.leaveOneOut().length) {
      return Interval.NONE;
    }
    double[] c = candidate.leaveOneOut();
    double[] b = baseline.leaveOneOut();
    double[] d = new double[c.length];
    int m = 0;
    for (int i = 0; i < c.length; i++) {
      if (Double.isNaN(c[i]) && Double.isNaN(b[i])) {
        continue;
      }
      d[m++] = (Double.isNaN(c[i]) ? candidate.value() : c[i]) - (Double.isNaN(b[i]) ? baseline.value() : b[i]);
    }
    double delta = candidate.value() - baseline.value();
    return around(delta, m < 2 ? Double.NaN : standardError(java.util.Arrays.copyOf(d, m)), m - 1, level);
  }

  /**
   * Candidate minus baseline from independent samples: std_error = sqrt(se_c² + se_b²), the t quantile with
   * Welch–Satterthwaite degrees of freedom (se_c² + se_b²)² / (se_c⁴/(m_c−1) + se_b⁴/(m_b−1)).
   */
  public static Interval unpairedDelta(Replicates candidate, Replicates baseline, double level) {
    if (candidate == null || baseline == null) {
      return Interval.NONE;
    }
    double[] c = candidate.nonEmpty();
    double[] b = baseline.nonEmpty();
    if (c.length < 2 || b.length < 2) {
      return Interval.NONE;
    }
    double vc = Math.pow(standardError(c), 2);
    double vb = Math.pow(standardError(b), 2);
    double df = vc + vb == 0 ? Math.min(c.length, b.length) - 1
        : (vc + vb) * (vc + vb) / (vc * vc / (c.length - 1) + vb * vb / (b.length - 1));
    return around(candidate.value() - baseline.value(), Math.sqrt(vc + vb), df, level);
  }

  /** value ± t_{df,(1+L)/2} · se; {@link Interval#NONE} when value or se is not finite. */
  private static Interval around(double value, double se, double df, double level) {
    if (!Double.isFinite(value) || !Double.isFinite(se) || !(df >= 1)) {
      return Interval.NONE;
    }
    double half = quantile(df, (1 + level) / 2) * se;
    return new Interval(se, value - half, value + half);
  }

  /** Quantiles of whole degrees of freedom, solved once per JVM (a report has millions of rows, few m). */
  private static final java.util.Map<String, Double> QUANTILES = new java.util.concurrent.ConcurrentHashMap<>();

  /** The Student-t quantile at {@code p} with {@code df} degrees of freedom. */
  static double quantile(double df, double p) {
    if (df != Math.rint(df) || df > 10_000) { // Welch's degrees of freedom are seldom whole: not kept
      return t(df, p);
    }
    return QUANTILES.computeIfAbsent((long) df + ":" + p, k -> t(df, p));
  }

  private static double t(double df, double p) {
    // no random generator (only quantiles are used); the quantile solved to 1e-14, not the default 1e-9
    return new TDistribution(null, df, 1e-14).inverseCumulativeProbability(p);
  }

  /** sqrt((m−1)/m · Σ(θᵢ − θ̄)²), with θ̄ and the sum of squares compensated. */
  public static double standardError(double[] theta) {
    int m = theta.length;
    double[] s = new double[2];
    for (double v : theta) {
      Neumaier.add(s, 0, v);
    }
    double mean = Neumaier.value(s, 0) / m;
    double[] q = new double[2];
    for (double v : theta) {
      Neumaier.add(q, 0, (v - mean) * (v - mean));
    }
    return Math.sqrt((m - 1.0) / m * Math.max(0, Neumaier.value(q, 0)));
  }
}
