#!/usr/bin/env python3
"""Golden values for spark-loss-report, from an independent reference (NumPy/SciPy).

Writes, next to this script:
  data.csv      a few thousand random prediction rows (fixed seed), four keys, with columns for every loss
                of the catalog; vectors are ';'-joined doubles; every double is written with repr(), so it
                reads back bit for bit.
  expected.tsv  one row per (loss spec, label column, prediction column, group, weighted?, output):
                the expected value, printed with repr().

Every expected value is computed here from the formulas of the project's loss specification
(docs/LOSSES.md, itself written from the specification of the losses), with NumPy for the per-row terms and
math.fsum (exactly rounded) for every sum. Nothing is taken from the Java code under test. Where a
formula can be written two ways, this script deliberately uses a different (but exact) form from the
obvious one, e.g. log(cosh e) = logaddexp(e, -e) - log 2 and softplus via logaddexp.

Reductions (per group; weights w, or 1 for the unweighted rows):
  mean = fsum(w * term) / fsum(w);  sum = fsum(w * term).

Run:  python3 make_golden.py        (numpy >= 2, scipy; no other dependency; deterministic)
"""
import math
import os
import sys

import numpy as np
from scipy.special import logsumexp, softmax

SEED = 20261125
SIZES = {"a": 1000, "b": 700, "c": 450, "d": 250}
K = 4  # classes
D = 5  # autoencoder dimension
EPS_MLLIB = 1e-15  # project default clip for log-based losses (Spark MLlib logLoss, the seed)
EPS_KERAS = 1e-7  # Keras backend epsilon: default of poisson, kl_divergence, binary_focal_cross_entropy
EPS_MACHINE = float(np.finfo(np.float64).eps)  # scikit-learn's floor for |y| in MAPE

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------------------------- data

def make_data():
    rng = np.random.default_rng(SEED)
    keys = np.concatenate([np.full(n, k) for k, n in SIZES.items()])
    n = len(keys)
    keys = keys[rng.permutation(n)]
    d = {"key": keys}
    d["w"] = rng.uniform(0.1, 5.0, n)  # positive real weight
    d["wi"] = rng.integers(1, 5, n)  # integer weight 1..4 (weights as repetitions)
    # regression: bias 0.3 (keeps mean_gradient away from 0), 5 % outliers (huber's linear branch)
    y = rng.normal(5.0, 3.0, n)
    p = y + rng.normal(0.3, 1.0, n)
    out = rng.random(n) < 0.05
    p[out] += rng.normal(0.0, 8.0, out.sum())
    d["y"], d["p"] = y, p
    # msle: labels and predictions > -1
    ym = rng.uniform(-0.9, 10.0, n)
    d["ym"], d["pm"] = ym, np.maximum(ym + rng.normal(0.0, 1.0, n), -0.95)
    # poisson: counts and positive rates
    yc = rng.poisson(3.0, n).astype(float)
    d["yc"], d["rate"] = yc, yc * rng.lognormal(0.0, 0.3, n) + 0.05
    # binary: labels 0/1, logits, probabilities (a few exactly 0 or 1, to exercise the clipping),
    # soft labels, hinge labels in {-1, 1}
    yb = rng.integers(0, 2, n)
    zb = rng.normal(0.0, 2.5, n) + (2 * yb - 1) * 1.0
    pb = 1.0 / (1.0 + np.exp(-zb))
    hard = rng.choice(n, 8, replace=False)
    pb[hard] = rng.integers(0, 2, 8).astype(float)
    d["yb"], d["zb"], d["pb"] = yb, zb, pb
    d["ys"] = rng.uniform(0.0, 1.0, n)
    d["yh"] = 2 * yb - 1
    # classes: index, logits, probabilities (softmax; a few one-hot, i.e. exact zeros), one-hot labels,
    # soft labels, unnormalised scores in [0, 1] (for normalize)
    cls = rng.integers(0, K, n)
    zv = rng.normal(0.0, 2.0, (n, K))
    zv[np.arange(n), cls] += 1.5
    pv = softmax(zv, axis=1)
    onehot = rng.choice(n, 8, replace=False)
    pv[onehot] = np.eye(K)[rng.integers(0, K, 8)]
    d["cls"], d["zv"], d["pv"] = cls, zv, pv
    d["yv"] = np.eye(K)[cls]
    d["ysv"] = rng.dirichlet(np.ones(K), n)
    d["qv"] = rng.uniform(0.01, 1.0, (n, K))
    # autoencoder: inputs and reconstructions
    xv = rng.normal(0.0, 1.0, (n, D))
    d["xv"], d["xr"] = xv, xv + rng.normal(0.0, 0.2, (n, D))
    # 6 decimals keep the file small; the rounded values are the data (each reads back exactly)
    for c, v in d.items():
        if v.dtype == np.float64:
            d[c] = np.round(v, 6)
    return d


COLUMNS = ["key", "w", "wi", "y", "p", "ym", "pm", "yc", "rate", "yb", "zb", "pb", "ys", "yh", "cls",
           "zv", "pv", "yv", "ysv", "qv", "xv", "xr"]
INTS = {"wi", "yb", "yh", "cls"}


def fmt(col, v):
    if col == "key":
        return str(v)
    if col in INTS:
        return str(int(v))
    if np.ndim(v) == 1:
        return ";".join(repr(float(x)) for x in v)
    return repr(float(v))


# ----------------------------------------------------------------------------------- per-row terms

def clip(p, eps):
    return np.minimum(np.maximum(p, eps), 1.0 - eps)


def softplus(x):
    return np.logaddexp(0.0, x)


def bce(y, p, eps):
    q = clip(p, eps)
    return -(y * np.log(q) + (1.0 - y) * np.log(1.0 - q))


def bce_logits(y, z):
    # -[y log sigmoid(z) + (1-y) log(1 - sigmoid(z))] = y softplus(-z) + (1-y) softplus(z)
    return y * softplus(-z) + (1.0 - y) * softplus(z)


def smooth(y, s, classes):
    return y * (1.0 - s) + s / classes


def sigmoid(z):
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))


def t_mse(y, p):
    return (y - p) ** 2


def t_mae(y, p):
    return np.abs(y - p)


def t_huber(delta):
    def f(y, p):
        a = np.abs(y - p)
        return np.where(a <= delta, 0.5 * a * a, delta * a - 0.5 * delta * delta)
    return f


def t_log_cosh(y, p):
    e = y - p
    return np.logaddexp(e, -e) - math.log(2.0)


def t_quantile(tau):
    def f(y, p):
        e = y - p
        return np.maximum(tau * e, (tau - 1.0) * e)
    return f


def t_mape(y, p):
    return np.abs(y - p) / np.maximum(np.abs(y), EPS_MACHINE)


def t_msle(y, p):
    return (np.log1p(y) - np.log1p(p)) ** 2


def t_poisson(eps):
    return lambda y, p: p - y * np.log(p + eps)


def t_bce(eps=EPS_MLLIB, logits=False, s=0.0):
    def f(y, p):
        t = smooth(y, s, 2)
        return bce_logits(t, p) if logits else bce(t, p, eps)
    return f


def t_focal(gamma=2.0, alpha=0.25, balance=False, logits=False, s=0.0, eps=EPS_KERAS):
    # Keras BinaryFocalCrossentropy: (1 - p_t)^gamma * BCE, p_t = y p + (1-y)(1-p); balancing alpha y +
    # (1-alpha)(1-y). from_logits: p = sigmoid(z) and the BCE in its exact logit form (the spec's
    # "from_logits uses the stable forms").
    def f(y, p):
        t = smooth(y, s, 2)
        prob = sigmoid(p) if logits else p
        b = bce_logits(t, p) if logits else bce(t, p, eps)
        pt = t * prob + (1.0 - t) * (1.0 - prob)
        out = (1.0 - pt) ** gamma * b
        return (alpha * t + (1.0 - alpha) * (1.0 - t)) * out if balance else out
    return f


def t_hinge(squared):
    def f(y, p):
        s = np.where(y == 0, -1.0, y)
        h = np.maximum(0.0, 1.0 - s * p)
        return h * h if squared else h
    return f


def t_xent_vec(eps=EPS_MLLIB):
    return lambda y, p: -np.sum(y * np.log(clip(p, eps)), axis=1)


def t_cce(eps=EPS_MLLIB, normalize=False, logits=False, s=0.0):
    def f(y, p):
        t = smooth(y, s, y.shape[1])
        if logits:
            return -np.sum(t * (p - logsumexp(p, axis=1, keepdims=True)), axis=1)
        q = p / np.sum(p, axis=1, keepdims=True) if normalize else p
        return -np.sum(t * np.log(clip(q, eps)), axis=1)
    return f


def t_index(eps=EPS_MLLIB, logits=False):
    def f(k, p):
        k = k.astype(int)
        rows = np.arange(len(k))
        if logits:
            return logsumexp(p, axis=1) - p[rows, k]
        return -np.log(clip(p[rows, k], eps))
    return f


def t_kl(eps=EPS_KERAS):
    def f(y, p):
        a = np.minimum(np.maximum(y, eps), 1.0)
        b = np.minimum(np.maximum(p, eps), 1.0)
        return np.sum(a * np.log(a / b), axis=1)
    return f


def t_sparse(lam):
    def f(_, p):
        if p.ndim == 1:
            return lam * np.abs(p) + (1.0 - lam) * p * p
        return lam * np.sum(np.abs(p), axis=1) + (1.0 - lam) * np.sum(p * p, axis=1)
    return f


# ------------------------------------------------------------------------------------------ cases
# (spec, label column or '-', prediction column, kind, term or special, reduction)
MEAN, SUM = "mean", "sum"
CASES = [
    ("mse", "y", "p", "term", t_mse, MEAN),
    ("mse(reduction=sum)", "y", "p", "term", t_mse, SUM),
    ("mae", "y", "p", "term", t_mae, MEAN),
    ("mae(reduction=sum)", "y", "p", "term", t_mae, SUM),
    ("rmse", "y", "p", "rmse", None, MEAN),
    ("rmse(reduction=sum)", "y", "p", "rmse", None, SUM),
    ("r2", "y", "p", "r2", None, MEAN),
    ("mse_gradient", "y", "p", "mse_gradient", None, MEAN),
    ("mse_gradient(reduction=sum)", "y", "p", "mse_gradient", None, SUM),
    ("huber", "y", "p", "term", t_huber(1.0), MEAN),
    ("huber(delta=0.5)", "y", "p", "term", t_huber(0.5), MEAN),
    ("huber(delta=3)", "y", "p", "term", t_huber(3.0), MEAN),
    ("huber(delta=2,reduction=sum)", "y", "p", "term", t_huber(2.0), SUM),
    ("log_cosh", "y", "p", "term", t_log_cosh, MEAN),
    ("quantile", "y", "p", "term", t_quantile(0.5), MEAN),
    ("quantile(tau=0.1)", "y", "p", "term", t_quantile(0.1), MEAN),
    ("quantile(tau=0.9)", "y", "p", "term", t_quantile(0.9), MEAN),
    ("mape", "y", "p", "term", t_mape, MEAN),
    ("msle", "ym", "pm", "term", t_msle, MEAN),
    ("poisson", "yc", "rate", "term", t_poisson(EPS_KERAS), MEAN),
    ("poisson(epsilon=0.001)", "yc", "rate", "term", t_poisson(1e-3), MEAN),
    ("cross_entropy", "yb", "pb", "term", t_bce(), MEAN),
    ("cross_entropy(reduction=sum)", "yb", "pb", "term", t_bce(), SUM),
    ("cross_entropy", "ysv", "pv", "term", t_xent_vec(), MEAN),
    ("cross_entropy(epsilon=1e-7)", "yv", "pv", "term", t_xent_vec(1e-7), MEAN),
    ("binary_cross_entropy", "yb", "pb", "term", t_bce(), MEAN),
    ("binary_cross_entropy", "ys", "pb", "term", t_bce(), MEAN),
    ("binary_cross_entropy(epsilon=1e-7)", "yb", "pb", "term", t_bce(eps=1e-7), MEAN),
    ("binary_cross_entropy(from_logits=true)", "yb", "zb", "term", t_bce(logits=True), MEAN),
    ("binary_cross_entropy(label_smoothing=0.1)", "yb", "pb", "term", t_bce(s=0.1), MEAN),
    ("binary_cross_entropy(from_logits=true,label_smoothing=0.2)", "ys", "zb", "term",
     t_bce(logits=True, s=0.2), MEAN),
    ("binary_cross_entropy(reduction=sum)", "yb", "pb", "term", t_bce(), SUM),
    ("log_loss", "cls", "pv", "index", t_index(), MEAN),
    ("log_loss(epsilon=1e-7)", "cls", "pv", "index", t_index(1e-7), MEAN),
    ("log_loss", "yv", "pv", "term", t_xent_vec(), MEAN),
    ("log_loss", "ysv", "pv", "term", t_xent_vec(), MEAN),
    ("log_loss", "yb", "pb", "term", t_bce(), MEAN),
    ("categorical_cross_entropy", "yv", "pv", "term", t_cce(), MEAN),
    ("categorical_cross_entropy", "ysv", "pv", "term", t_cce(), MEAN),
    ("categorical_cross_entropy(normalize=true)", "yv", "qv", "term", t_cce(normalize=True), MEAN),
    ("categorical_cross_entropy(from_logits=true)", "yv", "zv", "term", t_cce(logits=True), MEAN),
    ("categorical_cross_entropy(label_smoothing=0.1)", "yv", "pv", "term", t_cce(s=0.1), MEAN),
    ("categorical_cross_entropy(from_logits=true,label_smoothing=0.1)", "ysv", "zv", "term",
     t_cce(logits=True, s=0.1), MEAN),
    ("categorical_cross_entropy(epsilon=1e-7,reduction=sum)", "yv", "pv", "term", t_cce(eps=1e-7), SUM),
    ("autoencoder", "xv", "xr", "autoencoder", None, MEAN),
    ("autoencoder(reduction=sum)", "xv", "xr", "autoencoder", None, SUM),
    ("sparse", "-", "pv", "term", t_sparse(0.1), SUM),
    ("sparse", "-", "pb", "term", t_sparse(0.1), SUM),
    ("sparse(lambda=0.5)", "-", "xr", "term", t_sparse(0.5), SUM),
    ("sparse(reduction=mean)", "-", "pv", "term", t_sparse(0.1), MEAN),
    ("kl_divergence", "ysv", "pv", "term", t_kl(), MEAN),
    ("kl_divergence", "yv", "pv", "term", t_kl(), MEAN),
    ("kl_divergence(epsilon=0.0001)", "yv", "pv", "term", t_kl(1e-4), MEAN),
    ("hinge", "yb", "zb", "term", t_hinge(False), MEAN),
    ("hinge", "yh", "zb", "term", t_hinge(False), MEAN),
    ("squared_hinge", "yb", "zb", "term", t_hinge(True), MEAN),
    ("squared_hinge", "yh", "zb", "term", t_hinge(True), MEAN),
    ("binary_focal_cross_entropy", "yb", "pb", "term", t_focal(), MEAN),
    ("binary_focal_cross_entropy(gamma=3,alpha=0.4,apply_class_balancing=true)", "yb", "pb", "term",
     t_focal(gamma=3.0, alpha=0.4, balance=True), MEAN),
    ("binary_focal_cross_entropy(from_logits=true)", "yb", "zb", "term", t_focal(logits=True), MEAN),
    ("binary_focal_cross_entropy(gamma=0)", "yb", "pb", "term", t_focal(gamma=0.0), MEAN),
    ("binary_focal_cross_entropy(label_smoothing=0.1,epsilon=1e-15)", "ys", "pb", "term",
     t_focal(s=0.1, eps=1e-15), MEAN),
    ("sparse_categorical_cross_entropy", "cls", "pv", "index", t_index(), MEAN),
    ("sparse_categorical_cross_entropy(from_logits=true)", "cls", "zv", "index", t_index(logits=True), MEAN),
    ("sparse_categorical_cross_entropy(ignore_class=0)", "cls", "pv", "ignore", (0, t_index()), MEAN),
    ("sparse_categorical_cross_entropy(from_logits=true,ignore_class=2)", "cls", "zv", "ignore",
     (2, t_index(logits=True)), MEAN),
]


def reduce_terms(w, t, reduction):
    total = math.fsum(w * t)
    return total if reduction == SUM else total / math.fsum(w)


def evaluate(case, y, p, w):
    """The outputs [(name, value)] of one case over rows (y, p) with weights w."""
    spec, _, _, kind, term, reduction = case
    if kind in ("term", "index"):
        return [("value", reduce_terms(w, term(y, p), reduction))]
    if kind == "ignore":
        ignored, f = term
        keep = y != ignored
        return [("value", reduce_terms(w[keep], f(y[keep], p[keep]), reduction))]
    if kind == "rmse":
        return [("value", math.sqrt(reduce_terms(w, t_mse(y, p), reduction)))]
    if kind == "r2":
        # scikit-learn r2_score with sample_weight: 1 - SS_res / SS_tot, SS_tot about the weighted mean
        wsum = math.fsum(w)
        ybar = math.fsum(w * y) / wsum
        ss_tot = math.fsum(w * (y - ybar) ** 2)
        ss_res = math.fsum(w * (y - p) ** 2)
        return [("value", 1.0 - ss_res / ss_tot)]
    if kind == "mse_gradient":
        # value: MSE; mean_gradient = mean of dl/dp = 2(p - y); gradient_norm = ||grad_p MSE||_2. For the
        # weighted MSE L = sum(w e^2)/W the gradient is dL/dp_i = 2 w_i e_i / W, so the norm is
        # (2/W) sqrt(sum(w^2 e^2)) (unit weights: (2/n) sqrt(sum(e^2)), the spec's formula); with
        # reduction=sum, L = sum(w e^2) and both gradients drop the 1/W.
        e = p - y
        scale = 1.0 if reduction == SUM else math.fsum(w)
        return [("value", math.fsum(w * e * e) / scale),
                ("mean_gradient", 2.0 * math.fsum(w * e) / scale),
                ("gradient_norm", 2.0 * math.sqrt(math.fsum((w * e) ** 2)) / scale)]
    if kind == "autoencoder":
        per_row = np.sum((y - p) ** 2, axis=1)
        total = math.fsum(w * per_row)
        if reduction == SUM:
            return [("value", total)]
        return [("value", total / math.fsum(w * y.shape[1]))]
    raise ValueError(kind)


def main():
    d = make_data()
    n = len(d["key"])
    with open(os.path.join(HERE, "data.csv"), "w") as f:
        f.write("# Generated by make_golden.py (seed %d, numpy %s): %d random prediction rows, keys %s.\n"
                % (SEED, np.__version__, n, ",".join(SIZES)))
        f.write("# Vectors are ';'-joined doubles; every double is Python repr() (round-trips exactly).\n")
        f.write(",".join(COLUMNS) + "\n")
        for i in range(n):
            f.write(",".join(fmt(c, d[c][i]) for c in COLUMNS) + "\n")

    groups = [("ALL", np.ones(n, dtype=bool))] + [(k, d["key"] == k) for k in SIZES]
    lines = []
    for case in CASES:
        spec, label, pred = case[0], case[1], case[2]
        y = d[label] if label != "-" else None
        p = d[pred]
        for gname, mask in groups:
            for weighted in (False, True):
                w = d["w"][mask] if weighted else np.ones(mask.sum())
                outs = evaluate(case, y[mask] if y is not None else None, p[mask], w)
                for out, value in outs:
                    if not math.isfinite(value):
                        sys.exit("non-finite expected value for %s %s" % (spec, gname))
                    lines.append("\t".join([spec, label, pred, gname, str(weighted).lower(), out,
                                            repr(float(value))]))
    with open(os.path.join(HERE, "expected.tsv"), "w") as f:
        f.write("# Generated by make_golden.py (seed %d, numpy %s, scipy %s) from data.csv: the expected value\n"
                % (SEED, np.__version__, __import__("scipy").__version__))
        f.write("# of each loss spec over (label, prediction) per group (a key, or ALL rows), unweighted and\n")
        f.write("# weighted by column w, computed with NumPy from the loss formulas and math.fsum sums;\n")
        f.write("# independent of the Java code. label '-' = a loss of the prediction alone. Values: repr().\n")
        f.write("spec\tlabel\tprediction\tgroup\tweighted\toutput\texpected\n")
        f.write("\n".join(lines) + "\n")
    print("wrote %d rows of data and %d expected values" % (n, len(lines)))


if __name__ == "__main__":
    main()
