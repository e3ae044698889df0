"""Convention presets (spec 1.1): other normalisations mapped onto the canonical model.

The canonical model is ``X = theta u v^T + Z`` with ``Z_ij ~ N(0, 1/n)``, unit
``u, v`` and unit-norm initial ``a0``; ``b0`` has norm ``kappa``.  Every other
convention in the literature is a rescaling of ``theta`` and ``t`` (and, for
initial vectors on spheres of radii ``sqrt p`` and ``sqrt n``, a fixed
``kappa``).  A :class:`Convention` maps a user's ``theta'``, ``t'`` (or GD step
``eta'``) to canonical units and back.

>>> import sympy as sp
>>> conv = CONVENTIONS["balanced"]
>>> conv.theta_scale(sp.Rational(1, 16), 1)   # theta = c^(1/4) theta'
1/2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

__all__ = ["Convention", "CONVENTIONS"]

Expr = sp.Expr


@dataclass(frozen=True)
class Convention:
    """``theta = theta_scale * theta'``, ``t = time_scale * t'`` and, if set, ``kappa = kappa_of(c)``."""

    name: str
    description: str
    _theta: Callable[[Expr, Expr], Expr]
    _time: Callable[[Expr, Expr], Expr]
    kappa_of: Callable[[Expr], Expr] | None = None
    uses_sigma: bool = False

    def theta_scale(self, c: Expr, sigma: Expr) -> Expr:
        return sp.sympify(self._theta(sp.sympify(c), sp.sympify(sigma)))

    def time_scale(self, c: Expr, sigma: Expr) -> Expr:
        return sp.sympify(self._time(sp.sympify(c), sp.sympify(sigma)))


def _bgn_theta(c: Expr, sigma: Expr) -> Expr:
    return sp.Integer(1) if c <= 1 else sp.sqrt(c)


def _bgn_time(c: Expr, sigma: Expr) -> Expr:
    return sp.Integer(1) if c <= 1 else 1 / sp.sqrt(c)


CONVENTIONS: dict[str, Convention] = {
    conv.name: conv
    for conv in (
        Convention("canonical", "noise variance 1/n, signal theta u v^T with unit u, v, unit initial a0",
                   lambda c, s: 1, lambda c, s: 1),
        Convention("noise-sigma", "noise variance sigma^2/n: theta = theta'/sigma, t = sigma t'",
                   lambda c, s: 1 / s, lambda c, s: s, uses_sigma=True),
        Convention("balanced", "noise variance 1/sqrt(p n): theta = c^(1/4) theta', t = c^(-1/4) t'",
                   lambda c, s: c ** sp.Rational(1, 4), lambda c, s: c ** sp.Rational(-1, 4)),
        Convention("noise-1/p", "noise variance 1/p: theta = sqrt(c) theta', t = t'/sqrt(c)",
                   lambda c, s: sp.sqrt(c), lambda c, s: 1 / sp.sqrt(c)),
        Convention("bgn", "noise variance 1/max(p, n) (Benaych-Georges-Nadakuditi): canonical if c <= 1, "
                   "noise-1/p if c > 1", _bgn_theta, _bgn_time),
        Convention("signal-sqrt-pn", "signal (theta'/sqrt(p n)) u' v'^T with |u'|^2 = p, |v'|^2 = n: theta = theta'",
                   lambda c, s: 1, lambda c, s: 1),
        Convention("signal-over-n", "signal (theta'/n) u' v'^T with |u'|^2 = p, |v'|^2 = n (Bodin-Macris "
                   "lambda/n): theta = sqrt(c) theta'", lambda c, s: sp.sqrt(c), lambda c, s: 1),
        Convention("spheres-sqrt", "initial vectors on spheres of radii sqrt(p), sqrt(n): kappa = c^(-1/2)",
                   lambda c, s: 1, lambda c, s: 1, kappa_of=lambda c: 1 / sp.sqrt(c)),
    )
}
