"""Exact constants of the spiked Wigner model and their evaluation at a precision.

Quantities sensitive to the threshold are kept in cancellation-free closed forms:

* ``D = theta - 1`` (its exact sign decides the regime; exact zero at threshold);
* ``delta = lambda* - 2 = (theta - 1)^2/theta``, never ``theta + 1/theta - 2``;
* ``(1 - theta)^2`` in ``1 + theta^2 - theta lambda = (1 - theta)^2 + 4 theta sin^2(phi/2)``;
* the outlier weight ``1 - theta^(-2) = (theta - 1)(theta + 1)/theta^2``.

:func:`exact_constants` builds the SymPy expressions once per parameter set;
:func:`numeric_constants` evaluates them with adaptive precision
(:func:`symdyn.exact.to_mp`), so every requested digit is correct even at
``theta = 1 + 1e-30``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath as mp
import sympy as sp

from ...exact import exact_sign, to_mp
from ...laws.bbp import Regime
from .canonical import Canonical

__all__ = ["ExactConstants", "exact_constants", "numeric_constants"]


@dataclass(frozen=True)
class ExactConstants:
    """Exact (SymPy) constants; ``sign_D`` (sign of theta - 1) and ``sign_alpha`` decided exactly."""

    exprs: dict[str, sp.Expr]
    sign_D: int
    sign_alpha: int | None

    @property
    def above(self) -> bool:
        return self.sign_D > 0

    @property
    def regime(self) -> Regime:
        if self.sign_D > 0:
            return Regime.ABOVE
        return Regime.AT if self.sign_D == 0 else Regime.BELOW


def _build(theta: sp.Expr, alpha: sp.Expr | None) -> ExactConstants:
    D = theta - 1
    sign_D = exact_sign(D)
    e: dict[str, sp.Expr] = {
        "theta": theta,
        "inv_theta": 1 / theta,
        "D": D,
        "lam_star": theta + 1 / theta,
        "delta": D**2 / theta,
        "om2": D**2,                       # (1 - theta)^2
        "edge": sp.Integer(2),
        "pole_integral": sp.Min(theta, 1 / theta),
    }
    if sign_D > 0:
        e["weight"] = D * (theta + 1) / theta**2
        e["sqrt_weight"] = sp.sqrt(D * (theta + 1)) / theta
    else:
        e["weight"] = e["sqrt_weight"] = sp.Integer(0)
    sign_alpha = None
    if alpha is not None:
        sign_alpha = exact_sign(alpha)
        e["alpha"] = alpha
        e["al2"] = alpha**2
        e["one_m_al2"] = 1 - alpha**2
    return ExactConstants(e, sign_D, sign_alpha)


@lru_cache(maxsize=256)
def _exact_cached(theta, alpha) -> ExactConstants:
    return _build(theta, alpha)


def exact_constants(can: Canonical) -> ExactConstants:
    """Exact constants of the canonical parameters (cached per parameter set)."""
    if can.theta is None:
        raise ValueError("theta is needed")
    return _exact_cached(sp.sympify(can.theta), None if can.alpha is None else sp.sympify(can.alpha))


def numeric_constants(ex: ExactConstants, dps: int) -> dict[str, mp.mpf]:
    """All constants as mpf with ``dps`` correct digits (adaptive; exact zeros exact)."""
    return {k: to_mp(v, dps) for k, v in ex.exprs.items()}
