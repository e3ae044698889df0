"""The symbolic pieces of the deep-factorization derivation: the antiderivatives of spec 3.3 and the
residuals of the exact decoupling (lists of expressions that expand to zero exactly when the identity holds).

>>> all(e == 0 for e in balancedness_residual())
True
"""

from __future__ import annotations

import sympy as sp

from .notation import sym_matrix, u

__all__ = [
    "sympy_antiderivative", "real_antiderivative", "gradient_residual", "equal_layers_residual", "balancedness_residual",
]


def sympy_antiderivative(N: int) -> sp.Expr:
    """SymPy's ``integrate(u^(1-N)/(1-u^N), u)`` (it holds ``log(u - 1)``: complex on ``0 < u < 1``)."""
    return sp.integrate(u ** (1 - N) / (1 - u**N), u)


def real_antiderivative(N: int) -> sp.Expr:
    """The real-branch elementary antiderivatives ``G_N(u)`` of spec 3.3 (``log(1 - u)``, ``atanh``)."""
    return {
        2: sp.log(u) - sp.log(1 - u**2) / 2,
        3: -1 / u - sp.log(1 - u) / 3 + sp.log(u**2 + u + 1) / 6 - sp.atan((2 * u + 1) / sp.sqrt(3)) / sp.sqrt(3),
        4: -1 / (2 * u**2) + sp.atanh(u**2) / 2,
    }[N]


def gradient_residual() -> list[sp.Expr]:
    """``dL/dW_j - (W_N..W_{j+1})^T R (W_{j-1}..W_1)^T`` entrywise, N = 3, generic 2 x 2 layers."""
    Ws = [sym_matrix(f"a{j}") for j in range(3)]
    A = sym_matrix("h")
    Wp = Ws[2] * Ws[1] * Ws[0]
    R = Wp - A
    L = sum(R[i, j] ** 2 for i in range(2) for j in range(2)) / 2
    out = []
    I = sp.eye(2)
    for j in range(3):
        suffix = I
        for k in range(2, j, -1):
            suffix = suffix * Ws[k]
        prefix = I
        for k in range(j - 1, -1, -1):
            prefix = prefix * Ws[k]
        G = suffix.T * R * prefix.T
        for a in range(2):
            for b in range(2):
                out.append(sp.expand(sp.diff(L, Ws[j][a, b]) - G[a, b]))
    return out


def equal_layers_residual() -> list[sp.Expr]:
    """With every layer ``M = c0 I + c1 A`` (a polynomial in the symmetric ``A = W^``), each gradient is
    ``M^{N-1}(M^N - A)`` (N = 3): the layers stay equal polynomials in ``W^``."""
    A = sym_matrix("h", symmetric=True)
    c0, c1 = sp.symbols("c0 c1", real=True)
    M = c0 * sp.eye(2) + c1 * A
    N = 3
    R = M**N - A
    out = []
    for j in range(1, N + 1):
        G = (M ** (N - j)).T * R * (M ** (j - 1)).T
        out.extend(sp.expand(v) for v in (G - M ** (N - 1) * R))
    return out


def balancedness_residual() -> list[sp.Expr]:
    """``d/dt (W_{j+1}^T W_{j+1} - W_j W_j^T) = 0`` along ``W_j' = -dL/dW_j`` (N = 3, j = 1, 2 x 2)."""
    Ws = [sym_matrix(f"a{j}") for j in range(3)]
    A = sym_matrix("h")
    R = Ws[2] * Ws[1] * Ws[0] - A
    G1 = (Ws[2] * Ws[1]).T * R
    G2 = Ws[2].T * R * Ws[0].T
    d = -(G2.T * Ws[1] + Ws[1].T * G2) + (G1 * Ws[0].T + Ws[0] * G1.T)
    return [sp.expand(v) for v in d]
