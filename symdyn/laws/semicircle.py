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

__all__ = ["density", "stieltjes", "mgf_closed", "semicircle", "mgf_numeric", "stieltjes_numeric"]


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
