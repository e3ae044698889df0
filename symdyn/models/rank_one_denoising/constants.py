"""Exact constants of the rank-one model and their evaluation at a precision.

Every quantity that is sensitive to the threshold or to the critical ratio is
written in a cancellation-free closed form and kept exact:

* ``D = theta^4 - c`` (sign decides the regime; exact zero at threshold);
* ``delta = lambda* - lambda_+ = D^2/(theta^2 (theta^2 + sqrt c)^2)`` and the gap
  ``s1 - s_+ = delta/(s1 + s_+)``, never as differences of nearly equal numbers;
* ``kp = a + b`` with ``a = alpha/sqrt(c + theta^2)``, ``b = kappa beta/sqrt(1 + theta^2)``:
  the critical combination; the outlier amplitude is ``A + B = sqrt(D)/theta * kp``.

:func:`exact_constants` builds the SymPy expressions once per parameter set;
:func:`numeric_constants` evaluates them with adaptive precision
(:func:`symdyn.exact.to_mp`), so every digit requested is correct even at
``theta = theta_c (1 + 1e-20)`` or a ratio ``1e-30`` away from critical.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath as mp
import sympy as sp

from ...exact import exact_sign, to_mp
from ...laws.bbp import Regime
from .canonical import Canonical

__all__ = ["ExactConstants", "exact_constants", "numeric_constants", "regime_of"]


@dataclass(frozen=True)
class ExactConstants:
    """Exact (SymPy) constants; ``sign_D`` and ``sign_kp`` are decided exactly."""

    exprs: dict[str, sp.Expr]
    sign_D: int
    sign_kp: int | None  # None when alpha or beta is not given

    @property
    def above(self) -> bool:
        return self.sign_D > 0

    @property
    def regime(self) -> Regime:
        return regime_of(self.sign_D, self.sign_kp)


def regime_of(sign_D: int, sign_kp: int | None) -> Regime:
    if sign_D > 0:
        return Regime.CRITICAL_RATIO if sign_kp == 0 else Regime.ABOVE
    if sign_D == 0:
        return Regime.AT
    return Regime.BELOW


def _build(c: sp.Expr, theta: sp.Expr, alpha, beta, kappa: sp.Expr) -> ExactConstants:
    sc = sp.sqrt(c)
    th2 = theta**2
    D = sp.expand(theta**4 - c) if theta.is_Rational and c.is_Rational else theta**4 - c
    sign_D = exact_sign(D)
    e: dict[str, sp.Expr] = {
        "c": c, "sqrt_c": sc, "theta": theta, "kappa": kappa, "D": D,
        "m": 1 + c, "lam_plus": (1 + sc) ** 2, "lam_minus": (1 - sc) ** 2, "s_plus": 1 + sc,
        "lam_star": (1 + th2) * (c + th2) / th2,
        "s1": sp.sqrt((1 + th2) * (c + th2)) / theta,
        "delta": D**2 / (th2 * (th2 + sc) ** 2),
        "R_star": sp.Abs(D) / th2,
        "ku": (1 + th2) / th2, "kv": (c + th2) / th2,
        "sqrt_cth": sp.sqrt(c + th2), "sqrt_oth": sp.sqrt(1 + th2),
    }
    e["gap"] = e["delta"] / (e["s1"] + e["s_plus"])
    e["G"] = ((e["lam_star"] - e["m"]) - e["R_star"]) / 2
    if sign_D > 0:
        e["zeta_u"] = D / (th2 * (th2 + c))
        e["zeta_v"] = D / (th2 * (th2 + 1))
        e["sqrt_zeta_u"] = sp.sqrt(D) / (theta * e["sqrt_cth"])
        e["sqrt_zeta_v"] = sp.sqrt(D) / (theta * e["sqrt_oth"])
    else:
        for k in ("zeta_u", "zeta_v", "sqrt_zeta_u", "sqrt_zeta_v"):
            e[k] = sp.Integer(0)
    sign_kp = None
    if alpha is not None and beta is not None:
        bh = kappa * beta
        e.update(alpha=alpha, beta=beta, beta_hat=bh, rho_hat=kappa**2 * (1 - beta**2))
        e["a"] = alpha / e["sqrt_cth"]
        e["b"] = bh / e["sqrt_oth"]
        e["kp"] = e["a"] + e["b"]
        e["km"] = e["a"] - e["b"]
        sign_kp = exact_sign(e["kp"])
        if sign_D > 0:
            e["ApB"] = sp.sqrt(D) / theta * e["kp"]
            e["AmB"] = sp.sqrt(D) / theta * e["km"]
        else:
            e["ApB"] = e["AmB"] = sp.Integer(0)
    return ExactConstants(e, sign_D, sign_kp)


@lru_cache(maxsize=256)
def _exact_cached(c, theta, alpha, beta, kappa) -> ExactConstants:
    return _build(c, theta, alpha, beta, kappa)


def exact_constants(can: Canonical) -> ExactConstants:
    """Exact constants of the canonical parameters (cached per parameter set)."""
    if can.theta is None:
        raise ValueError("theta is needed")
    return _exact_cached(can.c, can.theta, can.alpha, can.beta, can.kappa)


def numeric_constants(ex: ExactConstants, dps: int) -> dict[str, mp.mpf]:
    """All constants as mpf with ``dps`` correct digits (adaptive, exact zeros exact)."""
    return {k: to_mp(v, dps) for k, v in ex.exprs.items()}
