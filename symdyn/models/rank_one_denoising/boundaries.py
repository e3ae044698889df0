"""Boundary quantities of the rank-one model: threshold, critical ratio, outlier, overlaps.

All are algebraic in the parameters; the values are exact SymPy expressions
evaluated with adaptive precision, reported in the user's convention.

>>> import symdyn as sd
>>> m = sd.model("rank-one-denoising")
>>> b = m.boundary("threshold", m.params(c="1/16"), dps=20)
>>> b.exact["theta_c"], sd.mp_to_decimal(b.value, 20)
(1/2, '0.50000000000000000000')
"""

from __future__ import annotations

import sympy as sp

from ...errors import UnsupportedError
from ...laws.bbp import Regime
from .canonical import NO_CRITICAL_RATIO
from .constants import exact_constants

__all__ = ["boundary_exact", "COMPUTED"]


def boundary_exact(model, quantity: str, params) -> tuple[dict[str, sp.Expr], Regime | None, str]:
    """Exact closed forms (user units) of a boundary quantity, its regime and a note."""
    spec = model.quantity(quantity)
    can = model.canonical(params, need=spec.needs, dynamics=False)
    c = can.c
    if quantity == "threshold":
        return {"theta_c": sp.radsimp(c ** sp.Rational(1, 4) / can.theta_scale)}, None, ""
    if quantity == "edge":
        return {"s_plus": can.x_scale * (1 + sp.sqrt(c))}, None, ""
    ex = exact_constants(can)
    e = ex.exprs
    regime = Regime.ABOVE if ex.sign_D > 0 else Regime.AT if ex.sign_D == 0 else Regime.BELOW
    if quantity == "critical-ratio":
        if ex.sign_D < 0:
            raise UnsupportedError(NO_CRITICAL_RATIO)
        # radsimp the radicand first: at theta = theta_c it is exactly sqrt(c)
        value = -can.kappa * sp.sqrt(sp.radsimp((can.theta**2 + c) / (can.theta**2 + 1)))
        return {"ratio": value}, regime, ""
    if quantity == "outlier":
        if ex.sign_D > 0:
            return ({"s1": can.x_scale * e["s1"], "lambda_star": can.x_scale**2 * e["lam_star"]}, regime,
                    "top singular value of X, separated from the bulk edge s+ = 1 + sqrt(c)")
        return ({"s1": can.x_scale * e["s_plus"], "lambda_star": can.x_scale**2 * e["lam_plus"]}, regime,
                "no outlier at or below threshold: the top singular value sticks to the bulk edge s+ = 1 + sqrt(c)")
    if quantity == "overlaps":
        return {"zeta_u": e["zeta_u"], "zeta_v": e["zeta_v"]}, regime, (
            "" if ex.sign_D > 0 else "at or below threshold the top singular vectors carry no macroscopic overlap")
    if quantity == "relaxation-time":
        if ex.sign_D <= 0:
            raise UnsupportedError("the relaxation time 1/(s1 - s+) is infinite at and below threshold: "
                                   "the overlaps decay like a power of t there (see 'symdyn limit')")
        return {"time": 1 / (e["gap"] * can.time_factor)}, regime, "in the user's time units"
    if quantity == "hitting-time":
        raise UnsupportedError("hitting-time has no closed form: it is the root of m_u(t) = level (use boundary())")
    raise UnsupportedError(f"quantity {quantity} is not implemented")  # pragma: no cover


def _hitting_time(model, params, *, dps: int, certify: bool):
    """Defined by an integral equation, not a closed form: a bracketed root (see ``certified.py``)."""
    from .certified import hitting_time_boundary

    return hitting_time_boundary(model, params, dps=dps, certify=certify)


#: Quantities computed otherwise than from ``boundary_exact`` (``PackagedModel.boundary`` dispatches).
COMPUTED = {"hitting-time": _hitting_time}
