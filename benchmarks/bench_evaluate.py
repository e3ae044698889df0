"""Benchmark: a 200-point trajectory of m_u, m_v against plain mpmath.quad, measured in one run.

    python benchmarks/bench_evaluate.py            # 15, 50, 100 digits + near-threshold table
    python benchmarks/bench_evaluate.py --full-baseline   # run the baseline on all 200 points

Setting (issue 2): c = 1/2, theta = 6/5, alpha = beta = 1/10, t = 0 .. 50 (200 points).
symdyn: Gauss-Chebyshev rule in phi, nodes built once per (order, precision), all
integrands from one exponential per node, pole subtraction, MPFR arithmetic; the time
includes the second, independent evaluation behind every error estimate.
Baseline: plain ``mpmath.quad`` (tanh-sinh) over the lambda-integrals of spec 4.2, one call
per integral and time point, at dps + 5 working digits (``reference.reference_brackets``).
By default the baseline runs on every 10th time point (20 evenly spaced points) and its
time is scaled by 10; the script says so in its output.
Near threshold: theta = theta_c (1 + 10^-k), k = 2, 6, 12; the cost per time point must not
grow, the baseline runs on 5 points there.
Errors of both are measured against symdyn at twice the precision.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import mpmath as mp
import sympy as sp

import symdyn as sd
from symdyn.models.rank_one_denoising.reference import reference_observables

MODEL = sd.model("rank-one-denoising")
TIMES = [sp.Rational(50 * i, 199) for i in range(200)]


def ours(params, dps: int, repeats: int = 3):
    runs = []
    traj = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        traj = MODEL.evaluate(params, TIMES, dps=dps, observables=["m_u", "m_v"])
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), traj


def baseline(params, dps: int, indices):
    can = MODEL.canonical(params)
    t0 = time.perf_counter()
    vals = {i: reference_observables(can, TIMES[i], dps, guard=5, energy=False) for i in indices}
    return time.perf_counter() - t0, vals


def errors(params, traj, base, dps):
    """Largest relative error of symdyn and of the baseline on the baseline's points, both
    measured against symdyn at twice the precision (validated against independent routes
    in the test suite)."""
    idx = sorted(base)
    ref = MODEL.evaluate(params, [TIMES[i] for i in idx], dps=2 * dps, observables=["m_u", "m_v"])
    ours_err = base_err = mp.mpf(0)
    with mp.workdps(2 * dps):
        for j, i in enumerate(idx):
            for o in ("m_u", "m_v"):
                r = ref[o][j]
                ours_err = max(ours_err, abs(traj[o][i] - r) / abs(r))
                base_err = max(base_err, abs(base[i][o] - r) / abs(r))
    return ours_err, base_err


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full-baseline", action="store_true", help="run the baseline on all 200 points")
    args = ap.parse_args()
    stride = 1 if args.full_baseline else 10
    idx = list(range(0, 200, stride))
    scale = 200 / len(idx)
    p = MODEL.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    print(f"symdyn {sd.__version__}; mpmath backend: {mp.libmp.BACKEND}")
    print(f"200-point trajectory, c=1/2, theta=6/5, alpha=beta=1/10, t in [0, 50]; baseline on "
          f"{len(idx)} points{'' if stride == 1 else f' (every {stride}th), time x{scale:g}'}")
    print(f"{'dps':>4} {'symdyn [s]':>11} {'max nodes':>9} {'baseline [s]':>13} {'speed-up':>9} "
          f"{'symdyn err':>10} {'baseline err':>12}")
    ok = True
    results = {}
    for dps in (15, 50, 100):
        t_ours, traj = ours(p, dps)
        t_base, base = baseline(p, dps, idx)
        t_base *= scale
        e_ours, e_base = errors(p, traj, base, dps)
        results[dps] = (t_ours, t_base)
        print(f"{dps:>4} {t_ours:>11.3f} {max(traj.nodes):>9} {t_base:>13.2f} {t_base / t_ours:>8.1f}x "
              f"{mp.nstr(e_ours, 2):>10} {mp.nstr(e_base, 2):>12}")
    t50, b50 = results[50]
    target1 = b50 / t50 >= 25
    target2 = t50 < 1.0
    print(f"target >= 25x faster than the baseline at 50 digits: {'PASS' if target1 else 'FAIL'} ({b50 / t50:.1f}x)")
    print(f"target < 1 s at 50 digits: {'PASS' if target2 else 'FAIL'} ({t50:.3f} s)")
    ok &= target1 and target2

    print("\nnear threshold, 50 digits: theta = theta_c (1 + 10^-k)")
    print(f"{'k':>3} {'symdyn [s]':>11} {'ms/point':>9} {'nodes(t=50)':>11} {'baseline ms/point':>18} {'speed-up':>9}")
    per_point = []
    few = [0, 50, 100, 150, 199]
    for k in (2, 6, 12):
        q = MODEL.params(c="1/2", epsilon=f"1e-{k}", alpha="1/10", beta="1/10")
        t_ours, traj = ours(q, 50)
        t_base, _ = baseline(q, 50, few)
        ms_ours, ms_base = 1000 * t_ours / 200, 1000 * t_base / len(few)
        per_point.append(ms_ours)
        print(f"{k:>3} {t_ours:>11.3f} {ms_ours:>9.2f} {traj.nodes[-1]:>11} {ms_base:>18.1f} {ms_base / ms_ours:>8.1f}x")
    flat = max(per_point) < 1.5 * min(per_point)
    print(f"target: cost per time point does not grow as theta -> theta_c: {'PASS' if flat else 'FAIL'} "
          f"({min(per_point):.2f} .. {max(per_point):.2f} ms/point)")
    ok &= flat
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
