"""The checker's statistical building blocks: p-values, Holm's procedure, intervals, the power-law fit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..errors import ParameterError

__all__ = ["student_p", "holm", "wilson", "skewness", "fit_power_law", "PowerLawFit", "fstr"]


def student_p(z: np.ndarray | float, dof: int) -> np.ndarray:
    """Two-sided Student-t p-value of ``z`` with ``dof`` degrees of freedom.

    >>> float(student_p(0.0, 9)), round(float(student_p(2.262157, 9)), 4)
    (1.0, 0.05)
    """
    from scipy import stats  # when used: importing scipy.stats takes 0.4 s

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


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% by default).

    Parameters
    ----------
    k, n : int
        Successes and trials.
    z : float
        The normal quantile of the two-sided level (1.96 for 95%).

    Returns
    -------
    (float, float)
        The interval's bounds, clipped to [0, 1]; (0, 1) when ``n = 0``.

    Examples
    --------
    >>> lo, hi = wilson(0, 10)
    >>> lo, round(hi, 4)
    (0.0, 0.2775)
    """
    if n == 0:
        return (0.0, 1.0)
    ph = k / n
    den = 1 + z * z / n
    centre = (ph + z * z / (2 * n)) / den
    half = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def fstr(x: float | None) -> str | None:
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    return repr(x)


def skewness(vals: np.ndarray) -> float | None:
    """Sample skewness ``m3/m2^(3/2)`` (``None`` for fewer than 3 values or no spread)."""
    if vals.size < 3:
        return None
    d = vals - vals.mean()
    m2 = float(np.mean(d * d))
    if m2 <= 0 or m2 < 1e-24 * max(1.0, float(np.mean(vals * vals))):
        return None
    return float(np.mean(d**3) / m2**1.5)


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
            "slope": fstr(self.slope), "stderr": fstr(self.stderr),
            "interval": [fstr(self.interval[0]), fstr(self.interval[1])], "confidence": fstr(self.confidence),
            "intercept": fstr(self.intercept), "chi2": fstr(self.chi2), "dof": self.dof,
            "birge_ratio": fstr(self.birge),
        }


def fit_power_law(n: Sequence[float], y: Sequence[float], y_stderr: Sequence[float], *,
                  confidence: float = 0.95) -> PowerLawFit:
    """Weighted least-squares fit of ``log y`` on ``log n``.

    ``y_stderr`` are standard errors of ``y``; ``log y`` gets ``y_stderr / y``.  They set
    the *relative* weights of the points.  With three or more points the scale of the
    errors is estimated from the residuals: the slope's standard error is the weighted
    one times the Birge ratio ``sqrt(chi2/dof)`` and the interval uses Student's t with
    ``dof = points - 2`` degrees of freedom, which gives the stated coverage whatever the
    common scale of ``y_stderr`` (stated errors that are too small by a factor of two
    made the normal interval cover 67% instead of 95%).  With two points there are no
    residuals: the stated errors are trusted and the normal quantile is used.

    >>> f = fit_power_law([100, 400, 1600], [0.1, 0.05, 0.025], [0.001, 0.0005, 0.00025])
    >>> round(f.slope, 12), f.chi2 < 1e-20
    (-0.5, True)
    >>> g = fit_power_law([100, 400, 1600], [0.1, 0.052, 0.025], [0.001, 0.0005, 0.00025])
    >>> g.dof, round((g.interval[1] - g.slope) / g.stderr, 3)   # Student t with 1 dof
    (1, 12.706)
    """
    from scipy import stats  # when used: importing scipy.stats takes 0.4 s

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
    if dof > 0:
        se *= birge
        q = float(stats.t.ppf(0.5 + confidence / 2, dof))
    else:
        q = float(stats.norm.ppf(0.5 + confidence / 2))
    return PowerLawFit(slope=slope, stderr=se, interval=(float(slope - q * se), float(slope + q * se)),
                       confidence=confidence,
                       intercept=intercept, chi2=chi2, dof=dof, birge=birge)
