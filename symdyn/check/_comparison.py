"""How theory and simulation are compared: strategy objects (what is compared is separate).

* :class:`MeanTest` -- the mean over trials against one prediction per row, two-sided
  Student-t, Holm over all rows (family-wise false-alarm rate ``level``); with the finite-n
  sign-risk treatment when the model reports one.
* :class:`PairedTest` -- per-trial residuals ``x_i - p_i`` against per-trial predictions (the
  theory given each trial's random instance), Student-t on their mean, Holm over all rows.
* :class:`Tolerance` -- deterministic simulators: every trial must lie within
  ``abs + rel |p|`` of its prediction (plus the prediction's own error estimate); one trial
  is enough.  Tolerances may differ per observable or family (``per_name``).

Every strategy states its false-alarm rate or its tolerance in the result (``describe``).

>>> import numpy as np, mpmath as mp
>>> tol = Tolerance(abs=1)
>>> row = tol.rows("learning_step_1", (None,), (mp.mpf(682),), np.array([[682.0]]))[0]
>>> row.rejected, row.max_deviation
(False, 0.0)
>>> Tolerance(abs=1).rows("learning_step_1", (None,), (mp.mpf(680),), np.array([[682.0]]))[0].rejected
True
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Sequence

import mpmath as mp
import numpy as np

from ..errors import ParameterError
from ._rows import DEFAULT_LEVEL, RESOLUTION, Row, adjust, check_level, check_relation, mean_rows, one_sided
from ._stats import skewness, student_p

__all__ = ["Comparison", "MeanTest", "PairedTest", "Tolerance", "comparison_from_words"]


class Comparison(ABC):
    """The interface: build one row per (name, time), then decide over all rows together."""

    name: ClassVar[str]
    #: the fewest trials the strategy can work with
    min_trials: ClassVar[int]
    #: whether the checker's finite-n sign-risk treatment applies
    sign_risk: ClassVar[bool] = False

    @abstractmethod
    def rows(self, name: str, times: Sequence[Any], theory: Sequence[Any], values: np.ndarray, *,
             errors: Sequence[Any] | None = None, trial_theory: np.ndarray | None = None,
             sign: Mapping[str, Any] | None = None, relation: str = "==") -> list[Row]:
        """Rows of one observable (or event: ``times = (None,)``).

        ``theory[j]`` is the shared prediction (mpf or ``None``), ``values`` has shape
        ``(trials, len(times))``, ``trial_theory`` (same shape) the per-trial predictions.
        ``relation`` (``"=="``, ``"<="``, ``">="``): the theory is the value, or a bound the
        simulated values must respect (rejected only on the violating side).
        """

    @abstractmethod
    def decide(self, rows: Sequence[Row]) -> tuple[Row, ...]:
        """Set ``rejected`` (and adjusted p-values) over all rows of a check."""

    @abstractmethod
    def describe(self, trials: int) -> str:
        """One sentence: the test and its false-alarm rate, or the tolerance."""

    def to_json(self, trials: int) -> dict[str, Any]:
        return {"method": self.name, "description": self.describe(trials)}

    def check_trials(self, trials: int) -> None:
        if trials < self.min_trials:
            raise ParameterError(f"seeds={trials} (--seeds) is too few: the {self.name} comparison needs at least "
                                 f"{self.min_trials} trials")


def _excluded(name: str, t: Any, pred: Any, err: Any, col: np.ndarray, note: str) -> Row:
    mean = float(np.mean(col)) if np.all(np.isfinite(col)) else float("nan")
    return Row(observable=name, t=t, theory=pred, theory_error=err, mean=mean, stderr=float("nan"),
               trials=int(col.size), z=float("nan"), p=float("nan"), p_adjusted=None, rejected=False,
               test="excluded", note=note)


@dataclass(frozen=True)
class _HolmTest(Comparison):
    """The statistical comparisons: per-row Student-t p-values, decided by Holm's procedure at ``level``."""

    level: float = DEFAULT_LEVEL
    resolution: float = RESOLUTION
    min_trials: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_level(self.level)

    def decide(self, rows):
        return adjust(rows, self.level)

    def to_json(self, trials: int) -> dict[str, Any]:
        return {"method": "holm", "comparison": self.name, "level": self.level,
                "description": self.describe(trials), "dof": trials - 1}


@dataclass(frozen=True)
class MeanTest(_HolmTest):
    """The mean over trials against one prediction per row; Student-t, Holm at ``level``."""

    name: ClassVar[str] = "mean"
    sign_risk: ClassVar[bool] = True

    def rows(self, name, times, theory, values, *, errors=None, trial_theory=None, sign=None, relation="=="):
        if trial_theory is not None:
            raise ParameterError("the predictions differ from trial to trial (they depend on each trial's random "
                                 "instance): compare them with the paired test (--compare paired)")
        sign = sign or {}
        return one_sided(mean_rows({name: theory}, {name: values}, times=times,
                                   errors={name: errors} if errors else None, resolution=self.resolution,
                                   **{k: ({name: v} if v is not None else None) for k, v in sign.items()}),
                         relation)

    def describe(self, trials: int) -> str:
        return (f"two-sided Student-t test per row ({trials - 1} dof), Holm's step-down procedure over all "
                f"tested rows: family-wise false-alarm rate <= {self.level:g} under any dependence between rows")


@dataclass(frozen=True)
class PairedTest(_HolmTest):
    """Per-trial residuals against per-trial predictions; Student-t on their mean, Holm at ``level``.

    With a shared prediction it is the mean test.  The standard error of the mean residual is
    inflated by the predictions' error estimates and the float64 resolution, as in the mean test.
    """

    name: ClassVar[str] = "paired"

    def rows(self, name, times, theory, values, *, errors=None, trial_theory=None, sign=None, relation="=="):
        check_relation(relation)
        x = np.asarray(values, dtype=float)
        out: list[Row] = []
        for j, t in enumerate(times):
            col = x[:, j]
            err = None if errors is None else errors[j]
            if trial_theory is not None:
                pt = np.asarray(trial_theory[:, j], dtype=float)
                with mp.workdps(20):
                    pred = mp.mpf(float(np.mean(pt))) if np.all(np.isfinite(pt)) else None
            else:
                pred = theory[j]
                pt = None if pred is None else np.full(col.shape, float(pred))
            if pt is None or pred is None:
                out.append(_excluded(name, t, pred, err, col, "no prediction at this time"))
                continue
            if not (np.all(np.isfinite(col)) and np.all(np.isfinite(pt))):
                out.append(_excluded(name, t, pred, err, col, "some simulated or predicted values are not finite"))
                continue
            if col.size < 2:
                raise ParameterError("a paired test needs at least 2 trials (seeds) for a standard error")
            d = col - pt
            T = d.size
            pe = 0.0 if err is None else float(err)
            se = float(d.std(ddof=1) / math.sqrt(T))
            se = math.sqrt(se * se + pe * pe + (self.resolution * max(1.0, abs(float(col.mean())))) ** 2)
            z = float(d.mean()) / se
            out.append(Row(observable=name, t=t, theory=pred, theory_error=err, mean=float(col.mean()),
                           stderr=se, trials=T, z=z, p=float(student_p(z, T - 1)), p_adjusted=None,
                           rejected=False, test="paired", skewness=skewness(d),
                           note="" if trial_theory is None else "per-trial predictions; theory = their mean"))
        return one_sided(out, relation)

    def describe(self, trials: int) -> str:
        return (f"two-sided Student-t test of the mean per-trial residual per row ({trials - 1} dof), Holm's "
                f"step-down procedure over all tested rows: family-wise false-alarm rate <= {self.level:g}")


@dataclass(frozen=True)
class Tolerance(Comparison):
    """Every trial within ``abs + rel |prediction|`` (plus the prediction's error estimate).

    ``per_name`` maps an observable, event or family name (``"learning_step"``) to its own
    ``(rel, abs)``.  A prediction of ``inf`` (never reached) is met only by ``inf`` values.  A bound
    (``relation="<="`` or ``">="``) counts only the excess beyond it: ``"<="`` with an ``inf`` bound always
    holds, ``">="`` with an ``inf`` bound needs ``inf``.

    >>> Tolerance(abs=0.5).rows("T0_1", (None,), (mp.mpf(10),), np.array([[7.0]]), relation="<=")[0].rejected
    False
    >>> Tolerance(abs=0.5).rows("T0_1", (None,), (mp.mpf(10),), np.array([[11.0]]), relation="<=")[0].rejected
    True
    """

    rel: float = 0.0
    abs: float = 0.0
    per_name: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    name: ClassVar[str] = "tolerance"
    min_trials: ClassVar[int] = 1

    def __post_init__(self) -> None:
        for r, a in [(self.rel, self.abs), *self.per_name.values()]:
            if not (math.isfinite(r) and math.isfinite(a) and r >= 0 and a >= 0) or (r == 0 and a == 0):
                raise ParameterError(f"a tolerance needs rel >= 0 and abs >= 0, not both 0 (got rel={r}, abs={a})")

    def tolerance_of(self, name: str) -> tuple[float, float]:
        if name in self.per_name:
            return self.per_name[name]
        family = name.rpartition("_")[0]
        while family:
            if family in self.per_name:
                return self.per_name[family]
            family = family.rpartition("_")[0]
        return (self.rel, self.abs)

    def rows(self, name, times, theory, values, *, errors=None, trial_theory=None, sign=None, relation="=="):
        check_relation(relation)
        rel, ab = self.tolerance_of(name)
        x = np.asarray(values, dtype=float)
        out: list[Row] = []
        for j, t in enumerate(times):
            col = x[:, j]
            err = None if errors is None else errors[j]
            if trial_theory is not None:
                pt = np.asarray(trial_theory[:, j], dtype=float)
                finite = pt[np.isfinite(pt)]
                with mp.workdps(20):
                    pred = mp.mpf(float(np.mean(finite))) if finite.size == pt.size else \
                        (mp.inf if finite.size == 0 and np.all(pt > 0) else None)
            else:
                pred = theory[j]
                pt = None if pred is None else np.full(col.shape, float(pred))
            if pred is None or pt is None:
                out.append(_excluded(name, t, pred, err, col, "no prediction at this time"))
                continue
            inf_p, inf_x = np.isinf(pt), np.isinf(col)
            if np.any(np.isnan(col)) or np.any(np.isnan(pt)):
                out.append(_excluded(name, t, pred, err, col, "some simulated or predicted values are NaN"))
                continue
            both = inf_p & inf_x & (np.sign(pt) == np.sign(col))
            fin = ~inf_p & ~inf_x
            signed = np.where(fin, col - np.where(fin, pt, 0.0), 0.0)   # simulation - theory
            if relation == "==":
                dev = np.where(both | fin, np.abs(signed), np.inf)
            else:
                # the side a bound allows: "<=" allows x below p (x = -inf, or p = +inf); ">=" the mirror
                up = 1.0 if relation == "<=" else -1.0
                allowed = (~fin) & ((np.sign(pt) * up > 0) & inf_p | (np.sign(col) * up < 0) & inf_x)
                dev = np.where(fin, np.maximum(0.0, up * signed), np.where(both | allowed, 0.0, np.inf))
            tol = ab + rel * np.abs(np.where(fin, pt, 0.0)) + (0.0 if err is None else float(err))
            bad = dev > tol
            mean = float(np.mean(col))
            out.append(Row(observable=name, t=t, theory=pred, theory_error=err, mean=mean, stderr=float("nan"),
                           trials=int(col.size), z=float("nan"), p=float("nan"), p_adjusted=None,
                           rejected=bool(np.any(bad)), test="tolerance", tolerance=(rel, ab),
                           max_deviation=float(np.max(dev)), relation=relation,
                           note=f"{int(np.sum(bad))} of {col.size} trial(s) outside the tolerance" if np.any(bad)
                           else ""))
        return out

    def decide(self, rows):
        return tuple(rows)

    def describe(self, trials: int) -> str:
        base = f"every trial within abs {self.abs:g} + rel {self.rel:g} x |prediction| of its prediction"
        if self.per_name:
            base += " (" + "; ".join(f"{k}: abs {a:g}, rel {r:g}" for k, (r, a) in self.per_name.items()) + ")"
        return base + f"; deterministic comparison over {trials} trial(s), no false-alarm rate"

    def to_json(self, trials: int) -> dict[str, Any]:
        return {"method": "tolerance", "comparison": self.name, "rel": self.rel, "abs": self.abs,
                "per_name": {k: {"rel": r, "abs": a} for k, (r, a) in self.per_name.items()},
                "description": self.describe(trials)}


def comparison_from_words(word: str, *, level: float = DEFAULT_LEVEL, tolerance: str | None = None) -> Comparison:
    """``mean``, ``paired`` or ``tolerance`` (with ``tolerance="REL[,ABS]"``) -> a strategy (CLI helper)."""
    from ..params import parse_number

    if word == "mean":
        return MeanTest(level)
    if word == "paired":
        return PairedTest(level)
    if word == "tolerance":
        if tolerance is None:
            raise ParameterError("--compare tolerance needs --tolerance REL[,ABS] (e.g. --tolerance 1e-3 or 0,1)")
        parts = [p.strip() for p in tolerance.split(",")]
        if len(parts) > 2 or not all(parts):
            raise ParameterError(f"--tolerance {tolerance!r}: give REL or REL,ABS (e.g. 1e-3 or 0,1)")
        nums = [float(parse_number(p)) for p in parts]
        return Tolerance(rel=nums[0], abs=nums[1] if len(nums) > 1 else 0.0)
    raise ParameterError(f"unknown --compare {word!r}: use mean, paired or tolerance")
