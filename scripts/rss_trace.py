#!/usr/bin/env python3
"""Peak RSS of a training run, and its RSS at the end of every epoch.

Runs the command, samples the resident set size (VmRSS, /proc) of it and
its children every --every seconds, and each time the training log (the
command's -log FILE, JSON lines with an "epoch" field) gains a training
line, records the RSS then. Prints one JSON line: peak MB, the per-epoch
RSS, and the largest change from the end of epoch 2 to the end of the run
(the issue's "flat within 5%").

  scripts/rss_trace.py --log run.jsonl -- /tmp/imagecols train ... -log run.jsonl
"""
import argparse, json, os, subprocess, time


def rss_kb(pid):
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def epochs_logged(path):
    n = 0
    try:
        with open(path) as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if r.get("split", "train") == "train" and "epoch" in r and "lr" in r:
                    n += 1
    except FileNotFoundError:
        pass
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--every", type=float, default=1.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if os.path.exists(a.log):
        os.remove(a.log)
    p = subprocess.Popen(cmd)
    peak, per_epoch, seen, t0 = 0, [], 0, time.time()
    while p.poll() is None:
        r = rss_kb(p.pid)
        peak = max(peak, r)
        n = epochs_logged(a.log)
        while seen < n:
            seen += 1
            per_epoch.append({"epoch": seen, "rss_mb": round(r / 1024, 1), "seconds": round(time.time() - t0, 1)})
        time.sleep(a.every)
    out = {"rc": p.returncode, "peak_rss_mb": round(peak / 1024, 1), "epochs": per_epoch}
    later = [e["rss_mb"] for e in per_epoch if e["epoch"] >= 2]
    if later:
        out["epoch2_to_end_change"] = round(max(later) / later[0] - 1, 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
