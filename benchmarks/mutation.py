"""Mutation testing of the core: do the fast tests fail when a formula is broken on purpose?

    python benchmarks/mutation.py [--only TEXT] [--rev REV] [--list] [--timeout S] [--json FILE]

Each entry of ``MUTANTS`` is one deliberate mistake in one core module (an operator swap, a
changed constant, a flipped sign, a dropped term, a comparison made strict) together with the
fast test files that protect that module.  For every mutant, one at a time, the script copies
the package and the tests into a temporary directory, applies the change there (the working
tree is never touched), runs ``python -m pytest -x -m "not slow"`` on the listed test files and
records the mutant as

* ``killed``   -- some test failed (what we want),
* ``survived`` -- every test passed: a wrong formula that the suite does not see,
* ``timeout``  -- the tests did not finish in ``--timeout`` seconds (counted as killed).

Before the mutants, every distinct selection of test files runs once on the unmutated copy; a
selection that fails there makes its mutants ``invalid`` (a failing test kills everything and
proves nothing), and they are left out of the score.

``--rev REV`` takes the package *and* the tests of another commit (``git archive``), e.g. to
measure the score before a set of new tests; a mutant whose text does not occur there is ``n/a``,
a test file that does not exist there is skipped (a mutant with no test file left survives).  In
the working tree, a mutant whose original text is not found exactly once is an error of this list
(the code moved on): the script stops and says which.

The score is killed / (killed + survived).  The last measured score is in CONTRIBUTING.md.  About
15-20 minutes on one core (the machine's 2 cores are shared: this runs one test process at a time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    label: str
    module: str          # path under the repository root
    old: str             # text that occurs exactly once in the module
    new: str
    tests: tuple[str, ...]


def M(label: str, module: str, old: str, new: str, *tests: str) -> Mutant:
    return Mutant(label, "symdyn/" + module, old, new, tuple("tests/" + t for t in tests))


MUTANTS: tuple[Mutant, ...] = (
    # ---------------------------------------------------------------- number parsing, precision
    M("parser: exponent limit exclusive", "params.py",
      "abs(int(exponent)) > MAX_EXPONENT", "abs(int(exponent)) >= MAX_EXPONENT", "test_params.py"),
    M("parser: exponent limit one-sided", "params.py",
      "abs(int(exponent)) > MAX_EXPONENT", "int(exponent) > MAX_EXPONENT", "test_params.py"),
    M("parser: division by zero not refused", "params.py",
      "if denominator == 0:", "if False:", "test_params.py"),
    M("dps: lower bound exclusive", "params.py",
      "if not MIN_DPS <= dps <= MAX_DPS:", "if not MIN_DPS < dps <= MAX_DPS:", "test_params.py"),
    M("directed rounding: floor/ceil swapped", "exact.py",
      'digits = math.floor(q)\n    elif mode == "up":\n        digits = math.ceil(q)',
      'digits = math.ceil(q)\n    elif mode == "up":\n        digits = math.floor(q)', "test_exact.py", "test_outward_rounding.py"),
    M("decimal strings: one digit short", "exact.py",
      "return mp.libmp.to_str(x._mpf_, int(dps), strip_zeros=False)",
      "return mp.libmp.to_str(x._mpf_, int(dps) - 1, strip_zeros=False)", "test_exact.py"),
    # ---------------------------------------------------------------- certified endpoints
    M("enclosure text: lower end rounded up", "exact.py",
      'lo, hi = _round_decimal(a, dps, "down"), _round_decimal(b, dps, "up")',
      'lo, hi = _round_decimal(a, dps, "up"), _round_decimal(b, dps, "up")', "test_outward_rounding.py",
      "test_certify_cli.py"),
    M("enclosure text: upper end rounded down", "exact.py",
      'lo, hi = _round_decimal(a, dps, "down"), _round_decimal(b, dps, "up")',
      'lo, hi = _round_decimal(a, dps, "down"), _round_decimal(b, dps, "down")', "test_outward_rounding.py",
      "test_certify_cli.py"),
    # ---------------------------------------------------------------- statistics
    M("student p: one-sided", "check/_stats.py",
      "return 2.0 * stats.t.sf(np.abs(z), dof)", "return stats.t.sf(np.abs(z), dof)", "test_check_statistics.py"),
    M("holm: Bonferroni multiplier", "check/_stats.py",
      "stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])", "stepped = np.minimum(1.0, m * p[order])",
      "test_check_statistics.py"),
    M("holm: not monotone", "check/_stats.py",
      "stepped = np.maximum.accumulate(stepped)", "stepped = stepped", "test_check_statistics.py"),
    M("power law: normal quantile", "check/_stats.py",
      "q = float(stats.t.ppf(0.5 + confidence / 2, dof))", "q = float(stats.norm.ppf(0.5 + confidence / 2))",
      "test_check_statistics.py"),
    M("power law: Birge ratio only above one", "check/_stats.py",
      "        se *= birge\n", "        se *= max(1.0, birge)\n", "test_check_statistics.py"),
    M("skewness: wrong normalisation", "check/_stats.py",
      "return float(np.mean(d**3) / m2**1.5)", "return float(np.mean(d**3) / m2**2)", "test_check_statistics.py"),
    M("wilson: centre", "check/_stats.py",
      "centre = (ph + z * z / (2 * n)) / den", "centre = (ph + z * z / n) / den", "test_check_statistics.py",
      "test_check_finite_size.py"),
    M("mean test: ddof 0", "check/_rows.py",
      'se = float(vals.std(ddof=1) / math.sqrt(T)) if T > 1 else float("nan")',
      'se = float(vals.std(ddof=0) / math.sqrt(T)) if T > 1 else float("nan")', "test_check_statistics.py"),
    M("mean test: theory error ignored", "check/_rows.py",
      "se_eff = math.sqrt(se * se + pred_err * pred_err + (resolution * max(1.0, abs(mean))) ** 2)",
      "se_eff = math.sqrt(se * se + (resolution * max(1.0, abs(mean))) ** 2)", "test_check_statistics.py"),
    M("mean test: dof T", "check/_rows.py",
      "rows.append(Row(**base, mean=mean, stderr=se, z=z, p=float(student_p(z, T - 1)), skewness=_skewness(col)))",
      "rows.append(Row(**base, mean=mean, stderr=se, z=z, p=float(student_p(z, T)), skewness=_skewness(col)))",
      "test_check_statistics.py"),
    M("holm decision: half the level", "check/_rows.py",
      "rejected=bool(adj[k] <= level)", "rejected=bool(adj[k] <= level / 2)", "test_check_statistics.py"),
    M("sign risk: min instead of max p", "check/_rows.py",
      "p=max(p_raw, p_cor),", "p=min(p_raw, p_cor),", "test_check_statistics.py"),
    M("tolerance: twice as wide", "check/_comparison.py",
      "bad = dev > tol", "bad = dev > 2 * tol", "test_check_instance_toy.py", "test_doctests.py::test_doctests[symdyn.check._comparison]"),
    M("convergence: bias bound one-sided the wrong way", "check/_convergence.py",
      "bias_upper = math.sqrt(max(0.0, b2 + 1.6448536269514722 * math.sqrt(var_b2)))",
      "bias_upper = math.sqrt(max(0.0, b2 - 1.6448536269514722 * math.sqrt(var_b2)))", "test_check_statistics.py"),
    # ---------------------------------------------------------------- the adaptive evaluator
    M("adaptive: same level twice", "numeric/adaptive.py",
      "                level2 = kernel.refine(level)", "                level2 = level", "test_adaptive.py"),
    M("adaptive: same precision twice", "numeric/adaptive.py",
      "p2 = p1 + SECOND_GUARD\n            if fixed", "p2 = p1\n            if fixed", "test_adaptive.py"),
    M("adaptive: estimate ten times optimistic", "numeric/adaptive.py",
      "errs[n] = abs(v2[n] - v1[n])", "errs[n] = abs(v2[n] - v1[n]) / 10", "test_adaptive.py"),
    M("adaptive: accepts five digits short", "numeric/adaptive.py",
      "if not errs[n] <= scale * mp.mpf(10) ** (-target):", "if not errs[n] <= scale * mp.mpf(10) ** (5 - target):",
      "test_adaptive.py"),
    # ---------------------------------------------------------------- spectral closed forms
    M("spikes: threshold exponent", "models/rank_one_denoising/spectral.py",
      "return c ** sp.Rational(1, 4)", "return c ** sp.Rational(1, 2)", "test_spikes_known.py"),
    M("spikes: outlier over theta^2", "models/rank_one_denoising/spectral.py",
      "return sp.sqrt((1 + theta**2) * (c + theta**2)) / theta\n", "return sp.sqrt((1 + theta**2) * (c + theta**2)) / theta**2\n",
      "test_spikes_known.py"),
    M("spikes: zeta_u with zeta_v's denominator", "models/rank_one_denoising/spectral.py",
      "return (theta**4 - c) / (theta**2 * (theta**2 + c))", "return (theta**4 - c) / (theta**2 * (theta**2 + 1))",
      "test_spikes_known.py"),
    M("spikes: amplitude sign", "models/rank_one_denoising/spectral.py",
      "return alpha * sp.sqrt(zeta_u()) + kappa * beta * sp.sqrt(zeta_v())",
      "return alpha * sp.sqrt(zeta_u()) - kappa * beta * sp.sqrt(zeta_v())", "test_spikes_known.py", "test_limits.py"),
    # ---------------------------------------------------------------- rank-one conventions and scales
    M("rank-one: threshold word multiplied by the theta scale", "models/rank_one_denoising/canonical.py",
      'values["theta"] = spikes.threshold().subs(C_, values["c"]) * (1 + eps) / scale',
      'values["theta"] = spikes.threshold().subs(C_, values["c"]) * (1 + eps) * scale', "test_conventions.py"),
    M("rank-one: canonical theta divided by the scale", "models/rank_one_denoising/canonical.py",
      '"theta": None if theta is None else sp.powsimp(theta * theta_scale),',
      '"theta": None if theta is None else sp.powsimp(theta / theta_scale),', "test_conventions.py"),
    M("rank-one: time_scale divides", "models/rank_one_denoising/canonical.py",
      'return conv.theta_scale(c, values["sigma"]), x_scale * values["time_scale"], x_scale',
      'return conv.theta_scale(c, values["sigma"]), x_scale / values["time_scale"], x_scale', "test_conventions.py"),
    M("conventions: balanced time exponent", "models/rank_one_denoising/conventions.py",
      "lambda c, s: c ** sp.Rational(1, 4), lambda c, s: c ** sp.Rational(-1, 4)),",
      "lambda c, s: c ** sp.Rational(1, 4), lambda c, s: c ** sp.Rational(1, 4)),", "test_conventions.py"),
    M("conventions: bgn theta above c = 1", "models/rank_one_denoising/conventions.py",
      "return sp.Integer(1) if c <= 1 else sp.sqrt(c)", "return sp.Integer(1) if c <= 1 else 1 / sp.sqrt(c)",
      "test_conventions.py"),
    M("conventions: signal-over-n theta scale", "models/rank_one_denoising/conventions.py",
      "lambda/n): theta = sqrt(c) theta'\", lambda c, s: sp.sqrt(c), lambda c, s: 1),",
      "lambda/n): theta = sqrt(c) theta'\", lambda c, s: 1 / sp.sqrt(c), lambda c, s: 1),", "test_conventions.py"),
    M("rank-one boundary: threshold times the scale", "models/rank_one_denoising/boundaries.py",
      'return {"theta_c": sp.radsimp(c ** sp.Rational(1, 4) / can.theta_scale)}, None, ""',
      'return {"theta_c": sp.radsimp(c ** sp.Rational(1, 4) * can.theta_scale)}, None, ""', "test_conventions.py",
      "test_known_results.py"),
    M("rank-one boundary: relaxation time times the time factor", "models/rank_one_denoising/boundaries.py",
      'return {"time": 1 / (e["gap"] * can.time_factor)}, regime,',
      'return {"time": can.time_factor / e["gap"]}, regime,', "test_conventions.py", "test_known_results.py"),
    M("rank-one boundary: edge 1 + c", "models/rank_one_denoising/boundaries.py",
      'return {"s_plus": can.x_scale * (1 + sp.sqrt(c))}, None, ""', 'return {"s_plus": can.x_scale * (1 + c)}, None, ""',
      "test_known_results.py", "test_certify_rank_one.py"),
    M("rank-one boundary: critical ratio sign", "models/rank_one_denoising/boundaries.py",
      "value = -can.kappa * sp.sqrt(sp.radsimp((can.theta**2 + c) / (can.theta**2 + 1)))",
      "value = can.kappa * sp.sqrt(sp.radsimp((can.theta**2 + c) / (can.theta**2 + 1)))", "test_known_results.py"),
    M("rank-one limit: GD relaxation sign", "models/rank_one_denoising/limits.py",
      "scale = 1 / mp.log1p(u)", "scale = -1 / mp.log1p(u)", "test_limits.py"),
    M("rank-one limit: flow relaxation times the time factor", "models/rank_one_denoising/limits.py",
      'time_scale=to_mp(1 / (e["gap"] * tf), dps),', 'time_scale=to_mp(tf / e["gap"], dps),', "test_limits.py",
      "test_conventions.py"),
    M("rank-one limit: GD effective time unit", "models/rank_one_denoising/limits.py",
      'unit = can.eta / (1 + can.eta * e["s_plus"])', "unit = can.eta", "test_limits.py"),
    M("rank-one limit: sign dropped", "models/rank_one_denoising/limits.py",
      'exact["m_u"] = sgn * sp.sqrt(e["zeta_u"])', 'exact["m_u"] = sp.sqrt(e["zeta_u"])', "test_limits.py"),
    M("rank-one simulator: sigma_n with p and n swapped", "models/rank_one_denoising/simulation.py",
      'out["sigma_n"] = to_float(sp.sqrt(zu * (1 - can.alpha**2) / s.p\n                                          + can.kappa**2 * zv * (1 - can.beta**2) / s.n))',
      'out["sigma_n"] = to_float(sp.sqrt(zu * (1 - can.alpha**2) / s.n\n                                          + can.kappa**2 * zv * (1 - can.beta**2) / s.p))',
      "test_simulate.py"),
    # ---------------------------------------------------------------- spiked Wigner
    M("spiked-wigner boundary: threshold times the scale", "models/spiked_wigner/boundaries.py",
      'return {"theta_c": 1 / can.theta_scale}, None, ""', 'return {"theta_c": can.theta_scale}, None, ""',
      "test_spiked_wigner.py"),
    M("spiked-wigner boundary: relaxation time times the time factor", "models/spiked_wigner/boundaries.py",
      'return {"time": 1 / (e["delta"] * can.time_factor)}, regime,', 'return {"time": can.time_factor / e["delta"]}, regime,',
      "test_spiked_wigner.py"),
    M("spiked-wigner simulator: sigma_n with the overlap instead of 1 - overlap", "models/spiked_wigner/simulation.py",
      '"sigma_n": math.sqrt((1.0 - s.alpha**2) * (1.0 - w) / s.n)}', '"sigma_n": math.sqrt((1.0 - s.alpha**2) * w / s.n)}',
      "test_spiked_wigner_simulation.py", "test_spiked_wigner.py"),
)


def copy_tree(dest: Path, rev: str | None) -> None:
    if rev is None:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
        shutil.copytree(ROOT / "symdyn", dest / "symdyn", ignore=ignore)
        shutil.copytree(ROOT / "tests", dest / "tests", ignore=ignore)
        shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
        return
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "symdyn", "tests", "pyproject.toml"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def applicable(m: Mutant, work: Path, strict: bool) -> bool:
    path = work / m.module
    k = path.read_text(encoding="utf-8").count(m.old) if path.exists() else 0
    if k != 1 and strict:
        raise SystemExit(f"mutant {m.label!r}: its original text occurs {k} times in {m.module}; update the list")
    return k == 1


def present(m: Mutant, work: Path) -> tuple[str, ...]:
    return tuple(t for t in m.tests if (work / t.split("::")[0]).exists())


def pytest_run(tests: tuple[str, ...], work: Path, timeout: float) -> tuple[int, str]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                               *tests], cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    return proc.returncode, (proc.stdout.strip().splitlines() or [""])[-1]


def run_one(m: Mutant, work: Path, timeout: float) -> tuple[str, float, str]:
    path = work / m.module
    original = path.read_text(encoding="utf-8")
    tests = present(m, work)
    if not tests:
        return "survived", 0.0, "no test file"
    path.write_text(original.replace(m.old, m.new, 1), encoding="utf-8")
    t0 = time.perf_counter()
    try:
        code, tail = pytest_run(tests, work, timeout)
    finally:
        path.write_text(original, encoding="utf-8")
    secs = time.perf_counter() - t0
    if code == -1:
        return "timeout", secs, tail
    if code == 0:
        return "survived", secs, tail
    if code == 5:
        return "survived", secs, "no test collected"
    return "killed", secs, tail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=None, help="run only mutants whose label contains TEXT")
    ap.add_argument("--rev", default=None, metavar="REV", help="take the package and tests/ from this git revision")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per mutant")
    ap.add_argument("--json", default=None, metavar="FILE", help="also write the results as JSON")
    a = ap.parse_args()
    mutants = tuple(m for m in MUTANTS if a.only is None or a.only in m.label)
    if a.list:
        for m in mutants:
            applicable(m, ROOT, strict=True)
            print(f"{m.label:70s} {m.module}")
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="symdyn-mutation-") as tmp:
        work = Path(tmp)
        copy_tree(work, a.rev)
        print(f"{len(mutants)} mutants, package and tests from {a.rev or 'the working tree'}")
        usable = [m for m in mutants if applicable(m, work, strict=a.rev is None)]
        baseline: dict[tuple[str, ...], bool] = {}
        for tests in dict.fromkeys(present(m, work) for m in usable):
            if tests:
                code, tail = pytest_run(tests, work, a.timeout)
                baseline[tests] = code == 0
                if code != 0:
                    print(f"    baseline FAILS without a mutation ({tail}): {' '.join(tests)}", flush=True)
        for i, m in enumerate(mutants, 1):
            if m not in usable:
                status, secs, tail = "n/a", 0.0, "text not in this revision"
            elif present(m, work) and not baseline.get(present(m, work), True):
                status, secs, tail = "invalid", 0.0, "its tests fail without the mutation"
            else:
                status, secs, tail = run_one(m, work, a.timeout)
            results.append({"label": m.label, "module": m.module, "status": status, "seconds": round(secs, 1),
                            "tests": list(m.tests), "detail": tail})
            print(f"{i:3d} {status:8s} {secs:6.1f} s  {m.label}  ({m.module})", flush=True)
    killed = sum(r["status"] in ("killed", "timeout") for r in results)
    scored = sum(r["status"] in ("killed", "timeout", "survived") for r in results)
    skipped = len(results) - scored
    print(f"\nscore: {killed}/{scored} killed ({100 * killed / max(1, scored):.0f}%)"
          + (f"; {skipped} not scored (n/a or invalid)" if skipped else ""))
    survivors = [r["label"] for r in results if r["status"] == "survived"]
    if survivors:
        print("survived:\n  " + "\n  ".join(survivors))
    if a.json:
        Path(a.json).write_text(json.dumps({"rev": a.rev, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
