"""The independent numerical routes of the matrix-sensing derivation: each takes a sampled exact point and
the digits and returns the named values a check compares (a residual, or one of two routes).
"""

from __future__ import annotations

from typing import Any, Mapping

import mpmath as mp
import numpy as np
import sympy as sp

from ....exact import to_mp
from .. import scalar
from . import notation as N

Q = sp.Rational

__all__ = [
    "direct_P", "riccati_residual", "library_eigs", "direct_eigs", "dop853_vs_closed", "gram_exact",
    "gram_schmidt", "gram_zero", "order_residual", "step_count_residual", "hessian_residual",
    "optimality_residual", "race_full_observation",
]


def direct_P(setting, tau: mp.mpf) -> mp.matrix:
    """``P(tau) = Y K^-1 Y^T`` by the textbook formula at the working precision."""
    from ..instance import draw_ubar

    s = setting
    u = draw_ubar(s.d, s.r, s.init_seed)
    alpha = to_mp(s.alpha, mp.mp.dps)
    sig = [to_mp(x, mp.mp.dps) for x in s.sigma] + [mp.mpf(0)] * (s.d - s.r_star)
    U0 = mp.matrix([[alpha * mp.mpf(float(x)) for x in row] for row in u])
    E = mp.diag([mp.exp(x * tau) for x in sig])
    Phi = mp.diag([mp.expm1(2 * x * tau) / x if x != 0 else 2 * tau for x in sig])
    Y = E * U0
    K = mp.eye(s.r) + U0.T * Phi * U0
    return Y * mp.inverse(K) * Y.T


def riccati_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    """A random linear functional of ``P' - X P - P X + 2 P^2`` (``mp.diff`` of the closed form)."""
    setting = N.setting(point, sigma=(point[N.sigma_1], point[N.sigma_2]))
    rng = np.random.default_rng(int(point[N.seed]) + 7)
    v, w = (mp.matrix([mp.mpf(float(x)) for x in rng.standard_normal(setting.d)]) for _ in range(2))
    X = mp.diag([to_mp(x, dps) for x in setting.sigma] + [mp.mpf(0)] * (setting.d - setting.r_star))
    with mp.workdps(2 * dps):
        t0 = to_mp(point[N.tau], 2 * dps)
        P = direct_P(setting, t0)
        lhs = mp.diff(lambda t: (v.T * direct_P(setting, t) * w)[0], t0)
        rhs = (v.T * (X * P + P * X - 2 * P * P) * w)[0]
        scale = max(mp.mpf(1), mp.mnorm(P, "f"))
        return {"functional": (lhs - rhs) / scale}


def library_eigs(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    """The eigenvalues of ``P(tau)`` from :func:`~symdyn.models.matrix_sensing.riccati.flow_point` (scaled pencil)."""
    from ..riccati import flow_point

    setting = N.setting(point)
    p = flow_point(setting, point[N.tau] / setting.rate, dps=dps)
    return {f"lambda_{j + 1}": x for j, x in enumerate(p.eigenvalues)}


def direct_eigs(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    """The eigenvalues of ``P(tau)`` by the textbook route at generous fixed precision."""
    from ..riccati import direct_eigenvalues

    setting = N.setting(point)
    s1 = float(setting.sigma[0])
    extra = int(2 * float(point[N.e]) * s1 / float(setting.sigma[-1])) + 2 * int(float(point[N.tau]) * s1) + 40
    with mp.workdps(dps + extra):
        ev = direct_eigenvalues(setting, mp.mpf(point[N.tau].p) / point[N.tau].q, dps=dps + extra)
    return {f"lambda_{j + 1}": x for j, x in enumerate(ev)}


def dop853_vs_closed(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    """The relative difference between DOP853 integration of ``U`` and the closed form."""
    from ..riccati import flow_point
    from ..dynamics import flow_run

    setting = N.setting(point)
    t = point[N.tau] / setting.rate
    run = flow_run(setting, [float(t)])
    ex = flow_point(setting, t, dps=20).eigenvalues
    return {f"lambda_{j + 1}": abs(mp.mpf(run.eigenvalues[0][j]) - ex[j]) / ex[j] for j in range(setting.r)}


def gram_exact(point: Mapping, dps: int) -> dict[str, Any]:
    """``c_1..c_3`` from exact rational Gram determinants (python-flint)."""
    from ..instance import init_constants

    c = init_constants(int(point[N.d]), int(point[N.r]), 3, int(point[N.seed]), dps=dps)
    return {f"c_{k + 1}": c.exact[k] for k in range(min(3, int(point[N.r])))}


def gram_schmidt(point: Mapping, dps: int) -> dict[str, Any]:
    """``c_1..c_3`` by modified Gram-Schmidt in mpmath."""
    from ..instance import draw_ubar, gram_schmidt_rows

    d, r = int(point[N.d]), int(point[N.r])
    u = draw_ubar(d, r, int(point[N.seed]))
    with mp.workdps(dps + 10):
        rows = [[mp.mpf(float(x)) for x in u[i]] for i in range(3)]
        c, _, _ = gram_schmidt_rows(rows, r)
    return {f"c_{k + 1}": c[k] for k in range(min(3, r))}


def gram_zero(point: Mapping, dps: int) -> dict[str, Any]:
    """``det G_(r+1)`` of the contract's initialization in exact rationals."""
    import flint

    from ..instance import exact_rows

    d, r = int(point[N.d]), int(point[N.r])
    rows = exact_rows(d, r, int(point[N.seed]), r + 1)
    fq = [[flint.fmpq(x.numerator, x.denominator) for x in row] for row in rows]
    n = r + 1
    G = flint.fmpq_mat(n, n, [sum((fq[i][a] * fq[j][a] for a in range(r)), flint.fmpq(0))
                              for i in range(n) for j in range(n)])
    det = G.det()
    return {"det G_(r+1)": sp.Rational(int(det.p), int(det.q))}


def order_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    """The measured slope of ``log|t_k^exact - t_k|`` in ``log alpha`` minus ``2 gamma_k``."""
    from ..learning import gamma, learning_time

    k = int(point[N.k])
    e = int(point[N.e])
    diffs = []
    for ee in (e, e + 8):
        setting = N.setting(point, d=6, r=4, alpha=Q(1, 10 ** ee))
        lt = learning_time(setting, k, dps=max(dps, 20))
        diffs.append(abs(lt.difference))
    with mp.workdps(30):
        slope = mp.log10(diffs[0] / diffs[1]) / 8
        g = to_mp(2 * gamma(N.setting(point).sigma, k), 30)
    return {"slope - 2 gamma_k": slope - g}


def step_count_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    """The exact scalar-map hitting step minus the modified-equation step count."""
    from ..learning import scalar_hitting_step

    with mp.workdps(dps + 10):
        s = to_mp(point[N.sigma], dps + 10)
        lam0 = to_mp(point[N.c] / 10 ** int(point[N.e]), dps + 10)
        mu = to_mp(point[N.mu], dps + 10) / s
        target = s / 2
        n, *_ = scalar_hitting_step(s, lam0, target, mu, dps=dps)
        mod = scalar.modified_equation_steps(s, lam0, target, mu)
        return {"|n - K|": abs(n - mod)}


def hessian_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    """The smallest Hessian eigenvalue at each critical point minus the predicted escape rate."""
    from ..learning import critical_points

    setting = N.setting(point, d=4, r=2)
    sig = setting.sigma
    d, r = 4, 2
    U = N.mat("u", d, r)
    X = sp.diag(*sig, 0)
    f = Q(1, 4) * N.fro2(U * U.T - X)
    syms = list(U)
    H = sp.hessian(f, syms)
    worst = mp.mpf(0)
    with mp.workdps(dps):
        for cp in critical_points(setting):
            subs = {x: 0 for x in syms}
            for col, i in enumerate(cp.support):
                subs[U[i - 1, col]] = sp.sqrt(sig[i - 1])
            Hn = mp.matrix([[to_mp(H[i, j].subs(subs), dps) for j in range(len(syms))] for i in range(len(syms))])
            lmin = min(mp.eigsy(Hn, eigvals_only=True))
            if cp.kind == "minimum":
                worst = max(worst, max(mp.mpf(0), -lmin))
            else:
                worst = max(worst, abs(-lmin - to_mp(cp.escape_rate, dps) / 2))
    return {"Hessian": worst}


def optimality_residual(point: Mapping, dps: int) -> dict[str, float]:
    """``||M_s Z_s||`` and the negative part of the Hessian at the sensing minimizers."""
    from ..glrl import sensing_minimizer
    from ..measurements import draw_operator

    setting = N.setting(point, d=6, r=3)
    op = draw_operator(6, int(point[N.m]), np.random.default_rng(int(point[N.seed])))
    out = {}
    for s in (1, 2, 3):
        z = sensing_minimizer(setting, op, s)
        M = op.apply(np.diag([float(x) for x in setting.sigma] + [0.0] * 3) - z.Z)
        out[f"||M_{s} Z_{s}||"] = float(np.linalg.norm(M @ z.Z))
        out[f"hessian_{s} < 0"] = max(0.0, -z.hessian_min)
    return out


def race_full_observation(point: Mapping, dps: int) -> dict[str, float]:
    """How far the fractional race step falls outside ``(n_k - 1, n_k]`` under full observation."""
    from ..glrl import glrl_race
    from ..learning import learning_step
    from ..measurements import identity_operator

    setting = N.setting(point, d=6, r=4)
    eta = point[N.mu] / (setting.rate * setting.sigma[0])
    race = glrl_race(setting, identity_operator(6), eta)
    out = {}
    for k in range(1, 4):
        n = learning_step(setting, k, eta).value
        frac = race.steps[k - 1]
        out[f"n_{k}"] = max(0.0, n - 1 - frac, frac - n)
    return out


