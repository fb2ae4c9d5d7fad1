#!/usr/bin/python3
"""Golden values of the history bands (org.sparklossreport.history), independent of the Java code.

Run with Debian's python (it has python3-statsmodels): /usr/bin/python3 make_history_golden.py
Writes, beside this script:
  series.csv     id;values (';'-joined, oldest first), seeded
  bands.tsv      per series and method: expected and sd of the band on the whole series, and the verdict
                 (band_low, band_high, z, anomaly) of a value `tonight` with standard error `se`
  walk.tsv       per series: the anomaly flag of every night, walked oldest first with anomalies left out of
                 later history (normal, k=3, window 28, min 7)
normal, robust and change with NumPy; seasonal with statsmodels' ExponentialSmoothing (additive trend and
season, period 7), fixed smoothing parameters (alpha 0.3, beta 0.05, gamma 0.2, optimized=False) and the
same known initial states as the Java code: level = mean of season 1, trend = (mean of season 2 - mean of
season 1) / 7, season_j = y_j - level.
"""
import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing

K = 3.0
CHANGE = 0.1
ALPHA, BETA, GAMMA, M = 0.3, 0.05, 0.2, 7

rng = np.random.default_rng(20261206)
series = []
for n in (1, 2, 7, 13, 14, 15, 21, 28, 40, 60):
    t = np.arange(n)
    y = 0.5 + 0.002 * t + 0.05 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 0.01, n)
    series.append(y)
# a constant series and one with outliers (robust differs from normal)
series.append(np.full(10, 0.25))
y = 1.0 + rng.normal(0, 0.02, 20)
y[[3, 11]] += 0.5
series.append(y)
y = 2.0 + rng.normal(0, 0.05, 45)  # anomalies after the first week: left out of later history
y[[9, 16, 17, 30]] += np.array([0.4, -0.3, 0.5, 0.25])
series.append(y)


def band(y, method):
    n = len(y)
    if method == "seasonal" and n < 2 * M:
        method = "normal"
    if method == "normal":
        return np.mean(y), (np.std(y, ddof=1) if n > 1 else 0.0), method
    if method == "robust":
        med = np.median(y)
        return med, 1.4826 * np.median(np.abs(y - med)), method
    if method == "change":
        return y[-1], (np.std(y, ddof=1) if n > 1 else 0.0), method
    l0 = y[:M].mean()
    b0 = (y[M:2 * M].mean() - y[:M].mean()) / M
    s0 = y[:M] - l0
    fit = ExponentialSmoothing(y, trend="add", seasonal="add", seasonal_periods=M, initialization_method="known",
                               initial_level=l0, initial_trend=b0, initial_seasonal=s0).fit(
        smoothing_level=ALPHA, smoothing_trend=BETA, smoothing_seasonal=GAMMA, optimized=False)
    return float(fit.forecast(1)[0]), float(np.sqrt(fit.sse / n)), method


def verdict(expected, sd, method, value, se):
    s = np.sqrt(sd ** 2 + se ** 2)
    d = value - expected
    z = d / s if s > 0 else (0.0 if d == 0 else np.copysign(np.inf, d))
    half = np.hypot(CHANGE * abs(expected), K * se) if method == "change" else K * s
    return expected - half, expected + half, z, bool(abs(d) > half)


with open("series.csv", "w") as f:
    for i, y in enumerate(series):
        f.write("%d;%s\n" % (i, ";".join(repr(float(v)) for v in y)))

with open("bands.tsv", "w") as f:
    f.write("id\tmethod\tused\texpected\tsd\ttonight\tse\tband_low\tband_high\tz\tanomaly\n")
    for i, y in enumerate(series):
        for method in ("normal", "robust", "change", "seasonal"):
            e, sd, used = band(y, method)
            for value, se in ((y[-1] + 0.03, 0.0), (y[-1] - 0.2, 0.05), (e, 0.0)):
                lo, hi, z, a = verdict(e, sd, used, value, se)
                f.write("%d\t%s\t%s\t%r\t%r\t%r\t%r\t%r\t%r\t%r\t%s\n" % (i, method, used, float(e), float(sd),
                        float(value), se, float(lo), float(hi), float(z), str(a).lower()))


def walk(y, window=28, minimum=7):
    history, flags = [], []
    for v in y:
        h = history[-window:]
        if len(h) < minimum:
            flags.append(False)
        else:
            e, sd = np.mean(h), np.std(h, ddof=1)
            flags.append(bool(abs(v - e) > K * sd))
        if not flags[-1]:
            history.append(v)
    return flags


with open("walk.tsv", "w") as f:
    f.write("id\tflags\n")
    for i, y in enumerate(series):
        f.write("%d\t%s\n" % (i, "".join("1" if a else "0" for a in walk(y))))
