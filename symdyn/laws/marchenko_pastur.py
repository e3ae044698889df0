"""The Marchenko-Pastur laws of a p x n noise matrix with entries N(0, 1/n), c = p/n.

``mu1`` is the limit spectrum of Z Z^T (p x p), ``mu2`` that of Z^T Z (n x n).
All expressions are SymPy; :func:`stieltjes_numeric` is the mpmath twin that
takes the right branch of ``R(z) = sqrt((z - lambda_-)(z - lambda_+))``
(``R ~ z`` at infinity, ``R(lambda + i0) = +i r(lambda)`` on the cut).

>>> from symdyn.symbols import c
>>> lambda_plus().subs(c, 1)
4
>>> sp.simplify(T_closed() - z * m1() * m2()).subs({c: sp.Rational(1, 2), z: 5})
0
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ..symbols import c, lam, z
from .measure import Atom, SpectralMeasure

__all__ = [
    "lambda_minus", "lambda_plus", "edge", "r", "R", "R_symbol", "m1", "m2", "T_closed",
    "mu1", "mu2", "self_consistency", "stieltjes_numeric", "T_numeric",
]

#: Symbol standing for the branch R(z) = sqrt((z - lambda_-)(z - lambda_+)) in algebra
#: carried out modulo R**2 = (z - lambda_-)(z - lambda_+).
R_symbol = sp.Symbol("R")


def lambda_minus() -> sp.Expr:
    return (1 - sp.sqrt(c)) ** 2


def lambda_plus() -> sp.Expr:
    return (1 + sp.sqrt(c)) ** 2


def edge() -> sp.Expr:
    """The bulk edge as a singular value, ``s_+ = 1 + sqrt(c)``."""
    return 1 + sp.sqrt(c)


def r(var: sp.Expr = lam) -> sp.Expr:
    """``r(lambda) = sqrt((lambda_+ - lambda)(lambda - lambda_-))`` on the bulk."""
    return sp.sqrt((lambda_plus() - var) * (var - lambda_minus()))


def R(var: sp.Expr = z) -> sp.Expr:
    """``R(z)`` as a product of principal square roots: the branch with R ~ z."""
    return sp.sqrt(var - lambda_minus()) * sp.sqrt(var - lambda_plus())


def m1(var: sp.Expr = z, Rz: sp.Expr | None = None) -> sp.Expr:
    """Stieltjes transform of mu1, ``(1 - c - z + R)/(2 c z)``."""
    Rz = R(var) if Rz is None else Rz
    return (1 - c - var + Rz) / (2 * c * var)


def m2(var: sp.Expr = z, Rz: sp.Expr | None = None) -> sp.Expr:
    """Stieltjes transform of mu2, ``(c - 1 - z + R)/(2 z)``."""
    Rz = R(var) if Rz is None else Rz
    return (c - 1 - var + Rz) / (2 * var)


def T_closed(var: sp.Expr = z, Rz: sp.Expr | None = None) -> sp.Expr:
    """``T(z) = z m1 m2 = (z - 1 - c - R)/(2c)`` (the D-transform, D(s) = T(s^2))."""
    Rz = R(var) if Rz is None else Rz
    return (var - 1 - c - Rz) / (2 * c)


def self_consistency(m: sp.Expr, var: sp.Expr = z) -> sp.Expr:
    """The MP equation ``c z m^2 + (z + c - 1) m + 1`` (zero at m = m1)."""
    return c * var * m**2 + (var + c - 1) * m + 1


def mu1() -> SpectralMeasure:
    """Limit spectral measure of Z Z^T: density ``r/(2 pi c lambda)``, atom ``1 - 1/c`` at 0 if c > 1."""
    return SpectralMeasure(
        "mu1", lam, r(lam) / (2 * sp.pi * c * lam), lambda_minus(), lambda_plus(),
        (Atom(sp.Integer(0), 1 - 1 / c, sp.Gt(c, 1)),), r"\mu_1",
    )


def mu2() -> SpectralMeasure:
    """Limit spectral measure of Z^T Z: density ``r/(2 pi lambda)``, atom ``1 - c`` at 0 if c < 1."""
    return SpectralMeasure(
        "mu2", lam, r(lam) / (2 * sp.pi * lam), lambda_minus(), lambda_plus(),
        (Atom(sp.Integer(0), 1 - c, sp.Lt(c, 1)),), r"\mu_2",
    )


# --------------------------------------------------------------------------- numeric twins


def _R_num(zv, cv):
    lm, lp = (1 - mp.sqrt(cv)) ** 2, (1 + mp.sqrt(cv)) ** 2
    return mp.sqrt(zv - lm) * mp.sqrt(zv - lp)


def stieltjes_numeric(zv, cv, which: int = 1):
    """``m1(z)`` or ``m2(z)`` in mpmath at the current working precision.

    For real ``z`` inside the bulk pass ``z + 0j`` with a tiny positive imaginary
    part to select ``lambda + i0``.
    """
    Rz = _R_num(mp.mpmathify(zv), cv)
    if which == 1:
        return (1 - cv - zv + Rz) / (2 * cv * zv)
    return (cv - 1 - zv + Rz) / (2 * zv)


def T_numeric(zv, cv):
    """``T(z) = (z - 1 - c - R(z))/(2c)`` in mpmath."""
    return (zv - 1 - cv - _R_num(mp.mpmathify(zv), cv)) / (2 * cv)
