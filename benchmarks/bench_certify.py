"""Benchmark: certified (python-flint/arb) boundaries and trajectories, measured in one run.

    python benchmarks/bench_certify.py

1. Certified threshold and critical ratio at 100 digits (target: each under 1 s).  Every
   parameter set is new to the process (no cache hit), the time is the whole
   ``model.boundary(..., certify=True)`` call (SymPy closed form, minimal polynomial, root
   isolation, identification, refinement).  Baseline: the same call without ``certify``
   (adaptive evalf), measured on the same parameter sets in the same run.
2. Certified m_u, m_v at 30 digits (per time point, median of 3 runs), against the fast
   evaluator at the same precision (baseline, same run).
3. Certified hitting time at 30 digits (bracket + proof of the first crossing).

Only measured numbers are printed.
"""

from __future__ import annotations

import statistics
import sys
import time

import mpmath as mp
import sympy as sp

import symdyn as sd
from symdyn.certify import certify_trajectory

MODEL = sd.model("rank-one-denoising")
LIMIT = 1.0  # seconds, for the 100-digit boundaries


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t0, out


def rel_width(lo, hi):
    with mp.workdps(130):
        return (hi - lo) / max(abs(lo), abs(hi))


def boundaries() -> bool:
    print("1. certified boundaries at 100 digits (each parameter set new to the process)")
    cases = [
        ("threshold", dict(c="1/2")), ("threshold", dict(c="3")), ("threshold", dict(c="7/5")),
        ("threshold", dict(c="11/13", convention="noise-sigma", sigma="9/7")),
        ("critical-ratio", dict(c="1/2", theta="6/5")), ("critical-ratio", dict(c="2", theta="threshold")),
        ("critical-ratio", dict(c="1/3", epsilon="1e-20")),
        ("critical-ratio", dict(c="5/7", theta="3/2", convention="spheres-sqrt")),
    ]
    print(f"   {'quantity':15s} {'parameters':40s} {'certified s':>11s} {'plain s':>9s} {'ratio':>7s} "
          f"{'rel. width':>10s}  result")
    ok = True
    for q, kw in cases:
        p = MODEL.params(**kw)
        t_cert, b = timed(MODEL.boundary, q, p, dps=100, certify=True)
        # baseline: the same quantity without certification, on c (1 + 10^-30) so that it is cold too
        kw2 = dict(kw, c=str(sp.Rational(kw["c"]) * (1 + sp.Rational(1, 10**30))))
        t_plain, _ = timed(MODEL.boundary, q, MODEL.params(**kw2), dps=100)
        lo, hi = next(iter(b.enclosures.values()))
        w = rel_width(lo, hi)
        passed = t_cert < LIMIT and w < mp.mpf(10) ** -100
        ok &= passed
        label = " ".join(f"{k}={v}" for k, v in kw.items())
        print(f"   {q:15s} {label:40s} {t_cert:11.4f} {t_plain:9.4f} {t_cert / t_plain:7.1f} "
              f"{mp.nstr(w, 2):>10s}  {'PASS' if passed else 'FAIL'}")
    print("   (plain: the same call without certification, on c (1 + 10^-30) so that no cache is hit)")
    return ok


def trajectories() -> None:
    print("\n2. certified m_u, m_v at 30 digits, per time point (median of 3 runs)")
    cases = [
        ("above threshold", dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10"), ["1", "5", "20"]),
        ("critical ratio", dict(c="1/2", theta="2", alpha="critical", beta="3/10"), ["40"]),
        ("at threshold", dict(c="1/2", theta="threshold", alpha="3/10", beta="1/2"), ["10"]),
        ("below threshold", dict(c="1/2", theta="3/5", alpha="3/10", beta="1/2"), ["100"]),
        ("near threshold 1e-6", dict(c="1/2", epsilon="1e-6", alpha="1/10", beta="1/10"), ["5"]),
        ("near threshold 1e-20", dict(c="1/2", epsilon="1e-20", alpha="1/10", beta="1/10"), ["5"]),
    ]
    print(f"   {'case':22s} {'t':>5s} {'certified s':>11s} {'evaluator s':>11s} {'ratio':>7s} {'rel. width m_u':>14s}")
    for label, kw, ts in cases:
        p = MODEL.params(**kw)
        for t in ts:
            runs, fast = [], []
            r = None
            reps = 1 if "1e-20" in label else 3
            for _ in range(reps):
                dt, r = timed(certify_trajectory, MODEL, p, [t], dps=30, observables=["m_u", "m_v"])
                runs.append(dt)
                dt2, _ = timed(MODEL.evaluate, p, [t], dps=30, observables=["m_u", "m_v"])
                fast.append(dt2)
            tc, tf = statistics.median(runs), statistics.median(fast)
            print(f"   {label:22s} {t:>5s} {tc:11.3f} {tf:11.3f} {tc / tf:7.1f} "
                  f"{mp.nstr(r['m_u'][0].relative_width(), 2):>14s}")


def hitting() -> None:
    print("\n3. certified hitting time (first t with m_u(t) = level) at 30 digits")
    for kw in (dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10", level="1/2"),
               dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10", level="3/4")):
        p = MODEL.params(**kw)
        t_plain, b0 = timed(MODEL.boundary, "hitting-time", p, dps=30)
        t_cert, b = timed(MODEL.boundary, "hitting-time", p, dps=30, certify=True)
        lo, hi = b.enclosures["time"]
        proved = "first crossing proved" in b.method
        print(f"   level={kw['level']}: t = {mp.nstr(b.value, 20)}  certified {t_cert:.2f} s, uncertified "
              f"{t_plain:.2f} s, rel. width {mp.nstr(rel_width(lo, hi), 2)}, first crossing "
              f"{'proved' if proved else 'assumed'}")


def main() -> int:
    ok = boundaries()
    trajectories()
    hitting()
    print(f"\nboundaries at 100 digits under {LIMIT} s each: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
