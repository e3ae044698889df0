"""The symbols the sections of the deep-factorization derivation share.

``Nr`` is a real depth and ``Ni`` an integer (sampled) one; ``al`` is alpha, ``lev`` the level theta,
``l0`` a start lambda_0, ``sd`` a seed and ``nz`` the noise level of sampled points; ``p = 2 - 2/N`` and
``Fprime = 1/(N x^p (1 - x))`` (the derivative of ``F_N``) enter several sections.

>>> sym_matrix("a", 2)
Matrix([
[a_00, a_01],
[a_10, a_11]])
"""

from __future__ import annotations

import sympy as sp

from ....symbols import eta, lam, s, t  # the shared ones (assumptions stated once)

__all__ = [
    "Q", "u", "x", "w", "s", "lam", "t", "eta", "Nr", "Ni", "al", "lev", "l0", "sd", "nz", "p", "Fprime", "sym_matrix",
]

Q = sp.Rational
u = sp.Symbol("u", positive=True)
x = sp.Symbol("x", positive=True)
w = sp.Symbol("w", positive=True)
Nr = sp.Symbol("N", positive=True)                 # a real depth
Ni = sp.Symbol("N", integer=True, positive=True)   # an integer depth (sampled)
al = sp.Symbol("alpha", positive=True)
lev = sp.Symbol("theta", positive=True)
l0 = sp.Symbol("lambda_0", positive=True)
sd = sp.Symbol("seed", integer=True, nonnegative=True)
nz = sp.Symbol("noise", positive=True)

#: the exponent of the scalar flow, ``lambda' = N lambda^p (s - lambda)``
p = 2 - 2 / Nr
#: ``F_N'(x)``
Fprime = 1 / (Nr * x**p * (1 - x))


def sym_matrix(name: str, n: int = 2, symmetric: bool = False) -> sp.Matrix:
    """A 2 x 2 (n x n) matrix of real symbols ``name_ij`` (``symmetric=True``: ``name_ij = name_ji``)."""
    if symmetric:
        return sp.Matrix(n, n, lambda i, j: sp.Symbol(f"{name}_{min(i, j)}{max(i, j)}", real=True))
    return sp.Matrix(n, n, lambda i, j: sp.Symbol(f"{name}_{i}{j}", real=True))
