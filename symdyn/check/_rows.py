"""Rows of a check and the mean test with Holm's procedure (with the sign-risk treatment)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import mpmath as mp
import numpy as np

from ..errors import ParameterError
from ..exact import mp_to_decimal
from ._stats import fstr as _fstr, holm, skewness as _skewness, student_p

__all__ = ["Row", "compare_rows", "mean_rows", "adjust", "check_level", "check_relation", "one_sided", "RELATIONS", "DEFAULT_LEVEL",
           "RESOLUTION"]

DEFAULT_LEVEL = 0.05
#: How a simulated value is compared with its prediction: equal to it, at most it, at least it.
RELATIONS = ("==", "<=", ">=")
#: Absolute float64 resolution assumed for simulated values of order one (added to the standard error).
RESOLUTION = 1e-10


@dataclass(frozen=True)
class Row:
    """One observable at one time (or one per-trial event, ``t = None``): prediction, simulation
    mean, statistic, decision.

    ``test`` is ``"mean"`` (plain comparison of the mean over trials), ``"paired"`` (the mean
    of per-trial residuals against per-trial predictions), ``"tolerance"`` (every trial within
    ``tolerance = (rel, abs)`` of its prediction; ``max_deviation`` is the largest),
    ``"amplitude-corrected"`` (sign-risk row: ``mean``, ``stderr`` and ``z``
    are those of the amplitude-corrected values, ``raw_*`` those of the plain
    values, and ``p = max(raw_p, corrected_p)``: the row is rejected only if
    both disagree) or ``"excluded"`` (not part of the verdict; ``note`` says why).

    ``relation`` is ``"=="`` for a prediction of the value, or ``"<="`` / ``">="`` for a bound the
    simulated value must respect (``"<="``: the simulation is at most the theory); a bound row is
    rejected only on the violating side (one-sided p-value, or the deviation beyond the bound).
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
    tolerance: tuple[float, float] | None = None
    max_deviation: float | None = None
    note: str = ""
    relation: str = "=="

    @property
    def tested(self) -> bool:
        return self.test != "excluded"

    @property
    def tolerance_ratio(self) -> float:
        """The largest deviation over the tolerance ``abs + rel |theory|`` (a tolerance row passes at <= 1;
        0 for a row without a tolerance)."""
        if self.tolerance is None or self.max_deviation is None:
            return 0.0
        rel, ab = self.tolerance
        finite = self.theory is not None and mp.isfinite(self.theory)
        scale = ab + rel * abs(float(self.theory)) if finite else ab
        return self.max_deviation / scale if scale > 0 else (0.0 if self.max_deviation == 0 else math.inf)

    def to_json(self, dps: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "observable": self.observable,
            "t": None if self.t is None else str(self.t),
            "theory": None if self.theory is None else mp_to_decimal(self.theory, dps),
            "mean": _fstr(self.mean),
            "stderr": _fstr(self.stderr),
            "z": _fstr(self.z),
            "p": _fstr(self.p),
            "p_holm": _fstr(self.p_adjusted),
            "rejected": self.rejected,
            "passed": None if not self.tested else not self.rejected,
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
        if self.tolerance is not None:
            out["tolerance"] = {"rel": _fstr(self.tolerance[0]), "abs": _fstr(self.tolerance[1])}
            out["max_deviation"] = _fstr(self.max_deviation)
        if self.relation != "==":
            out["relation"] = self.relation
        if self.note:
            out["note"] = self.note
        return out


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
    corrections : mapping observable -> ``(trials, len(times))`` sign-risk corrections
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
    check_level(level)
    rows = mean_rows(predictions, values, times=times, errors=errors, corrections=corrections, at_risk=at_risk,
                     mixture_bias=mixture_bias, flips=flips, resolution=resolution)
    return adjust(rows, level)


def mean_rows(
    predictions: Mapping[str, Sequence[Any]],
    values: Mapping[str, np.ndarray],
    *,
    times: Sequence[Any],
    errors: Mapping[str, Sequence[Any]] | None = None,
    corrections: Mapping[str, np.ndarray] | None = None,
    at_risk: Mapping[str, np.ndarray] | None = None,
    mixture_bias: Mapping[str, np.ndarray] | None = None,
    flips: Mapping[str, np.ndarray] | None = None,
    resolution: float = RESOLUTION,
) -> list[Row]:
    """The rows of the mean test (statistics and p-values; no decision yet, see :func:`adjust`)."""
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
                                        note="the spread of the sign-fixing amplitude shifts this row (no "
                                             "per-trial correction available); wrong-sign trials do not: tested "
                                             "as it is"))
                        continue
                    rows.append(Row(**base, mean=mean, stderr=se, z=z, p=float(student_p(z, T - 1)),
                                    test="excluded",
                                    note="finite-n sign risk and no per-trial correction available"))
                    continue
                cmean, cse, cz, _ = _row_stats(col - corr[:, j], pf, pe, resolution)
                p_raw, p_cor = float(student_p(z, T - 1)), float(student_p(cz, T - 1))
                # rejected only if both the raw and the corrected means disagree: p = max(p_raw, p_cor)
                # is a valid p-value as soon as either test is (intersection-union)
                rows.append(Row(**base, mean=cmean, stderr=cse, z=cz, p=max(p_raw, p_cor),
                                test="amplitude-corrected", raw_mean=mean, raw_z=z, raw_p=p_raw, corrected_p=p_cor,
                                skewness=_skewness(col - corr[:, j]),
                                note="finite-n sign risk: tested on corrected values (each trial's prediction given its realised instance)"))
                continue
            rows.append(Row(**base, mean=mean, stderr=se, z=z, p=float(student_p(z, T - 1)), skewness=_skewness(col)))
    return rows


def adjust(rows: Sequence[Row], level: float) -> tuple[Row, ...]:
    """Holm's step-down procedure over every tested row with a p-value: family-wise level ``level``.

    Rows decided by a tolerance (``p`` is NaN, ``rejected`` already set) are kept as they are.
    """
    rows = list(rows)
    tested = [i for i, r in enumerate(rows) if r.tested and r.test != "tolerance"]
    adj = holm([rows[i].p for i in tested])
    for k, i in enumerate(tested):
        rows[i] = replace(rows[i], p_adjusted=float(adj[k]), rejected=bool(adj[k] <= level))
    return tuple(rows)


def check_relation(relation: str) -> str:
    if relation not in RELATIONS:
        raise ParameterError(f"relation {relation!r}: use one of {', '.join(RELATIONS)}")
    return relation


def one_sided(rows: Sequence[Row], relation: str) -> list[Row]:
    """Rows of a bound (``"<="``/``">="``) with the one-sided p-value of the violating side.

    ``z = (mean - theory)/s``; ``"<="`` is violated by large ``z`` (p = P(T >= z)), ``">="`` by small ``z``.
    Excluded rows are kept as they are.

    >>> r = Row("x", None, 1.0, None, 2.0, 0.1, 5, 10.0, 1e-3, None, False)
    >>> one_sided([r], ">=")[0].p
    0.9995
    """
    check_relation(relation)
    if relation == "==":
        return list(rows)
    out = []
    for r in rows:
        if not r.tested or not math.isfinite(r.z):
            out.append(replace(r, relation=relation))
            continue
        half = r.p / 2
        bad = r.z > 0 if relation == "<=" else r.z < 0
        out.append(replace(r, p=half if bad else 1.0 - half, relation=relation))
    return out


def check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ParameterError(f"level={level!r} must be a number strictly between 0 and 1 (e.g. 0.05)")
    return float(level)


