"""The check: simulate, predict, compare row by row, decide; and its result."""

from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ..errors import ParameterError, SymdynError, UnsupportedError
from ..params import Params, check_dps
from ..progress import NULL_PROGRESS
from ._comparison import Comparison, MeanTest, PairedTest
from ._convergence import ConvergenceResult, convergence
from ._predictions import (
    ConditionalPredictions, Predictions, effective_params, load_predictions, predictions_from_trajectory, whole,
)
from ._rows import DEFAULT_LEVEL, Row, check_level
from ._sign_risk import SIGN_RISK_SIGMAS, SignReport, finite_size_effects, sign_analysis
from ._stats import fstr as _fstr
from ..tex import Prose

if TYPE_CHECKING:  # pragma: no cover
    from ..models.base import Model
    from ..progress import Progress
    from ..simulate.result import SimulationResult

__all__ = ["CheckResult", "check", "SKEW_CAVEAT", "WEAK_EVIDENCE", "observable_tex"]

#: A rejection whose smallest Holm-adjusted p-value exceeds level * WEAK_EVIDENCE is weak evidence: Holm's
#: adjusted p-values are valid at every level at once, so a true theory reaches min p <= level * WEAK_EVIDENCE
#: in at most that fraction of checks, but reaches min p <= level in up to ``level`` of them.
WEAK_EVIDENCE = 1 / 20

#: Rows with |sample skewness| / sqrt(trials) above this get a caveat: the first-order Edgeworth error of
#: the Student-t tail at the Holm-corrected levels then reaches a factor of about two.
SKEW_CAVEAT = 0.35


@dataclass(frozen=True)
class CheckResult:
    """Theory (or a user's predictions) against a finite-size simulation.

    ``passed`` is true iff no tested row is rejected by the comparison (and at least one
    row was tested); ``verdict`` is ``"agree"``, ``"disagree"`` or ``"inconclusive"``
    (nothing testable).  Rows with ``t = None`` are per-trial events (a hitting step)
    compared with the model's quantities.
    """

    model: str
    params: Params
    theory_params: Params
    source: str
    dps: int
    n: int
    sizes: Mapping[str, int]
    trials: int
    seed: int
    times: tuple[Any, ...]
    time_name: str
    level: float
    rows: tuple[Row, ...]
    caveats: tuple[str, ...]
    sign: SignReport | None
    simulation: "SimulationResult"
    predictions: Predictions
    convergence: "ConvergenceResult | None" = None
    seconds: Mapping[str, float] = field(default_factory=dict)
    comparison: Comparison = field(default_factory=MeanTest)
    conditional: ConditionalPredictions | None = None

    # ------------------------------------------------------------ verdict
    @property
    def tested_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.tested)

    @property
    def rejected_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.rejected)

    @property
    def event_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.t is None)

    @property
    def verdict(self) -> str:
        if not self.tested_rows:
            return "inconclusive"
        return "disagree" if self.rejected_rows else "agree"

    @property
    def passed(self) -> bool:
        return self.verdict == "agree"

    @property
    def min_p_adjusted(self) -> float:
        ps = [r.p_adjusted for r in self.tested_rows if r.p_adjusted is not None]
        return min(ps) if ps else float("nan")

    @property
    def max_abs_z(self) -> float:
        zs = [abs(r.z) for r in self.tested_rows if math.isfinite(r.z)]
        return max(zs) if zs else float("nan")

    @property
    def weak_evidence(self) -> bool:
        """A statistical rejection with ``level * WEAK_EVIDENCE < min adjusted p <= level``: a true theory gives
        such a result in up to ``level`` of checks (the false alarm of the documented 10-seed spiked-Wigner
        example at threshold had p = 0.022), so it is to be confirmed with other seeds before concluding."""
        return (self.verdict == "disagree" and isinstance(self.comparison, (MeanTest, PairedTest))
                and self.min_p_adjusted > self.level * WEAK_EVIDENCE)

    def __bool__(self) -> bool:  # `assert sd.check(...)`
        return self.passed

    def summary(self) -> str:
        """One line: verdict and the statistic."""
        what = "theory" if self.source == "theory" else f"predictions ({self.source})"
        if self.verdict == "inconclusive":
            return f"INCONCLUSIVE: no row of {what} could be tested"
        head = "AGREE" if self.passed else "DISAGREE"
        n_rej = len(self.rejected_rows)
        extra = f"; {n_rej} row(s) rejected" if n_rej else ""
        if isinstance(self.comparison, (MeanTest, PairedTest)):
            worst = max(self.tested_rows, key=lambda r: abs(r.z) if math.isfinite(r.z) else -1.0)
            where = f"{worst.observable}" + ("" if worst.t is None else f" at {self.time_name}={worst.t}")
            paired = "paired " if isinstance(self.comparison, PairedTest) else ""
            weak = ("; weak evidence: a true theory fails up to "
                    f"{100 * self.level:g}% of such checks, confirm with other seeds" if self.weak_evidence else "")
            return (f"{head}: {what} vs simulation at level {self.level:g} ({paired}Holm over "
                    f"{len(self.tested_rows)} rows, Student t with {self.trials - 1} dof): min adjusted p = "
                    f"{self.min_p_adjusted:.3g}, max |z| = {abs(worst.z):.2f} ({where}){extra}{weak}")
        worst = max(self.tested_rows, key=lambda r: r.tolerance_ratio)
        where = f"{worst.observable}" + ("" if worst.t is None else f" at {self.time_name}={worst.t}")
        return (f"{head}: {what} vs simulation within tolerance over {len(self.tested_rows)} rows and "
                f"{self.trials} trial(s): largest deviation/tolerance = {worst.tolerance_ratio:.3g} ({where}){extra}")

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        def g(x: Any, digits: int) -> str:
            return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{float(x):.{digits}g}"

        cols = ["observable", self.time_name, "prediction", "mean", "stderr", "z", "p (Holm)", "test"]
        rows = [[r.observable, "-" if r.t is None else str(r.t), "-" if r.theory is None else g(r.theory, 12),
                 g(r.mean, 10), g(r.stderr, 3), g(r.z, 3), g(r.p_adjusted, 3),
                 r.test + (" REJECTED" if r.rejected else "")] for r in self.rows]
        return cols, rows

    def __str__(self) -> str:
        """The verdict line, the rows and the caveats, as plain text."""
        from ..results import table_text

        cols, rows = self._cells()
        sizes = " x ".join(f"{k}={v}" for k, v in self.sizes.items())
        lines = [table_text(f"{self.model}: {sizes}, {self.trials} trials (seed {self.seed})", cols, rows),
                 self.summary()]
        lines += [f"caveat: {c}" for c in self.caveats]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        from ..results import tex_name, tex_number

        cols, rows = self._cells()
        head = " & ".join([r"\text{observable}", self.time_name, r"\text{prediction}", r"\text{mean}",
                           r"\text{stderr}", "z", r"p_{\mathrm{Holm}}", r"\text{test}"])
        body = r" \\ ".join(" & ".join([tex_name(r[0]), r[1]] + [tex_number(x) if x != "-" else "-" for x in r[2:7]]
                                        + [r"\text{" + r[7] + "}"]) for r in rows)
        verdict = self.verdict.upper()
        return (r"$\begin{array}{ll|rrrrr|l} " + head + r" \\ \hline " + body + r" \end{array}"
                + r"\quad \text{" + f"{verdict} at level {self.level:g}, {self.trials} trials" + "}$")

    def to_json(self) -> dict[str, Any]:
        """JSON per ``CLI.md``: ``passed``, ``rows`` (observable, t, theory, mean, stderr, z, ...) and the evidence."""
        test = self.comparison.to_json(self.trials)
        test.update({
            "rows_tested": len(self.tested_rows),
            "rows_excluded": len(self.rows) - len(self.tested_rows),
            "min_p_holm": _fstr(self.min_p_adjusted),
            "max_abs_z": _fstr(self.max_abs_z),
            "weak_evidence": self.weak_evidence,
        })
        out: dict[str, Any] = {
            "passed": self.passed,
            "verdict": self.verdict,
            "model": self.model,
            "params": self.params.to_json(),
            "params_exact": self.params.exact_json(),
            "source": self.source,
            "dps": self.dps,
            "n": self.n,
            "sizes": dict(self.sizes),
            "seeds": self.trials,
            "seed": self.seed,
            "time_variable": self.time_name,
            "times": [str(t) for t in self.times],
            "level": _fstr(self.level),
            "test": test,
            "rows": [r.to_json(min(self.dps, 30)) for r in self.rows],
            "caveats": list(self.caveats),
            "sign_risk": {"detected": False} if self.sign is None else self.sign.to_json(),
            "simulation": {
                "method": self.simulation.method,
                "seconds": _fstr(self.simulation.seconds),
                "memory_bytes": self.simulation.memory_bytes,
                "effective": {k: _fstr(v) for k, v in self.simulation.effective.items()},
                "notes": list(self.simulation.notes),
            },
            "theory": {"method": self.predictions.method, "dps": self.predictions.dps,
                       **({"conditional": self.conditional.description} if self.conditional else {})},
            "seconds": {k: _fstr(v) for k, v in self.seconds.items()},
        }
        if self.theory_params is not self.params:
            out["theory_params"] = self.theory_params.to_json()
            out["theory_params_exact"] = self.theory_params.exact_json()
        if self.convergence is not None:
            out["convergence"] = self.convergence.to_json()
        return out


def observable_tex(model: "Model", name: str, t: Any = None) -> str:
    """LaTeX math of an observable (``m_u(t)``), at time ``t`` when given (``m_u(20)``); events have no time."""
    symbol = ""
    for kind in ("observable", "event"):
        try:
            symbol = getattr(model, kind)(name).latex_of(name)
            break
        except (SymdynError, AttributeError, KeyError):
            continue
    if not symbol:
        symbol = r"\mathrm{" + name.replace("_", r"\_") + "}"
    if t is not None:
        symbol = symbol[:-3] + f"({t})" if symbol.endswith("(t)") else f"{symbol}\\big|_{{t = {t}}}"
    return symbol


# ============================================================================ the check


def _align(preds: Predictions, times: Sequence[Any]) -> Predictions:
    """A user's predictions restricted to (and ordered by) the requested times."""
    index = {t: j for j, t in enumerate(preds.times)}
    missing = [str(t) for t in times if t not in index]
    if missing:
        raise ParameterError(f"{preds.source} has no prediction at time(s) {', '.join(missing)}: "
                             f"it covers {', '.join(str(t) for t in preds.times)}")
    return Predictions(
        source=preds.source, times=tuple(times),
        values={k: tuple(v[index[t]] for t in times) for k, v in preds.values.items()},
        errors={k: tuple(v[index[t]] for t in times) for k, v in preds.errors.items()},
        dps=preds.dps, method=preds.method)


def _comparison(model: "Model", params: Params, comparison: Comparison | None, level: float,
                conditional: bool) -> Comparison:
    if comparison is not None:
        if not isinstance(comparison, Comparison):
            raise ParameterError(f"comparison={comparison!r} is not a comparison strategy: use "
                                 "symdyn.check.MeanTest(), PairedTest() or Tolerance(rel=..., abs=...)")
        return comparison
    default = model.default_comparison(params)
    if default is not None:
        return default
    return PairedTest(level) if conditional else MeanTest(level)


def check(
    model: "Model",
    params: Params,
    *,
    n: int | None = None,
    size: int | None = None,
    seeds: int = 20,
    times: Sequence[Any] | None = None,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    dps: int = 30,
    observables: Sequence[str] | None = None,
    against: Predictions | str | Path | Mapping[str, Any] | None = None,
    sizes: Sequence[int] | None = None,
    method: str = "auto",
    comparison: Comparison | None = None,
    progress: "Progress | None" = None,
    allow_mismatch: bool = False,
) -> CheckResult:
    """Simulate ``seeds`` instances at size ``size`` and test the theory against them.

    Parameters
    ----------
    model, params
        A model and its validated parameters (``model.params(...)``).
    size (or n) : int
        The simulator's size (its ``size_name``: the column dimension ``n`` of rank-one
        denoising, the dimension of a symmetric model, ...); may be omitted when the parameters
        fix it (the simulator's ``size_parameter``).
    seeds : int
        Number of independent trials; trial ``i`` uses ``SeedSequence(seed).spawn(seeds)[i]``
        (at least the comparison's ``min_trials``: 2 for the tests, 1 for a tolerance).
    times : sequence
        Times (or GD step counts); optional with ``against`` (then the file's times).
    seed : int
        Root seed.
    level : float
        Family-wise false-alarm rate of the verdict (for the statistical comparisons).
    dps : int
        Precision of the theory.
    observables : sequence of str, optional
        Default: the model's default observables (with ``against``: the file's).
    against : Predictions, path or mapping, optional
        A user's predictions instead of the theory (see :func:`load_predictions`); a file recording
        another model or other parameters is refused unless ``allow_mismatch``.
    sizes : sequence of int, optional
        Also run the convergence ladder at these sizes (:func:`convergence`); the
        ladder point at ``size`` reuses this check's simulation.
    method : str
        Simulator method (``auto`` by default).
    comparison : Comparison, optional
        How rows are compared (:class:`MeanTest`, :class:`PairedTest`, :class:`Tolerance`);
        default: the model's ``default_comparison``, else the paired test when the model
        predicts each trial from its instance, else the mean test at ``level``.
    progress : Progress, optional
        Progress meter for the simulation and the theory.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> import symdyn as sd
    >>> from symdyn.check import check
    >>> m = sd.model("rank-one-denoising")
    >>> p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    >>> res = check(m, p, size=200, seeds=10, times=[1, 5])
    >>> res.passed, [(r.observable, str(r.t)) for r in res.rows][:2]
    (True, [('m_u', '1'), ('m_u', '5')])
    """
    model.check_params(params)
    if n is not None and size is not None:
        raise ParameterError("give the simulation's size once: size=N (or n=N)")
    size = size if size is not None else n
    if size is not None:
        whole(size, "size", 1)
    level = check_level(level)
    seeds = whole(seeds, "seeds", 1)
    seed = whole(seed, "seed", 0)
    progress = NULL_PROGRESS if progress is None else progress
    clock: dict[str, float] = {}
    try:
        simulator = model.simulator()
    except UnsupportedError as exc:
        raise UnsupportedError(f"cannot check {model.name}: {exc}") from None
    n = whole(simulator.resolve_size(params, size), "size", 1)
    dps = check_dps(dps)
    strategy = _comparison(model, params, comparison, level, conditional=model.has("conditional") and against is None)
    strategy.check_trials(seeds)

    preds_user: Predictions | None = None
    if against is not None:
        preds_user = against if isinstance(against, Predictions) else load_predictions(
            against, model, params, dps=dps, allow_mismatch=allow_mismatch)
        times = preds_user.times if times is None else times
        observables = preds_user.observables if observables is None else observables
    if times is None:
        raise ParameterError("no times given: pass times (e.g. times=[1, 5, 20], or --t 1,5,20)")
    times = model.parse_times(params, times)
    if len(set(times)) != len(times):
        raise ParameterError("a time is listed twice")
    if observables is not None:
        observables = model.check_observables(params, observables)
    if preds_user is not None:
        preds_user = _align(preds_user, times)
    sizes_list = None
    if sizes is not None:
        sizes_list = [whole(s, "size", 2) for s in sizes]
        if len(sizes_list) < 2 or len(set(sizes_list)) != len(sizes_list):
            raise ParameterError("sizes must list at least two different sizes (e.g. 250,500,1000,2000)")

    t0 = _time.perf_counter()
    sim = simulator.run(params, times, n=n, trials=seeds, seed=seed, method=method,
                        observables=None if observables is None else list(observables), progress=progress)
    clock["simulation"] = _time.perf_counter() - t0
    theory_params, caveats = effective_params(params, sim)
    caveats = list(caveats)
    if preds_user is not None and theory_params is not params:
        caveats = [c.replace("the theory is evaluated at", "your predictions are compared as given, the theory "
                             "would use") for c in caveats]
        theory_params = params

    t0 = _time.perf_counter()
    conditional = None
    if preds_user is None:
        traj = model.evaluate(theory_params, times, dps=dps, observables=list(sim.observables), progress=progress)
        preds = predictions_from_trajectory(traj)
        if not traj.converged:
            caveats.append("the theory's two independent evaluations did not agree to the requested precision: "
                           + "; ".join(traj.notes))
        if model.has("conditional"):
            conditional = model.conditional_predictions(theory_params, sim, dps=dps,
                                                        observables=list(sim.observables))
    else:
        preds = preds_user
    clock["theory"] = _time.perf_counter() - t0

    result = _assemble(model, params, theory_params, preds, sim, n=n, seed=seed, level=level, dps=dps,
                       caveats=caveats, comparison=strategy, conditional=conditional,
                       events=preds_user is None)
    if sizes_list is not None:
        t0 = _time.perf_counter()
        conv = convergence(model, params, sizes=sizes_list, seeds=max(seeds, 2), times=times, seed=seed, dps=dps,
                           observables=list(sim.observables), against=preds_user, method=method,
                           progress=progress, reuse={n: (sim, result)})
        clock["convergence"] = _time.perf_counter() - t0
        result = replace(result, convergence=conv)
    return replace(result, seconds=clock)


def _event_theory(model: "Model", params: Params, name: str, dps: int,
                  memo: dict[Any, Any] | None = None) -> tuple[Any, Any, str]:
    """The shared prediction of one event (value, error, note) from the model's quantity (its declared
    ``value``, else the first); *memo* keeps quantities several events share."""
    try:
        quantity, qp = model.event_quantity(name, params)
        key_q = (quantity, tuple(sorted(qp.to_json().items())))
        if memo is not None and key_q in memo:
            q = memo[key_q]
        else:
            q = model.boundary(quantity, qp, dps=dps)
            if memo is not None:
                memo[key_q] = q
        key = model.event(name, params).value
        if key is not None and key not in q.values:
            return None, None, f"no prediction: quantity {quantity} has no value {key!r}"
    except SymdynError as exc:
        return None, None, f"no prediction: {exc}"
    return (q.value if key is None else q.values[key]), None, ""


def _relation(model: "Model", name: str, params: Params) -> str:
    """How event *name* is compared with its quantity (``"=="``, or a bound ``"<="``/``">="``)."""
    try:
        return model.event(name, params).relation
    except SymdynError:
        return "=="


def _assemble(model: "Model", params: Params, theory_params: Params, preds: Predictions, sim: "SimulationResult",
              *, n: int, seed: int, level: float, dps: int, caveats: Sequence[str], comparison: Comparison,
              conditional: ConditionalPredictions | None = None, events: bool = True) -> CheckResult:
    observables = [o for o in preds.observables if o in sim.values]
    missing = [o for o in preds.observables if o not in sim.values]
    caveats = list(caveats)
    if missing:
        caveats.append("not simulated, so not checked: " + ", ".join(missing))
    event_names = [e for e in sim.events if events]
    if not observables and not event_names:
        raise ParameterError("none of the predicted observables was simulated: " + ", ".join(preds.observables))
    sign_report = None
    sign_inputs: dict[str, dict[str, Any]] = {}
    effects = finite_size_effects(model, theory_params, sim.sizes, dps=min(dps, 30))
    if effects is not None:
        caveats.extend(effects.notes)
        sign = effects.sign
        if comparison.sign_risk and sign is not None and sim.trials >= 2 and \
                (sign.sigma > 0 and abs(sign.amplitude) < SIGN_RISK_SIGMAS * sign.sigma):
            sign_report, at_risk, corrections, biases, flip_risk = sign_analysis(sign, sim, preds, observables)
            for o in observables:
                sign_inputs[o] = {"at_risk": at_risk.get(o), "corrections": corrections.get(o),
                                  "mixture_bias": biases.get(o), "flips": flip_risk.get(o)}
            observed = ("" if sign_report.observed_wrong is None else
                        f", observed {sign_report.wrong_trials}/{sign_report.trials}")
            at_risk_text = f"; {len(sign_report.rows_at_risk)} row(s) at risk"
            caveats.append(Prose(
                f"finite-n sign risk: |amplitude| = {abs(sign.amplitude):.3g} is {sign_report.ratio:.2f} sigma_n "
                f"(sigma_n = {sign.sigma:.3g}); predicted wrong-sign probability {sign.predicted_wrong:.3g}"
                + observed + at_risk_text,
                f"finite-$n$ sign risk: $|{sign.amplitude_latex}| = {abs(sign.amplitude):.3g}$ is "
                f"${sign_report.ratio:.2f}\\,\\sigma_n$ ($\\sigma_n = {sign.sigma:.3g}$); predicted wrong-sign "
                f"probability {sign.predicted_wrong:.3g}" + observed + at_risk_text))
    rows: list[Row] = []
    cond_values = {} if conditional is None else dict(conditional.values)
    for o in observables:
        trial = cond_values.get(o)
        rows += comparison.rows(o, preds.times, preds.values[o], sim.values[o], errors=preds.errors.get(o),
                                trial_theory=None if trial is None else np.asarray(trial, dtype=float),
                                sign=sign_inputs.get(o))
    cond_events = {} if conditional is None else dict(conditional.events)
    memo: dict[Any, Any] = {}
    for e in event_names:
        values = np.asarray(sim.events[e], dtype=float).reshape(-1, 1)
        relation = _relation(model, e, theory_params)
        if e in cond_events:
            trial = np.asarray(cond_events[e], dtype=float).reshape(-1, 1)
            rows += comparison.rows(e, (None,), (None,), values, trial_theory=trial, relation=relation)
        else:
            value, err, note = _event_theory(model, theory_params, e, dps, memo)
            new = comparison.rows(e, (None,), (value,), values, errors=(err,), relation=relation)
            if note:
                new = [replace(r, note=note) for r in new]
            rows += new
    rows = list(comparison.decide(rows))
    skewed = [r for r in rows if r.tested and r.skewness is not None
              and abs(r.skewness) / math.sqrt(r.trials) > SKEW_CAVEAT]
    if skewed:
        more = "" if len(skewed) <= 6 else f" and {len(skewed) - 6} more"
        tail = (f": with {sim.trials} trials the Student-t tail probabilities of these rows may be too small by a "
                "factor of two or more (more seeds or a larger size help)")
        caveats.append(Prose(
            "skewed per-trial values in " + ", ".join(f"{r.observable} at {sim.time_name}={r.t} (skewness "
                                                      f"{r.skewness:.2g})" for r in skewed[:6]) + more + tail,
            "skewed per-trial values in " + ", ".join(f"${observable_tex(model, r.observable, r.t)}$ (skewness "
                                                      f"${r.skewness:.2g}$)" for r in skewed[:6]) + more
            + tail.replace("Student-t", "Student-$t$")))
    return CheckResult(
        model=model.name, params=params, theory_params=theory_params, source=preds.source, dps=dps, n=n,
        sizes=dict(sim.sizes), trials=sim.trials, seed=seed, times=tuple(preds.times), time_name=sim.time_name,
        level=level, rows=tuple(rows), caveats=tuple(caveats), sign=sign_report, simulation=sim,
        predictions=preds, comparison=comparison, conditional=conditional,
    )
