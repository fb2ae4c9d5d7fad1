"""The composite total of make_golden.py's input, computed with PyTorch (Debian's python3-torch).

    apt-get install -y python3-torch
    /usr/bin/python3 make_torch_golden.py    # reads input.csv, writes torch_expected.csv beside this script

torch_expected.csv: per grouping, the two heads and the total.

Per grouping (model a, model b, overall): total = 0.7 * F.binary_cross_entropy(p_click, click) +
0.3 * F.mse_loss(p_dwell, dwell), float64, mean reduction, each head over the rows that have its label
(a multi-task model trained on L = sum of lambda_t * L_t, with missing labels masked out per head).
"""
import csv

import torch
import torch.nn.functional as F

W_BCE, W_MSE = 0.7, 0.3

with open("input.csv") as f:
    rows = list(csv.DictReader(f))


def total(sel):
    c = [r for r in sel if r["click"] != ""]
    d = [r for r in sel if r["dwell"] != ""]
    t = lambda rs, k: torch.tensor([float(r[k]) for r in rs], dtype=torch.float64)
    bce = F.binary_cross_entropy(t(c, "p_click"), t(c, "click"))
    mse = F.mse_loss(t(d, "p_dwell"), t(d, "dwell"))
    return [x.item() for x in (bce, mse, W_BCE * bce + W_MSE * mse)]


with open("torch_expected.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["grouping", "model", "bce", "mse", "total"])
    for model in ["a", "b"]:
        out.writerow(["model", model] + [repr(v) for v in total([r for r in rows if r["model"] == model])])
    out.writerow(["overall", ""] + [repr(v) for v in total(rows)])
