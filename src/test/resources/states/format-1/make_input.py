"""Writes input.json: the prediction table whose states, saved by the job in format 1, lie beside it.

Run once, when format 1 was current (2026-11-30):
    python3 make_input.py
    submit/loss-report --input input.json --input-format json --partition-by date,model \
      --losses "mse,rmse,r2,mae,huber(delta=1.5),log_loss(label=class,prediction=probs),categorical_cross_entropy(label=onehot,prediction=probs)" \
      --weight weight --invalid skip --states states --output /tmp/format-1-report
The states directory is the checked-in artifact: later releases must read it and roll it up to the values
a direct run over input.json gives (StatesFormatTest). Rows with a null label and one with a negative weight
are in on purpose, so that the states carry invalid-row counters by reason.
"""
import json

import numpy as np

rng = np.random.default_rng(20261130)
rows = []
for date in ["2026-11-23", "2026-11-24", "2026-11-25"]:
    for model in ["baseline", "candidate"]:
        for _ in range(40):
            y = 10 + 3 * rng.standard_normal()
            p = y + rng.standard_normal() * (1.0 if model == "baseline" else 0.7)
            k = int(rng.integers(3))
            s = np.exp(np.where(np.arange(3) == k, 1.5, 0.0) + 2 * rng.random(3))
            probs = s / s.sum()
            rows.append({"date": date, "model": model, "label": float(y), "prediction": float(p),
                         "weight": float(0.5 + 1.5 * rng.random()), "class": k,
                         "probs": [float(v) for v in probs],
                         "onehot": [1.0 if j == k else 0.0 for j in range(3)]})
rows[3]["label"] = None
rows[100]["label"] = None
rows[150]["weight"] = -1.0
with open("input.json", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
