"""False alarms of the mean test inside the BBP window (issue 12, section 4), measured.

    python benchmarks/bbp_false_alarms.py [--roots 200] [--n 500] [--trials 10,20] [--model both]

For each spectral model at its threshold (spiked-wigner ``theta=threshold alpha=1/2``, rank-one
``c=1/2 theta=threshold alpha=beta=1/2``) and times ``t = 1, 3, 8, 20``, the true theory is
checked against the simulation at ``--roots`` root seeds ``0, 1, ...``.  One simulation of
``max(trials)`` trials per root serves every trial count: trial ``i`` of root ``r`` is
``SeedSequence(r).spawn(T)[i]`` for every ``T > i``, so the first ``T`` trials *are* the
``T``-seed check at root ``r`` (the script verifies this against ``symdyn.check.check`` at the
first roots).  The theory is evaluated once.  Printed, per model, size, trial count and test:

* the family-wise rejection rate (Holm at level 0.05 over all rows; Wilson 95% interval);
* the per-row rejection rate at the per-row level 0.05 / rows (what Holm spends first);
* the uniformity of each row's p-values over the roots (Kolmogorov-Smirnov against U(0, 1);
  the smallest KS p-value over the rows, Bonferroni-corrected), and the pooled p-values'
  fraction below 0.01;
* the bias of the pooled mean over all ``roots x trials`` trials (z against its standard error).

The test is the checker's own ``MeanTest`` (two-sided Student t per row, Holm over the rows).
Only measured numbers are printed.  Measured (2 shared cores): n = 500, 400 roots x 20 trials, about
7 minutes for both models; n = 1000 about 20 minutes; n = 2000 (spiked-wigner, 200 x 10) about 11 minutes.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import symdyn as sd  # noqa: E402
import importlib  # noqa: E402

chk = importlib.import_module("symdyn.check")  # the package (symdyn.check is also the function)
from symdyn.check import predictions_from_trajectory  # noqa: E402
wilson = chk.wilson

TIMES = ["1", "3", "8", "20"]
LEVEL = 0.05
CASES = {
    "spiked-wigner": dict(theta="threshold", alpha="1/2"),
    "rank-one-denoising": dict(c="1/2", theta="threshold", alpha="1/2", beta="1/2"),
}


def strategies() -> dict[str, chk.Comparison]:
    return {"student-t": chk.MeanTest(LEVEL)}


def simulate(model, params, n: int, roots: int, trials: int) -> tuple[dict[str, np.ndarray], float]:
    """values[obs] of shape (roots, trials, times): root r's simulation at seeds SeedSequence(r)."""
    sim = model.simulator()
    t0 = time.perf_counter()
    values: dict[str, list[np.ndarray]] = {}
    for r in range(roots):
        res = sim.run(params, TIMES, n=n, trials=trials, seed=r)
        for o, v in res.values.items():
            values.setdefault(o, []).append(np.asarray(v, dtype=float))
    return {o: np.stack(v) for o, v in values.items()}, time.perf_counter() - t0


def rows_of(strategy, preds, values: dict[str, np.ndarray], r: int, T: int, seed: int):
    rows = []
    for o in preds.observables:
        rows += strategy.rows(o, preds.times, preds.values[o], values[o][r, :T], errors=preds.errors.get(o))
    return strategy.decide(rows)


def verify_against_check(model, params, n: int, preds, values, T: int) -> None:
    """The sliced rows must be the checker's own rows at the first roots (same seeds, same numbers)."""
    for r in range(2):
        res = chk.check(model, params, size=n, seeds=T, times=TIMES, seed=r, level=LEVEL)
        if res.sign is not None:
            raise SystemExit(f"root {r}: the check found a sign risk; this study assumes plain mean rows")
        mine = rows_of(chk.MeanTest(LEVEL), preds, values, r, T, r)
        ref = [(x.observable, x.p) for x in res.rows]
        got = [(x.observable, x.p) for x in mine]
        if not all(a[0] == b[0] and math.isclose(a[1], b[1], rel_tol=1e-12, abs_tol=1e-300)
                   for a, b in zip(ref, got)):
            raise SystemExit(f"root {r}: sliced rows differ from symdyn.check.check: {ref} vs {got}")


def study(name: str, n: int, roots: int, trial_counts: list[int]) -> None:
    model = sd.model(name)
    params = model.params(**CASES[name])
    Tmax = max(trial_counts)
    values, secs = simulate(model, params, n, roots, Tmax)
    preds = predictions_from_trajectory(model.evaluate(params, TIMES, dps=30, observables=list(values)))
    verify_against_check(model, params, n, preds, values, min(trial_counts))
    label = " ".join(f"{k}={v}" for k, v in CASES[name].items())
    print(f"\n{name} {label}, n = {n}, t = {','.join(TIMES)}: {roots} roots x {Tmax} trials simulated in "
          f"{secs:.0f} s")
    pooled = []
    for o in preds.observables:
        v = values[o].reshape(-1, len(TIMES))
        for j, t in enumerate(TIMES):
            th = float(preds.values[o][j])
            d = v[:, j] - th
            z = d.mean() / (d.std(ddof=1) / math.sqrt(d.size))
            sk = float(stats.skew(values[o][:, :, j].ravel()))
            pooled.append(f"{o}@{t}: bias {d.mean():+.2e} (z {z:+.2f}, sd {d.std(ddof=1):.2e}, skew {sk:+.2f})")
    print("  pooled mean over all trials minus theory:\n    " + "\n    ".join(pooled))
    print(f"  {'trials':>6s} {'test':12s} {'family rate':>11s} {'95% Wilson':>15s} {'row rate':>9s} "
          f"{'KS min p (Bonf.)':>16s} {'worst row':>12s} {'P(p<0.01)':>9s}")
    for T in trial_counts:
        for tname, strat in strategies().items():
            fam, ps, keys = 0, [], None
            for r in range(roots):
                rows = rows_of(strat, preds, values, r, T, r)
                tested = [x for x in rows if x.tested]
                fam += any(x.rejected for x in tested)
                ps.append([x.p for x in tested])
                keys = [f"{x.observable}@{x.t}" for x in tested]
            P = np.array(ps)
            m = P.shape[1]
            ks = [stats.kstest(P[:, k], "uniform").pvalue for k in range(m)]
            worst = int(np.argmin(ks))
            lo, hi = wilson(fam, roots)
            print(f"  {T:6d} {tname:12s} {fam / roots:11.3f} [{lo:.3f}, {hi:.3f}] "
                  f"{np.mean(P <= LEVEL / m):9.4f} {min(1.0, m * ks[worst]):16.3g} {keys[worst]:>12s} "
                  f"{np.mean(P < 0.01):9.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--roots", type=int, default=200)
    ap.add_argument("--n", type=str, default="500", help="sizes, comma-separated")
    ap.add_argument("--trials", type=str, default="10,20")
    ap.add_argument("--model", choices=["both", *CASES], default="both")
    a = ap.parse_args()
    counts = sorted({int(x) for x in a.trials.split(",")})
    names = list(CASES) if a.model == "both" else [a.model]
    t0 = time.perf_counter()
    for n in (int(x) for x in a.n.split(",")):
        for name in names:
            study(name, n, a.roots, counts)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
