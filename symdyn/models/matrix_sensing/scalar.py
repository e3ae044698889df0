"""One component on its own: the logistic law of the flow and the scalar map of GD (spec 2.2, 2.4).

All in the spec's units (loss scale 1/4): the flow ``lambda' = 2 lambda (s - lambda)``
and the GD map ``lambda <- lambda (1 + mu (s - lambda))^2`` (``mu = 4 loss_scale eta``),
which is ``w <- w + mu g(w)`` for ``w = sqrt(lambda)`` and ``g(w) = w (s - w^2)``.

Exact symbolic forms (for the derivation) and mpmath evaluations (current precision;
callers wrap them in ``mp.workdps``).

>>> import mpmath as mp
>>> with mp.workdps(30):
...     t = logistic_time(2, mp.mpf("1e-20"), 1)
...     print(mp.nstr(logistic(2, mp.mpf("1e-20"), t), 25))
1.0
"""

from __future__ import annotations

from typing import Any

import mpmath as mp
import sympy as sp

__all__ = [
    "logistic_expr", "logistic_time_expr", "logistic", "logistic_time",
    "map_step", "modified_equation_steps", "g_map",
]


def logistic_expr(s: sp.Expr, lam0: sp.Expr, t: sp.Expr) -> sp.Expr:
    """``lambda(t) = s lam0 e^(2 s t) / (s + lam0 (e^(2 s t) - 1))`` (solves ``lambda' = 2 lambda (s - lambda)``)."""
    e = sp.exp(2 * s * t)
    return s * lam0 * e / (s + lam0 * (e - 1))


def logistic_time_expr(s: sp.Expr, lam0: sp.Expr, lam1: sp.Expr) -> sp.Expr:
    """``T(lam0 -> lam1) = log(lam1 (s - lam0) / (lam0 (s - lam1))) / (2 s)`` (inverse of the logistic law)."""
    return sp.log(lam1 * (s - lam0) / (lam0 * (s - lam1))) / (2 * s)


def logistic(s: Any, lam0: Any, t: Any) -> mp.mpf:
    """The logistic law at time *t*, written without overflow (``e^(-2 s t)`` form)."""
    s, lam0, t = mp.mpf(s), mp.mpf(lam0), mp.mpf(t)
    u = mp.exp(-2 * s * t)
    return 1 / (u / lam0 + (-mp.expm1(-2 * s * t)) / s)


def logistic_time(s: Any, lam0: Any, lam1: Any) -> mp.mpf:
    """Time for the logistic law to go from *lam0* to *lam1* (``0 < lam0, lam1 < s``)."""
    s, lam0, lam1 = mp.mpf(s), mp.mpf(lam0), mp.mpf(lam1)
    return (mp.log(lam1 / lam0) + mp.log((s - lam0) / (s - lam1))) / (2 * s)


def map_step(lam: mp.mpf, s: mp.mpf, mu: mp.mpf) -> mp.mpf:
    """One GD step of one component: ``lambda (1 + mu (s - lambda))^2``."""
    f = 1 + mu * (s - lam)
    return lam * f * f


def g_map(w: Any, s: Any) -> Any:
    """``g(w) = w (s - w^2)``: GD on ``w = sqrt(lambda)`` is ``w <- w + mu g(w)``."""
    return w * (s - w * w)


def modified_equation_steps(s: Any, lam0: Any, lam1: Any, mu: Any) -> mp.mpf:
    """Steps of the map from *lam0* to *lam1* by the modified equation (spec 2.4).

    ``K = T(lam0 -> lam1)/mu + (1/2) log(g(w1)/g(w0)) + O(mu)``, ``w = sqrt(lambda)``;
    it follows from the modified flow ``g - (mu/2) g g'``.
    """
    s, lam0, lam1, mu = mp.mpf(s), mp.mpf(lam0), mp.mpf(lam1), mp.mpf(mu)
    ratio = mp.sqrt(lam1 / lam0) * (s - lam1) / (s - lam0)
    return logistic_time(s, lam0, lam1) / mu + mp.log(ratio) / 2
