r"""The self-verifying derivation of deep matrix factorization from the identity initialization.

Sections:

A. the exact decoupling: the gradient of ``(1/2)||W_N ... W_1 - W^||_F^2``, the layers staying equal
   polynomials in ``W^`` (eigenbasis of ``W* + E``, not of ``W*``), the conserved balancedness;
B. the scalar flow ``lambda' = N lambda^p (s - lambda)``: ``F_N`` in 2F1 form, the elementary forms for
   ``N = 2, 3, 4`` (SymPy's antiderivatives carry ``log(u - 1)``; the real forms are verified by
   differentiation), the Lerch form, three routes at high precision, the asymptotics, the inverse, the zero
   and negative targets;
C. discrete GD: the modified equation, the step counts, the step-size condition;
D. the low-rank interval: ``T0``, ``T1``, the asymptotic interval length and the spectral condition;
E. the perturbation: Weyl, Davis-Kahan, the second-order eigenvalue shift, the shift of ``T0``, the
   noise-fitting time, the unimodality behind the Weyl sandwich, the early-stopping bound, the limit.

>>> d = derivation()
>>> d.key, len(d) >= 20
('deep-factorization', True)
>>> d.verify(dps=30, keys=["scalar-ode"]).passed
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

import mpmath as mp
import numpy as np
import sympy as sp

from ...bibliography import ENTRIES
from ...derive import Agree, AllOf, Derivation, Numeric, Points, Step, Symbolic
from ...tex import latex
from . import closed_forms as cf
from . import interval as iv
from . import perturbation as pt
from . import steps as st_
from .inputs import mpq

__all__ = ["derivation", "sympy_antiderivative", "real_antiderivative"]

Q = sp.Rational
u = sp.Symbol("u", positive=True)
x = sp.Symbol("x", positive=True)
w = sp.Symbol("w", positive=True)
s = sp.Symbol("s", positive=True)
lam = sp.Symbol("lambda", positive=True)
t = sp.Symbol("t", positive=True)
eta = sp.Symbol("eta", positive=True)
Nr = sp.Symbol("N", positive=True)                 # a real depth
Ni = sp.Symbol("N", integer=True, positive=True)   # an integer depth (sampled)
al = sp.Symbol("alpha", positive=True)
lev = sp.Symbol("theta", positive=True)
l0 = sp.Symbol("lambda_0", positive=True)
sd = sp.Symbol("seed", integer=True, nonnegative=True)
nz = sp.Symbol("noise", positive=True)


# ----------------------------------------------------------------------------- symbolic pieces


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


def _sym_matrix(name: str, n: int = 2, symmetric: bool = False) -> sp.Matrix:
    if symmetric:
        return sp.Matrix(n, n, lambda i, j: sp.Symbol(f"{name}_{min(i, j)}{max(i, j)}", real=True))
    return sp.Matrix(n, n, lambda i, j: sp.Symbol(f"{name}_{i}{j}", real=True))


def _gradient_residual() -> list[sp.Expr]:
    """``dL/dW_j - (W_N..W_{j+1})^T R (W_{j-1}..W_1)^T`` entrywise, N = 3, generic 2 x 2 layers."""
    Ws = [_sym_matrix(f"a{j}") for j in range(3)]
    A = _sym_matrix("h")
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


def _equal_layers_residual() -> list[sp.Expr]:
    """With every layer ``M = c0 I + c1 A`` (a polynomial in the symmetric ``A = W^``), each gradient is
    ``M^{N-1}(M^N - A)`` (N = 3): the layers stay equal polynomials in ``W^``."""
    A = _sym_matrix("h", symmetric=True)
    c0, c1 = sp.symbols("c0 c1", real=True)
    M = c0 * sp.eye(2) + c1 * A
    N = 3
    R = M**N - A
    out = []
    for j in range(1, N + 1):
        G = (M ** (N - j)).T * R * (M ** (j - 1)).T
        out.extend(sp.expand(v) for v in (G - M ** (N - 1) * R))
    return out


def _balancedness_residual() -> list[sp.Expr]:
    """``d/dt (W_{j+1}^T W_{j+1} - W_j W_j^T) = 0`` along ``W_j' = -dL/dW_j`` (N = 3, j = 1, 2 x 2)."""
    Ws = [_sym_matrix(f"a{j}") for j in range(3)]
    A = _sym_matrix("h")
    R = Ws[2] * Ws[1] * Ws[0] - A
    G1 = (Ws[2] * Ws[1]).T * R
    G2 = Ws[2].T * R * Ws[0].T
    d = -(G2.T * Ws[1] + Ws[1].T * G2) + (G1 * Ws[0].T + Ws[0] * G1.T)
    return [sp.expand(v) for v in d]


def _eigenbasis_check(pt_: Mapping, dps: int) -> dict[str, Any]:
    """Three GD steps of the full 3 x 3 problem in mpmath: the eigenvalues of the product equal the scalar
    recursion run on the eigenvalues of ``W* + E`` (and differ from the recursion on those of ``W*``)."""
    rng = np.random.default_rng(int(pt_[sd]))
    Wst = mp.diag([mp.mpf(3), mp.mpf(2), mp.mpf(0)])
    G = rng.standard_normal((3, 3))
    E = mp.matrix(((G + G.T) / 20).tolist())
    Wh = Wst + E
    N, a, h = 3, mp.mpf(1) / 2, mp.mpf(1) / 20
    layers = [a * mp.eye(3) for _ in range(N)]
    for _ in range(3):
        P = [layers[0]]
        for j in range(1, N):
            P.append(layers[j] * P[-1])
        R = P[-1] - Wh
        B = R
        grads = [None] * N
        for j in range(N - 1, -1, -1):
            grads[j] = B * P[j - 1].T if j > 0 else B
            if j > 0:
                B = layers[j].T * B
        layers = [layers[j] - h * grads[j] for j in range(N)]
    W = layers[2] * layers[1] * layers[0]
    ev = sorted(mp.eigsy((W + W.T) / 2)[0], reverse=True)
    lh = sorted(mp.eigsy(Wh)[0], reverse=True)

    def rec(sv):
        ww = a
        for _ in range(3):
            ww = ww + h * ww ** (N - 1) * (sv - ww**N)
        return ww**N

    res = {f"lambda_{i + 1}": ev[i] - rec(lh[i]) for i in range(3)}
    miss = max(abs(ev[i] - rec(v)) for i, v in enumerate([mp.mpf(3), mp.mpf(2), mp.mpf(0)]))
    res["W* basis is wrong"] = 0 if miss > mp.mpf(10) ** -6 else 1
    return res


# ----------------------------------------------------------------------------- numeric routes


def _N_of(point: Mapping) -> sp.Rational:
    return point[Ni] if Ni in point else point[Nr]


def _sympy_is_real(N: int, xv: sp.Rational) -> int:
    """0 if SymPy's antiderivative has a nonzero imaginary part at ``u = x`` (the pitfall is present), else 1."""
    v = complex(sp.N(sympy_antiderivative(N).subs(u, xv), 30))
    return 0 if abs(v.imag) > 1e-20 else 1


def _F_closed(point: Mapping, dps: int):
    return cf.F(point[x], _N_of(point))


def _F_elem(point: Mapping, dps: int):
    return cf.F_elementary(point[x], int(point[Ni]))


def _F_lerch(point: Mapping, dps: int):
    return cf.F_lerch(point[x], point[Nr])


def _F_deriv_residual(point: Mapping, dps: int):
    N = point[Nr]
    xm = mpq(point[x])
    d = mp.diff(lambda v: cf.F(v, N, y=1 - v), xm)
    return d - cf.F_prime(xm, N)


def _T_closed(point: Mapping, dps: int):
    N = point[Nr] if Nr in point else point[Ni]
    return cf.flow_time(point[l0], point[lev] * point[s], point[s], N, dps=dps).value


def _T_quad(point: Mapping, dps: int):
    N = point[Nr] if Nr in point else point[Ni]
    return cf.flow_time_quad(point[l0], point[lev] * point[s], point[s], N, dps=dps)


def _T_elem(point: Mapping, dps: int):
    N = int(point[Ni])
    sv, l0v = point[s], point[l0]
    p = 2 - Q(2, N)
    with mp.workdps(dps + 20):
        return mp.power(mpq(sv), -mpq(p)) * (cf.F_elementary(point[lev], N) - cf.F_elementary(l0v / sv, N))


def _asym_ratio(point: Mapping, dps: int):
    N = point[Ni]
    wide = dps + 60  # T ~ alpha^-(N-2) and the checked term ~ alpha^2: keep every digit in between
    a = cf.time_to_reach_asymptotic(point[s], point[lev], N, alpha=point[al], dps=wide)
    T = cf.time_to_reach(point[s], point[lev], N, alpha=point[al], dps=wide)
    with mp.workdps(wide):
        return (T.value - a.value) / a.next_term - 1


def _inverse_residual(point: Mapping, dps: int):
    N = point[Nr]
    T = cf.flow_time(point[l0], point[lev] * point[s], point[s], N, dps=dps + 10)
    lv = cf.flow_eigenvalue(T.value, point[s], N, lambda0=point[l0], dps=dps)
    return (lv.value - mpq(point[lev] * point[s])) / mpq(point[s])


def _negative_decay(point: Mapping, dps: int):
    """``lambda(t)/law(t) -> 1`` for a negative target (N = 3): the ratio at t = 10^8 minus 1, scaled by 10^3."""
    N = int(point[Ni])
    sv = -point[s]
    T = 10**8
    lv = cf.flow_eigenvalue(T, sv, N, lambda0=point[l0], dps=dps)
    law = cf.decay_law(sv, N, lambda0=point[l0], dps=dps)
    with mp.workdps(dps):
        if law.rate is not None:
            return {"ratio": 0}
        return {"ratio": (lv.value / (law.amplitude * mp.power(T, mpq(law.exponent))) - 1) / 1000}


def _step_counts(point: Mapping, dps: int) -> dict[str, Any]:
    N = int(point[Ni])
    sv, a, h = point[s], point[al], point[eta]
    h = sp.Rational(float(h / (N * sv ** (2 - Q(2, N)) * 2))).limit_denominator(10**6)  # eta N s^p <= 1/2
    levs = [Q(1, 10), Q(9, 10)]
    proved = st_.hitting_steps(sv, levs, N, h, alpha=a)
    plain = st_.hitting_steps_plain(sv, levs, N, h, alpha=a, dps=40)
    me = [st_.modified_equation_steps(sv, lv, N, h, alpha=a).steps for lv in levs]
    return {"proved - plain": max(abs(p - q) for p, q in zip(proved.steps, plain)),
            "modified equation beyond +-1": max(max(0, abs(m - q) - 1) for m, q in zip(me, plain))}


def _interval_asym(point: Mapping, dps: int):
    N = int(point[Ni])
    sig = [point[s] * 2, point[s]]
    st = iv.setting(sig, N, alpha=point[al])
    L = iv.interval_length(st, 1, dps=dps)
    A = iv.asymptotic_length(st, 1, dps=dps)
    with mp.workdps(dps + 10):
        nxt = -mp.power(mpq(st.lambda0), mp.mpf(2) / N) / 2 * mpq((sig[0] ** 2 - sig[1] ** 2) / (sig[0] ** 2 * sig[1] ** 2))
        return (L.value - A.value) / nxt - 1


def _condition_consistent(point: Mapping, dps: int):
    N = int(point[Ni])
    st = iv.setting([point[s] * 2, point[s]], N, alpha=point[al])
    c = iv.condition(st, 1, dps=dps)
    A = iv.asymptotic_length(st, 1, dps=dps)
    with mp.workdps(dps):
        scale = 1 if N > 2 else mp.mpf(1) / 2
        return (c.lhs - c.rhs) * scale - A.value


def _perturbed(point: Mapping, d: int = 12) -> pt.Perturbation:
    return pt.draw([3, 2, 1], d, point[nz], int(point[sd]))


def _weyl_dk(point: Mapping, dps: int):
    P = _perturbed(point)
    W = pt.weyl(P)
    D = pt.davis_kahan(P)
    return {"Weyl excess": max(0.0, W.worst - W.bound), "Davis-Kahan excess": max(0.0, D.sin_theta - D.bound)}


def _second_order(point: Mapping, dps: int):
    P = _perturbed(point)
    out = {}
    for k in (1, 2, 3):
        sh = pt.second_order_shift(P, k)
        # the remainder is O(||E||^3 / gap^2); gaps >= 1 here
        out[f"k={k}"] = max(0.0, abs(sh["exact"] - sh["second"]) - 8 * P.norm_E**3)
    return out


def _t0_shift(point: Mapping, dps: int):
    P = _perturbed(point)
    st = iv.setting([3, 2, 1], 3, alpha=Q(1, 100))
    out = {}
    for k in (1, 2, 3):
        sh = pt.T0_shift(st, P.lam_hat, k, dps=20)
        out[f"k={k}"] = max(0, sh.relative_error - 20 * P.norm_E)
    return out


def _sandwich(point: Mapping, dps: int):
    P = _perturbed(point)
    st = iv.setting([3, 2, 1], 3, alpha=Q(3, 100), eta=Q(1, 50))
    sth = st.with_lam(P.lam_hat)
    noise = sp.Rational(P.norm_E) * (1 + Q(1, 10**12))
    out = {}
    for k in (1, 2):
        W = pt.weyl_interval(st, noise, k)
        a, b = iv.T0(sth, k), iv.T1(sth, k)
        out[f"k={k}"] = max(0, a.value - W.T0_upper) + max(0, W.T1_lower - b.value)
    stf = iv.setting([3, 2, 1], 3, alpha=Q(3, 100))
    sthf = stf.with_lam(P.lam_hat)
    for k in (1, 2):
        W = pt.weyl_interval(stf, noise, k, dps=20)
        a, b = iv.T0(sthf, k, dps=20), iv.T1(sthf, k, dps=20)
        out[f"flow k={k}"] = max(0, a.value - W.T0_upper) + max(0, W.T1_lower - b.value)
    return out


def _early_stopping(point: Mapping, dps: int):
    """``max_{n in I_r} ||W_n - W*||_2`` from the decoupled dynamics against the bound."""
    P = _perturbed(point)
    st = iv.setting(P.lam_hat, 3, alpha=Q(3, 100), eta=Q(1, 50))
    a, b = iv.T0(st, 3).value, iv.T1(st, 3).value
    bnd = pt.early_stopping_bound(P, st.lambda0, st.eps_learn, st.eps_small)["bound"]
    lamv = np.array([float(v) for v in P.lam_hat])
    Ws = np.diag([float(v) for v in P.sigma_padded()])
    ww = np.full(P.d, float(st.alpha))
    worst = 0.0
    top = int(min(b, a + 2000)) if b != mp.inf else int(a + 2000)
    for n in range(top):
        if n >= a:
            W = (P.Q * ww**3) @ P.Q.T
            worst = max(worst, float(np.linalg.norm(W - Ws, 2)))
        ww = ww + 0.02 * ww**2 * (lamv - ww**3)
    return max(0.0, worst - bnd)


def _final_loss(point: Mapping, dps: int):
    """The recursion run long: ``(1/2) sum_i (lambda_i - lam_i)^2`` against ``(1/2) sum_{lam_i < 0} lam_i^2``."""
    lamv = [sp.Rational(3), sp.Rational(1), -point[s]]
    N = 2
    vals = [st_.iterate(v, N, Q(1, 10), [4000], alpha=Q(1, 10), dps=dps)[0] for v in lamv]
    with mp.workdps(dps):
        loss = sum((vv - mpq(v)) ** 2 for vv, v in zip(vals, lamv)) / 2
        return loss - mpq(point[s]) ** 2 / 2


# ----------------------------------------------------------------------------- the steps


def _steps() -> list[Step]:  # noqa: C901 - one long, flat list of steps
    steps: list[Step] = []
    add = steps.append
    secA = "The exact decoupling"
    secB = r"The scalar flow $\lambda' = N\lambda^{2-2/N}(s-\lambda)$"
    secC = "Discrete gradient descent"
    secD = "The low-rank interval"
    secE = r"The perturbation $\hat W = W^\star + E$"
    p = 2 - 2 / Nr

    add(Step(
        "gradient", "The gradient of the deep loss",
        r"For $L = \frac12\|W_N\cdots W_1 - \hat W\|_F^2$ and $R = W_N\cdots W_1 - \hat W$, "
        r"$\partial L/\partial W_j = (W_N\cdots W_{j+1})^\top R\,(W_{j-1}\cdots W_1)^\top$.",
        (r"\frac{\partial L}{\partial W_j} = (W_N\cdots W_{j+1})^\top R\,(W_{j-1}\cdots W_1)^\top",),
        Symbolic(_gradient_residual),
        section=secA,
        remark=r"Checked entrywise for $N = 3$ with generic $2\times 2$ layers and target.",
    ))
    add(Step(
        "equal-layers", "The layers stay equal polynomials in $\\hat W$",
        r"If every layer is the same polynomial $M = p(\hat W)$ of the symmetric target, every gradient equals "
        r"$M^{N-1}(M^N - \hat W)$, so one GD step maps $p$ to $p - \eta p^{N-1}(p^N - \mathrm{id})$: starting "
        r"from $W_j(0) = \alpha I$ all layers stay equal and share the eigenvectors of $\hat W = W^\star + E$ "
        r"(not of $W^\star$). Each eigenvalue $w$ of a layer follows $w \leftarrow w + \eta w^{N-1}(\hat\lambda - w^N)$.",
        (r"W_j(n) = Q\,\mathrm{diag}(w_{i,n})\,Q^\top,\quad w_{i,n+1} = w_{i,n} + \eta\, w_{i,n}^{N-1}"
         r"(\hat\lambda_i - w_{i,n}^N),\quad w_{i,0} = \alpha",),
        AllOf(
            Symbolic(_equal_layers_residual),
            Numeric(_eigenbasis_check, Points({sd: (0, 1000)}, count=2, label="random symmetric $E$, $3\\times 3$"),
                    loss=10, label=r"three full GD steps minus the recursion on $\mathrm{eig}(W^\star + E)$"),
        ),
        section=secA,
        remark=r"The symbolic part uses $M = c_0 I + c_1\hat W$ (every polynomial of a $2\times 2$ matrix has this "
               r"form); the numeric part runs the full $3\times 3$ dynamics in mpmath and also checks that the "
               r"recursion on the eigenvalues of $W^\star$ does \emph{not} reproduce it.",
    ))
    add(Step(
        "balancedness", "Balancedness is conserved by the flow",
        r"Along $W_j' = -\partial L/\partial W_j$, $\frac{d}{dt}(W_{j+1}^\top W_{j+1} - W_j W_j^\top) = 0$.",
        (r"\frac{d}{dt}\left(W_{j+1}^\top W_{j+1} - W_jW_j^\top\right) = 0",),
        Symbolic(_balancedness_residual),
        section=secA,
    ))

    # ------------------------------------------------------------------ B
    ode_res = Ni * w ** (Ni - 1) * w ** (Ni - 1) * (s - w**Ni) - Ni * (w**Ni) ** (2 - Q(2) / Ni) * (s - w**Ni)
    add(Step(
        "scalar-ode", "The product eigenvalue obeys a scalar ODE",
        r"With $w' = w^{N-1}(s - w^N)$ and $\lambda = w^N$: $\lambda' = N\lambda^{2-2/N}(s - \lambda)$.",
        (r"\lambda' = N\,\lambda^{2-2/N}\,(s - \lambda), \qquad p = 2 - \frac{2}{N}",),
        Symbolic([sp.powsimp(sp.powdenest(ode_res.subs(Ni, n), force=True), force=True) for n in (2, 3, 4, 5)]),
        section=secB,
    ))
    Fprime = 1 / (Nr * x**p * (1 - x))
    add(Step(
        "F-hypergeometric", "The time to reach in closed form",
        r"$T(l_0 \to l_1; s, N) = s^{-p}[F_N(l_1/s) - F_N(l_0/s)]$ with $F_N' = 1/(N x^p(1-x))$, "
        r"$F_2 = \frac12\log\frac{x}{1-x}$ and, for every real $N > 2$, the Gauss function form.",
        (r"F_N(x) = -\frac{x^{-(N-2)/N}}{N-2} + \frac{x^{2/N}}{2}\,{}_2F_1\!\left(1, \tfrac{2}{N}; 1 + \tfrac2N; x\right)",
         r"F_2(x) = \tfrac12 \log\frac{x}{1-x}"),
        AllOf(
            Numeric(_F_deriv_residual, Points({x: (Q(1, 100), Q(99, 100)), Nr: (Q(21, 10), 7)}, count=4,
                                               label="real $N > 2$"),
                    loss=12, label=r"$\frac{d}{dx}F_N - \frac{1}{N x^p (1-x)}$ (numerical differentiation)"),
            Symbolic(sp.diff((sp.log(x) - sp.log(1 - x)) / 2, x) - Fprime.subs(Nr, 2)),
        ),
        section=secB,
    ))
    for N in (2, 3, 4):
        G = real_antiderivative(N)
        add(Step(
            f"elementary-{N}", f"The elementary form for $N = {N}$ (real branch)",
            r"SymPy's antiderivative of $u^{1-N}/(1-u^N)$ contains $\log(u-1)$ (complex on $0<u<1$); the real form "
            r"below has the same derivative, differs from it by a constant, and equals $F_N(u^N) - C_N$ with "
            f"$C_{N} = {latex(cf.elementary_constant(N))}$.",
            (f"G_{N}(u) = " + latex(G),),
            AllOf(
                Symbolic(sp.diff(G, u) - u ** (1 - N) / (1 - u**N)),
                Symbolic(lambda N=N, G=G: sp.diff(sympy_antiderivative(N) - G, u)),
                Numeric(lambda pt_, dps, N=N: _sympy_is_real(N, pt_[x]), Points({x: (Q(1, 10), Q(9, 10))}, count=1),
                        tolerance=Q(1, 10**20), label="SymPy's antiderivative is complex on $(0, 1)$ (residual 1 if real)"),
                Agree(_F_elem, _F_closed, Points({x: (Q(1, 100), Q(99, 100))}, fixed={Ni: sp.Integer(N)}, count=3),
                      names=(r"$G_N(x^{1/N}) + C_N$", r"$F_N$ (2F1 form)"), loss=6),
            ),
            section=secB,
        ))
    add(Step(
        "lerch", "The Lerch form",
        r"$F_N(x) = \frac1N x^{a}\Phi(x, 1, a)$ with $a = 2/N - 1$ (what SymPy's integrate returns for general $N$).",
        (r"F_N(x) = \frac{1}{N} x^{a}\,\Phi(x, 1, a), \qquad a = \frac2N - 1",),
        Agree(_F_lerch, _F_closed, Points({x: (Q(1, 50), Q(9, 10)), Nr: (Q(21, 10), 6)}, count=4),
              names=("Lerch $\\Phi$", "2F1 form"), loss=8),
        section=secB,
    ))
    add(Step(
        "three-routes", "Three independent routes to the time at high precision (B5)",
        r"The 2F1 closed form, the elementary forms and tanh-sinh quadrature of $\int d\lambda/(N\lambda^p(s-\lambda))$ "
        r"(in $\log\lambda$ below $s/2$, in $\log(s-\lambda)$ above) agree, from $l_0 = 10^{-20}$-scale starts.",
        (r"T = \int_{l_0}^{\theta s}\frac{d\lambda}{N\lambda^{2-2/N}(s-\lambda)}",),
        AllOf(
            Agree(_T_closed, _T_quad, Points({l0: (Q(1, 10**12), Q(1, 10**6)), lev: (Q(1, 10), Q(19, 20)),
                                              s: (Q(1, 2), 3), Nr: (2, 5)}, count=3),
                  names=("2F1 closed form", "quadrature"), loss=6),
            Agree(_T_elem, _T_closed, Points({l0: (Q(1, 10**12), Q(1, 10**6)), lev: (Q(1, 10), Q(19, 20)),
                                              s: (Q(1, 2), 3), Ni: (2, 4)}, count=3),
                  names=("elementary forms", "2F1 closed form"), loss=6),
        ),
        section=secB,
    ))
    add(Step(
        "asymptotics", "The small-initialization asymptotics",
        r"For $\lambda_0 = \alpha^N \ll s$: $T = \frac{\alpha^{-(N-2)}}{(N-2)s} + s^{-p}F_N(\theta) - \frac{\alpha^2}{2s^2}"
        r"(1 + O(\alpha^N/s))$ for $N \ge 3$, and $T = \frac{1}{2s}[\log\frac{s}{\alpha^2} + \log\frac{\theta}{1-\theta}] - "
        r"\frac{\alpha^2}{2s^2} + \dots$ for $N = 2$; the omitted term is predicted exactly.",
        (r"T = \frac{\alpha^{-(N-2)}}{(N-2)\,s} + s^{-p}F_N(\theta) - \frac{\alpha^2}{2 s^2}\left(1 + O(\alpha^N/s)\right)",),
        Numeric(_asym_ratio, Points({s: (Q(1, 2), 3), lev: (Q(1, 10), Q(9, 10)), al: (Q(1, 10**9), Q(1, 10**8)),
                                     Ni: (2, 4)}, count=4),
                tolerance=Q(1, 10**6), label=r"$(T - T_{\mathrm{asym}})/(\text{next term}) - 1$"),
        section=secB,
    ))
    add(Step(
        "inverse", "The inverse $\\lambda(t)$",
        r"$\lambda(t)$ solves $F_N(\lambda/s) = F_N(\lambda_0/s) + s^p t$; it is found by Newton's method in "
        r"$\mathrm{logit}(\lambda/s)$ with the exact derivative $dF/dz = x^{1-p}/N$, and inverts the time exactly.",
        (r"F_N\!\left(\frac{\lambda(t)}{s}\right) = F_N\!\left(\frac{\lambda_0}{s}\right) + s^{p}\,t",),
        Numeric(_inverse_residual, Points({l0: (Q(1, 10**9), Q(1, 10**3)), lev: (Q(1, 10), Q(99, 100)),
                                           s: (Q(1, 2), 3), Nr: (Q(21, 10), 5)}, count=4), loss=8,
                label=r"$(\lambda(T(\lambda_0 \to \theta s)) - \theta s)/s$"),
        section=secB,
    ))
    zero = (l0 ** (-p) + Nr * p * t) ** (-1 / p)
    add(Step(
        "zero-negative", "Zero and negative targets",
        r"A zero target decays algebraically, $\lambda(t) = (\lambda_0^{-p} + (2N-2)t)^{-N/(2N-2)}$; a negative one "
        r"exponentially for $N = 2$ and like $((N-2)|s|t)^{-N/(N-2)}$ for $N \ge 3$; $\lambda$ never changes sign, "
        r"so $\lim W = (\hat W)_+$.",
        (r"\lambda(t) = \left(\lambda_0^{-(2N-2)/N} + (2N-2)\,t\right)^{-N/(2N-2)} \quad (s = 0), \qquad "
         r"\lambda(t) \sim \left((N-2)|s|t\right)^{-N/(N-2)} \quad (s < 0,\ N\ge 3)",),
        AllOf(
            Symbolic([sp.simplify(sp.diff(zero, t) + Nr * zero ** (p + 1)).subs(Nr, n) for n in (2, 3, 4)]),
            Numeric(_negative_decay, Points({s: (Q(1, 2), 2), l0: (Q(1, 100), Q(1, 10))}, fixed={Ni: sp.Integer(3)},
                                            count=2), tolerance=Q(1, 10**3),
                    label=r"$\lambda(t)/((N-2)|s|t)^{-N/(N-2)} - 1$ at $t = 10^8$, divided by $10^3$"),
        ),
        section=secB,
    ))

    # ------------------------------------------------------------------ C
    g = w**2 * (s - w**3)        # N = 3
    gh = g - eta / 2 * g * sp.diff(g, w)
    flow2 = w + eta * gh + eta**2 / 2 * gh * sp.diff(gh, w)
    lie = sp.expand(flow2 - (w + eta * g))
    add(Step(
        "modified-equation", "The modified equation and the step count",
        r"The time-$\eta$ flow of $\hat g = g - \frac\eta2 g g'$ equals one GD step $w + \eta g$ up to $O(\eta^3)$; "
        r"hence $dn = dw/(\eta\hat g) = dw/(\eta g) + \frac{g'}{2g}dw + O(\eta)$ and "
        r"$n = T/\eta + \frac12\log(g(w_1)/g(w_0)) + O(\eta)$, $g(w) = w^{N-1}(s-w^N)$.",
        (r"\hat g = g - \frac{\eta}{2} g g', \qquad n(l_0\to l_1) = \frac{T}{\eta} + \frac12\log\frac{g(w_1)}{g(w_0)} + O(\eta)",),
        Symbolic([lie.coeff(eta, 1), lie.coeff(eta, 2),
                  sp.series(1 / (eta * gh), eta, 0, 1).removeO() - (1 / (eta * g) + sp.diff(g, w) / (2 * g))]),
        section=secC,
        remark=r"Checked for $N = 3$: the $\eta$ and $\eta^2$ coefficients of the Lie series vanish.",
    ))
    add(Step(
        "step-counts", "Exact step counts (B2) and the modified-equation estimate (B3)",
        r"The first-hitting steps of the recursion, proved by a rigorous bound on the rounding errors "
        r"($|\psi'| \le 1 + (N-2)\eta s w^{N-2}$ in $\log w$), equal the plain high-precision recursion, and "
        r"$\lceil T/\eta + \frac12\log(g(w_1)/g(w_0))\rceil$ is within one step of them.",
        (r"n_\theta = \min\{n : w_n^N \ge \theta s\}, \qquad \left|\left\lceil \frac{T}{\eta} + \frac12\log"
         r"\frac{g(w_1)}{g(w_0)}\right\rceil - n_\theta\right| \le 1",),
        Numeric(_step_counts, Points({s: (Q(1, 2), 3), al: (Q(1, 20), Q(1, 5)), eta: (Q(1, 10), 1), Ni: (2, 4)},
                                     count=3), tolerance=Q(1, 10**30),
                label="count differences"),
        section=secC,
    ))
    phi_p = 1 + eta * ((Ni - 1) * s * w ** (Ni - 2) - (2 * Ni - 1) * w ** (2 * Ni - 2))
    add(Step(
        "step-condition", "The step-size condition",
        r"$\phi(w) = w + \eta w^{N-1}(s - w^N)$ has $\phi'(w^\star) = 1 - \eta N s^{2-2/N}$ at $w^{\star N} = s$ and "
        r"$\phi' \ge 1 - \eta N s^{2-2/N}$ on $[0, w^\star]$: monotone convergence iff $\eta N s_{\max}^{2-2/N} \le 1$, "
        r"local stability iff $< 2$.",
        (r"\eta\,N\,s_{\max}^{2-2/N} \le 1\ \text{(monotone)}, \qquad < 2\ \text{(stable)}",),
        AllOf(
            Symbolic([sp.simplify(phi_p.subs(Ni, n).subs(w, s ** sp.Rational(1, n)) - (1 - eta * n * s ** (2 - sp.Rational(2, n))))
                      for n in (2, 3, 4)]),
            Symbolic(sp.expand(phi_p.subs(Ni, 3).subs(s, u**3) - (1 - 3 * eta * u**4)
                               - eta * (u - w) * (5 * w**3 + 5 * u * w**2 + 5 * u**2 * w + 3 * u**3))),
        ),
        section=secC,
        remark=r"For $N = 3$, $\phi'(w) - 1 + 3\eta s^{4/3} = \eta (u - w)(5w^3 + 5uw^2 + 5u^2 w + 3u^3)$ with $u^3 = s$, "
               r"which is $\ge 0$ on $[0, u]$.",
    ))

    # ------------------------------------------------------------------ D
    add(Step(
        "interval", "The low-rank interval and its asymptotic length (B9)",
        r"$T_0(k) = \max_{i\le k} T(\alpha^N \to (1-\epsilon)\hat\lambda_i)$, $T_1(k) = T(\alpha^N \to \epsilon\hat\lambda_{k+1})$ "
        r"($\infty$ when $\hat\lambda_{k+1} \le 0$ or $\epsilon\hat\lambda_{k+1} \le \alpha^N$). For $\alpha \to 0$ the length is "
        r"$\frac{\alpha^{-(N-2)}}{N-2}(\frac1{\lambda_{k+1}} - \frac1{\lambda_k}) + \lambda_{k+1}^{-p}F_N(\epsilon) - "
        r"\lambda_k^{-p}F_N(1-\epsilon)$ with error $-\frac{\alpha^2}{2}(\lambda_{k+1}^{-2} - \lambda_k^{-2})(1 + \dots)$.",
        (r"T_1(k) - T_0(k) = \frac{\alpha^{-(N-2)}}{N-2}\left(\frac{1}{\lambda_{k+1}} - \frac{1}{\lambda_k}\right) + "
         r"\lambda_{k+1}^{-p}F_N(\epsilon) - \lambda_k^{-p}F_N(1-\epsilon) + O(\alpha^2)",),
        Numeric(_interval_asym, Points({s: (Q(1, 2), 2), al: (Q(1, 10**6), Q(1, 10**5)), Ni: (2, 4)}, count=3),
                tolerance=Q(1, 10**3), label=r"(exact $-$ asymptotic length)/(predicted $O(\alpha^2)$ term) $- 1$"),
        section=secD,
    ))
    add(Step(
        "spectral-condition", "The spectral condition",
        r"The interval is nonempty iff $T_0(k) < T_1(k)$; as $\alpha \to 0$ this is "
        r"$\alpha^{-(N-2)}(\frac1{\lambda_{k+1}} - \frac1{\lambda_k})/(N-2) > \lambda_k^{-p}F_N(1-\epsilon) - \lambda_{k+1}^{-p}F_N(\epsilon)$ "
        r"($N \ge 3$) and $\log\frac1{\alpha^2}(\frac1{\lambda_{k+1}} - \frac1{\lambda_k}) > \frac1{\lambda_k}\log\frac{(1-\epsilon)\lambda_k}{\epsilon} "
        r"- \frac1{\lambda_{k+1}}\log\frac{\epsilon\lambda_{k+1}}{1-\epsilon}$ ($N = 2$): a smallness condition on $\alpha^{N-2}$ relative to the gap.",
        (r"\frac{\alpha^{-(N-2)}}{N-2}\left(\frac{1}{\lambda_{k+1}} - \frac{1}{\lambda_k}\right) > \lambda_k^{-p}F_N(1-\epsilon) - \lambda_{k+1}^{-p}F_N(\epsilon)",),
        Numeric(_condition_consistent, Points({s: (Q(1, 2), 2), al: (Q(1, 100), Q(1, 10)), Ni: (2, 4)}, count=3),
                loss=8, label=r"(LHS $-$ RHS) (halved for $N = 2$) minus the asymptotic length"),
        section=secD,
    ))

    # ------------------------------------------------------------------ E
    pts_noise = Points({sd: (0, 10**6), nz: (Q(1, 100), Q(1, 3))}, count=3, label="seeded GOE $E$, $d = 12$")
    add(Step(
        "weyl-davis-kahan", "Weyl and Davis--Kahan",
        r"$|\hat\lambda_i - \sigma_i| \le \|E\|$ ($\sigma_i = 0$ for $i > r$) and "
        r"$\|\sin\Theta\| \le \|E\|/(\hat\lambda_r - \sigma_{r+1}) \le 2\|E\|/\sigma_r$ once $\|E\| \le \sigma_r/2$.",
        (r"|\hat\lambda_i - \sigma_i| \le \|E\|, \qquad \|\sin\Theta\| \le \frac{\|E\|}{\hat\lambda_r - \sigma_{r+1}}",),
        Numeric(_weyl_dk, pts_noise, tolerance=Q(1, 10**14), label="the excess over the bounds"),
        section=secE, stated=True,
    ))
    add(Step(
        "second-order-shift", "The second-order eigenvalue shift",
        r"$\hat\lambda_k - \sigma_k = E_{kk} + \sum_{j\ne k} E_{jk}^2/(\sigma_k - \sigma_j) + O(\|E\|^3)$, the sum including "
        r"the $d - r$ null directions ($\sigma_j = 0$).",
        (r"\hat\lambda_k - \sigma_k = E_{kk} + \sum_{j \ne k}\frac{E_{jk}^2}{\sigma_k - \sigma_j} + O(\|E\|^3)",),
        Numeric(_second_order, Points({sd: (0, 10**6), nz: (Q(1, 1000), Q(1, 20))}, count=3),
                tolerance=Q(1, 10**14), label=r"excess of the remainder over $8\|E\|^3$"),
        section=secE,
    ))
    add(Step(
        "T0-shift", "The first-order shift of $T_0$",
        r"$\tilde T_0(k) - T_0(k) \approx \frac{dT}{ds}(\sigma_k)(\hat\lambda_k - \sigma_k)$, with the exact derivative "
        r"$\frac{dT}{ds} = -pT/s + s^{-p-1}x_0F_N'(x_0)$ and its limit $-\alpha^{-(N-2)}/((N-2)s^2)$ "
        r"($-\log(1/\alpha)/s^2$ for $N = 2$); the relative error is $O(\|E\|)$.",
        (r"\tilde T_0(k) - T_0(k) = \frac{dT}{ds}(\sigma_k)\,(\hat\lambda_k - \sigma_k)\,(1 + O(\|E\|))",),
        Numeric(_t0_shift, Points({sd: (0, 10**6), nz: (Q(1, 1000), Q(1, 50))}, count=2), tolerance=Q(1, 10**14),
                label=r"relative error beyond $20\|E\|$"),
        section=secE,
    ))
    hx = -p * (sp.Symbol("F_theta") - sp.Function("F")(x)) + x ** (1 - p) / (Nr * (1 - x))
    hprime = sp.diff(hx, x).subs(sp.Derivative(sp.Function("F")(x), x), Fprime).doit()
    add(Step(
        "unimodal", "$T$ is unimodal in the target: the Weyl sandwich",
        r"$dT/ds$ has the sign of $h(x_0) = -p(F_N(\theta) - F_N(x_0)) + x_0^{1-p}/(N(1-x_0))$, $x_0 = \alpha^N/s$, and "
        r"$h' = x_0^{-p}/(N(1-x_0)^2) > 0$: $T$ rises from $0$ at $s = \alpha^N/\theta$ to one maximum and then decreases. "
        r"So $\tilde T_0(k) \le \max_{i\le k}\sup_{|s-\sigma_i|\le\|E\|}T(s; 1-\epsilon)$ and "
        r"$\tilde T_1(k) \ge \inf_{|s-\sigma_{k+1}|\le\|E\|}T(s;\epsilon)$ (guaranteed); the simpler endpoints "
        r"$T_0(\sigma_k - \|E\|)$, $T_1(\sigma_{k+1}+\|E\|)$ need $T$ decreasing there. For steps the comparison principle "
        r"in $z = w/s^{1/N}$ gives the same kind of bounds.",
        (r"h'(x_0) = \frac{x_0^{-p}}{N(1-x_0)^2} > 0",),
        AllOf(
            Symbolic(sp.simplify(hprime - x ** (-p) / (Nr * (1 - x) ** 2))),
            Numeric(_sandwich, pts_noise, tolerance=Q(1, 10**20), label="violations of the guaranteed bounds"),
        ),
        section=secE,
    ))
    add(Step(
        "noise-fitting", "The noise-fitting time",
        r"For $k = r$ the noiseless $T_1(r) = \infty$ becomes finite: $\tilde T_1(r) \approx \alpha^{-(N-2)}/((N-2)\eta\hat\lambda_{r+1})$ "
        r"steps ($\log(1/\alpha^2)/(2\eta\hat\lambda_{r+1})$ for $N = 2$): the leading term of the asymptotics at $s = \hat\lambda_{r+1}$.",
        (r"\tilde T_1(r) \approx \frac{\alpha^{-(N-2)}}{(N-2)\,\eta\,\hat\lambda_{r+1}}",),
        Numeric(lambda pt_, dps: _noise_fit(pt_), Points({sd: (0, 10**6)}, fixed={nz: Q(1, 5)}, count=2),
                tolerance=Q(1, 10**14), label=r"$|\tilde T_1 - \text{estimate}|\,\eta$ beyond $1.5(s^{-p}|F_N(\epsilon)| + 1)$"),
        section=secE,
    ))
    add(Step(
        "early-stopping", "The early-stopping error bound",
        r"Inside $I_r$: $\|W(n) - W^\star\| \le \max(\epsilon\hat\lambda_1, \epsilon\hat\lambda_{r+1}, \alpha^N) + "
        r"\|\hat W_r - W^\star\| \le 2\|E\| + \epsilon\hat\lambda_1 + \dots$",
        (r"\|W(n) - W^\star\| \le 2\|E\| + \epsilon\,\hat\lambda_1 \quad (n \in I_r)",),
        Numeric(_early_stopping, Points({sd: (0, 10**6), nz: (Q(1, 20), Q(1, 4))}, count=2), tolerance=Q(1, 10**14),
                label="excess over the bound along the decoupled trajectory"),
        section=secE,
    ))
    add(Step(
        "limit", "The limit $(\\hat W)_+$ and the final loss",
        r"Every positive eigenvalue of $\hat W$ is fitted and every negative one decays to $0$: "
        r"$\lim W = (\hat W)_+$ and the final loss is $\frac12\sum_{\hat\lambda_i < 0}\hat\lambda_i^2$.",
        (r"\lim_{t\to\infty} W(t) = (\hat W)_+, \qquad L_\infty = \frac12\sum_{\hat\lambda_i<0}\hat\lambda_i^2",),
        Numeric(_final_loss, Points({s: (Q(1, 10), 1)}, count=2), loss=10,
                label=r"loss after 4000 steps minus $\frac12\hat\lambda_-^2$"),
        section=secE,
    ))
    return steps


def _noise_fit(point: Mapping) -> float:
    """The exact ``T1~(r)`` minus its leading estimate, in flow time, against the O(1) term ``s^-p |F_N(eps)|``."""
    P = _perturbed(point, d=10)
    st = iv.setting(P.lam_hat, 3, alpha=Q(1, 20), eta=Q(1, 50))
    e, est = pt.noise_fitting_time(st, 3)
    if est is None:
        return 0.0
    sv = float(P.lam_hat[3])
    o1 = sv ** (-4 / 3) * abs(float(cf.F(st.eps_small, 3))) + 1.0
    diff = abs(float(e.value) - float(est)) * float(st.eta)
    return max(0.0, diff - 1.5 * o1)


_INTRO = r"""
Gradient descent on $W = W_N\cdots W_1$ from $W_j(0) = \alpha I$ fits $\hat W = W^\star + E$ with the loss
$\frac12\|W_N\cdots W_1 - \hat W\|_F^2$ \cite{chou_wang_2026, chou_gieshoff_maly_rauhut_2024,
arora_cohen_hu_luo_2019}. The layers stay equal polynomials in $\hat W$, so every eigenvalue of the product follows
a scalar law whose times have closed forms; the low-rank interval $[T_0, T_1]$, its spectral condition and its
persistence under the perturbation follow. Every step states one identity and records how symdyn verified it.
"""

#: The derivation's references (the keys its introduction cites), from the shared bibliography.
_REFERENCES = ("chou_wang_2026", "chou_gieshoff_maly_rauhut_2024", "arora_cohen_hu_luo_2019")


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The deep-factorization derivation (built once; immutable)."""
    return Derivation(
        "deep-factorization",
        "Deep matrix factorization from the identity initialization: a verified derivation",
        tuple(_steps()),
        introduction=_INTRO,
        bibliography="\n\n".join(ENTRIES[k].bibtex.strip() for k in _REFERENCES),
    )
