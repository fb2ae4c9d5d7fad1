"""Golden values of a composite (multi-task) loss, computed independently of the job with NumPy and SciPy.

    python3 make_golden.py    # writes input.csv and expected.csv beside this script

The loss: total = 0.7*binary_cross_entropy(label=click,prediction=p_click) + 0.3*mse(label=dwell,prediction=p_dwell).

input.csv: one row per (example id, model): id (a long), model (a or b: the same examples scored by two
models), click (0/1, empty = missing), p_click, dwell (empty = missing), p_dwell, and bucket_py, the row's
jackknife bucket computed here the documented way for --id-column id: pmod(xxhash64(id), B) with Spark's
XXH64 of a long, seed 42 (written out from the XXH64 specification in ../spark_xxhash.py), so
the test can check it against Spark's xxhash64. Some rows lack the click label, some the dwell label, some
both: each head is computed over its own valid rows.

expected.csv: per grouping (model, overall) and loss (the two heads and the total): the value, rows and
invalid_rows as docs/LOSSES.md defines them for a composite (the heads' sums), and the delete-one-bucket
jackknife of the value: theta_i = the loss without bucket i (non-empty buckets only; for the total, each
head without bucket i, then 0.7*bce + 0.3*mse: the jackknife of bucket-wise totals), std_error =
sqrt((m-1)/m * sum((theta_i - mean theta)^2)), interval value -/+ t_{m-1,(1+L)/2} * std_error (scipy.stats.t).
For model b against baseline a (--compare-by model --baseline a), the paired delta of every loss: d_i =
theta_i(b) - theta_i(a) over the buckets, std_error and interval of d as above around value(b) - value(a).
"""
import csv

import os
import sys

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from spark_xxhash import xxh64_long  # noqa: E402  (src/test/resources/spark_xxhash.py)

B = 10
LEVEL = 0.9
W_BCE, W_MSE = 0.7, 0.3
BCE = "binary_cross_entropy(label=click,prediction=p_click)"
MSE = "mse(label=dwell,prediction=p_dwell)"


def bucket(value):
    return xxh64_long(value) % B  # Python's % of a positive modulus is Spark's pmod


rng = np.random.default_rng(20261206)
N = 300
ids = rng.integers(-(1 << 62), 1 << 62, size=N)
click = (rng.random(N) < 0.3).astype(float)
dwell = rng.gamma(2.0, 15.0, size=N)
no_click = rng.random(N) < 0.15   # click label missing
no_dwell = rng.random(N) < 0.25   # dwell label missing (some rows miss both)
rows = []
for model, noise in [("a", 1.0), ("b", 1.6)]:
    logit = np.where(click == 1, 0.8, -1.2) + noise * rng.standard_normal(N)
    p_click = 1 / (1 + np.exp(-logit))
    p_dwell = dwell + noise * 6.0 * rng.standard_normal(N)
    for i in range(N):
        rows.append((int(ids[i]), model, None if no_click[i] else float(click[i]), float(p_click[i]),
                     None if no_dwell[i] else float(dwell[i]), float(p_dwell[i])))

with open("input.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["id", "model", "click", "p_click", "dwell", "p_dwell", "bucket_py"])
    for r in rows:
        out.writerow([r[0], r[1], "" if r[2] is None else repr(r[2]), repr(r[3]), "" if r[4] is None else repr(r[4]),
                      repr(r[5]), bucket(r[0])])


def heads(sel):
    """(bce, mse) over each head's valid rows (NaN when a head has none), and each head's valid row count."""
    c = [(r[2], r[3]) for r in sel if r[2] is not None]
    d = [(r[4], r[5]) for r in sel if r[4] is not None]
    bce = np.nan
    if c:
        y, p = np.array(c).T
        bce = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    mse = np.mean((np.array(d)[:, 0] - np.array(d)[:, 1]) ** 2) if d else np.nan
    return {BCE: bce, MSE: mse, "total": W_BCE * bce + W_MSE * mse}, {BCE: len(c), MSE: len(d)}


def replicates(sel):
    """Per loss: the value over every row and theta_i per bucket (NaN where the loss has no row in bucket i)."""
    value, _ = heads(sel)
    b = np.array([bucket(r[0]) for r in sel])
    theta = {k: np.full(B, np.nan) for k in value}
    for i in range(B):
        inside = [r for r, bi in zip(sel, b) if bi == i]
        _, n_in = heads(inside)
        rest, _ = heads([r for r, bi in zip(sel, b) if bi != i])
        for k in value:
            present = n_in[k] > 0 if k != "total" else n_in[BCE] + n_in[MSE] > 0
            if present:
                theta[k][i] = rest[k]
    return value, theta


def interval(value, theta):
    t = theta[~np.isnan(theta)]
    m = len(t)
    if m < 2:
        return None, None, None
    se = np.sqrt((m - 1) / m * ((t - t.mean()) ** 2).sum())
    half = stats.t.ppf((1 + LEVEL) / 2, m - 1) * se
    return se, value - half, value + half


def fmt(x):
    return "" if x is None else repr(float(x))


groups = [("model", m, [r for r in rows if r[1] == m]) for m in ["a", "b"]]
groups.append(("overall", "", rows))
reps = {}
with open("expected.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["grouping", "model", "loss", "value", "rows", "invalid_rows", "std_error", "ci_low", "ci_high",
                  "delta", "delta_std_error", "delta_ci_low", "delta_ci_high"])
    for grouping, model, sel in groups:
        value, theta = replicates(sel)
        reps[model] = (value, theta)
        _, n = heads(sel)
        counts = {BCE: (n[BCE], len(sel) - n[BCE]), MSE: (n[MSE], len(sel) - n[MSE])}
        counts["total"] = (n[BCE] + n[MSE], 2 * len(sel) - n[BCE] - n[MSE])
        for loss in [BCE, MSE, "total"]:
            delta = [None] * 4
            if model == "b":
                va, ta = reps["a"][0][loss], reps["a"][1][loss]
                vb, tb = value[loss], theta[loss]
                both = ~(np.isnan(ta) & np.isnan(tb))
                d = np.where(np.isnan(tb), vb, tb)[both] - np.where(np.isnan(ta), va, ta)[both]
                m = len(d)
                se = np.sqrt((m - 1) / m * ((d - d.mean()) ** 2).sum())
                half = stats.t.ppf((1 + LEVEL) / 2, m - 1) * se
                delta = [vb - va, se, vb - va - half, vb - va + half]
            out.writerow([grouping, model, loss, repr(float(value[loss])), counts[loss][0], counts[loss][1]]
                         + [fmt(x) for x in interval(value[loss], theta[loss])] + [fmt(x) for x in delta])
