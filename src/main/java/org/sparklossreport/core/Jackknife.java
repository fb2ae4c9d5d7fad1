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
   * The intervals of every output of {@code set} (in {@link LossSet#results} order) over {@code buckets}
   * (null entries are empty buckets) at two-sided level {@code level}.
   */
  public static List<Interval> of(LossSet set, LossState[] buckets, double level) {
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
    List<List<Double>> leaveOneOut = new ArrayList<>(); // per output, θ₋ᵢ of its non-empty buckets
    boolean[] undefined = new boolean[outputs];
    for (int o = 0; o < outputs; o++) {
      leaveOneOut.add(new ArrayList<>());
    }
    for (int i = 0; i < b; i++) {
      if (buckets[i] == null) {
        continue;
      }
      List<LossResult> own = set.results(buckets[i]);
      List<LossResult> without = null;
      for (int o = 0; o < outputs; o++) {
        if (own.get(o).rows() == 0) {
          continue; // no contributing row of this output in bucket i
        }
        if (without == null) {
          without = set.results(set.merge(prefix[i].copy(), suffix[i + 1]));
        }
        Double v = without.get(o).value();
        if (v == null || !Double.isFinite(v)) {
          undefined[o] = true;
        } else {
          leaveOneOut.get(o).add(v);
        }
      }
    }
    TDistribution[] t = new TDistribution[b + 1]; // by degrees of freedom
    List<Interval> out = new ArrayList<>(outputs);
    for (int o = 0; o < outputs; o++) {
      Double value = all.get(o).value();
      List<Double> theta = leaveOneOut.get(o);
      int m = theta.size();
      if (undefined[o] || m < 2 || value == null || !Double.isFinite(value)) {
        out.add(Interval.NONE);
        continue;
      }
      double se = standardError(theta.stream().mapToDouble(Double::doubleValue).toArray());
      if (!Double.isFinite(se)) {
        out.add(Interval.NONE);
        continue;
      }
      if (t[m - 1] == null) {
        // no random generator (only quantiles are used); the quantile solved to 1e-14, not the default 1e-9
        t[m - 1] = new TDistribution(null, m - 1, 1e-14);
      }
      double half = t[m - 1].inverseCumulativeProbability((1 + level) / 2) * se;
      out.add(new Interval(se, value - half, value + half));
    }
    return out;
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
