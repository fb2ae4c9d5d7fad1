#!/usr/bin/env python3
"""End-to-end latency of `loss-report stream` with a processing-time trigger (docs/PERFORMANCE.md,
"Streaming"): starts the stream on an empty JSON directory, drops a file of ROWS rows into it every PERIOD
seconds (written aside, then renamed in), and times each file from its landing to the end of the micro-batch
that reported it (its `batch N:` line); SIGTERM at the end. Run from the project's root.

usage: stream_latency.py WORK_DIR [FILES=5] [ROWS=100000] [TRIGGER="1 minute"] [PERIOD=75]
"""
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

SCHEMA = "ts TIMESTAMP, hour STRING, model STRING, label DOUBLE, prediction DOUBLE"

def rows_file(path, n, rng, t):
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        for _ in range(n):
            ts = t - timedelta(seconds=rng.randrange(600))
            label = rng.gauss(0, 1)
            fh.write(json.dumps({"ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "hour": ts.strftime("%Y-%m-%dT%H:00:00"),
                                 "model": "m%d" % rng.randrange(100), "label": label,
                                 "prediction": label * 0.8 + rng.gauss(0, 0.5)}) + "\n")
    os.rename(tmp, path)  # the source lists only whole files (a dot-less name appears at once)

def main():
    work = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    trigger = sys.argv[4] if len(sys.argv) > 4 else "1 minute"
    period = float(sys.argv[5]) if len(sys.argv) > 5 else 75
    inp, staging = os.path.join(work, "in"), os.path.join(work, "staging")
    os.makedirs(inp, exist_ok=True)
    os.makedirs(staging, exist_ok=True)
    rng = random.Random(3)
    t = datetime.now(timezone.utc)
    first = os.path.join(staging, "part-000.json")
    rows_file(first, 10, rng, t)
    os.rename(first, os.path.join(inp, "part-000.json"))
    cmd = ["submit/loss-report", "stream", "--master", "local[2]", "--input", inp, "--input-format", "json",
           "--input-schema", SCHEMA, "--event-time", "ts", "--window", "1 hour", "--watermark", "2 hours",
           "--partition-by", "model", "--losses", "mse,mae,r2", "--output", os.path.join(work, "report"),
           "--checkpoint", os.path.join(work, "ckpt"), "--trigger", trigger]
    log = open(os.path.join(work, "stream.log"), "w")
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
    batches = []  # (time, line)

    def next_batch(rows_in):
        """The next micro-batch line that reports rows_in input rows (the file's batch, not one running as it landed)."""
        for line in p.stdout:
            log.write(line)
            log.flush()
            if line.startswith("batch "):
                batches.append((time.time(), line.strip()))
                if (": %d input row(s)" % rows_in) in line:
                    return batches[-1]
        raise SystemExit("the stream ended: see " + log.name)

    next_batch(10)  # batch 0: the first file, the query is up
    latencies = []
    for i in range(1, files + 1):
        time.sleep(period)
        name = "part-%03d.json" % i
        rows_file(os.path.join(staging, name), rows, rng, datetime.now(timezone.utc))
        os.rename(os.path.join(staging, name), os.path.join(inp, name))
        landed = time.time()
        at, line = next_batch(rows)
        latencies.append(at - landed)
        print("file %d landed; reported %.1f s later by: %s" % (i, at - landed, line), flush=True)
    p.send_signal(signal.SIGTERM)
    for line in p.stdout:
        log.write(line)
    p.wait()
    print("exit %d; latency min %.1f s, mean %.1f s, max %.1f s over %d files of %d rows (trigger %s)"
          % (p.returncode, min(latencies), sum(latencies) / len(latencies), max(latencies), files, rows, trigger))

if __name__ == "__main__":
    main()
