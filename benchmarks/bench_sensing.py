"""Benchmark of the matrix-sensing kernels (issue 10), ratios against baselines measured in the same run.

    python benchmarks/bench_sensing.py [--threads N] [--repeat R] [--quick]

1. Learning times of all components at 40 digits, alpha = 1e-30, sigma = 3,2,1, d = 30, r = 5:
   ``learning_time`` (scaled r x r pencil, automatic precision, bracketed root, two precisions,
   caches cleared before every repetition) against ``mpmath.findroot`` (secant from the alpha -> 0
   formula) on the textbook closed form built from the d x r matrices with ``mpmath.matrix``,
   Cholesky of K and ``mp.eigsy``, at a fixed generous precision of 260 digits.  The two answers
   must agree to 1e-35.
2. GD throughput (steps per second) at d = 60, r = 5 (full observation) and d = 30, m = 2500
   (sensing), against the plain loop that forms ``A*A(UU^T - X*)`` measurement by measurement
   (full observation: ``(UU^T - X*) U`` with d x d products) and takes a full ``eigh`` of ``UU^T``
   every step.  A vectorized ``tensordot`` sensing loop is timed too, for context.

Timings are medians of repeated runs; only measured numbers are printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions of each timing (median reported)")
    ap.add_argument("--quick", action="store_true", help="one repetition, fewer baseline steps")
    return ap.parse_args()


ARGS = _parse()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import mpmath as mp  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from symdyn.models.matrix_sensing import instance, learning, riccati  # noqa: E402
from symdyn.models.matrix_sensing.measurements import draw_operator  # noqa: E402
from symdyn.models.matrix_sensing.setting import Setting  # noqa: E402
from symdyn.models.matrix_sensing.dynamics import gd_run  # noqa: E402


def median_time(fn, repeat: int):
    ts, out = [], None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts)), out


def _clear_caches() -> None:
    riccati.kernel.cache_clear()
    instance.clear_caches()


def ours_learning_times(s: Setting):
    _clear_caches()
    return [learning.learning_time(s, k, dps=40) for k in (1, 2, 3)]


def baseline_learning_times(s: Setting, dps: int = 260):
    """findroot on the textbook closed form (mp.matrix, Cholesky, eigsy) at fixed precision."""
    u = instance.draw_ubar(s.d, s.r, s.init_seed)
    out = []
    with mp.workdps(dps):
        alpha = mp.mpf(10) ** -30
        U0 = mp.matrix([[alpha * mp.mpf(float(x)) for x in row] for row in u])
        sig = [mp.mpf(3), mp.mpf(2), mp.mpf(1)] + [mp.mpf(0)] * (s.d - 3)

        def lam(t, k):
            E = mp.diag([mp.exp(x * t) for x in sig])
            Phi = mp.diag([mp.expm1(2 * x * t) / x if x != 0 else 2 * t for x in sig])
            Y = E * U0
            K = mp.eye(s.r) + U0.T * Phi * U0
            L = mp.cholesky(K)
            Li = mp.inverse(L)
            ev = sorted(mp.eigsy(Li * (Y.T * Y) * Li.T, eigvals_only=True), reverse=True)
            return ev[k - 1]

        exact = instance.init_constants(s.d, s.r, 3, s.init_seed).exact
        for k in (1, 2, 3):
            c = mp.mpf(int(exact[k - 1].p)) / int(exact[k - 1].q)
            t0 = mp.log(sig[k - 1] / (alpha ** 2 * c)) / (2 * sig[k - 1])
            out.append(mp.findroot(lambda t, k=k: lam(t, k) - sig[k - 1] / 2, t0, tol=mp.mpf(10) ** -(dps - 20)))
    return out


def plain_full(s: Setting, mu: float, steps: int) -> float:
    U = float(s.alpha) * np.array(instance.draw_ubar(s.d, s.r, s.init_seed))
    X = np.diag([3.0, 2.0, 1.0] + [0.0] * (s.d - 3))
    t0 = time.perf_counter()
    for _ in range(steps):
        P = U @ U.T
        np.linalg.eigh(P)
        U = U - mu * (P - X) @ U
    return steps / (time.perf_counter() - t0)


def plain_sensing(s: Setting, mu: float, A: np.ndarray, steps: int, vectorized: bool) -> float:
    U = float(s.alpha) * np.array(instance.draw_ubar(s.d, s.r, s.init_seed))
    X = np.diag([3.0, 2.0, 1.0] + [0.0] * (s.d - 3))
    m = A.shape[0]
    t0 = time.perf_counter()
    for _ in range(steps):
        P = U @ U.T
        np.linalg.eigh(P)
        R = P - X
        if vectorized:
            G = np.tensordot(np.tensordot(A, R, axes=([1, 2], [0, 1])), A, axes=(0, 0)) / m
        else:
            G = np.zeros_like(R)
            for i in range(m):
                G += np.sum(A[i] * R) * A[i]
            G /= m
        U = U - mu * G @ U
    return steps / (time.perf_counter() - t0)


def main() -> int:
    rep = 1 if ARGS.quick else ARGS.repeat
    print(f"BLAS threads: {ARGS.threads}; repetitions: {rep} (median)")
    print()
    print("1. learning times at 40 digits, alpha = 1e-30, sigma = 3,2,1, d = 30, r = 5")
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")
    t_ours, ours = median_time(lambda: ours_learning_times(s), rep)
    t_base, base = median_time(lambda: baseline_learning_times(s), 1)
    worst = max(abs(a.value - b) for a, b in zip(ours, base))
    for lt in ours:
        print(f"   t_{lt.k} = {mp.nstr(lt.value, 40)}  (error estimate {mp.nstr(lt.error, 2)}, "
              f"working {lt.working_dps} digits, {lt.evaluations} evaluations)")
    print(f"   symdyn learning_time (3 components): {t_ours * 1e3:8.1f} ms")
    print(f"   findroot + mp.matrix/eigsy at 260 digits: {t_base * 1e3:8.1f} ms")
    print(f"   ratio {t_base / t_ours:6.1f}x; max |difference| {mp.nstr(worst, 3)} "
          f"({'agree' if worst < mp.mpf(10) ** -35 else 'DISAGREE'} to 1e-35)")
    print()
    print("2. GD throughput (steps per second)")
    mu = 0.01
    eta = sp.Rational(1, 100)
    sf = Setting.of(sigma="3,2,1", d=60, r=5, alpha="1e-8")
    n_ours = 2000 if ARGS.quick else 5000
    t, _ = median_time(lambda: gd_run(sf, eta, [0, n_ours]), rep)
    ours_full = n_ours / t
    base_full = float(np.median([plain_full(sf, mu, 500 if ARGS.quick else 2000) for _ in range(rep)]))
    print(f"   full observation d = 60, r = 5: symdyn {ours_full:10.0f}   plain loop {base_full:10.0f}   "
          f"ratio {ours_full / base_full:6.1f}x")
    ss = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-8")
    rng = np.random.default_rng(0)
    op = draw_operator(30, 2500, rng)
    G = np.random.default_rng(0).standard_normal((2500, 30, 30))
    A = (G + np.swapaxes(G, 1, 2)) / 2
    n_ours_s = 1000 if ARGS.quick else 3000
    t, _ = median_time(lambda: gd_run(ss, eta, [0, n_ours_s], operator=op), rep)
    ours_s = n_ours_s / t
    base_loop = float(np.median([plain_sensing(ss, mu, A, 20 if ARGS.quick else 50, False) for _ in range(rep)]))
    base_vec = float(np.median([plain_sensing(ss, mu, A, 100 if ARGS.quick else 300, True) for _ in range(rep)]))
    print(f"   sensing d = 30, m = 2500:       symdyn {ours_s:10.0f}   plain loop {base_loop:10.0f}   "
          f"ratio {ours_s / base_loop:6.1f}x (target >= 10x)")
    print(f"   (vectorized tensordot loop {base_vec:8.0f} steps/s: ratio {ours_s / base_vec:5.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
