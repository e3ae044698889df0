"""Wigner's semicircle law on [-2, 2] (GOE with E W_ij^2 = 1/n).

Kept in the same shape as the Marchenko-Pastur module: SymPy expressions plus
mpmath twins.  The moment generating function has the closed form
``<exp(tau x)>_sc = I_1(2 tau)/tau`` (modified Bessel function).

>>> from symdyn.symbols import tau
>>> sp.series(mgf_closed(tau), tau, 0, 5).removeO()
tau**4/12 + tau**2/2 + 1
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ..symbols import tau, x, z
from .measure import SpectralMeasure

__all__ = [
    "density", "stieltjes", "mgf_closed", "semicircle", "mgf_numeric", "stieltjes_numeric",
    "edge", "moment", "mgf_series", "mgf_ode", "mgf_lambda_closed", "stieltjes_outside",
    "gd_moment_closed", "gd_lambda_moment_closed",
    "mgf_scaled_numeric", "mgf_lambda_scaled_numeric", "gd_moment_scaled", "gd_lambda_moment_scaled",
]


def density(var: sp.Expr = x) -> sp.Expr:
    return sp.sqrt(4 - var**2) / (2 * sp.pi)


def stieltjes(var: sp.Expr = z) -> sp.Expr:
    """``g_sc(z) = (-z + sqrt(z^2 - 4))/2`` with the branch ``g ~ -1/z`` at infinity."""
    return (-var + sp.sqrt(var - 2) * sp.sqrt(var + 2)) / 2


def mgf_closed(var: sp.Expr = tau) -> sp.Expr:
    """``int exp(tau x) dsc(x) = I_1(2 tau)/tau``."""
    return sp.besseli(1, 2 * var) / var


def semicircle() -> SpectralMeasure:
    return SpectralMeasure("semicircle", x, density(x), sp.Integer(-2), sp.Integer(2), (), r"\mu_{sc}")


def stieltjes_numeric(zv):
    zv = mp.mpmathify(zv)
    return (-zv + mp.sqrt(zv - 2) * mp.sqrt(zv + 2)) / 2


def mgf_numeric(tv):
    """``I_1(2 tau)/tau`` with the value 1 at tau = 0."""
    tv = mp.mpmathify(tv)
    if tv == 0:
        return mp.mpf(1)
    return mp.besseli(1, 2 * tv) / tv


# --------------------------------------------------------------------------- additions for the spiked Wigner model
#
# The semicircle moments are the Catalan numbers, <x^(2j)> = C_j, <x^(2j+1)> = 0.  They give
# the MGF as a series, the ODE it satisfies, its derivative (also a Bessel function) and the
# moments of the GD polynomials (1 + eta x)^(2k) as finite sums.  The numeric twins are
# *scaled* (times exp(-2 t s_ref) or (1 + eta s_ref)^(-2k)) so that t = 10^4 or k = 10^5 works
# in any arithmetic; they are evaluated once per time point, never per quadrature node.


def edge() -> sp.Expr:
    """Right edge of the semicircle support, 2."""
    return sp.Integer(2)


def moment(order: int) -> sp.Integer:
    """``<x^order>_sc``: the Catalan number ``C_(order/2)`` for even orders, 0 for odd ones.

    >>> [moment(j) for j in range(7)]
    [1, 0, 1, 0, 2, 0, 5]
    """
    if order < 0:
        raise ValueError("moment order must be >= 0")
    if order % 2:
        return sp.Integer(0)
    return sp.catalan(order // 2)


def mgf_series(var: sp.Expr = tau, terms: int = 8) -> sp.Expr:
    """``sum_j C_j tau^(2j)/(2j)!`` truncated after *terms* terms (the moment series of the MGF)."""
    return sp.Add(*[sp.catalan(j) * var ** (2 * j) / sp.factorial(2 * j) for j in range(terms)])


def mgf_ode(y: sp.Expr, var: sp.Expr = tau) -> sp.Expr:
    """Residual of the ODE ``tau y'' + 3 y' - 4 tau y = 0`` satisfied by ``y = I_1(2 tau)/tau``.

    The moment series solves it: the recursion of its coefficients
    ``a_j/a_(j-1) = 1/(j (j + 1))`` is the Catalan recursion divided by ``(2j)(2j - 1)``.

    >>> sp.simplify(mgf_ode(mgf_closed(tau)))
    0
    """
    return var * sp.diff(y, var, 2) + 3 * sp.diff(y, var) - 4 * var * y


def mgf_lambda_closed(var: sp.Expr = tau) -> sp.Expr:
    """``int x exp(tau x) dsc(x) = d/dtau [I_1(2 tau)/tau] = 2 I_2(2 tau)/tau``."""
    return 2 * sp.besseli(2, 2 * var) / var


def stieltjes_outside(var: sp.Expr) -> sp.Expr:
    """``int dsc(x)/(z - x) = -g_sc(z) = (z - sqrt(z^2 - 4))/2`` for real ``z >= 2``.

    At ``z = theta + 1/theta`` (``theta > 0``) this is ``min(theta, 1/theta)``.
    """
    return (var - sp.sqrt(var**2 - 4)) / 2


def gd_moment_closed(eta_: sp.Expr, k_: int) -> sp.Expr:
    """``<(1 + eta x)^(2k)>_sc = sum_j binom(2k, 2j) eta^(2j) C_j`` (exact; discrete GD)."""
    return sp.Add(*[sp.binomial(2 * k_, 2 * j) * eta_ ** (2 * j) * sp.catalan(j) for j in range(k_ + 1)])


def gd_lambda_moment_closed(eta_: sp.Expr, k_: int) -> sp.Expr:
    """``<x (1 + eta x)^(2k)>_sc = sum_j binom(2k, 2j - 1) eta^(2j - 1) C_j`` (exact)."""
    return sp.Add(*[sp.binomial(2 * k_, 2 * j - 1) * eta_ ** (2 * j - 1) * sp.catalan(j)
                    for j in range(1, k_ + 1)])


def mgf_scaled_numeric(tv, shift) -> mp.mpf:
    """``exp(-tau shift) I_1(2 tau)/tau`` in mpmath at the current precision (1 at tau = 0)."""
    tv = mp.mpmathify(tv)
    if tv == 0:
        return mp.mpf(1)
    return mp.besseli(1, 2 * tv) * mp.exp(-tv * shift) / tv


def mgf_lambda_scaled_numeric(tv, shift) -> mp.mpf:
    """``exp(-tau shift) 2 I_2(2 tau)/tau`` in mpmath at the current precision (0 at tau = 0)."""
    tv = mp.mpmathify(tv)
    if tv == 0:
        return mp.mpf(0)
    return 2 * mp.besseli(2, 2 * tv) * mp.exp(-tv * shift) / tv


def gd_moment_scaled(eta_v, k_: int, scale, arith=None):
    """``<(1 + eta x)^(2k)>_sc / scale^(2k)`` as a sum of positive terms (no cancellation).

    Terms ``u_j = binom(2k, 2j) eta^(2j) C_j`` obey ``u_(j+1)/u_j = eta^2 (2k - 2j)(2k - 2j - 1)/((j + 1)(j + 2))``.
    *arith* is a :class:`symdyn.numeric.arithmetic.Arithmetic` (default mpmath); call inside its
    ``workdps``.  Cost O(k).
    """
    one = arith.num(1) if arith is not None else mp.mpf(1)
    term = one / (scale ** (2 * k_)) if k_ else one
    total = term
    e2 = eta_v * eta_v
    for j in range(k_):
        term = term * e2 * ((2 * k_ - 2 * j) * (2 * k_ - 2 * j - 1)) / ((j + 1) * (j + 2))
        total = total + term
    return total


def gd_lambda_moment_scaled(eta_v, k_: int, scale, arith=None):
    """``<x (1 + eta x)^(2k)>_sc / scale^(2k)`` as a sum of positive terms.

    Terms ``v_j = binom(2k, 2j - 1) eta^(2j - 1) C_j`` (``j >= 1``) obey
    ``v_(j+1)/v_j = eta^2 (2k - 2j + 1)(2k - 2j)/(j (j + 2))``.
    """
    zero = arith.num(0) if arith is not None else mp.mpf(0)
    if k_ == 0:
        return zero
    one = arith.num(1) if arith is not None else mp.mpf(1)
    term = 2 * k_ * eta_v * one / (scale ** (2 * k_))
    total = term
    e2 = eta_v * eta_v
    for j in range(1, k_):
        term = term * e2 * ((2 * k_ - 2 * j + 1) * (2 * k_ - 2 * j)) / (j * (j + 2))
        total = total + term
    return total
