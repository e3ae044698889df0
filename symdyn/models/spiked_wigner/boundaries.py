"""Boundary quantities of the spiked Wigner model: threshold, outlier, overlap, edge, relaxation time.

All are algebraic in ``theta``; the values are exact SymPy expressions evaluated
with adaptive precision and reported in the user's convention (``noise-sigma``:
``theta'_c = sigma``, eigenvalues times ``sigma``).

>>> import symdyn as sd
>>> m = sd.model("spiked-wigner")
>>> b = m.boundary("outlier", m.params(theta="2"), dps=20)
>>> b.exact["lambda_star"], str(b.regime)
(5/2, 'above-threshold')
"""

from __future__ import annotations

import sympy as sp

from ...errors import UnsupportedError
from ...laws.bbp import Regime
from .constants import exact_constants

__all__ = ["boundary_exact", "COMPUTED"]


def boundary_exact(model, quantity: str, params) -> tuple[dict[str, sp.Expr], Regime | None, str]:
    """Exact closed forms (user units) of a boundary quantity, its regime and a note."""
    spec = model.quantity(quantity)
    can = model.canonical(params, need=spec.needs, dynamics=False)
    if quantity == "threshold":
        return {"theta_c": 1 / can.theta_scale}, None, ""
    if quantity == "edge":
        return {"edge": 2 * can.x_scale}, None, "right edge of the semicircle law of W"
    ex = exact_constants(can)
    e = ex.exprs
    regime = ex.regime
    if quantity == "outlier":
        if ex.sign_D > 0:
            return ({"lambda_star": can.x_scale * e["lam_star"]}, regime,
                    "top eigenvalue of Y, separated from the bulk edge 2")
        return ({"lambda_star": can.x_scale * 2}, regime,
                "no outlier at or below threshold: the top eigenvalue sticks to the bulk edge 2 "
                "(theta + 1/theta is then only the pole of the bulk density, outside the spectrum)")
    if quantity == "overlap":
        return {"zeta": e["weight"]}, regime, (
            "" if ex.sign_D > 0 else "at or below threshold the top eigenvector carries no macroscopic overlap")
    if quantity == "relaxation-time":
        if ex.sign_D <= 0:
            raise UnsupportedError("the relaxation time theta/(theta - 1)^2 is infinite at and below threshold: "
                                   "the overlap decays like a power of t there (see 'symdyn limit')")
        return {"time": 1 / (e["delta"] * can.time_factor)}, regime, "in the user's time units"
    raise UnsupportedError(f"quantity {quantity} is not implemented")  # pragma: no cover


#: Quantities computed otherwise than from ``boundary_exact`` (none: all are closed forms).
COMPUTED: dict = {}
