"""The independent numerical routes of the deep-factorization derivation: each takes a sampled exact point
and the digits and returns what a check compares (a residual, or one of two routes).
"""

from __future__ import annotations

from typing import Any, Mapping

import mpmath as mp
import numpy as np
import sympy as sp

from .. import closed_forms as cf
from .. import interval as iv
from .. import perturbation as pt
from .. import steps as st_
from ....derive import guarded_dps
from ..inputs import mpq
from .notation import Ni, Nr, Q, al, eta, l0, lev, nz, s, sd, u, x
from .residuals import sympy_antiderivative

__all__ = [
    "eigenbasis_check", "N_of", "sympy_is_real", "F_closed", "F_elem", "F_lerch", "F_deriv_residual",
    "T_closed", "T_quad", "T_elem", "asym_ratio", "inverse_residual", "negative_decay", "step_counts",
    "interval_asym", "condition_consistent", "perturbed", "weyl_dk", "second_order", "t0_shift", "sandwich",
    "early_stopping", "final_loss", "noise_fit",
]


def eigenbasis_check(pt_: Mapping, dps: int) -> dict[str, Any]:
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


def N_of(point: Mapping) -> sp.Rational:
    """The depth of a sampled point (integer ``Ni`` or real ``Nr``)."""
    return point[Ni] if Ni in point else point[Nr]


def sympy_is_real(N: int, xv: sp.Rational) -> int:
    """0 if SymPy's antiderivative has a nonzero imaginary part at ``u = x`` (the pitfall is present), else 1."""
    v = complex(sp.N(sympy_antiderivative(N).subs(u, xv), 30))
    return 0 if abs(v.imag) > 1e-20 else 1


def F_closed(point: Mapping, dps: int):
    """``F_N(x)`` in its 2F1 closed form."""
    return cf.F(point[x], N_of(point))


def F_elem(point: Mapping, dps: int):
    """``F_N(x)`` from the real elementary antiderivative (``N = 2, 3, 4``)."""
    return cf.F_elementary(point[x], int(point[Ni]))


def F_lerch(point: Mapping, dps: int):
    """``F_N(x)`` in its Lerch form."""
    return cf.F_lerch(point[x], point[Nr])


def F_deriv_residual(point: Mapping, dps: int):
    """``d/dx F_N`` by numerical differentiation minus ``1/(N x^p (1 - x))``."""
    N = point[Nr]
    xm = mpq(point[x])
    d = mp.diff(lambda v: cf.F(v, N, y=1 - v), xm)
    return d - cf.F_prime(xm, N)


def T_closed(point: Mapping, dps: int):
    """The flow time ``T(l0 -> theta s)`` from the closed form."""
    N = point[Nr] if Nr in point else point[Ni]
    return cf.flow_time(point[l0], point[lev] * point[s], point[s], N, dps=dps).value


def T_quad(point: Mapping, dps: int):
    """The flow time by tanh-sinh quadrature of ``1/(N lambda^p (s - lambda))``."""
    N = point[Nr] if Nr in point else point[Ni]
    return cf.flow_time_quad(point[l0], point[lev] * point[s], point[s], N, dps=dps)


def T_elem(point: Mapping, dps: int):
    """The flow time from the elementary forms (``N = 2, 3, 4``)."""
    N = int(point[Ni])
    sv, l0v = point[s], point[l0]
    p = 2 - Q(2, N)
    with mp.workdps(dps + 20):
        return mp.power(mpq(sv), -mpq(p)) * (cf.F_elementary(point[lev], N) - cf.F_elementary(l0v / sv, N))


def asym_ratio(point: Mapping, dps: int):
    """``(T - T_asym)/(next term) - 1`` for the small-initialization asymptotics."""
    N = point[Ni]
    wide = guarded_dps(dps, 60)  # T ~ alpha^-(N-2) and the checked term ~ alpha^2: keep every digit in between
    a = cf.time_to_reach_asymptotic(point[s], point[lev], N, alpha=point[al], dps=wide)
    T = cf.time_to_reach(point[s], point[lev], N, alpha=point[al], dps=wide)
    with mp.workdps(wide):
        return (T.value - a.value) / a.next_term - 1


def inverse_residual(point: Mapping, dps: int):
    """``(lambda(T(l0 -> theta s)) - theta s)/s``: the inverse undoes the time."""
    N = point[Nr]
    T = cf.flow_time(point[l0], point[lev] * point[s], point[s], N, dps=guarded_dps(dps, 10))
    lv = cf.flow_eigenvalue(T.value, point[s], N, lambda0=point[l0], dps=dps)
    return (lv.value - mpq(point[lev] * point[s])) / mpq(point[s])


def negative_decay(point: Mapping, dps: int):
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


def step_counts(point: Mapping, dps: int) -> dict[str, Any]:
    """Proved step counts minus the plain recursion's, and the modified-equation estimate beyond one step."""
    N = int(point[Ni])
    sv, a, h = point[s], point[al], point[eta]
    h = sp.Rational(float(h / (N * sv ** (2 - Q(2, N)) * 2))).limit_denominator(10**6)  # eta N s^p <= 1/2
    levs = [Q(1, 10), Q(9, 10)]
    proved = st_.hitting_steps(sv, levs, N, h, alpha=a)
    plain = st_.hitting_steps_plain(sv, levs, N, h, alpha=a, dps=40)
    me = [st_.modified_equation_steps(sv, lv, N, h, alpha=a).steps for lv in levs]
    return {"proved - plain": max(abs(p - q) for p, q in zip(proved.steps, plain)),
            "modified equation beyond +-1": max(max(0, abs(m - q) - 1) for m, q in zip(me, plain))}


def interval_asym(point: Mapping, dps: int):
    """(exact - asymptotic interval length)/(predicted ``O(alpha^2)`` term) - 1."""
    N = int(point[Ni])
    sig = [point[s] * 2, point[s]]
    st = iv.setting(sig, N, alpha=point[al])
    wide = guarded_dps(dps, 60)  # L ~ alpha^-(N-2) and the checked term ~ alpha^2: keep every digit in between
    L = iv.interval_length(st, 1, dps=wide)
    A = iv.asymptotic_length(st, 1, dps=wide)
    with mp.workdps(wide):
        nxt = -mp.power(mpq(st.lambda0), mp.mpf(2) / N) / 2 * mpq((sig[0] ** 2 - sig[1] ** 2) / (sig[0] ** 2 * sig[1] ** 2))
        return (L.value - A.value) / nxt - 1


def condition_consistent(point: Mapping, dps: int):
    """The spectral condition's two sides (halved for ``N = 2``) minus the asymptotic length."""
    N = int(point[Ni])
    st = iv.setting([point[s] * 2, point[s]], N, alpha=point[al])
    c = iv.condition(st, 1, dps=dps)
    A = iv.asymptotic_length(st, 1, dps=dps)
    with mp.workdps(dps):
        scale = 1 if N > 2 else mp.mpf(1) / 2
        return (c.lhs - c.rhs) * scale - A.value


def perturbed(point: Mapping, d: int = 12) -> pt.Perturbation:
    """The seeded perturbation ``W* + E`` of a sampled point (``sigma = (3, 2, 1)``, size *d*)."""
    return pt.draw([3, 2, 1], d, point[nz], int(point[sd]))


def weyl_dk(point: Mapping, dps: int):
    """The excess of the eigenvalue and eigenvector errors over the Weyl and Davis-Kahan bounds."""
    P = perturbed(point)
    W = pt.weyl(P)
    D = pt.davis_kahan(P)
    return {"Weyl excess": max(0.0, W.worst - W.bound), "Davis-Kahan excess": max(0.0, D.sin_theta - D.bound)}


def second_order(point: Mapping, dps: int):
    """The excess of the second-order shift's remainder over ``8 ||E||^3``."""
    P = perturbed(point)
    out = {}
    for k in (1, 2, 3):
        sh = pt.second_order_shift(P, k)
        # the remainder is O(||E||^3 / gap^2); gaps >= 1 here
        out[f"k={k}"] = max(0.0, abs(sh["exact"] - sh["second"]) - 8 * P.norm_E**3)
    return out


def t0_shift(point: Mapping, dps: int):
    """The relative error of the first-order shift of ``T0`` beyond ``20 ||E||``."""
    P = perturbed(point)
    st = iv.setting([3, 2, 1], 3, alpha=Q(1, 100))
    out = {}
    for k in (1, 2, 3):
        sh = pt.T0_shift(st, P.lam_hat, k, dps=20)
        out[f"k={k}"] = max(0, sh.relative_error - 20 * P.norm_E)
    return out


def sandwich(point: Mapping, dps: int):
    """Violations of the guaranteed (Weyl sandwich) bounds on the perturbed interval, GD and flow."""
    P = perturbed(point)
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


def early_stopping(point: Mapping, dps: int):
    """``max_{n in I_r} ||W_n - W*||_2`` from the decoupled dynamics against the bound."""
    P = perturbed(point)
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


def final_loss(point: Mapping, dps: int):
    """The recursion run long: ``(1/2) sum_i (lambda_i - lam_i)^2`` against ``(1/2) sum_{lam_i < 0} lam_i^2``."""
    lamv = [sp.Rational(3), sp.Rational(1), -point[s]]
    N = 2
    vals = [st_.iterate(v, N, Q(1, 10), [4000], alpha=Q(1, 10), dps=dps)[0] for v in lamv]
    with mp.workdps(dps):
        loss = sum((vv - mpq(v)) ** 2 for vv, v in zip(vals, lamv)) / 2
        return loss - mpq(point[s]) ** 2 / 2


def noise_fit(point: Mapping) -> float:
    """The exact ``T1~(r)`` minus its leading estimate, in flow time, against the O(1) term ``s^-p |F_N(eps)|``."""
    P = perturbed(point, d=10)
    st = iv.setting(P.lam_hat, 3, alpha=Q(1, 20), eta=Q(1, 50))
    e, est = pt.noise_fitting_time(st, 3)
    if est is None:
        return 0.0
    sv = float(P.lam_hat[3])
    o1 = sv ** (-4 / 3) * abs(float(cf.F(st.eps_small, 3))) + 1.0
    diff = abs(float(e.value) - float(est)) * float(st.eta)
    return max(0.0, diff - 1.5 * o1)
