"""Golden candidate-minus-baseline jackknife intervals, computed independently of the job with NumPy and SciPy.

    python3 make_delta_golden.py    # writes delta_expected.csv beside this script

Each seeded case draws, for B = 10 buckets, the per-bucket error sums and weights of a candidate and of a
baseline over the same examples (the baseline's errors correlated with the candidate's), leaves some buckets
empty on one side or on both, and derives each side's replicates as a mean-type loss gives them:
value = S / W over all buckets and theta_i = (S - s_i) / (W - w_i) for a non-empty bucket i (NaN for an
empty one).

paired: d_i = theta_c,-i - theta_b,-i over the buckets where either side is non-empty, an empty side taking
its full value; m = their number; std_error = sqrt((m - 1) / m * sum((d_i - mean d)^2)); the interval
(value_c - value_b) -/+ t_{m-1,(1+L)/2} * std_error. Null when m < 2.

unpaired: each side's std_error over its own non-empty buckets (m_c, m_b); std_error =
sqrt(se_c^2 + se_b^2); Welch-Satterthwaite df = (se_c^2 + se_b^2)^2 / (se_c^4/(m_c-1) + se_b^4/(m_b-1));
the interval (value_c - value_b) -/+ t_{df,(1+L)/2} * std_error with scipy.stats.t.ppf. Null when m_c < 2
or m_b < 2.

delta_expected.csv: case, level, c_value, c_loo, b_value, b_loo (replicates separated by ';', NaN for an
empty bucket), then paired_m, paired_se, paired_low, paired_high, unpaired_df, unpaired_se, unpaired_low,
unpaired_high (empty: null). Every number is written with repr (shortest round trip), so Java's
Double.parseDouble reads the same double.
"""
import csv
import math
import os

import numpy as np
from scipy import stats

B = 10
HERE = os.path.dirname(os.path.abspath(__file__))

# name, seed, level, candidate's empty buckets, baseline's empty buckets, baseline noise scale
CASES = [
    ("all_full", 11, 0.90, [], [], 0.3),
    ("shared_empty", 12, 0.95, [2, 7], [7], 0.3),
    ("disjoint_empty", 13, 0.80, [0, 1, 2], [5, 6], 0.5),
    ("sparse_candidate", 14, 0.99, [0, 1, 3, 4, 6, 8, 9], [1, 2, 9, 5], 0.4),
    ("unequal_spread", 15, 0.90, [4], [0, 8, 9], 0.05),
    ("two_buckets", 16, 0.90, [0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7], 0.5),
    ("baseline_two_buckets", 17, 0.90, [], [0, 1, 2, 3, 5, 6, 7, 9], 0.3),
    ("two_each_disjoint", 18, 0.95, [2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7], 0.3),
]


def side(sums, weights, empty):
    s = np.array(sums, dtype=float)
    w = np.array(weights, dtype=float)
    s[empty] = 0.0
    w[empty] = 0.0
    if w.sum() == 0:
        return None
    S, W = math.fsum(s), math.fsum(w)
    loo = np.full(B, np.nan)
    for i in range(B):
        if i not in empty:
            rest_w = W - w[i]
            loo[i] = (S - s[i]) / rest_w if rest_w > 0 else np.nan
    return S / W, loo


def std_error(theta):
    m = len(theta)
    mean = math.fsum(theta) / m
    return math.sqrt((m - 1.0) / m * math.fsum((v - mean) * (v - mean) for v in theta))


def paired(c, b, level):
    cv, cl = c
    bv, bl = b
    d = [(cv if math.isnan(cl[i]) else cl[i]) - (bv if math.isnan(bl[i]) else bl[i])
         for i in range(B) if not (math.isnan(cl[i]) and math.isnan(bl[i]))]
    m = len(d)
    if m < 2:
        return [m, None, None, None]
    se = std_error(d)
    half = stats.t.ppf((1 + level) / 2, m - 1) * se
    delta = cv - bv
    return [m, se, delta - half, delta + half]


def unpaired(c, b, level):
    cv, cl = c
    bv, bl = b
    tc = [v for v in cl if not math.isnan(v)]
    tb = [v for v in bl if not math.isnan(v)]
    if len(tc) < 2 or len(tb) < 2:
        return [None, None, None, None]
    vc, vb = std_error(tc) ** 2, std_error(tb) ** 2
    df = (vc + vb) ** 2 / (vc * vc / (len(tc) - 1) + vb * vb / (len(tb) - 1))
    se = math.sqrt(vc + vb)
    half = stats.t.ppf((1 + level) / 2, df) * se
    delta = cv - bv
    return [df, se, delta - half, delta + half]


def fmt(x):
    if x is None:
        return ""
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    return "NaN" if math.isnan(x) else repr(x)


def main():
    out = os.path.join(HERE, "delta_expected.csv")
    with open(out, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["case", "level", "c_value", "c_loo", "b_value", "b_loo", "paired_m", "paired_se", "paired_low",
                     "paired_high", "unpaired_df", "unpaired_se", "unpaired_low", "unpaired_high"])
        for name, seed, level, c_empty, b_empty, noise in CASES:
            rng = np.random.default_rng(seed)
            n = rng.integers(20, 200, size=B)                      # examples per bucket
            w = n * rng.uniform(0.5, 1.5, size=B)                  # weight per bucket
            err_c = rng.gamma(2.0, 0.6, size=B) * w                # candidate's weighted error sum per bucket
            err_b = 0.7 * err_c + noise * rng.normal(0, 1, size=B) * w  # baseline's, correlated (same examples)
            c = side(err_c, w, c_empty)
            b = side(err_b, w, b_empty)
            p, u = paired(c, b, level), unpaired(c, b, level)
            for bound, se in [(p[2], p[1]), (p[3], p[1]), (u[2], u[1]), (u[3], u[1])]:
                # a bound near 0 would make a relative comparison meaningless: keep the cases away from it
                assert bound is None or abs(bound) > 1e-3 * se, (name, bound, se)
            wr.writerow([name, fmt(level), fmt(c[0]), ";".join(fmt(v) for v in c[1]), fmt(b[0]),
                         ";".join(fmt(v) for v in b[1])] + [fmt(v) for v in p + u])
    print("wrote", out)


if __name__ == "__main__":
    main()
