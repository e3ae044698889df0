"""Benchmark of the finite-size simulator (issue 3; anchors in docs/spec/numerics.md).

    python benchmarks/bench_simulate.py [--threads N] [--repeat R] [--quick] [--no-ladder]

Measures, in one process, for p x n = 2000 x 4000 and 4000 x 8000 (c = 1/2):

* the simulated flow (Lanczos route, the ``auto`` choice at these sizes) at 50 time
  points in [0, 50], against a full ``numpy.linalg.svd`` of X as the baseline;
* the dense Gram route (eigh of the smaller Gram matrix) for comparison;
* agreement with an independent SVD-based reference (relative, above threshold;
  absolute, below threshold);
* the time per Lanczos step against two streaming passes over X (X @ y and X.T @ x);

then the largest size that runs one trial in a minute, with its memory (each ladder
size runs in a fresh subprocess that reports its own peak RSS).  Timings are medians
of repeated runs.  ``--threads N`` sets OPENBLAS_NUM_THREADS/OMP_NUM_THREADS before
numpy loads (the machine has 2 cores shared with other work; oversubscribed BLAS
threads can be many times slower).  Only measured numbers are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def _parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=None, help="BLAS threads (default: leave the environment alone)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions of each timing (median reported)")
    ap.add_argument("--quick", action="store_true", help="only 2000 x 4000, one repetition of the slow baselines")
    ap.add_argument("--no-ladder", action="store_true", help="skip the largest-size-in-a-minute search")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # ladder worker: run size n
    return ap.parse_args()


ARGS = _parse()
if ARGS.threads is not None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402  (after the thread setting)
import scipy.linalg as sla  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import symdyn as sd  # noqa: E402
from symdyn.models.rank_one_denoising.simulation import draw_instance  # noqa: E402
from symdyn.simulate.chiral import ChiralMatvec, Flow, gram_dynamics, lanczos_dynamics  # noqa: E402

TIMES = np.linspace(0.0, 50.0, 50)
ALPHA, BETA = 0.1, 0.1


def median_time(fn, repeat: int) -> tuple[float, object]:
    out, ts = None, []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts)), out


def svd_reference(X, a0, b0, u, v, times):
    """m_u, m_v from a thin SVD X = U diag(s) V^T: a~ = U(C U^T a0 + sinh V^T b0) + P_perp a0, and likewise b~
    (kernel parts frozen); everything scaled by e^{-t s_max}.  Independent of the Gram and Krylov code."""
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    smax = s[0]
    ua, vb = U.T @ a0, Vt @ b0
    uu, vv = U.T @ u, Vt @ v
    pa, pb = a0 - U @ ua, b0 - Vt.T @ vb
    upa, vpb, npa, npb = u @ pa, v @ pb, pa @ pa, pb @ pb
    mu, mv = [], []
    for t in times:
        g = np.exp(t * (s - smax))
        C = g * (1 + np.exp(-2 * t * s)) / 2
        Sh = g * (-np.expm1(-2 * t * s)) / 2
        A, B = C * ua + Sh * vb, Sh * ua + C * vb
        e = np.exp(-t * smax)
        mu.append((uu @ A + e * upa) / np.sqrt(A @ A + e * e * npa))
        mv.append((vv @ B + e * vpb) / np.sqrt(B @ B + e * e * npb))
    return np.array(mu), np.array(mv), (U, s, Vt)


def overlaps(lt):
    return lt.n_a / np.sqrt(lt.q_a), lt.n_b / np.sqrt(lt.q_b)


def blas_threads() -> str:
    return os.environ.get("OPENBLAS_NUM_THREADS", f"default ({os.cpu_count()} cores)")


def calibration() -> dict[str, float]:
    """The quantities the cost model of method=auto rests on (see simulation.py)."""
    rng = np.random.default_rng(0)
    m = 1000
    X = rng.standard_normal((m, 2 * m)) / np.sqrt(2 * m)
    t_syrk, G = median_time(lambda: X @ X.T, ARGS.repeat)
    t_eigh, _ = median_time(lambda: sla.eigh(G, driver="evd", check_finite=False), ARGS.repeat)
    t_gen, _ = median_time(lambda: rng.standard_normal((m, 2 * m)), ARGS.repeat)
    return {"syrk_flops": m * m * 2 * m / t_syrk, "eigh_coef": t_eigh / m**3, "gen_seconds": t_gen / (2 * m * m)}


def bench_size(p: int, n: int, slow_repeat: int) -> dict[str, float]:
    rng = np.random.default_rng(12345)
    res: dict[str, float] = {"p": p, "n": n}
    t_gen, inst = median_time(lambda: draw_instance(rng, p, n, 1.2, ALPHA, BETA, 1.0), ARGS.repeat)
    res["gen"] = t_gen
    X, a0, b0, u, v = inst.X, inst.a0, inst.b0, inst.u, inst.v
    prop = Flow(TIMES)

    # two streaming passes over X
    y, x = np.ones(n), np.ones(p)
    t_pass, _ = median_time(lambda: (X @ y, X.T @ x), 5 * ARGS.repeat)
    res["two_passes"] = t_pass
    mv, q, w = ChiralMatvec(X), np.ones(p + n), np.empty(p + n)
    res["fused_pass"], _ = median_time(lambda: mv(q, w), 5 * ARGS.repeat)

    # the simulator's Krylov route (above threshold, theta = 1.2)
    t_lan, lt = median_time(lambda: lanczos_dynamics(X, a0, b0, u, v, prop), ARGS.repeat)
    res["lanczos"] = t_lan
    res["steps"] = lt.diagnostics["lanczos_steps"]
    res["per_step"] = t_lan / res["steps"]

    # baseline: full (thin) SVD of X, and the SVD-based reference overlaps
    t_svd, _ = median_time(lambda: np.linalg.svd(X, full_matrices=False), slow_repeat)
    res["svd"] = t_svd
    mu_ref, mv_ref, _ = svd_reference(X, a0, b0, u, v, TIMES)
    mu, mv = overlaps(lt)
    res["rel_err_above"] = float(max(np.max(np.abs(mu - mu_ref) / np.abs(mu_ref)),
                                     np.max(np.abs(mv - mv_ref) / np.abs(mv_ref))))

    # the dense Gram route
    t_gram, lg = median_time(lambda: gram_dynamics(X, a0, b0, u, v, prop), slow_repeat)
    res["gram"] = t_gram
    mu_g, mv_g = overlaps(lg)
    res["gram_rel_err_above"] = float(max(np.max(np.abs(mu_g - mu_ref) / np.abs(mu_ref)),
                                          np.max(np.abs(mv_g - mv_ref) / np.abs(mv_ref))))
    del inst, X

    # below threshold (theta = 0.5): overlaps are O(n^-1/2); absolute errors
    inst = draw_instance(np.random.default_rng(54321), p, n, 0.5, ALPHA, BETA, 1.0)
    t_lb, lb = median_time(lambda: lanczos_dynamics(inst.X, inst.a0, inst.b0, inst.u, inst.v, prop), 1)
    mu_ref, mv_ref, _ = svd_reference(inst.X, inst.a0, inst.b0, inst.u, inst.v, TIMES)
    mu, mv = overlaps(lb)
    res["abs_err_below"] = float(max(np.max(np.abs(mu - mu_ref)), np.max(np.abs(mv - mv_ref))))
    res["steps_below"] = lb.diagnostics["lanczos_steps"]
    res["lanczos_below"] = t_lb
    return res


def _vm_hwm() -> int:
    """Peak resident memory of this process image (VmHWM; unlike ru_maxrss it does not carry the
    parent's resident set over the fork + exec that started this worker)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def one_trial(n: int) -> None:
    """Ladder worker: one full trial (instance + flow at 50 times) through the public API."""
    m = sd.model("rank-one-denoising")
    params = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    sim = m.simulator()
    times = [str(t) for t in range(0, 50)]
    est = sim.memory_estimate(params, n, "auto", times=times)
    t0 = time.perf_counter()
    r = sim.run(params, times, n=n, trials=1, seed=1)
    secs = time.perf_counter() - t0
    rss = _vm_hwm()
    print(json.dumps({"n": n, "p": r.sizes["p"], "seconds": secs, "method": r.method, "estimate": est,
                      "peak_rss": rss, "steps": float(r.extra.get("lanczos_steps", [np.nan])[0])}))


def ladder() -> list[dict]:
    out = []
    import psutil

    for n in (8000, 16000, 24000, 32000, 36000, 40000, 48000):
        p = n // 2
        if 8 * p * n * 1.1 > psutil.virtual_memory().available:
            break
        if out:  # predict from the last size (time scales like p n); skip sizes certain to exceed a minute
            last = out[-1]
            if last["seconds"] * (p * n) / (last["p"] * last["n"]) > 120:
                break
        cmd = [sys.executable, os.path.abspath(__file__), "--one", str(n)]
        if ARGS.threads is not None:
            cmd += ["--threads", str(ARGS.threads)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"  ladder n={n}: failed: {proc.stderr.strip().splitlines()[-1:]}")
            break
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        out.append(row)
        print(f"  {row['p']:>6} x {row['n']:<6} {row['method']:<8} {row['seconds']:8.1f} s  steps {row['steps']:.0f}"
              f"  estimate {row['estimate'] / 1e9:6.2f} GB  peak RSS {row['peak_rss'] / 1e9:6.2f} GB", flush=True)
        if row["seconds"] > 60:
            break
    return out


def main() -> None:
    if ARGS.one is not None:
        one_trial(ARGS.one)
        return
    print(f"symdyn simulate benchmark: numpy {np.__version__}, BLAS threads {blas_threads()}, "
          f"{os.cpu_count()} cores, repeat {ARGS.repeat} (medians)")
    cal = calibration()
    print(f"calibration (1000 x 2000): X X^T {cal['syrk_flops'] / 1e9:.1f} Gflop/s, eigh {cal['eigh_coef']:.2e} s/m^3, "
          f"normal draws {cal['gen_seconds'] * 1e9:.1f} ns/entry")
    sizes = [(2000, 4000)] if ARGS.quick else [(2000, 4000), (4000, 8000)]
    rows = []
    for p, n in sizes:
        slow_repeat = 1 if (ARGS.quick or p >= 4000) else ARGS.repeat
        rows.append(bench_size(p, n, slow_repeat))
    hdr = (f"{'p x n':>12} {'gen s':>7} {'SVD s':>8} {'Gram s':>8} {'Lanczos s':>10} {'steps':>6} {'vs SVD':>7} "
           f"{'step ms':>8} {'2 passes ms':>12} {'fused ms':>9} {'step/2pass':>10} {'rel err >':>10} {'abs err <':>10}")
    print("\nflow at 50 times in [0, 50], c = 1/2, theta = 1.2 (above) and 0.5 (below), alpha = beta = 0.1")
    print(hdr)
    for r in rows:
        print(f"{r['p']:>5} x {r['n']:<5} {r['gen']:7.2f} {r['svd']:8.2f} {r['gram']:8.2f} {r['lanczos']:10.3f} "
              f"{r['steps']:6.0f} {r['svd'] / r['lanczos']:6.1f}x {1e3 * r['per_step']:8.2f} "
              f"{1e3 * r['two_passes']:12.2f} {1e3 * r['fused_pass']:9.2f} {r['per_step'] / r['two_passes']:10.2f} "
              f"{r['rel_err_above']:10.1e} "
              f"{r['abs_err_below']:10.1e}")
    for r in rows:
        print(f"  {r['p']} x {r['n']}: Gram route rel err {r['gram_rel_err_above']:.1e}; below threshold Lanczos "
              f"{r['steps_below']:.0f} steps in {r['lanczos_below']:.3f} s")
    if not ARGS.no_ladder:
        print("\nlargest size in a minute (one trial through sim.run: instance + flow at 50 times, c = 1/2):")
        lad = ladder()
        fit = [r for r in lad if r["seconds"] <= 60]
        if fit:
            best = fit[-1]
            print(f"largest within 60 s: {best['p']} x {best['n']} in {best['seconds']:.1f} s, "
                  f"peak RSS {best['peak_rss'] / 1e9:.2f} GB (estimate {best['estimate'] / 1e9:.2f} GB)")


if __name__ == "__main__":
    main()
