"""The symbolic residuals of the matrix-sensing derivation: each is a list of expressions that simplify to
zero exactly when the identity of its step holds.

>>> all(e == 0 for e in gram_zero_residual())
True
"""

from __future__ import annotations

import itertools

import sympy as sp

from .. import scalar
from . import notation as N

__all__ = [
    "gradient_residuals", "time_unit_residuals", "k_residuals", "riccati_rank_one", "logistic_residuals",
    "gram_residuals", "gram_zero_residual", "limit_residuals", "modified_residuals", "step_condition_residuals",
    "critical_residuals",
]


def gradient_residuals() -> list[sp.Expr]:
    """Gradient minus ``4 s (UU^T - X) U`` entrywise, for full observation and for two symmetric measurements."""
    U = N.mat("u", 3, 2)
    X = N.mat("x", 3, 3, symmetric=True)
    R = U * U.T - X
    f = N.s * N.fro2(R)
    grad = sp.Matrix(3, 2, lambda i, j: sp.diff(f, U[i, j]))
    out = list(grad - 4 * N.s * R * U)
    # sensing: two symmetric measurements in Sym(2), f = (s/m) sum <A_i, R>^2
    V = N.mat("v", 2, 2)
    Y = N.mat("y", 2, 2, symmetric=True)
    A1, A2 = N.mat("p", 2, 2, symmetric=True), N.mat("q", 2, 2, symmetric=True)
    Rs = V * V.T - Y
    fs = N.s * (N.inner(A1, Rs) ** 2 + N.inner(A2, Rs) ** 2) / 2
    AA = (N.inner(A1, Rs) * A1 + N.inner(A2, Rs) * A2) / 2
    gs = sp.Matrix(2, 2, lambda i, j: sp.diff(fs, V[i, j]))
    out += list(gs - 4 * N.s * AA * V)
    return [sp.expand(e) for e in out]


def time_unit_residuals() -> list[sp.Expr]:
    """``P'`` under ``U' = -grad f`` minus ``4 s (X P + P X - 2 P^2)``."""
    U = N.mat("u", 3, 2)
    X = N.mat("x", 3, 3, symmetric=True)
    P = U * U.T
    Ud = 4 * N.s * (X - P) * U            # U' = -grad f
    Pd = Ud * U.T + U * Ud.T
    return [sp.expand(e) for e in (Pd - 4 * N.s * (X * P + P * X - 2 * P * P))]


def k_residuals() -> list[sp.Expr]:
    """``K' - 2 Y^T Y`` for a generic 3 x 2 start and ``X = diag(sigma_1, sigma_2, 0)``."""
    U0 = N.mat("u", 3, 2)
    sig = (N.sigma_1, N.sigma_2, sp.Integer(0))
    Phi = sp.diag(*[N.phi(x, N.t) for x in sig])
    E = sp.diag(*[sp.exp(x * N.t) for x in sig])
    K = sp.eye(2) + U0.T * Phi * U0
    Y = E * U0
    return [sp.simplify(e) for e in (sp.diff(K, N.t) - 2 * Y.T * Y)]


def riccati_rank_one(sig: tuple) -> list[sp.Expr]:
    """The Riccati equation's residual for the closed form ``P = Y K^-1 Y^T`` from a rank-one start."""
    n = len(sig)
    u0 = sp.Matrix([sp.Symbol(f"a_{i + 1}", positive=True) for i in range(n)])
    X = sp.diag(*sig)
    Y = sp.diag(*[sp.exp(x * N.t) for x in sig]) * u0
    K = 1 + sum((u0[i] ** 2 * N.phi(sig[i], N.t) for i in range(n)), sp.Integer(0))
    P = Y * Y.T / K
    res = sp.diff(P, N.t) - X * P - P * X + 2 * P * P
    return [sp.simplify(sp.together(e)) for e in res]


def logistic_residuals() -> list[sp.Expr]:
    """The logistic law's ODE, initial value, inverse, and its agreement with the aligned Riccati form."""
    lam = scalar.logistic_expr(N.sigma, N.lambda_0, N.t)
    ode = sp.simplify(sp.diff(lam, N.t) - 2 * lam * (N.sigma - lam))
    init = sp.simplify(lam.subs(N.t, 0) - N.lambda_0)
    T = scalar.logistic_time_expr(N.sigma, N.lambda_0, N.lambda_1)
    inv = sp.simplify(sp.expand_log(sp.simplify(lam.subs(N.t, T)), force=True) - N.lambda_1)
    # d = r = 1: the Riccati closed form is the logistic law with lambda_0 = a^2
    Y = sp.exp(N.sigma * N.t) * N.a
    K = 1 + N.a ** 2 * N.phi(N.sigma, N.t)
    aligned = sp.simplify(Y * Y / K - scalar.logistic_expr(N.sigma, N.a ** 2, N.t))
    return [ode, init, inv, aligned]


def gram_residuals() -> list[sp.Expr]:
    """``det G_2 / det G_1`` minus the squared Gram-Schmidt residual of ``b_2``."""
    b1 = sp.Matrix(sp.symbols("b_11 b_12", real=True))
    b2 = sp.Matrix(sp.symbols("b_21 b_22", real=True))
    G1 = b1.dot(b1)
    G2 = sp.Matrix([[b1.dot(b1), b1.dot(b2)], [b2.dot(b1), b2.dot(b2)]]).det()
    res = b2 - (b1.dot(b2) / b1.dot(b1)) * b1
    return [sp.simplify(G2 / G1 - res.dot(res))]


def gram_zero_residual() -> list[sp.Expr]:
    """``det G_3`` of three vectors in the plane (zero: ``c_k = 0`` for ``k > r``)."""
    bs = [sp.Matrix(sp.symbols(f"b_{k}1 b_{k}2", real=True)) for k in (1, 2, 3)]
    G = sp.Matrix(3, 3, lambda i, j: bs[i].dot(bs[j]))
    return [sp.expand(G.det())]


def limit_residuals() -> list[sp.Expr]:
    """The first coefficients in ``alpha`` of the exact hitting time minus the limit formula."""
    lam0 = N.alpha ** 2 * N.c
    exact_hit = scalar.logistic_time_expr(N.sigma, lam0, N.theta * N.sigma)
    limit = sp.log(N.theta * N.sigma / ((1 - N.theta) * N.alpha ** 2 * N.c)) / (2 * N.sigma)
    diff = sp.expand_log(exact_hit - limit, force=True)
    ser = sp.series(diff, N.alpha, 0, 3).removeO()
    return [sp.simplify(ser.coeff(N.alpha, 0)), sp.simplify(ser.coeff(N.alpha, 1)),
            sp.simplify(ser.coeff(N.alpha, 2) + N.c / (2 * N.sigma ** 2))]


def modified_residuals() -> list[sp.Expr]:
    """The modified equation reproduces the GD map to ``O(eta^3)``; the expansion of ``1/g_hat``."""
    g = N.w * (N.sigma - N.w ** 2)
    gh = g - N.eta / 2 * g * sp.diff(g, N.w)
    flow_map = N.w + N.eta * gh + N.eta ** 2 / 2 * sp.diff(gh, N.w) * gh      # time-eta flow of gh to O(eta^2)
    r1 = sp.expand(flow_map - (N.w + N.eta * g))
    r1 = sp.simplify(r1.coeff(N.eta, 0)), sp.simplify(r1.coeff(N.eta, 1)), sp.simplify(r1.coeff(N.eta, 2))
    inv = sp.series(1 / gh, N.eta, 0, 2).removeO()
    r2 = sp.simplify(inv - (1 / g + N.eta / 2 * sp.diff(g, N.w) / g))
    return [*r1, r2]


def step_condition_residuals() -> list[sp.Expr]:
    """The map's derivative at its fixed point and the monotonicity of ``phi(w)``."""
    lam = sp.Symbol("lambda", positive=True)
    F = lam * (1 + N.mu * (N.sigma - lam)) ** 2
    at_fixed = sp.simplify(sp.diff(F, lam).subs(lam, N.sigma) - (1 - 2 * N.mu * N.sigma))
    phi = N.w + N.mu * N.w * (N.sigma - N.w ** 2)
    at_top = sp.simplify(sp.diff(phi, N.w).subs(N.w, sp.sqrt(N.sigma)) - (1 - 2 * N.mu * N.sigma))
    mono = sp.simplify(sp.diff(phi, N.w, 2) + 6 * N.mu * N.w)    # phi' decreasing on w > 0: min at sqrt(sigma)
    return [at_fixed, at_top, mono]


def critical_residuals() -> list[sp.Expr]:
    """``R U`` and the loss minus ``s sum_(i not in S) sigma_i^2`` at every critical point ``P_S``."""
    sig = (N.sigma_1, N.sigma_2, N.sigma_3)
    X = sp.diag(*sig)
    out = []
    for size in (0, 1, 2):
        for S in itertools.combinations(range(3), size):
            U = sp.zeros(3, 2)
            for col, i in enumerate(S):
                U[i, col] = sp.sqrt(sig[i])
            R = U * U.T - X
            out += list(R * U)
            loss = N.s * N.fro2(R)
            out.append(sp.simplify(loss - N.s * sum((sig[i] ** 2 for i in range(3) if i not in S), sp.Integer(0))))
    return out


