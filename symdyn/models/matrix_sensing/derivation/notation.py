"""The symbols and small builders every section of the matrix-sensing derivation shares.

Symbolic checks use ``s`` (the loss scale), ``t``, ``sigma`` and ``sigma_1..3``; the numeric checks sample
``d``, ``r``, ``seed``, ``e`` (``alpha = 10^-e``), ``k``, ``m``, ``tau``, ``c`` and ``mu`` at seeded
random exact points (:class:`~symdyn.derive.Points`).

>>> U = mat("u", 2, 1)
>>> fro2(U)
u_11**2 + u_21**2
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy as sp

from ....derive import Points
from ....symbols import eta, s, t, tau, theta  # the shared ones; s is the loss scale here

Q = sp.Rational

__all__ = [
    "s", "t", "sigma", "sigma_1", "sigma_2", "sigma_3", "lambda_0", "lambda_1", "a", "b", "c", "alpha",
    "theta", "eta", "w", "mu", "d", "r", "seed", "e", "k", "m", "tau", "mat", "fro2", "inner", "setting",
    "sigma_points", "phi",
]

sigma = sp.Symbol("sigma", positive=True)
sigma_1, sigma_2, sigma_3 = sp.symbols("sigma_1 sigma_2 sigma_3", positive=True)
lambda_0, lambda_1 = sp.symbols("lambda_0 lambda_1", positive=True)
a, b, c = sp.symbols("a b c", positive=True)
alpha = sp.Symbol("alpha", positive=True)
w = sp.Symbol("w", positive=True)
mu = sp.Symbol("mu", positive=True)

# sampled symbols of numeric checks
d = sp.Symbol("d", integer=True, positive=True)
r = sp.Symbol("r", integer=True, positive=True)
seed = sp.Symbol("seed", integer=True, nonnegative=True)
e = sp.Symbol("e", integer=True, positive=True)      # alpha = 10^-e
k = sp.Symbol("k", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
# c (an init constant) and mu (a scaled step) are also sampled: the symbolic and the sampled one are the same symbol


def mat(name: str, rows: int, cols: int, *, symmetric: bool = False) -> sp.Matrix:
    """A matrix of real symbols ``name_ij`` (``symmetric=True``: ``name_ij = name_ji``)."""
    if symmetric:
        M = sp.zeros(rows, cols)
        for i in range(rows):
            for j in range(i, cols):
                M[i, j] = M[j, i] = sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True)
        return M
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def fro2(M: sp.Matrix) -> sp.Expr:
    """The squared Frobenius norm of a symbolic matrix."""
    return sum((x ** 2 for x in M), sp.Integer(0))


def inner(A: sp.Matrix, B: sp.Matrix) -> sp.Expr:
    """The Frobenius inner product of two symbolic matrices."""
    return sum((A[i] * B[i] for i in range(len(A))), sp.Integer(0))


def setting(point: Mapping, *, sigma: tuple | None = None, **over: Any):
    """The :class:`~symdyn.models.matrix_sensing.setting.Setting` of a sampled point (``sigma_1..3``, ``d``,
    ``r``, ``e``, ``seed``), with *over* replacing entries."""
    from ..setting import Setting

    sig = sigma if sigma is not None else tuple(point[x] for x in (sigma_1, sigma_2, sigma_3) if x in point)
    vals = dict(sigma=sig, d=int(point.get(d, 5)), r=int(point.get(r, 3)), alpha=Q(1, 10 ** int(point.get(e, 3))),
                init_seed=int(point.get(seed, 0)))
    vals.update(over)
    return Setting(**vals)


def phi(sig: sp.Expr, t: sp.Expr) -> sp.Expr:
    """``phi(s, t) = (e^(2 s t) - 1)/s``, ``phi(0, t) = 2t``: the diagonal of ``Phi`` in ``K = I + U0^T Phi U0``."""
    return (sp.exp(2 * sig * t) - 1) / sig if sig != 0 else 2 * t


def sigma_points(count: int, **ranges: Any) -> Points:
    """Seeded random exact points with ``sigma_1 > sigma_2 > sigma_3`` in disjoint ranges (plus *extra*)."""
    base = {sigma_1: (Q(5, 2), Q(4)), sigma_2: (Q(6, 5), Q(9, 4)), sigma_3: (Q(1, 5), Q(1))}
    base.update(ranges.pop("extra", {}))
    return Points(base, count=count, **ranges)


