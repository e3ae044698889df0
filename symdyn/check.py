"""Theory against finite-size simulation: statistics, verdicts and convergence in n.

``check(model, params, n=..., seeds=..., times=...)`` simulates the actual
finite-size dynamics, evaluates the theory (or takes a user's predictions),
compares them row by row (one row per observable and time) and returns a
:class:`CheckResult` with the evidence and a verdict at a stated false-alarm
rate.  Everything here is generic over the :class:`~symdyn.models.base.Model`
interface; model-specific finite-size knowledge enters only through the
optional hook ``model.finite_size(params, sizes, dps=...)`` (see
:class:`FiniteSizeEffects`).

The test
--------
Row ``j`` holds the per-trial values ``x_1j, ..., x_Tj`` of ``T`` independent
trials (different seeds).  Its statistic is ``z_j = (mean_j - prediction_j) /
s_j`` with ``s_j`` the standard error of the mean, and its p-value is the
two-sided Student-t tail with ``T - 1`` degrees of freedom.  The verdict is
Holm's step-down procedure at level ``L`` over all tested rows together: the
theory is declared wrong iff some Holm-adjusted p-value is ``<= L``.

Why Holm, and not one global statistic: all rows of one check come from the
same trials, so they are correlated (``m_u`` and ``m_v`` at one time nearly
perfectly, neighbouring times strongly) with a correlation matrix that is not
known.  A global statistic such as Hotelling's ``T^2`` must estimate that
``m x m`` matrix from ``T`` trials: it needs ``T > m`` and it is unstable when
rows are nearly collinear, which is the normal case here (20 seeds, 6-20 rows).
Holm's procedure controls the family-wise error rate at ``L`` under *any*
dependence between the rows (it only uses the per-row p-values), it reports
which rows are at fault, and with independent rows it is nearly exact.  With
strongly correlated rows it is conservative: the measured false-alarm rate is
then below ``L`` (``tests/test_check_statistics.py`` measures both cases).  The
per-row Student-t p-value assumes roughly normal per-trial values; at the sizes
where the deterministic equivalent is meant to hold the fluctuations are
``O(n^(-1/2))`` sums of many weakly dependent terms, and the measured false-alarm
rate of repeated checks of the true theory stays at or below ``L``.

The standard error of a row is inflated by the theory's own error estimate and
by the float64 resolution of the simulation (``resolution``), so that rows
which are deterministic (``t = 0``) do not produce meaningless huge ``z``.

Finite-size sign risk
---------------------
Near a point where the large-time limit changes sign (the critical ratio of
rank-one denoising, spec 5.2), each trial's finite-n outlier amplitude has a
random part of order ``n^(-1/2)``, so some trials converge to the opposite
sign and the mean over seeds is a *mixture*.  When the model's hook reports
such a risk, every row whose mean the wrong-sign trials, or the spread of the amplitude,
could shift by more than ``SIGN_RISK_Z`` standard errors is treated separately: if the simulation recorded each trial's
realised amplitude and the model can say how a trial's observable depends on
it, the row is also tested on amplitude-corrected values ``x_ij - [f_j(a_i) -
f_j(a)]`` (the deterministic equivalent given the realised amplitude ``a_i``
instead of its limit ``a``), which removes the sign mixture but keeps every
other part of the theory under test.  The row's p-value is the larger of the
plain and the corrected p-values, so it is rejected only if both disagree:
this is valid as soon as either test is (the plain one when the mixture turns
out harmless, the corrected one when the model's description of the
amplitude's effect is accurate), and a wrong theory still fails both.  Without
per-trial amplitudes the row is excluded from the verdict.  The observed wrong-sign frequency is reported next to the predicted
one (with an exact binomial test), for information: the prediction of the
amplitude's spread is only approximate and does not enter the verdict.

Convergence in n
----------------
:func:`convergence` runs a ladder of sizes and fits ``log RMS = a + b log n`` by
weighted least squares, where ``RMS`` is the root mean square over trials and
rows of ``x_ij - prediction_j``, with delta-method standard errors from the
per-trial squared deviations; the slope's interval is inflated by the Birge
ratio when the points scatter more than their errors.  Fluctuations of order
``n^(-1/2)`` give ``b = -1/2``; the bias (the part of the deviation that does
not average out) is estimated separately.

>>> import numpy as np, mpmath as mp
>>> rows = compare_rows({"x": [mp.mpf("0.5")]}, {"x": np.array([[0.49], [0.51], [0.50]])}, times=("1",))
>>> rows[0].z, round(rows[0].p, 6)
(0.0, 1.0)
"""

from __future__ import annotations

import json
import math
import time as _time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np
import sympy as sp
from scipy import stats

from .errors import ParameterError, UnsupportedError
from .exact import mp_to_decimal, to_mp
from .params import Params, parse_number
from .progress import NULL_PROGRESS

if TYPE_CHECKING:  # pragma: no cover
    from .models.base import Model
    from .progress import Progress
    from .simulate.result import SimulationResult

__all__ = [
    "check", "convergence", "compare_rows", "holm", "student_p",
    "CheckResult", "Row", "SignReport", "ConvergenceResult", "ConvergencePoint", "PowerLawFit",
    "Predictions", "load_predictions", "predictions_from_trajectory",
    "FiniteSizeEffects", "SignRisk", "finite_size_effects", "size_seed",
    "DEFAULT_LEVEL", "SIGN_RISK_Z", "RESOLUTION",
]

DEFAULT_LEVEL = 0.05
#: A row is at sign risk when the expected shift of its mean by wrong-sign trials exceeds this many standard errors.
SIGN_RISK_Z = 0.1
#: Absolute float64 resolution assumed for simulated values of order one (added to the standard error).
RESOLUTION = 1e-10
#: A model's sign risk is considered when |amplitude| < SIGN_RISK_SIGMAS * sigma_n.
SIGN_RISK_SIGMAS = 4.0
#: Rows with |sample skewness| / sqrt(trials) above this get a caveat: the first-order Edgeworth error of
#: the Student-t tail at the Holm-corrected levels then reaches a factor of about two.
SKEW_CAVEAT = 0.35


# ============================================================================ the hook (protocols)


@runtime_checkable
class SignRisk(Protocol):
    """What a model says about a finite-n sign ambiguity (returned inside :class:`FiniteSizeEffects`).

    Attributes
    ----------
    amplitude : float
        The deterministic signed amplitude whose sign fixes the large-time limit.
    sigma : float
        Predicted standard deviation of a trial's realised amplitude at these sizes.
    predicted_wrong : float
        Predicted probability that a trial's amplitude has the opposite sign.
    extra_key : str
        Key of :attr:`SimulationResult.extra` holding each trial's realised signed amplitude.
    description : str
        One sentence (plain text) saying what the amplitude is and where the formula comes from.

    Methods
    -------
    mixture_bias(observable, times) -> ndarray or None
        ``E[f(a_i)] - f(a)`` per time: the bias of the mean over trials caused by the spread
        of the amplitude (``None`` if the model cannot say for this observable).  Reported.
    sign_bias(observable, times) -> ndarray or None (optional)
        The part of that bias due to wrong-sign trials, ``P(wrong) (f(a_wrong) - f(a_right))``
        with the conditional mean amplitudes on either side.  A row is at sign risk when it
        or ``mixture_bias`` exceeds ``SIGN_RISK_Z`` standard errors.
    amplitudes(extra) -> ndarray or None (optional)
        The trials' realised amplitudes from the simulation's ``extra``, or ``None`` when
        they are missing or not accurate enough (default: ``extra[extra_key]``).
    correction(observable, times, extra) -> ndarray or None
        ``f(a_i) - f(a)`` per trial and time, shape ``(trials, len(times))``: how far each
        trial's deterministic equivalent moves when its realised amplitude (and whatever
        else of :attr:`SimulationResult.extra` the model uses, e.g. the realised outlier
        location) replaces the limit.  ``extra`` is the simulation's ``extra`` mapping.
    """

    amplitude: float
    sigma: float
    predicted_wrong: float
    extra_key: str
    description: str

    def mixture_bias(self, observable: str, times: Sequence[Any]) -> np.ndarray | None: ...

    def correction(self, observable: str, times: Sequence[Any],
                   extra: Mapping[str, np.ndarray]) -> np.ndarray | None: ...


@runtime_checkable
class FiniteSizeEffects(Protocol):
    """The value of ``model.finite_size(params, sizes, dps=...)``: known finite-n effects.

    ``notes`` are caveats reported as they are (plain text); ``sign`` is a
    :class:`SignRisk` or ``None``.
    """

    notes: tuple[str, ...]
    sign: SignRisk | None


def finite_size_effects(model: "Model", params: Params, sizes: Mapping[str, int], *, dps: int = 30) -> Any:
    """Ask the model for its known finite-size effects; ``None`` when it knows of none."""
    hook = getattr(model, "finite_size", None)
    if hook is None:
        return None
    effects = hook(params, sizes, dps=dps)
    if effects is None:
        return None
    if not isinstance(effects, FiniteSizeEffects):
        raise TypeError(f"{model.name}.finite_size returned {type(effects).__name__}, "
                        "not an object with .notes and .sign")
    return effects


# ============================================================================ statistics


def student_p(z: np.ndarray | float, dof: int) -> np.ndarray:
    """Two-sided Student-t p-value of ``z`` with ``dof`` degrees of freedom.

    >>> float(student_p(0.0, 9)), round(float(student_p(2.262157, 9)), 4)
    (1.0, 0.05)
    """
    if dof < 1:
        raise ParameterError(f"a Student-t test needs at least 2 trials (dof = {dof})")
    z = np.asarray(z, dtype=float)
    return 2.0 * stats.t.sf(np.abs(z), dof)


def holm(p: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values (step-down Bonferroni); valid under any dependence.

    ``adjusted[i] <= level`` iff Holm's procedure rejects hypothesis ``i`` at ``level``.

    >>> holm([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p, dtype=float)
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    stepped = np.maximum.accumulate(stepped)
    out = np.empty(m)
    out[order] = stepped
    return out


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    ph = k / n
    den = 1 + z * z / n
    centre = (ph + z * z / (2 * n)) / den
    half = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


# ============================================================================ predictions


@dataclass(frozen=True)
class Predictions:
    """Values to test: the theory (a :class:`~symdyn.results.Trajectory`) or a user's own.

    ``values[obs][j]`` is the prediction at ``times[j]`` (an mpf, or ``None`` for
    no prediction); ``errors`` holds the absolute error estimate of each value
    (``None`` when unknown or exact).
    """

    source: str
    times: tuple[Any, ...]
    values: Mapping[str, tuple[Any, ...]]
    errors: Mapping[str, tuple[Any, ...]]
    dps: int
    method: str = ""

    @property
    def observables(self) -> tuple[str, ...]:
        return tuple(self.values)


def predictions_from_trajectory(traj: Any) -> Predictions:
    """The theory's predictions from a :class:`~symdyn.results.Trajectory`."""
    return Predictions(
        source="theory",
        times=tuple(traj.times),
        values={k: tuple(e.value for e in v) for k, v in traj.observables.items()},
        errors={k: tuple(e.error for e in v) for k, v in traj.observables.items()},
        dps=traj.dps,
        method=traj.method,
    )


def _parse_prediction_value(raw: Any, where: str, dps: int) -> Any:
    if raw is None:
        return None
    if isinstance(raw, Mapping):  # `eval --certify` shape: {"value", "lower", "upper"}
        if "value" not in raw:
            raise ParameterError(f"{where}: an object must have a \"value\" key (as in `symdyn eval --json --certify`)")
        raw = raw["value"]
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        q = parse_number(raw)
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from None
    digits = len(str(raw)) + 5 if isinstance(raw, str) else 20
    return to_mp(q, max(dps, digits))


def load_predictions(source: str | Path | Mapping[str, Any], model: "Model", params: Params, *,
                     dps: int = 30) -> Predictions:
    """Read a user's predictions: JSON mapping times to observable values.

    The accepted shape is that of ``symdyn eval --json`` (extra keys are ignored)::

        {"times": ["1", "5", "20"],
         "observables": {"m_u": ["0.2320", "0.5954", "0.7514"], "m_v": [...]}}

    Times and values are decimal strings or numbers (``"1/2"`` and ``"1e-3"``
    are read exactly); a value may also be ``{"value": ..., ...}`` (the
    ``--certify`` shape) or ``null`` (no prediction at that time).  Every list
    must be as long as ``times``; observable names must be the model's.

    Raises :class:`~symdyn.errors.ParameterError` with a one-line message on any problem.
    """
    label = "predictions"
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ParameterError(f"--against {path}: no such file") from None
        except OSError as exc:
            raise ParameterError(f"--against {path}: cannot read it ({exc.strerror})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{label} is not valid JSON (line {exc.lineno}: {exc.msg}): "
                                 "expected {\"times\": [...], \"observables\": {\"m_u\": [...]}}") from None
    else:
        data = source
    if not isinstance(data, Mapping):
        raise ParameterError(f"{label}: expected a JSON object {{\"times\": [...], \"observables\": {{...}}}}")
    if "times" not in data or "observables" not in data:
        missing = "times" if "times" not in data else "observables"
        raise ParameterError(f"{label}: missing key \"{missing}\"; expected the shape of `symdyn eval --json`: "
                             "{\"times\": [...], \"observables\": {\"m_u\": [...]}}")
    raw_times, obs = data["times"], data["observables"]
    if not isinstance(raw_times, list) or not raw_times:
        raise ParameterError(f"{label}: \"times\" must be a non-empty list")
    if not isinstance(obs, Mapping) or not obs:
        raise ParameterError(f"{label}: \"observables\" must be a non-empty object of name -> list of values")
    times = model.parse_times(params, [repr(t) if isinstance(t, float) else t for t in raw_times])
    if len(set(times)) != len(times):
        raise ParameterError(f"{label}: a time is listed twice")
    values: dict[str, tuple[Any, ...]] = {}
    for name, seq in obs.items():
        model.observable(name)  # unknown names -> ParameterError listing the model's
        if not isinstance(seq, list) or len(seq) != len(times):
            raise ParameterError(f"{label}: observables.{name} must be a list of {len(times)} values "
                                 f"(one per time), not {type(seq).__name__}"
                                 + (f" of length {len(seq)}" if isinstance(seq, list) else ""))
        values[name] = tuple(_parse_prediction_value(v, f"{label}: observables.{name}[{j}]", dps)
                             for j, v in enumerate(seq))
    return Predictions(source=label, times=tuple(times), values=values,
                       errors={k: (None,) * len(times) for k in values}, dps=dps, method="user predictions")


# ============================================================================ rows and the comparison


@dataclass(frozen=True)
class Row:
    """One observable at one time: prediction, simulation mean, statistic, decision.

    ``test`` is ``"mean"`` (plain comparison of the mean over trials),
    ``"amplitude-corrected"`` (sign-risk row: ``mean``, ``stderr`` and ``z``
    are those of the amplitude-corrected values, ``raw_*`` those of the plain
    values, and ``p = max(raw_p, corrected_p)``: the row is rejected only if
    both disagree) or ``"excluded"`` (not part of the verdict; ``note`` says why).
    """

    observable: str
    t: Any
    theory: Any
    theory_error: Any
    mean: float
    stderr: float
    trials: int
    z: float
    p: float
    p_adjusted: float | None
    rejected: bool
    test: str = "mean"
    raw_mean: float | None = None
    raw_z: float | None = None
    raw_p: float | None = None
    corrected_p: float | None = None
    mixture_bias: float | None = None
    skewness: float | None = None
    note: str = ""

    @property
    def tested(self) -> bool:
        return self.test != "excluded"

    def to_json(self, dps: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "observable": self.observable,
            "t": str(self.t),
            "theory": None if self.theory is None else mp_to_decimal(self.theory, dps),
            "mean": _fstr(self.mean),
            "stderr": _fstr(self.stderr),
            "z": _fstr(self.z),
            "p": _fstr(self.p),
            "p_holm": _fstr(self.p_adjusted),
            "rejected": self.rejected,
            "test": self.test,
            "trials": self.trials,
        }
        if self.theory_error is not None:
            out["theory_error"] = mp_to_decimal(self.theory_error, 3)
        if self.raw_z is not None:
            out["raw_mean"] = _fstr(self.raw_mean)
            out["raw_z"] = _fstr(self.raw_z)
            out["raw_p"] = _fstr(self.raw_p)
            out["corrected_p"] = _fstr(self.corrected_p)
        if self.mixture_bias is not None:
            out["mixture_bias"] = _fstr(self.mixture_bias)
        if self.skewness is not None:
            out["skewness"] = _fstr(self.skewness)
        if self.note:
            out["note"] = self.note
        return out


def _fstr(x: float | None) -> str | None:
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    return repr(x)


def _skewness(vals: np.ndarray) -> float | None:
    """Sample skewness ``m3/m2^(3/2)`` (``None`` for fewer than 3 values or no spread)."""
    if vals.size < 3:
        return None
    d = vals - vals.mean()
    m2 = float(np.mean(d * d))
    if m2 <= 0 or m2 < 1e-24 * max(1.0, float(np.mean(vals * vals))):
        return None
    return float(np.mean(d**3) / m2**1.5)


def _row_stats(vals: np.ndarray, pred: float, pred_err: float, resolution: float) -> tuple[float, float, float, int]:
    """mean, inflated standard error, z, trials of one row."""
    T = vals.shape[0]
    mean = float(vals.mean())
    se = float(vals.std(ddof=1) / math.sqrt(T)) if T > 1 else float("nan")
    se_eff = math.sqrt(se * se + pred_err * pred_err + (resolution * max(1.0, abs(mean))) ** 2)
    z = (mean - pred) / se_eff
    return mean, se_eff, z, T


def compare_rows(
    predictions: Mapping[str, Sequence[Any]],
    values: Mapping[str, np.ndarray],
    *,
    times: Sequence[Any],
    errors: Mapping[str, Sequence[Any]] | None = None,
    level: float = DEFAULT_LEVEL,
    corrections: Mapping[str, np.ndarray] | None = None,
    at_risk: Mapping[str, np.ndarray] | None = None,
    mixture_bias: Mapping[str, np.ndarray] | None = None,
    flips: Mapping[str, np.ndarray] | None = None,
    resolution: float = RESOLUTION,
) -> tuple[Row, ...]:
    """Compare predictions with per-trial values row by row and apply Holm's procedure.

    Parameters
    ----------
    predictions : mapping observable -> sequence over times of numbers (mpf) or ``None``
    values : mapping observable -> array ``(trials, len(times))``
    times : the times (for labelling)
    errors : absolute error estimates of the predictions (added to the standard errors)
    level : family-wise false-alarm rate of the verdict
    corrections : mapping observable -> ``(trials, len(times))`` amplitude corrections
        (subtracted from the values of rows that are ``at_risk``)
    at_risk : mapping observable -> boolean array over times (sign-risk rows)
    mixture_bias : mapping observable -> predicted mixture bias per time (reported)
    flips : mapping observable -> boolean array over times: rows whose mean wrong-sign trials can
        move (an at-risk row without a correction is excluded if set, else tested as it is)
    resolution : float64 resolution of the simulated values (added to the standard errors)

    Returns
    -------
    tuple of Row, in the order (observable, time).
    """
    _check_level(level)
    rows: list[Row] = []
    for obs, preds in predictions.items():
        if obs not in values:
            raise ParameterError(f"observable {obs} was not simulated: available are {', '.join(values)}")
        x = np.asarray(values[obs], dtype=float)
        if x.ndim != 2 or x.shape[1] != len(times):
            raise ValueError(f"values[{obs}] must have shape (trials, {len(times)}), not {x.shape}")
        errs = (errors or {}).get(obs) or (None,) * len(times)
        risk = np.zeros(len(times), bool) if at_risk is None or obs not in at_risk else np.asarray(at_risk[obs])
        corr = None if corrections is None else corrections.get(obs)
        mbias = None if mixture_bias is None else mixture_bias.get(obs)
        for j, t in enumerate(times):
            pred = preds[j]
            mb = None if mbias is None or not np.isfinite(mbias[j]) else float(mbias[j])
            col = x[:, j]
            base = dict(observable=obs, t=t, theory=pred, theory_error=errs[j], trials=int(col.size),
                        p_adjusted=None, rejected=False, mixture_bias=mb)
            if pred is None:
                rows.append(Row(**base, mean=float(np.mean(col)), stderr=float("nan"), z=float("nan"),
                                p=float("nan"), test="excluded", note="no prediction at this time"))
                continue
            if not np.all(np.isfinite(col)):
                rows.append(Row(**base, mean=float("nan"), stderr=float("nan"), z=float("nan"), p=float("nan"),
                                test="excluded", note="some simulated values are not finite (overflow)"))
                continue
            if col.size < 2:
                raise ParameterError("a check needs at least 2 trials (seeds) for a standard error")
            pf = float(pred)
            pe = 0.0 if errs[j] is None else float(errs[j])
            mean, se, z, T = _row_stats(col, pf, pe, resolution)
            if risk[j]:
                if corr is None or not np.all(np.isfinite(corr[:, j])):
                    if flips is not None and obs in flips and not flips[obs][j]:
                        # only the amplitude's spread moves this row, not wrong-sign trials: an ordinary
                        # finite-size effect, tested as it is
                        rows.append(Row(**base, mean=mean, stderr=se, z=z, p=float(student_p(z, T - 1)),
                                        skewness=_skewness(col),
                                        note="the amplitude's spread shifts this row (no per-trial correction "
                                             "available); wrong-sign trials do not: tested as it is"))
                        continue
                    rows.append(Row(**base, mean=mean, stderr=se, z=z, p=float(student_p(z, T - 1)),
                                    test="excluded",
                                    note="finite-n sign risk and no per-trial amplitude correction available"))
                    continue
                cmean, cse, cz, _ = _row_stats(col - corr[:, j], pf, pe, resolution)
                p_raw, p_cor = float(student_p(z, T - 1)), float(student_p(cz, T - 1))
                # rejected only if both the raw and the corrected means disagree: p = max(p_raw, p_cor)
                # is a valid p-value as soon as either test is (intersection-union)
                rows.append(Row(**base, mean=cmean, stderr=cse, z=cz, p=max(p_raw, p_cor),
                                test="amplitude-corrected", raw_mean=mean, raw_z=z, raw_p=p_raw, corrected_p=p_cor,
                                skewness=_skewness(col - corr[:, j]),
                                note="finite-n sign risk: tested on amplitude-corrected values"))
                continue
            rows.append(Row(**base, mean=mean, stderr=se, z=z, p=float(student_p(z, T - 1)), skewness=_skewness(col)))
    tested = [i for i, r in enumerate(rows) if r.tested]
    adj = holm([rows[i].p for i in tested])
    for k, i in enumerate(tested):
        rows[i] = replace(rows[i], p_adjusted=float(adj[k]), rejected=bool(adj[k] <= level))
    return tuple(rows)


def _check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ParameterError(f"level={level!r} must be a number strictly between 0 and 1 (e.g. 0.05)")
    return float(level)


# ============================================================================ sign report


@dataclass(frozen=True)
class SignReport:
    """What the checker found about a finite-n sign ambiguity (spec 5.2 for rank-one)."""

    amplitude: float
    sigma: float
    predicted_wrong: float
    observed_wrong: float | None
    wrong_trials: int | None
    trials: int
    interval: tuple[float, float] | None
    binomial_p: float | None
    amplitude_mean: float | None
    amplitude_sd: float | None
    rows_at_risk: tuple[tuple[str, Any], ...]
    treatment: str
    description: str

    @property
    def ratio(self) -> float:
        return abs(self.amplitude) / self.sigma if self.sigma > 0 else math.inf

    def to_json(self) -> dict[str, Any]:
        return {
            "detected": True,
            "amplitude": _fstr(self.amplitude),
            "sigma_n": _fstr(self.sigma),
            "amplitude_over_sigma": _fstr(self.ratio),
            "predicted_wrong_sign": _fstr(self.predicted_wrong),
            "observed_wrong_sign": _fstr(self.observed_wrong),
            "wrong_sign_trials": self.wrong_trials,
            "trials": self.trials,
            "observed_interval_95": None if self.interval is None else [_fstr(v) for v in self.interval],
            "binomial_p": _fstr(self.binomial_p),
            "observed_amplitude_mean": _fstr(self.amplitude_mean),
            "observed_amplitude_sd": _fstr(self.amplitude_sd),
            "rows_at_risk": [{"observable": o, "t": str(t)} for o, t in self.rows_at_risk],
            "treatment": self.treatment,
            "description": self.description,
        }


def _sign_analysis(sign: Any, sim: "SimulationResult", predictions: Predictions, observables: Sequence[str],
                   level: float) -> tuple[SignReport, dict, dict, dict]:
    """Rows at risk, amplitude corrections and the wrong-sign frequency."""
    times = predictions.times
    validate = getattr(sign, "amplitudes", None)
    if validate is not None:
        amp = validate(dict(sim.extra)) if sim.extra else None
    else:
        amp = sim.extra.get(sign.extra_key) if sim.extra else None
    amp = None if amp is None else np.asarray(amp, dtype=float).reshape(-1)
    if amp is not None and (amp.size != sim.trials or not np.all(np.isfinite(amp))):
        amp = None
    at_risk: dict[str, np.ndarray] = {}
    flip_risk: dict[str, np.ndarray] = {}
    corrections: dict[str, np.ndarray] = {}
    biases: dict[str, np.ndarray] = {}
    flips = getattr(sign, "sign_bias", None)
    for obs in observables:
        se = sim.stderr(obs)
        se = np.sqrt(np.where(np.isfinite(se), se, 0.0) ** 2
                     + (RESOLUTION * np.maximum(1.0, np.abs(sim.mean(obs)))) ** 2)
        bias = sign.mixture_bias(obs, times)
        if bias is not None:
            biases[obs] = np.asarray(bias, dtype=float)
        shift = flips(obs, times) if flips is not None else None
        if shift is None and bias is None:
            # the model cannot quantify the effect: every row is at risk when flips are likely at all
            risk = np.full(len(times), sign.predicted_wrong > 0.01)
        else:
            # the mean can move through wrong-sign trials (sign_bias) or through the spread of the
            # amplitude when it is small (mixture_bias, e.g. the energy exactly at the critical ratio)
            risk = np.zeros(len(times), bool)
            for effect in (shift, bias):
                if effect is not None:
                    risk |= ~(np.abs(np.asarray(effect, dtype=float)) <= SIGN_RISK_Z * se)
        at_risk[obs] = risk
        # rows that wrong-sign trials can move (unknown: all rows at risk)
        flip_risk[obs] = risk.copy() if shift is None else \
            risk & ~(np.abs(np.asarray(shift, dtype=float)) <= SIGN_RISK_Z * se)
        if risk.any() and amp is not None:
            corr = sign.correction(obs, times, dict(sim.extra))
            if corr is not None:
                corrections[obs] = np.asarray(corr, dtype=float)
    rows = tuple((o, times[j]) for o in observables for j in range(len(times)) if at_risk[o][j])
    if amp is None:
        observed = wrong = interval = bp = am = asd = None
        treatment = ("rows that wrong-sign trials can move are excluded from the verdict, the others are tested "
                     "as they are: the simulation did not record reliable per-trial amplitudes (for rank-one "
                     "denoising use the dense method, --method gram)") if rows else "no row is at sign risk"
    else:
        s0 = np.sign(sign.amplitude)
        if s0 == 0:  # exactly critical: count trials of negative sign, predicted 1/2
            wrong = int(np.sum(amp < 0))
        else:
            wrong = int(np.sum(np.sign(amp) == -s0))
        observed = wrong / amp.size
        interval = _wilson(wrong, amp.size)
        bp = float(stats.binomtest(wrong, amp.size, min(max(sign.predicted_wrong, 1e-300), 1.0)).pvalue)
        am, asd = float(np.mean(amp)), float(np.std(amp, ddof=1)) if amp.size > 1 else None
        if rows:
            missing = [o for o in {o for o, _ in rows} if o not in corrections]
            treatment = ("rows at sign risk are tested twice, on the plain values and on amplitude-corrected "
                         "values (from each trial the model's prediction given that trial's realised outlier - "
                         "amplitude, and top singular value when recorded - minus its prediction at the limit is "
                         "subtracted, which removes the sign mixture); such a row is rejected only if both tests "
                         "reject (p = the larger p-value)")
            if missing:
                treatment += "; rows of " + ", ".join(sorted(missing)) + " are excluded (no correction known)"
        else:
            treatment = ("no row's expected shift from wrong-sign trials or from the amplitude's spread reaches "
                         f"{SIGN_RISK_Z:g} of its standard error: all rows tested as they are")
    report = SignReport(
        amplitude=float(sign.amplitude), sigma=float(sign.sigma), predicted_wrong=float(sign.predicted_wrong),
        observed_wrong=observed, wrong_trials=wrong, trials=sim.trials, interval=interval, binomial_p=bp,
        amplitude_mean=am, amplitude_sd=asd, rows_at_risk=rows, treatment=treatment, description=sign.description,
    )
    return report, at_risk, corrections, biases, flip_risk


# ============================================================================ results


@dataclass(frozen=True)
class CheckResult:
    """Theory (or a user's predictions) against a finite-size simulation.

    ``passed`` is true iff no tested row is rejected by Holm's procedure at
    ``level`` (and at least one row was tested); ``verdict`` is ``"agree"``,
    ``"disagree"`` or ``"inconclusive"`` (nothing testable).
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

    # ------------------------------------------------------------ verdict
    @property
    def tested_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.tested)

    @property
    def rejected_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.rejected)

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
        ps = [r.p_adjusted for r in self.tested_rows]
        return min(ps) if ps else float("nan")

    @property
    def max_abs_z(self) -> float:
        zs = [abs(r.z) for r in self.tested_rows]
        return max(zs) if zs else float("nan")

    def __bool__(self) -> bool:  # `assert sd.check(...)`
        return self.passed

    def summary(self) -> str:
        """One line: verdict and the statistic."""
        what = "theory" if self.source == "theory" else f"predictions ({self.source})"
        if self.verdict == "inconclusive":
            return f"INCONCLUSIVE: no row of {what} could be tested"
        worst = max(self.tested_rows, key=lambda r: abs(r.z))
        head = "AGREE" if self.passed else "DISAGREE"
        n_rej = len(self.rejected_rows)
        extra = f"; {n_rej} row(s) rejected" if n_rej else ""
        return (f"{head}: {what} vs simulation at level {self.level:g} (Holm over {len(self.tested_rows)} rows, "
                f"Student t with {self.trials - 1} dof): min adjusted p = {self.min_p_adjusted:.3g}, "
                f"max |z| = {abs(worst.z):.2f} ({worst.observable} at {self.time_name}={worst.t}){extra}")

    def to_json(self) -> dict[str, Any]:
        """JSON per ``CLI.md``: ``passed``, ``rows`` (observable, t, theory, mean, stderr, z, ...) and the evidence."""
        out: dict[str, Any] = {
            "passed": self.passed,
            "verdict": self.verdict,
            "model": self.model,
            "params": self.params.to_json(),
            "source": self.source,
            "dps": self.dps,
            "n": self.n,
            "sizes": dict(self.sizes),
            "seeds": self.trials,
            "seed": self.seed,
            "time_variable": self.time_name,
            "times": [str(t) for t in self.times],
            "level": _fstr(self.level),
            "test": {
                "method": "holm",
                "description": ("two-sided Student-t test per row (trials - 1 dof), Holm's step-down procedure "
                                "over all tested rows: family-wise false-alarm rate <= level under any "
                                "dependence between rows"),
                "dof": self.trials - 1,
                "rows_tested": len(self.tested_rows),
                "rows_excluded": len(self.rows) - len(self.tested_rows),
                "min_p_holm": _fstr(self.min_p_adjusted),
                "max_abs_z": _fstr(self.max_abs_z),
            },
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
            "theory": {"method": self.predictions.method, "dps": self.predictions.dps},
            "seconds": {k: _fstr(v) for k, v in self.seconds.items()},
        }
        if self.theory_params is not self.params:
            out["theory_params"] = self.theory_params.to_json()
        if self.convergence is not None:
            out["convergence"] = self.convergence.to_json()
        return out


# ============================================================================ the check


def _whole(value: Any, name: str, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name}={value!r} is not a whole number: use an integer >= {lo}")
    if value < lo:
        raise ParameterError(f"{name}={value} is too small: use {name} >= {lo}")
    return int(value)


def _effective_params(params: Params, sim: "SimulationResult") -> tuple[Params, tuple[str, ...]]:
    """The parameters the simulation realised (e.g. ``c = p/n`` after rounding ``p``), exactly.

    A simulator reports realised values in ``effective`` as floats; a parameter
    that is a ratio of the simulated sizes is recovered exactly as the closest
    fraction with denominator at most the largest size.
    """
    changed: dict[str, Any] = {}
    notes: list[str] = []
    bound = max([int(v) for v in sim.sizes.values()] + [2])
    for name, value in sim.effective.items():
        if name not in params.values:
            continue
        nominal = params.values[name]
        if not isinstance(nominal, sp.Basic) or not nominal.is_number:
            continue
        if abs(float(nominal) - float(value)) <= 1e-12 * max(1.0, abs(float(value))):
            continue
        fr = Fraction(float(value)).limit_denominator(bound)
        exact = sp.Rational(fr.numerator, fr.denominator)
        changed[name] = exact
        notes.append(f"the simulation realised {name} = {exact} (sizes {dict(sim.sizes)}) instead of {name} = "
                     f"{nominal}: the theory is evaluated at {name} = {exact}")
    if not changed:
        return params, ()
    return params.replace(**changed), tuple(notes)


def check(
    model: "Model",
    params: Params,
    *,
    n: int,
    seeds: int = 20,
    times: Sequence[Any] | None = None,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    dps: int = 30,
    observables: Sequence[str] | None = None,
    against: Predictions | str | Path | Mapping[str, Any] | None = None,
    sizes: Sequence[int] | None = None,
    method: str = "auto",
    progress: "Progress | None" = None,
) -> CheckResult:
    """Simulate ``seeds`` instances at size ``n`` and test the theory against them.

    Parameters
    ----------
    model, params
        A model and its validated parameters (``model.params(...)``).
    n : int
        Size passed to the simulator (for rank-one denoising the column dimension; ``p = round(c n)``).
    seeds : int
        Number of independent trials (>= 2); trial ``i`` uses ``SeedSequence(seed).spawn(seeds)[i]``.
    times : sequence
        Times (or GD step counts); optional with ``against`` (then the file's times).
    seed : int
        Root seed.
    level : float
        Family-wise false-alarm rate of the verdict (Holm over all rows).
    dps : int
        Precision of the theory.
    observables : sequence of str, optional
        Default: the simulator's default observables (with ``against``: the file's).
    against : Predictions, path or mapping, optional
        A user's predictions instead of the theory (see :func:`load_predictions`).
    sizes : sequence of int, optional
        Also run the convergence ladder at these sizes (:func:`convergence`); the
        ladder point at ``n`` reuses this check's simulation.
    method : str
        Simulator method (``auto`` by default).
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
    >>> res = check(m, p, n=200, seeds=10, times=[1, 5])
    >>> res.passed, [(r.observable, str(r.t)) for r in res.rows][:2]
    (True, [('m_u', '1'), ('m_u', '5')])
    """
    from .params import check_dps

    dps = check_dps(dps)
    level = _check_level(level)
    n = _whole(n, "n", 2)
    seeds = _whole(seeds, "seeds", 2)
    seed = _whole(seed, "seed", 0)
    progress = NULL_PROGRESS if progress is None else progress
    clock: dict[str, float] = {}

    preds_user: Predictions | None = None
    if against is not None:
        preds_user = against if isinstance(against, Predictions) else load_predictions(against, model, params, dps=dps)
        if times is None:
            times = preds_user.times
        if observables is None:
            observables = preds_user.observables
    if times is None:
        raise ParameterError("no times given: pass times (e.g. times=[1, 5, 20], or --t 1,5,20)")
    times = model.parse_times(params, list(times))
    if len(set(times)) != len(times):
        raise ParameterError("a time is listed twice")
    if preds_user is not None:
        index = {t: j for j, t in enumerate(preds_user.times)}
        missing = [str(t) for t in times if t not in index]
        if missing:
            raise ParameterError(f"{preds_user.source} has no prediction at time(s) {', '.join(missing)}: "
                                 f"it covers {', '.join(str(t) for t in preds_user.times)}")
        preds_user = Predictions(
            source=preds_user.source, times=tuple(times),
            values={k: tuple(v[index[t]] for t in times) for k, v in preds_user.values.items()},
            errors={k: tuple(v[index[t]] for t in times) for k, v in preds_user.errors.items()},
            dps=preds_user.dps, method=preds_user.method)
    sizes_list = None
    if sizes is not None:
        sizes_list = [_whole(s, "size", 2) for s in sizes]
        if len(sizes_list) < 2 or len(set(sizes_list)) != len(sizes_list):
            raise ParameterError("sizes must list at least two different sizes (e.g. 250,500,1000,2000)")

    try:
        simulator = model.simulator()
    except UnsupportedError as exc:
        raise UnsupportedError(f"cannot check {model.name}: {exc}") from None

    t0 = _time.perf_counter()
    sim = simulator.run(params, times, n=n, trials=seeds, seed=seed, method=method,
                        observables=None if observables is None else list(observables), progress=progress)
    clock["simulation"] = _time.perf_counter() - t0
    theory_params, caveats = _effective_params(params, sim)
    caveats = list(caveats)
    if preds_user is not None and theory_params is not params:
        caveats = [c.replace("the theory is evaluated at", "your predictions are compared as given, the theory "
                             "would use") for c in caveats]
        theory_params = params

    t0 = _time.perf_counter()
    if preds_user is None:
        traj = model.evaluate(theory_params, times, dps=dps, observables=list(sim.observables), progress=progress)
        preds = predictions_from_trajectory(traj)
        if not traj.converged:
            caveats.append("the theory's two independent evaluations did not agree to the requested precision: "
                           + "; ".join(traj.notes))
    else:
        preds = preds_user
    clock["theory"] = _time.perf_counter() - t0

    result = _assemble(model, params, theory_params, preds, sim, n=n, seed=seed, level=level, dps=dps,
                       caveats=caveats)
    if sizes_list is not None:
        t0 = _time.perf_counter()
        conv = convergence(model, params, sizes=sizes_list, seeds=seeds, times=times, seed=seed, dps=dps,
                           observables=list(sim.observables), against=preds_user, method=method,
                           progress=progress, reuse={n: (sim, result)})
        clock["convergence"] = _time.perf_counter() - t0
        result = replace(result, convergence=conv)
    return replace(result, seconds=clock)


def _assemble(model: "Model", params: Params, theory_params: Params, preds: Predictions, sim: "SimulationResult",
              *, n: int, seed: int, level: float, dps: int, caveats: Sequence[str]) -> CheckResult:
    observables = [o for o in preds.observables if o in sim.values]
    missing = [o for o in preds.observables if o not in sim.values]
    caveats = list(caveats)
    if missing:
        caveats.append("not simulated, so not checked: " + ", ".join(missing))
    if not observables:
        raise ParameterError("none of the predicted observables was simulated: " + ", ".join(preds.observables))
    effects = finite_size_effects(model, theory_params, sim.sizes, dps=min(dps, 30))
    sign_report = None
    at_risk = corrections = biases = flip_risk = None
    if effects is not None:
        caveats.extend(effects.notes)
        sign = effects.sign
        if sign is not None and (sign.sigma > 0 and abs(sign.amplitude) < SIGN_RISK_SIGMAS * sign.sigma):
            sign_report, at_risk, corrections, biases, flip_risk = _sign_analysis(sign, sim, preds, observables,
                                                                                   level)
            caveats.append(
                f"finite-n sign risk: |amplitude| = {abs(sign.amplitude):.3g} is {sign_report.ratio:.2f} sigma_n "
                f"(sigma_n = {sign.sigma:.3g}); predicted wrong-sign probability {sign.predicted_wrong:.3g}"
                + ("" if sign_report.observed_wrong is None else
                   f", observed {sign_report.wrong_trials}/{sign_report.trials}")
                + f"; {len(sign_report.rows_at_risk)} row(s) at risk")
    rows = compare_rows(
        {o: preds.values[o] for o in observables}, {o: sim.values[o] for o in observables},
        times=preds.times, errors={o: preds.errors[o] for o in observables}, level=level,
        corrections=corrections, at_risk=at_risk, mixture_bias=biases, flips=flip_risk,
    )
    skewed = [r for r in rows if r.tested and r.skewness is not None
              and abs(r.skewness) / math.sqrt(r.trials) > SKEW_CAVEAT]
    if skewed:
        caveats.append(
            "skewed per-trial values in " + ", ".join(f"{r.observable} at {sim.time_name}={r.t} (skewness "
                                                      f"{r.skewness:.2g})" for r in skewed[:6])
            + ("" if len(skewed) <= 6 else f" and {len(skewed) - 6} more")
            + f": with {sim.trials} trials the Student-t tail probabilities of these rows may be too small by a "
              "factor of two or more (more seeds or a larger n help)")
    return CheckResult(
        model=model.name, params=params, theory_params=theory_params, source=preds.source, dps=dps, n=n,
        sizes=dict(sim.sizes), trials=sim.trials, seed=seed, times=tuple(preds.times), time_name=sim.time_name,
        level=level, rows=rows, caveats=tuple(caveats), sign=sign_report, simulation=sim, predictions=preds,
    )


# ============================================================================ convergence in n


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
class PowerLawFit:
    """``log y = intercept + slope log n`` by weighted least squares (delta-method weights)."""

    slope: float
    stderr: float
    interval: tuple[float, float]
    confidence: float
    intercept: float
    chi2: float
    dof: int
    birge: float

    def __call__(self, n: np.ndarray | float) -> np.ndarray:
        return np.exp(self.intercept + self.slope * np.log(np.asarray(n, dtype=float)))

    def to_json(self) -> dict[str, Any]:
        return {
            "slope": _fstr(self.slope), "stderr": _fstr(self.stderr),
            "interval": [_fstr(self.interval[0]), _fstr(self.interval[1])], "confidence": _fstr(self.confidence),
            "intercept": _fstr(self.intercept), "chi2": _fstr(self.chi2), "dof": self.dof,
            "birge_ratio": _fstr(self.birge),
        }


def fit_power_law(n: Sequence[float], y: Sequence[float], y_stderr: Sequence[float], *,
                  confidence: float = 0.95) -> PowerLawFit:
    """Weighted least-squares fit of ``log y`` on ``log n``.

    ``y_stderr`` are standard errors of ``y``; ``log y`` gets ``y_stderr / y``.
    With more than two points the slope's standard error is multiplied by the
    Birge ratio ``sqrt(chi2/dof)`` when that exceeds one (points scattering
    more than their errors say), and the interval uses Student's t with ``dof``
    degrees of freedom in that case; otherwise the normal quantile.

    >>> f = fit_power_law([100, 400, 1600], [0.1, 0.05, 0.025], [0.001, 0.0005, 0.00025])
    >>> round(f.slope, 12), f.chi2 < 1e-20
    (-0.5, True)
    """
    x = np.log(np.asarray(n, dtype=float))
    y = np.asarray(y, dtype=float)
    ys = np.asarray(y_stderr, dtype=float)
    if x.size < 2:
        raise ParameterError("a power-law fit needs at least two sizes")
    if np.any(y <= 0) or np.any(~np.isfinite(y)):
        raise ParameterError("a power-law fit needs positive finite deviations")
    ly = np.log(y)
    s = np.where(ys > 0, ys / y, np.nan)
    if np.any(~np.isfinite(s)):
        s = np.full_like(ly, 1.0)  # no error information: unweighted
    w = 1.0 / (s * s)
    xw = np.sum(w * x) / np.sum(w)
    sxx = np.sum(w * (x - xw) ** 2)
    slope = float(np.sum(w * (x - xw) * (ly - np.sum(w * ly) / np.sum(w))) / sxx)
    intercept = float(np.sum(w * ly) / np.sum(w) - slope * xw)
    se = float(1.0 / math.sqrt(sxx))
    resid = ly - (intercept + slope * x)
    chi2 = float(np.sum(w * resid**2))
    dof = int(x.size - 2)
    birge = math.sqrt(chi2 / dof) if dof > 0 else 1.0
    q = stats.norm.ppf(0.5 + confidence / 2)
    if dof > 0 and birge > 1:
        se *= birge
        q = stats.t.ppf(0.5 + confidence / 2, dof)
    return PowerLawFit(slope=slope, stderr=se, interval=(float(slope - q * se), float(slope + q * se)),
                       confidence=confidence,
                       intercept=intercept, chi2=chi2, dof=dof, birge=birge)


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

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(p.n for p in self.points)

    @property
    def consistent_with_half(self) -> bool:
        """The slope's interval contains ``-1/2`` (fluctuations of order ``n^(-1/2)``)."""
        lo, hi = self.fit.interval
        return bool(lo <= -0.5 <= hi)

    @property
    def bias_below_fluctuation(self) -> bool:
        """At every size the bias's 95% upper bound is below the fluctuation (pooled s.d. of the trials)."""
        return bool(all(p.bias_upper < p.fluctuation for p in self.points))

    def summary(self) -> str:
        f = self.fit
        lo, hi = f.interval
        half = "consistent with" if self.consistent_with_half else "NOT consistent with"
        bias = ("the bias is below the fluctuations at every size" if self.bias_below_fluctuation
                else "the bias is NOT below the fluctuations at every size")
        return (f"RMS deviation ~ n^({f.slope:.3f}), {int(round(100 * f.confidence))}% interval [{lo:.3f}, {hi:.3f}] "
                f"over n = {', '.join(str(s) for s in self.sizes)}: {half} n^(-1/2); {bias}")

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "observables": list(self.observables),
            "times": [str(t) for t in self.times],
            "points": [p.to_json() for p in self.points],
            "fit": self.fit.to_json(),
            "consistent_with_half": self.consistent_with_half,
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
    reuse: Mapping[int, tuple["SimulationResult", CheckResult]] | None = None,
    confidence: float = 0.95,
) -> ConvergenceResult:
    """Run a ladder of sizes and fit how the deviation from the prediction scales with n.

    At each size, ``seeds`` trials are simulated from root seed
    :func:`size_seed` ``(seed, n)`` (or the check's own simulation is reused,
    see ``reuse``), the theory is evaluated at the realised parameters, and a
    :class:`ConvergencePoint` records the RMS deviation (trials and rows), its
    standard error and the bias.  :func:`fit_power_law` fits the RMS.

    The RMS deviation is expected to scale like ``n^(-1/2)`` (fluctuations) with
    a bias of lower order; this is reported (``consistent_with_half``,
    ``bias_below_fluctuation``), never asserted: at moderate n the measured
    slopes scatter (spec 9: -0.40 to -0.55).  Near a sign change of the limit
    (finite-n sign risk) the deviation is dominated by sign flips and decays
    faster; the result then carries a note.
    """
    from .params import check_dps

    dps = check_dps(dps)
    sizes = sorted(_whole(s, "size", 2) for s in sizes)
    if len(sizes) < 2 or len(set(sizes)) != len(sizes):
        raise ParameterError("sizes must list at least two different sizes (e.g. 250,500,1000,2000)")
    seeds = _whole(seeds, "seeds", 2)
    times = model.parse_times(params, list(times))
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
                tp, _ = _effective_params(params, sim)
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
                     "opposite sign, which become rarer as n grows, so the slope can be steeper than -1/2")
    return ConvergenceResult(model=model.name, params=params, source="theory" if against is None else against.source,
                             observables=obs_used, times=tuple(times), time_name=model.time_name(params),
                             points=tuple(points), fit=fit, notes=tuple(notes))
