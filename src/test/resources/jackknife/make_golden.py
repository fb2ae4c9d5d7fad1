"""Golden jackknife intervals, computed independently of the job with NumPy and SciPy.

    python3 make_golden.py    # writes input.csv and expected.csv beside this script

input.csv: id (a long), model, y, p, w. Each row's bucket is computed here the documented way,
pmod(xxhash64(id), B) with Spark's XXH64 of a long and seed 42 (written out from the XXH64
specification in ../spark_xxhash.py), and kept in the column `bucket_py` so the test can check it against Spark's xxhash64.
expected.csv: per grouping (model, overall) and loss, the value over all rows and the delete-one-bucket
jackknife: theta_i = the loss without bucket i (non-empty buckets only), std_error =
sqrt((m-1)/m * sum((theta_i - mean theta)^2)), interval value -/+ t_{m-1,(1+L)/2} * std_error, with
scipy.stats.t. Keys with fewer than two non-empty buckets have empty (null) intervals.
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


def bucket(value):
    return xxh64_long(value) % B  # Python's % of a positive modulus is Spark's pmod


def losses(y, p, w):
    e = y - p
    W = w.sum()
    mse = (w * e * e).sum() / W
    ybar = (w * y).sum() / W
    ss_res, ss_tot = (w * e * e).sum(), (w * (y - ybar) ** 2).sum()
    # docs/LOSSES.md: constant labels (SS_tot = 0) give 1 for a perfect fit, else 0
    r2 = 1 - ss_res / ss_tot if ss_tot > 0 else (1.0 if ss_res == 0 else 0.0)
    return {"mse": mse, "mae": (w * np.abs(e)).sum() / W, "rmse": np.sqrt(mse), "r2": r2}


rng = np.random.default_rng(20261130)
rows = []
for model, n in [("a", 400), ("b", 150), ("c", 37), ("d", 1)]:
    ids = rng.integers(-(1 << 62), 1 << 62, size=n)
    y = 5 + 2 * rng.standard_normal(n)
    p = y + rng.standard_normal(n) * (1.0 if model != "b" else 0.5)
    w = 0.5 + 1.5 * rng.random(n)
    for i in range(n):
        rows.append((int(ids[i]), model, float(y[i]), float(p[i]), float(w[i])))

with open("input.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["id", "model", "y", "p", "w", "bucket_py"])
    for r in rows:
        out.writerow([r[0], r[1], repr(r[2]), repr(r[3]), repr(r[4]), bucket(r[0])])


def jackknife(sel):
    y = np.array([r[2] for r in sel])
    p = np.array([r[3] for r in sel])
    w = np.array([r[4] for r in sel])
    b = np.array([bucket(r[0]) for r in sel])
    full = losses(y, p, w)
    present = sorted(set(b.tolist()))
    out = {}
    for loss, value in full.items():
        if len(present) < 2:
            out[loss] = (value, None, None, None)
            continue
        theta = np.array([losses(y[b != i], p[b != i], w[b != i])[loss] for i in present])
        m = len(theta)
        se = np.sqrt((m - 1) / m * ((theta - theta.mean()) ** 2).sum())
        half = stats.t.ppf((1 + LEVEL) / 2, m - 1) * se
        out[loss] = (value, se, value - half, value + half)
    return out


with open("expected.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["grouping", "model", "loss", "value", "std_error", "ci_low", "ci_high"])
    groups = [("model", m, [r for r in rows if r[1] == m]) for m in ["a", "b", "c", "d"]]
    groups.append(("overall", "", rows))
    for grouping, model, sel in groups:
        for loss, (v, se, lo, hi) in jackknife(sel).items():
            out.writerow([grouping, model, loss, repr(float(v))] + ["" if x is None else repr(float(x)) for x in (se, lo, hi)])
