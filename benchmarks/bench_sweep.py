"""Benchmark: `symdyn sweep` against the same points as separate `symdyn boundary` calls, in one run.

    python benchmarks/bench_sweep.py [--full]

1. 1000-point sweeps (threshold over a log axis of c; critical-ratio over theta) as one
   `symdyn sweep ... --out F.csv` command (the whole command, start-up included), with
   --n-jobs 1 and --n-jobs 2.  Baseline: the same points as separate `symdyn boundary`
   commands, run one after the other as a shell loop would.  Without --full, 25 of the 1000
   points (evenly spaced) are run as separate commands and their mean time is multiplied by
   1000; with --full all 1000 are run (about 25 minutes).  Target: >= 20x.
2. A certified 200-point critical-ratio sweep at 60 digits with --n-jobs 2 (the whole command).
   Target: < 30 s on 2 cores.

Every command runs as a fresh process with this checkout first on PYTHONPATH.  Only measured
numbers are printed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", SYMDYN_PROGRESS="0")
CLI = [sys.executable, "-c", "from symdyn.cli import main; main()"]
TARGET_RATIO = 20.0
TARGET_CERTIFIED = 30.0


def run(args: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(CLI + args, cwd=ROOT, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    return seconds


def axis_points(path: Path, name: str) -> list[str]:
    lines = path.read_text().splitlines()
    col = lines[0].split(",").index(f"{name}_exact")
    return [ln.split(",")[col] for ln in lines[1:]]


def ratio_case(label: str, sweep_args: list[str], boundary_args, axis: str, full: bool) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.csv"
        t1 = run(["sweep", *sweep_args, "--out", str(out)])
        t2 = run(["sweep", *sweep_args, "--out", str(out), "--n-jobs", "2"])
        points = axis_points(out, axis)
    n = len(points)
    sample = points if full else points[:: max(1, n // 25)][:25]
    times = [run(["boundary", *boundary_args(p)]) for p in sample]
    per_call = statistics.mean(times)
    baseline = per_call * n
    r1, r2 = baseline / t1, baseline / t2
    what = "all" if full else f"{len(sample)} of the {n}"
    print(f"   {label}")
    print(f"     separate `symdyn boundary` calls: {per_call:.3f} s each (mean of {what} points; median "
          f"{statistics.median(times):.3f} s) -> {baseline:.0f} s for {n} points")
    print(f"     one `symdyn sweep`, --n-jobs 1: {t1:.2f} s   ratio {r1:.0f}x")
    print(f"     one `symdyn sweep`, --n-jobs 2: {t2:.2f} s   ratio {r2:.0f}x")
    ok = r1 >= TARGET_RATIO
    print(f"     target >= {TARGET_RATIO:.0f}x with one process: {'met' if ok else 'NOT MET'}")
    return ok


def main() -> int:
    full = "--full" in sys.argv
    print(f"symdyn sweep benchmark ({os.cpu_count()} cores)")
    print("1. 1000-point sweeps against separate boundary commands (same points, same run)")
    ok = ratio_case("threshold, c=1e-3:1e3:1000:log (decimal points at 30 digits)",
                    ["rank-one-denoising", "threshold", "c=1e-3:1e3:1000:log"],
                    lambda p: ["rank-one-denoising", "threshold", f"c={p}"], "c", full)
    ok &= ratio_case("critical-ratio, c=1/2 theta=1:3:1000",
                     ["rank-one-denoising", "critical-ratio", "c=1/2", "theta=1:3:1000"],
                     lambda p: ["rank-one-denoising", "critical-ratio", "c=1/2", f"theta={p}"], "theta", full)
    print("2. certified critical-ratio sweep, 200 points at 60 digits, --n-jobs 2")
    with tempfile.TemporaryDirectory() as tmp:
        t = run(["sweep", "rank-one-denoising", "critical-ratio", "c=1/2", "theta=1:3:200", "--certify", "--dps", "60",
                 "--n-jobs", "2", "--out", str(Path(tmp) / "c.csv")])
        lines = (Path(tmp) / "c.csv").read_text().splitlines()
        certified = sum(",ok," in ln for ln in lines[1:])
    good = t < TARGET_CERTIFIED and certified == 200
    print(f"   {t:.2f} s for {certified} certified points (whole command)   target < {TARGET_CERTIFIED:.0f} s: "
          f"{'met' if good else 'NOT MET'}")
    return 0 if ok and good else 1


if __name__ == "__main__":
    sys.exit(main())
