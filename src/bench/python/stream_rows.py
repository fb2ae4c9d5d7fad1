#!/usr/bin/env python3
"""Prediction rows for the stream benchmark (docs/PERFORMANCE.md, "Streaming"): JSON lines of
{"ts", "hour", "model", "label", "prediction"} over 24 hours of 2026-12-01, in FILES files of ROWS/FILES rows.
`hour` is the row's 1-hour window start, so the batch job given --partition-by hour,model computes what the
stream computes per 1-hour window and model.

usage: stream_rows.py OUT_DIR ROWS FILES MODELS [SEED]
"""
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

def main():
    out, rows, files, models = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 5)
    os.makedirs(out, exist_ok=True)
    t0 = datetime(2026, 12, 1, tzinfo=timezone.utc)
    per = rows // files
    for f in range(files):
        with open(os.path.join(out, "part-%03d.json" % f), "w") as fh:
            for _ in range(per):
                ts = t0 + timedelta(seconds=rng.randrange(24 * 3600))
                label = rng.gauss(0, 1)
                fh.write(json.dumps({
                    "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "hour": ts.strftime("%Y-%m-%dT%H:00:00"),
                    "model": "m%d" % rng.randrange(models),
                    "label": label,
                    "prediction": label * 0.8 + rng.gauss(0, 0.5)}, separators=(",", ":")) + "\n")

if __name__ == "__main__":
    main()
