"""Spiked-Wigner spectral quantities: exact SymPy expressions in ``theta`` (and ``alpha``).

``Y = theta x x^T + W`` with ``W`` a GOE matrix (semicircle on ``[-2, 2]``).  By
Sherman-Morrison, ``x^T (Y - z)^(-1) x -> g/(1 + theta g)`` with the semicircle
Stieltjes transform ``g = g_sc(z)``.  Its measure ``nu_x`` has the density
``sqrt(4 - lambda^2)/(2 pi (1 + theta^2 - theta lambda))`` on ``[-2, 2]`` and, iff
``theta > 1``, the atom ``1 - theta^(-2)`` at ``lambda* = theta + 1/theta``.  Since
``1 + theta^2 - theta lambda = theta (lambda* - lambda)``, the bulk density has a
simple pole at ``lambda*``, which lies *outside* ``[-2, 2]`` for every ``theta != 1``
(``lambda* - 2 = (theta - 1)^2/theta``) and touches the edge at ``theta = 1``.

Large time (spec 6): above threshold ``m -> sgn(alpha) sqrt(1 - theta^(-2))``;
below, Laplace's method at the edge ``lambda = 2`` gives ``m ~ K t^(-3/4)`` with

    K = (2/pi)^(1/4) alpha / ((1 - theta) sqrt(alpha^2 + (1 - alpha^2)(1 - theta)^2)),

and at ``theta = 1``, ``m ~ sgn(alpha) (2/pi)^(1/4) t^(-1/4)`` (the amplitude does not
depend on ``|alpha|``; the correction is a factor ``(1 + (1 - alpha^2)/(4 alpha^2 t))^(-1/2)``).

>>> from symdyn.symbols import theta
>>> outlier_eigenvalue().subs(theta, 2), outlier_weight().subs(theta, 2)
(5/2, 3/4)
"""

from __future__ import annotations

import sympy as sp

from ...laws import semicircle as sc
from ...laws.measure import Atom, SpectralMeasure
from ...symbols import alpha, lam, theta, z

__all__ = [
    "threshold", "outlier_eigenvalue", "outlier_weight", "pole_distance", "denominator",
    "resolvent", "nu_x", "pole_integral",
    "edge_weights", "decay_amplitude", "threshold_amplitude",
]


def threshold() -> sp.Expr:
    """BBP threshold of the spiked Wigner model, ``theta_c = 1``."""
    return sp.Integer(1)


def outlier_eigenvalue() -> sp.Expr:
    """``lambda* = theta + 1/theta``: the root of ``1 + theta g_sc(z) = 0`` (a true eigenvalue iff theta > 1)."""
    return theta + 1 / theta


def outlier_weight() -> sp.Expr:
    """Weight ``1 - theta^(-2)`` of the atom of ``nu_x`` at ``lambda*`` (present iff theta > 1)."""
    return 1 - 1 / theta**2


def pole_distance() -> sp.Expr:
    """``lambda* - 2 = (theta - 1)^2/theta`` (cancellation-free; zero exactly at threshold)."""
    return (theta - 1) ** 2 / theta


def denominator(var: sp.Expr = lam) -> sp.Expr:
    """``1 + theta^2 - theta lambda = theta (lambda* - lambda) = (1 - theta)^2 + theta (2 - lambda)``."""
    return 1 + theta**2 - theta * var


def resolvent(var: sp.Expr = z) -> sp.Expr:
    """Limit of ``x^T (Y - z)^(-1) x = g/(1 + theta g)`` (Sherman-Morrison)."""
    g = sc.stieltjes(var)
    return g / (1 + theta * g)


def pole_integral() -> sp.Expr:
    """``int dsc(lambda)/(lambda* - lambda) = -g_sc(lambda*) = min(theta, 1/theta)``."""
    return sp.Min(theta, 1 / theta)


def nu_x() -> SpectralMeasure:
    """Spectral measure of ``Y`` at ``x`` (mass 1)."""
    return SpectralMeasure(
        "nu_x", lam,
        sp.sqrt(4 - lam**2) / (2 * sp.pi * denominator(lam)),
        sp.Integer(-2), sp.Integer(2),
        (Atom(outlier_eigenvalue(), outlier_weight(), sp.Gt(theta, 1)),),
        r"\nu_x",
    )


# --------------------------------------------------------------------------- large-time asymptotics


def edge_weights() -> dict[str, sp.Expr]:
    """Densities divided by ``sqrt(2 - lambda)`` at the edge ``lambda = 2`` (theta != 1).

    ``sqrt(4 - lambda^2) ~ 2 sqrt(2 - lambda)``; ``1 + theta^2 - 2 theta = (1 - theta)^2``.
    """
    return {"w_nu": 1 / (sp.pi * (1 - theta) ** 2), "w_sc": 1 / sp.pi}


def decay_amplitude() -> dict[str, sp.Expr]:
    """Amplitude ``K`` of ``m ~ K t^(-3/4)`` below threshold, from Laplace's method at the edge.

    With ``int_0^oo e^(-tau u) sqrt(u) du = Gamma(3/2) tau^(-3/2)``:
    ``N ~ alpha w_nu e^(2t) Gamma(3/2) t^(-3/2)``,
    ``Q ~ (alpha^2 w_nu + (1 - alpha^2) w_sc) e^(4t) Gamma(3/2) (2t)^(-3/2)``, so
    ``K = (2 pi)^(1/4) alpha w_nu / sqrt(alpha^2 w_nu + (1 - alpha^2) w_sc)``.
    """
    w = edge_weights()
    B = alpha**2 * w["w_nu"] + (1 - alpha**2) * w["w_sc"]
    K = (2 * sp.pi) ** sp.Rational(1, 4) * alpha * w["w_nu"] / sp.sqrt(B)
    closed = (2 / sp.pi) ** sp.Rational(1, 4) * alpha / (
        (1 - theta) * sp.sqrt(alpha**2 + (1 - alpha**2) * (1 - theta) ** 2))
    return {"K": K, "K_closed": closed, "B": B, **w}


def threshold_amplitude() -> dict[str, sp.Expr]:
    """Amplitude of ``m ~ K t^(-1/4)`` at ``theta = 1``: ``K = sgn(alpha) (2/pi)^(1/4)``.

    At threshold the density is ``sqrt(2 + lambda)/(2 pi sqrt(2 - lambda)) ~ v (2 - lambda)^(-1/2)``
    with ``v = 1/pi``; ``int_0^oo e^(-tau u) u^(-1/2) du = sqrt(pi/tau)`` gives
    ``N ~ alpha v sqrt(pi) e^(2t) t^(-1/2)`` and ``Q ~ alpha^2 v sqrt(pi) e^(4t) (2t)^(-1/2)``
    (the semicircle part is smaller by ``1/t``).
    """
    v = 1 / sp.pi
    K = sp.sign(alpha) * sp.sqrt(v * sp.sqrt(sp.pi)) * 2 ** sp.Rational(1, 4)
    return {"K": K, "K_closed": sp.sign(alpha) * (2 / sp.pi) ** sp.Rational(1, 4), "v": v}
