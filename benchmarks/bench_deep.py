"""Benchmark: the deep-factorization closed forms, exact step counts and full-matrix GD, measured in one run.

    python benchmarks/bench_deep.py [--quick]

1. A 40-digit time-to-reach (N = 3, alpha = 1e-30, s = 1, level 1/2) and a 40-digit interval length across a
   1e-25 gap (sigma = (1, 1 - 1e-25), N = 3, alpha = 1e-30, eps = 1/10) against ``mpmath.quad`` of
   ``1/(N lambda^(2-2/N)(s - lambda))`` at the same precision (baseline, same run).  Accuracy of both against
   a 60-digit reference from the split quadrature route (``flow_time_quad``), and float64's answer.
2. Exact T0(1)/T1(1) step counts at N = 4, alpha = 1e-2, eta = 1e-3, sigma = (2, 1) (millions of steps):
   the proved counts (``hitting_steps``) against the plain Python recursion in mpmath (30 digits) and the
   plain float64 loop (unproved), same run.
3. Full-matrix GD steps per second at d = 200, N = 4 against the plain loop that recomputes every layer's
   prefix and suffix products at each step (same run, same steps).

Only measured numbers are printed.  ``--quick`` shortens part 2 (eta = 1e-2: about 10^5 steps).
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import mpmath as mp  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from symdyn.models.deep_factorization import closed_forms as cf  # noqa: E402
from symdyn.models.deep_factorization import interval as iv  # noqa: E402
from symdyn.models.deep_factorization import simulation as sim  # noqa: E402
from symdyn.models.deep_factorization import steps as st  # noqa: E402

Q = sp.Rational


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t0, out


def digits(a, ref) -> float:
    with mp.workdps(80):
        err = abs(mp.mpf(a) - ref)
        return float("inf") if err == 0 else float(-mp.log10(err / abs(ref)))


def plain_quad(l0, l1, s, N, dps):
    """The baseline: mpmath.quad of the integrand on [l0, l1] at dps digits."""
    with mp.workdps(dps):
        p = 2 - mp.mpf(2) / N
        sm = mp.mpf(s)
        return mp.quad(lambda v: 1 / (N * v**p * (sm - v)), [mp.mpf(l0), mp.mpf(l1)])


def T_float(l0: float, level: float, s: float, N: int) -> float:
    """The same closed form in float64 (scipy's hyp2f1): what a numpy script would compute."""
    from scipy.special import hyp2f1

    def F(v):
        b = 2.0 / N
        return -v ** (-(N - 2) / N) / (N - 2) + v**b / 2 * hyp2f1(1.0, b, 1.0 + b, v)

    p = 2 - 2.0 / N
    return s ** (-p) * (F(level) - F(l0 / s))


def part1() -> None:
    print("1. 40-digit closed forms against mpmath.quad (same precision)")
    N, a = 3, Q(1, 10**30)
    l0 = a**N
    t_ours, T = timed(cf.time_to_reach, 1, Q(1, 2), N, alpha=a, dps=40)
    t_quad, Tq = timed(plain_quad, l0, Q(1, 2), 1, N, 40)
    with mp.workdps(80):
        ref = cf.flow_time_quad(l0, Q(1, 2), 1, N, dps=60)
    print(f"   time-to-reach N=3 alpha=1e-30: closed form {t_ours * 1e3:8.2f} ms   mpmath.quad {t_quad * 1e3:8.2f} ms"
          f"   ratio {t_quad / t_ours:7.1f}")
    print(f"      value {mp.nstr(T.value, 40)}  O(1) part {mp.nstr(T.regular, 25)}")
    print(f"      correct digits vs 60-digit split quadrature: closed form {digits(T.value, ref):.1f}, "
          f"mpmath.quad {digits(Tq, ref):.1f}; float64 closed form minus 1e30: "
          f"{T_float(1e-90, 0.5, 1.0, 3) - 1e30!r} (exact O(1) part {mp.nstr(T.regular, 10)})")
    st_ = iv.setting([1, 1 - Q(1, 10**25)], N, alpha=a)
    t_ours, L = timed(iv.interval_length, st_, 1, dps=40)

    def quad_length():
        t1 = plain_quad(l0, Q(1, 10) * (1 - Q(1, 10**25)), 1 - Q(1, 10**25), N, 40)
        t0 = plain_quad(l0, Q(9, 10), 1, N, 40)
        with mp.workdps(40):
            return t1 - t0

    t_quad, Lq = timed(quad_length)
    with mp.workdps(100):
        r1 = cf.flow_time_quad(l0, Q(1, 10) * (1 - Q(1, 10**25)), 1 - Q(1, 10**25), N, dps=90)
        r0 = cf.flow_time_quad(l0, Q(9, 10), 1, N, dps=90)
        refL = r1 - r0
    s1 = 1 - 1e-25
    f64 = T_float(1e-90, 0.1, s1, 3) - T_float(1e-90, 0.9, 1.0, 3)
    print(f"   interval length, gap 1e-25:    closed form {t_ours * 1e3:8.2f} ms   mpmath.quad {t_quad * 1e3:8.2f} ms"
          f"   ratio {t_quad / t_ours:7.1f}")
    print(f"      value {mp.nstr(L.value, 40)} (working precision {L.working_dps} digits)")
    print(f"      correct digits vs 90-digit split quadrature: closed form {digits(L.value, refL):.1f}, "
          f"mpmath.quad at 40 digits {digits(Lq, refL):.1f}; float64 gives {f64!r}")


def part2(quick: bool) -> None:
    eta = Q(1, 100) if quick else Q(1, 1000)
    print(f"\n2. exact T0(1)/T1(1) step counts, N=4, alpha=1e-2, eta={eta}, sigma=(2, 1)")
    a = Q(1, 100)
    jobs = [(2, Q(9, 10)), (1, Q(1, 10))]
    t_ours, ours = timed(lambda: [st.hitting_steps(s, [lv], 4, eta, alpha=a) for s, lv in jobs])
    total = sum(h.steps[0] for h in ours)
    print(f"   proved counts {[h.steps[0] for h in ours]} ({total} steps in all; {ours[0].precision}, final log-error "
          f"bounds {[f'{h.error_bound:.1e}' for h in ours]})")

    def float_loop():
        out = []
        for s, lv in jobs:
            w, n, thr = 0.01, 0, float(lv) * s
            e, sf = float(eta), float(s)
            while w**4 < thr:
                w2 = w * w
                w = w + e * w * w2 * (sf - w2 * w2)
                n += 1
            out.append(n)
        return out

    t_plain, plain = timed(lambda: [st.hitting_steps_plain(s, [lv], 4, eta, alpha=a, dps=30)[0] for s, lv in jobs])
    t_float, fl = timed(float_loop)
    print(f"   proved (float64/mpfr + error bound) {t_ours:7.2f} s")
    print(f"   plain Python recursion, mpmath 30 digits {t_plain:7.2f} s   counts {plain}   ratio {t_plain / t_ours:6.1f}")
    print(f"   plain Python float64 loop (no proof) {t_float:7.2f} s   counts {fl}   ratio {t_float / t_ours:6.2f}")
    print(f"   agreement: proved == mpmath plain: {[h.steps[0] for h in ours] == list(plain)}")


def part3() -> None:
    d, N, n = 200, 4, 30
    print(f"\n3. full-matrix GD, d={d}, N={N}, {n} steps")
    rng = np.random.default_rng(0)
    target = np.diag(np.r_[np.linspace(2, 1, 5), np.zeros(d - 5)])
    G = rng.standard_normal((d, d))
    target = target + 0.01 * (G + G.T) / 2
    est = sim.estimate(d, N, n, 2)
    t_fast, fast = timed(sim.run_gd, target, target, N, 0.3, 0.01, n, [0, n])
    t_plain, plain = timed(sim.run_gd_plain, target, target, N, 0.3, 0.01, n, [0, n])
    same = float(np.max(np.abs(fast.eigenvalues - plain.eigenvalues)))
    print(f"   prefix products + backward sweep ({3 * N - 3} products/step): {n / t_fast:7.1f} steps/s "
          f"(estimate before the run: {est.describe()})")
    print(f"   plain loop (prefix/suffix recomputed per layer): {n / t_plain:7.1f} steps/s   ratio {t_plain / t_fast:5.2f}")
    print(f"   max eigenvalue difference between the two: {same:.1e}")


def main() -> int:
    quick = "--quick" in sys.argv
    part1()
    part2(quick)
    part3()
    return 0


if __name__ == "__main__":
    sys.exit(main())
