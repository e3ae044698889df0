"""Convergence in the simulation's size: a ladder of sizes and a power-law fit of the deviation."""

from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ..errors import ParameterError
from ..params import Params, check_dps
from ..progress import NULL_PROGRESS
from ._predictions import Predictions, effective_params, predictions_from_trajectory, whole
from ._sign_risk import SIGN_RISK_SIGMAS, finite_size_effects
from ._stats import PowerLawFit, fit_power_law, fstr as _fstr

if TYPE_CHECKING:  # pragma: no cover
    from ..models.base import Model
    from ..progress import Progress
    from ..simulate.result import SimulationResult
    from ._check import CheckResult

__all__ = ["size_seed", "ConvergencePoint", "ConvergenceResult", "deviation_point", "convergence"]


def _slope_text(e: float) -> str:
    fr = Fraction(e).limit_denominator(12)
    return str(fr) if abs(float(fr) - e) < 1e-12 else f"{e:g}"


def size_seed(root: int, n: int) -> int:
    """Root seed of the ladder point at size ``n``: ``SeedSequence([root, n])``'s first 63-bit word.

    Keyed by the size, so adding sizes to a ladder does not change the others.
    """
    word = np.random.SeedSequence([int(root), int(n)]).generate_state(2, dtype=np.uint32)
    return int((int(word[0]) << 31) ^ int(word[1]))


@dataclass(frozen=True)
class ConvergencePoint:
    """One size of the ladder: deviation from the prediction over trials and rows."""

    n: int
    sizes: Mapping[str, int]
    trials: int
    seed: int
    rms: float
    rms_stderr: float
    fluctuation: float
    bias_rms: float
    bias_upper: float
    max_abs_z: float
    rows: int
    seconds: float

    @property
    def sqrt_n_rms(self) -> float:
        return math.sqrt(self.n) * self.rms

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n, "sizes": dict(self.sizes), "trials": self.trials, "seed": self.seed,
            "rms": _fstr(self.rms), "rms_stderr": _fstr(self.rms_stderr), "sqrt_n_rms": _fstr(self.sqrt_n_rms),
            "fluctuation": _fstr(self.fluctuation),
            "bias_rms": _fstr(self.bias_rms), "bias_upper_95": _fstr(self.bias_upper),
            "max_abs_z": _fstr(self.max_abs_z), "rows": self.rows, "seconds": _fstr(self.seconds),
        }


@dataclass(frozen=True)
class ConvergenceResult:
    """How the deviation from the prediction scales with the size."""

    model: str
    params: Params
    source: str
    observables: tuple[str, ...]
    times: tuple[Any, ...]
    time_name: str
    points: tuple[ConvergencePoint, ...]
    fit: PowerLawFit
    notes: tuple[str, ...] = ()
    expected_slope: float | None = -0.5
    size_name: str = "n"

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(p.n for p in self.points)

    @property
    def consistent_with_expected(self) -> bool | None:
        """The slope's interval contains the model's expected slope (``None``: the model expects none)."""
        if self.expected_slope is None:
            return None
        lo, hi = self.fit.interval
        return bool(lo <= self.expected_slope <= hi)

    @property
    def consistent_with_half(self) -> bool:
        """The slope's interval contains ``-1/2`` (fluctuations of order ``n^(-1/2)``)."""
        lo, hi = self.fit.interval
        return bool(lo <= -0.5 <= hi)

    @property
    def expected_text(self) -> str:
        e = self.expected_slope
        return "none" if e is None else f"{self.size_name}^({_slope_text(e)})"

    @property
    def bias_below_fluctuation(self) -> bool:
        """At every size the bias's 95% upper bound is below the fluctuation (pooled s.d. of the trials)."""
        return bool(all(p.bias_upper < p.fluctuation for p in self.points))

    def summary(self) -> str:
        f = self.fit
        lo, hi = f.interval
        ok = self.consistent_with_expected
        half = ("" if ok is None else
                (": consistent with " if ok else ": NOT consistent with ") + self.expected_text)
        bias = ("the bias is below the fluctuations at every size" if self.bias_below_fluctuation
                else "the bias is NOT below the fluctuations at every size")
        s = self.size_name
        return (f"RMS deviation ~ {s}^({f.slope:.3f}), {int(round(100 * f.confidence))}% interval "
                f"[{lo:.3f}, {hi:.3f}] over {s} = {', '.join(str(x) for x in self.sizes)}{half}; {bias}")

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "observables": list(self.observables),
            "times": [str(t) for t in self.times],
            "points": [p.to_json() for p in self.points],
            "fit": self.fit.to_json(),
            "consistent_with_half": self.consistent_with_half,
            "expected_slope": None if self.expected_slope is None else repr(float(self.expected_slope)),
            "consistent_with_expected": self.consistent_with_expected,
            "size_name": self.size_name,
            "bias_below_fluctuation": self.bias_below_fluctuation,
            "summary": self.summary(),
            "notes": list(self.notes),
        }


def deviation_point(preds: Predictions, sim: "SimulationResult", observables: Sequence[str], *, n: int,
                    seed: int, seconds: float) -> ConvergencePoint:
    """RMS deviation over trials and rows, its delta-method standard error, the fluctuation (pooled
    s.d. of the trials over the rows) and the bias estimate (``RMS^2 ~ fluctuation^2 + bias^2``)."""
    cols, pv = [], []
    for o in observables:
        for j in range(len(preds.times)):
            if preds.values[o][j] is None:
                continue
            col = np.asarray(sim.values[o][:, j], dtype=float)
            if not np.all(np.isfinite(col)):
                continue
            cols.append(col)
            pv.append(float(preds.values[o][j]))
    if not cols:
        raise ParameterError("no finite simulated values to measure a deviation")
    X = np.column_stack(cols)            # trials x rows
    D = X - np.asarray(pv)[None, :]
    T, m = D.shape
    per_trial = np.mean(D * D, axis=1)   # D_i: mean over rows of the squared deviation
    ms = float(np.mean(per_trial))
    ms_se = float(np.std(per_trial, ddof=1) / math.sqrt(T)) if T > 1 else float("nan")
    rms = math.sqrt(ms)
    rms_se = ms_se / (2 * rms) if rms > 0 else float("nan")
    d = D.mean(axis=0)                   # mean deviation per row
    se = D.std(axis=0, ddof=1) / math.sqrt(T)
    b2 = float(np.mean(d * d - se * se))
    var_b2 = float(np.sum(2 * se**4 + 4 * np.maximum(d * d - se * se, 0) * se**2)) / (m * m)
    bias_upper = math.sqrt(max(0.0, b2 + 1.6448536269514722 * math.sqrt(var_b2)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, d / se, 0.0)
    fluct = math.sqrt(float(np.mean(D.var(axis=0, ddof=1)))) if T > 1 else float("nan")
    return ConvergencePoint(n=n, sizes=dict(sim.sizes), trials=T, seed=seed, rms=rms, rms_stderr=rms_se,
                            fluctuation=fluct, bias_rms=math.sqrt(max(0.0, b2)), bias_upper=bias_upper,
                            max_abs_z=float(np.max(np.abs(z))), rows=m, seconds=seconds)


def convergence(
    model: "Model",
    params: Params,
    *,
    sizes: Sequence[int],
    seeds: int = 20,
    times: Sequence[Any],
    seed: int = 0,
    dps: int = 30,
    observables: Sequence[str] | None = None,
    against: Predictions | None = None,
    method: str = "auto",
    progress: "Progress | None" = None,
    reuse: Mapping[int, tuple["SimulationResult", "CheckResult"]] | None = None,
    confidence: float = 0.95,
) -> ConvergenceResult:
    """Run a ladder of sizes and fit how the deviation from the prediction scales with the size.

    At each size, ``seeds`` trials are simulated from root seed
    :func:`size_seed` ``(seed, n)`` (or the check's own simulation is reused,
    see ``reuse``), the theory is evaluated at the realised parameters, and a
    :class:`ConvergencePoint` records the RMS deviation (trials and rows), its
    standard error and the bias.  :func:`fit_power_law` fits the RMS.

    The model states the expected slope (``Model.convergence_slope``; ``-1/2`` for
    fluctuations of order ``n^(-1/2)`` with a bias of lower order) and the simulator
    names the size axis; agreement is reported (``consistent_with_expected``,
    ``bias_below_fluctuation``), never asserted: at moderate sizes the measured
    slopes scatter (rank-one spec 9: -0.40 to -0.55).  Near a sign change of the limit
    (finite-n sign risk) the deviation is dominated by sign flips and decays
    faster; the result then carries a note.
    """
    dps = check_dps(dps)
    sizes = sorted(whole(s, "size", 2) for s in sizes)
    if len(sizes) < 2 or len(set(sizes)) != len(sizes):
        raise ParameterError("sizes must list at least two different sizes (e.g. 250,500,1000,2000)")
    seeds = whole(seeds, "seeds", 2)
    times = model.parse_times(params, times)
    progress = NULL_PROGRESS if progress is None else progress
    simulator = model.simulator()
    points: list[ConvergencePoint] = []
    notes: list[str] = []
    obs_used: tuple[str, ...] = ()
    sign_seen = False
    for size in sizes:
        t0 = _time.perf_counter()
        if reuse is not None and size in reuse:
            sim, res = reuse[size]
            preds, root = res.predictions, res.seed
            sign_seen |= res.sign is not None and bool(res.sign.rows_at_risk)
        else:
            root = size_seed(seed, size)
            sim = simulator.run(params, times, n=size, trials=seeds, seed=root, method=method,
                                observables=None if observables is None else list(observables), progress=progress)
            if against is not None:
                preds = against
            else:
                tp, _ = effective_params(params, sim)
                traj = model.evaluate(tp, times, dps=dps, observables=list(sim.observables), progress=progress)
                preds = predictions_from_trajectory(traj)
                effects = finite_size_effects(model, tp, sim.sizes, dps=min(dps, 30))
                if effects is not None and effects.sign is not None and effects.sign.sigma > 0 and \
                        abs(effects.sign.amplitude) < SIGN_RISK_SIGMAS * effects.sign.sigma and \
                        effects.sign.predicted_wrong > 0.01:
                    sign_seen = True
        obs = tuple(o for o in preds.observables if o in sim.values)
        obs_used = obs_used or obs
        points.append(deviation_point(preds, sim, obs_used, n=size, seed=root,
                                      seconds=_time.perf_counter() - t0))
    fit = fit_power_law([p.n for p in points], [p.rms for p in points], [p.rms_stderr for p in points],
                        confidence=confidence)
    if sign_seen:
        notes.append("finite-n sign risk at some size: the deviation includes trials that converge to the "
                     "opposite sign, which become rarer as the size grows, so the slope can be steeper than expected")
    return ConvergenceResult(model=model.name, params=params, source="theory" if against is None else against.source,
                             observables=obs_used, times=tuple(times), time_name=model.time_name(params),
                             points=tuple(points), fit=fit, notes=tuple(notes),
                             expected_slope=model.convergence_slope,
                             size_name=simulator.size_name)
