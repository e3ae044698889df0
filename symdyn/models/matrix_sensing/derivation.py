"""The self-verifying derivation of incremental learning in matrix sensing (spec section 2 and 4).

Ordered steps, each with a check that can fail:

A. the loss and its gradient (full observation and sensing) for a general ``loss_scale``, and
   the time unit it sets (``tau = 4 loss_scale t``);
B. the exact flow: ``K' = 2 Y^T Y``, the Riccati solution ``P = Y K^-1 Y^T`` (symbolically for
   a rank-one start, numerically for every rank by high-precision differentiation), the scaled
   pencil of :mod:`.riccati` against the textbook route and against DOP853, and the logistic
   law with its inverse;
C. the init constants: the Gram identity ``c_k = det G_k / det G_(k-1)`` and ``c_k = 0`` for ``k > r``;
D. the learning time: the alpha -> 0 formula and its error order ``alpha^(2 gamma_k)``, measured
   from exact roots at two alphas;
E. discrete GD: the modified equation, the step count it gives against the exact scalar map,
   and the step-size conditions;
F. the critical points ``P_S``, their losses and the escape rates (Hessian);
G. sensing: first-order optimality of the minimizers ``Z_s`` and the race reduced to full observation.

>>> d = derivation()
>>> d.key, len(d) >= 15
('matrix-sensing', True)
>>> d.verify(dps=20, keys=["logistic"]).passed
True
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any, Mapping

import mpmath as mp
import numpy as np
import sympy as sp

from ...derive import Agree, AllOf, Derivation, Numeric, Points, Step, Symbolic
from ...exact import to_mp
from ...tex import latex
from . import scalar
from ...bibliography import ENTRIES

__all__ = ["derivation"]

Q = sp.Rational

# ----------------------------------------------------------------------------- symbols

_s = sp.Symbol("s", positive=True)            # loss scale
_t = sp.Symbol("t", positive=True)
_sig = sp.Symbol("sigma", positive=True)
_sg1, _sg2, _sg3 = sp.symbols("sigma_1 sigma_2 sigma_3", positive=True)
_l0, _l1 = sp.symbols("lambda_0 lambda_1", positive=True)
_a, _b, _c0 = sp.symbols("a b c", positive=True)
_alpha = sp.Symbol("alpha", positive=True)
_theta = sp.Symbol("theta", positive=True)
_eta = sp.Symbol("eta", positive=True)
_w = sp.Symbol("w", positive=True)
_mu = sp.Symbol("mu", positive=True)

# sampled symbols of numeric checks
_d = sp.Symbol("d", integer=True, positive=True)
_r = sp.Symbol("r", integer=True, positive=True)
_seed = sp.Symbol("seed", integer=True, nonnegative=True)
_ae = sp.Symbol("e", integer=True, positive=True)      # alpha = 10^-e
_k = sp.Symbol("k", integer=True, positive=True)
_m = sp.Symbol("m", integer=True, positive=True)
_tn = sp.Symbol("tau", positive=True)
_cc = sp.Symbol("c", positive=True)
_mun = sp.Symbol("mu", positive=True)


def _mat(name: str, rows: int, cols: int, *, symmetric: bool = False) -> sp.Matrix:
    if symmetric:
        M = sp.zeros(rows, cols)
        for i in range(rows):
            for j in range(i, cols):
                M[i, j] = M[j, i] = sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True)
        return M
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def _fro2(M: sp.Matrix) -> sp.Expr:
    return sum((x ** 2 for x in M), sp.Integer(0))


def _inner(A: sp.Matrix, B: sp.Matrix) -> sp.Expr:
    return sum((A[i] * B[i] for i in range(len(A))), sp.Integer(0))


def _setting(point: Mapping, *, sigma: tuple | None = None, **over: Any):
    from .setting import Setting

    sig = sigma if sigma is not None else tuple(point[x] for x in (_sg1, _sg2, _sg3) if x in point)
    vals = dict(sigma=sig, d=int(point.get(_d, 5)), r=int(point.get(_r, 3)), alpha=Q(1, 10 ** int(point.get(_ae, 3))),
                init_seed=int(point.get(_seed, 0)))
    vals.update(over)
    return Setting(**vals)


# ----------------------------------------------------------------------------- symbolic residuals


def _gradient_residuals() -> list[sp.Expr]:
    U = _mat("u", 3, 2)
    X = _mat("x", 3, 3, symmetric=True)
    R = U * U.T - X
    f = _s * _fro2(R)
    grad = sp.Matrix(3, 2, lambda i, j: sp.diff(f, U[i, j]))
    out = list(grad - 4 * _s * R * U)
    # sensing: two symmetric measurements in Sym(2), f = (s/m) sum <A_i, R>^2
    V = _mat("v", 2, 2)
    Y = _mat("y", 2, 2, symmetric=True)
    A1, A2 = _mat("p", 2, 2, symmetric=True), _mat("q", 2, 2, symmetric=True)
    Rs = V * V.T - Y
    fs = _s * (_inner(A1, Rs) ** 2 + _inner(A2, Rs) ** 2) / 2
    AA = (_inner(A1, Rs) * A1 + _inner(A2, Rs) * A2) / 2
    gs = sp.Matrix(2, 2, lambda i, j: sp.diff(fs, V[i, j]))
    out += list(gs - 4 * _s * AA * V)
    return [sp.expand(e) for e in out]


def _time_unit_residuals() -> list[sp.Expr]:
    U = _mat("u", 3, 2)
    X = _mat("x", 3, 3, symmetric=True)
    P = U * U.T
    Ud = 4 * _s * (X - P) * U            # U' = -grad f
    Pd = Ud * U.T + U * Ud.T
    return [sp.expand(e) for e in (Pd - 4 * _s * (X * P + P * X - 2 * P * P))]


def _phi(sig: sp.Expr, t: sp.Expr) -> sp.Expr:
    return (sp.exp(2 * sig * t) - 1) / sig if sig != 0 else 2 * t


def _k_residuals() -> list[sp.Expr]:
    U0 = _mat("u", 3, 2)
    sig = (_sg1, _sg2, sp.Integer(0))
    Phi = sp.diag(*[_phi(x, _t) for x in sig])
    E = sp.diag(*[sp.exp(x * _t) for x in sig])
    K = sp.eye(2) + U0.T * Phi * U0
    Y = E * U0
    return [sp.simplify(e) for e in (sp.diff(K, _t) - 2 * Y.T * Y)]


def _riccati_rank_one(sig: tuple) -> list[sp.Expr]:
    n = len(sig)
    u0 = sp.Matrix([sp.Symbol(f"a_{i + 1}", positive=True) for i in range(n)])
    X = sp.diag(*sig)
    Y = sp.diag(*[sp.exp(x * _t) for x in sig]) * u0
    K = 1 + sum((u0[i] ** 2 * _phi(sig[i], _t) for i in range(n)), sp.Integer(0))
    P = Y * Y.T / K
    res = sp.diff(P, _t) - X * P - P * X + 2 * P * P
    return [sp.simplify(sp.together(e)) for e in res]


def _logistic_residuals() -> list[sp.Expr]:
    lam = scalar.logistic_expr(_sig, _l0, _t)
    ode = sp.simplify(sp.diff(lam, _t) - 2 * lam * (_sig - lam))
    init = sp.simplify(lam.subs(_t, 0) - _l0)
    T = scalar.logistic_time_expr(_sig, _l0, _l1)
    inv = sp.simplify(sp.expand_log(sp.simplify(lam.subs(_t, T)), force=True) - _l1)
    # d = r = 1: the Riccati closed form is the logistic law with lambda_0 = a^2
    Y = sp.exp(_sig * _t) * _a
    K = 1 + _a ** 2 * _phi(_sig, _t)
    aligned = sp.simplify(Y * Y / K - scalar.logistic_expr(_sig, _a ** 2, _t))
    return [ode, init, inv, aligned]


def _gram_residuals() -> list[sp.Expr]:
    b1 = sp.Matrix(sp.symbols("b_11 b_12", real=True))
    b2 = sp.Matrix(sp.symbols("b_21 b_22", real=True))
    G1 = b1.dot(b1)
    G2 = sp.Matrix([[b1.dot(b1), b1.dot(b2)], [b2.dot(b1), b2.dot(b2)]]).det()
    res = b2 - (b1.dot(b2) / b1.dot(b1)) * b1
    return [sp.simplify(G2 / G1 - res.dot(res))]


def _gram_zero_residual() -> list[sp.Expr]:
    bs = [sp.Matrix(sp.symbols(f"b_{k}1 b_{k}2", real=True)) for k in (1, 2, 3)]
    G = sp.Matrix(3, 3, lambda i, j: bs[i].dot(bs[j]))
    return [sp.expand(G.det())]


def _limit_residuals() -> list[sp.Expr]:
    lam0 = _alpha ** 2 * _c0
    exact_hit = scalar.logistic_time_expr(_sig, lam0, _theta * _sig)
    limit = sp.log(_theta * _sig / ((1 - _theta) * _alpha ** 2 * _c0)) / (2 * _sig)
    diff = sp.expand_log(exact_hit - limit, force=True)
    ser = sp.series(diff, _alpha, 0, 3).removeO()
    return [sp.simplify(ser.coeff(_alpha, 0)), sp.simplify(ser.coeff(_alpha, 1)),
            sp.simplify(ser.coeff(_alpha, 2) + _c0 / (2 * _sig ** 2))]


def _modified_residuals() -> list[sp.Expr]:
    g = _w * (_sig - _w ** 2)
    gh = g - _eta / 2 * g * sp.diff(g, _w)
    flow_map = _w + _eta * gh + _eta ** 2 / 2 * sp.diff(gh, _w) * gh      # time-eta flow of gh to O(eta^2)
    r1 = sp.expand(flow_map - (_w + _eta * g))
    r1 = sp.simplify(r1.coeff(_eta, 0)), sp.simplify(r1.coeff(_eta, 1)), sp.simplify(r1.coeff(_eta, 2))
    inv = sp.series(1 / gh, _eta, 0, 2).removeO()
    r2 = sp.simplify(inv - (1 / g + _eta / 2 * sp.diff(g, _w) / g))
    return [*r1, r2]


def _step_condition_residuals() -> list[sp.Expr]:
    lam = sp.Symbol("lambda", positive=True)
    F = lam * (1 + _mu * (_sig - lam)) ** 2
    at_fixed = sp.simplify(sp.diff(F, lam).subs(lam, _sig) - (1 - 2 * _mu * _sig))
    phi = _w + _mu * _w * (_sig - _w ** 2)
    at_top = sp.simplify(sp.diff(phi, _w).subs(_w, sp.sqrt(_sig)) - (1 - 2 * _mu * _sig))
    mono = sp.simplify(sp.diff(phi, _w, 2) + 6 * _mu * _w)    # phi' decreasing on w > 0: min at sqrt(sigma)
    return [at_fixed, at_top, mono]


def _critical_residuals() -> list[sp.Expr]:
    sig = (_sg1, _sg2, _sg3)
    X = sp.diag(*sig)
    out = []
    for size in (0, 1, 2):
        for S in itertools.combinations(range(3), size):
            U = sp.zeros(3, 2)
            for col, i in enumerate(S):
                U[i, col] = sp.sqrt(sig[i])
            R = U * U.T - X
            out += list(R * U)
            loss = _s * _fro2(R)
            out.append(sp.simplify(loss - _s * sum((sig[i] ** 2 for i in range(3) if i not in S), sp.Integer(0))))
    return out


# ----------------------------------------------------------------------------- numeric routes


def _direct_P(setting, tau: mp.mpf) -> mp.matrix:
    from .instance import draw_ubar

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


def _riccati_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    setting = _setting(point, sigma=(point[_sg1], point[_sg2]))
    rng = np.random.default_rng(int(point[_seed]) + 7)
    v, w = (mp.matrix([mp.mpf(float(x)) for x in rng.standard_normal(setting.d)]) for _ in range(2))
    X = mp.diag([to_mp(x, dps) for x in setting.sigma] + [mp.mpf(0)] * (setting.d - setting.r_star))
    with mp.workdps(2 * dps):
        t0 = to_mp(point[_tn], 2 * dps)
        P = _direct_P(setting, t0)
        lhs = mp.diff(lambda t: (v.T * _direct_P(setting, t) * w)[0], t0)
        rhs = (v.T * (X * P + P * X - 2 * P * P) * w)[0]
        scale = max(mp.mpf(1), mp.mnorm(P, "f"))
        return {"functional": (lhs - rhs) / scale}


def _library_eigs(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    from .riccati import flow_point

    setting = _setting(point)
    p = flow_point(setting, point[_tn] / setting.rate, dps=dps)
    return {f"lambda_{j + 1}": x for j, x in enumerate(p.eigenvalues)}


def _direct_eigs(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    from .riccati import direct_eigenvalues

    setting = _setting(point)
    s1 = float(setting.sigma[0])
    extra = int(2 * float(point[_ae]) * s1 / float(setting.sigma[-1])) + 2 * int(float(point[_tn]) * s1) + 40
    with mp.workdps(dps + extra):
        ev = direct_eigenvalues(setting, mp.mpf(point[_tn].p) / point[_tn].q, dps=dps + extra)
    return {f"lambda_{j + 1}": x for j, x in enumerate(ev)}


def _dop853_vs_closed(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    from .riccati import flow_point
    from .dynamics import flow_run

    setting = _setting(point)
    t = point[_tn] / setting.rate
    run = flow_run(setting, [float(t)])
    ex = flow_point(setting, t, dps=20).eigenvalues
    return {f"lambda_{j + 1}": abs(mp.mpf(run.eigenvalues[0][j]) - ex[j]) / ex[j] for j in range(setting.r)}


def _gram_exact(point: Mapping, dps: int) -> dict[str, Any]:
    from .instance import init_constants

    c = init_constants(int(point[_d]), int(point[_r]), 3, int(point[_seed]), dps=dps)
    return {f"c_{k + 1}": c.exact[k] for k in range(min(3, int(point[_r])))}


def _gram_schmidt(point: Mapping, dps: int) -> dict[str, Any]:
    from .instance import draw_ubar, gram_schmidt_rows

    d, r = int(point[_d]), int(point[_r])
    u = draw_ubar(d, r, int(point[_seed]))
    with mp.workdps(dps + 10):
        rows = [[mp.mpf(float(x)) for x in u[i]] for i in range(3)]
        c, _, _ = gram_schmidt_rows(rows, r)
    return {f"c_{k + 1}": c[k] for k in range(min(3, r))}


def _gram_zero(point: Mapping, dps: int) -> dict[str, Any]:
    import flint

    from .instance import exact_rows

    d, r = int(point[_d]), int(point[_r])
    rows = exact_rows(d, r, int(point[_seed]), r + 1)
    fq = [[flint.fmpq(x.numerator, x.denominator) for x in row] for row in rows]
    n = r + 1
    G = flint.fmpq_mat(n, n, [sum((fq[i][a] * fq[j][a] for a in range(r)), flint.fmpq(0))
                              for i in range(n) for j in range(n)])
    det = G.det()
    return {"det G_(r+1)": sp.Rational(int(det.p), int(det.q))}


def _order_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    from .learning import gamma, learning_time

    k = int(point[_k])
    e = int(point[_ae])
    diffs = []
    for ee in (e, e + 8):
        setting = _setting(point, d=6, r=4, alpha=Q(1, 10 ** ee))
        lt = learning_time(setting, k, dps=max(dps, 20))
        diffs.append(abs(lt.difference))
    with mp.workdps(30):
        slope = mp.log10(diffs[0] / diffs[1]) / 8
        g = to_mp(2 * gamma(_setting(point).sigma, k), 30)
    return {"slope - 2 gamma_k": slope - g}


def _step_count_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    from .learning import scalar_hitting_step

    with mp.workdps(dps + 10):
        s = to_mp(point[_sig], dps + 10)
        lam0 = to_mp(point[_cc] / 10 ** int(point[_ae]), dps + 10)
        mu = to_mp(point[_mun], dps + 10) / s
        target = s / 2
        n, *_ = scalar_hitting_step(s, lam0, target, mu, dps=dps)
        mod = scalar.modified_equation_steps(s, lam0, target, mu)
        return {"|n - K|": abs(n - mod)}


def _hessian_residual(point: Mapping, dps: int) -> dict[str, mp.mpf]:
    from .learning import critical_points

    setting = _setting(point, d=4, r=2)
    sig = setting.sigma
    d, r = 4, 2
    U = _mat("u", d, r)
    X = sp.diag(*sig, 0)
    f = Q(1, 4) * _fro2(U * U.T - X)
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


def _optimality_residual(point: Mapping, dps: int) -> dict[str, float]:
    from .glrl import sensing_minimizer
    from .measurements import draw_operator

    setting = _setting(point, d=6, r=3)
    op = draw_operator(6, int(point[_m]), np.random.default_rng(int(point[_seed])))
    out = {}
    for s in (1, 2, 3):
        z = sensing_minimizer(setting, op, s)
        M = op.apply(np.diag([float(x) for x in setting.sigma] + [0.0] * 3) - z.Z)
        out[f"||M_{s} Z_{s}||"] = float(np.linalg.norm(M @ z.Z))
        out[f"hessian_{s} < 0"] = max(0.0, -z.hessian_min)
    return out


def _race_full_observation(point: Mapping, dps: int) -> dict[str, float]:
    from .glrl import glrl_race
    from .learning import learning_step
    from .measurements import identity_operator

    setting = _setting(point, d=6, r=4)
    eta = point[_mun] / (setting.rate * setting.sigma[0])
    race = glrl_race(setting, identity_operator(6), eta)
    out = {}
    for k in range(1, 4):
        n = learning_step(setting, k, eta).value
        frac = race.steps[k - 1]
        out[f"n_{k}"] = max(0.0, n - 1 - frac, frac - n)
    return out


# ----------------------------------------------------------------------------- steps


def _sigma_points(count: int, **ranges: Any) -> Points:
    base = {_sg1: (Q(5, 2), Q(4)), _sg2: (Q(6, 5), Q(9, 4)), _sg3: (Q(1, 5), Q(1))}
    base.update(ranges.pop("extra", {}))
    return Points(base, count=count, **ranges)


def _steps() -> list[Step]:  # noqa: C901 - one flat list of steps
    steps: list[Step] = []
    add = steps.append
    secA = "Loss, gradient and the time unit"
    secB = "The exact gradient flow"
    secC = "Init constants"
    secD = "Learning times"
    secE = "Discrete gradient descent"
    secF = "Critical points"
    secG = "Sensing: the greedy low-rank race"

    add(Step(
        "gradient", "The gradient of the loss",
        r"For $f(U) = s\,\|UU^\top - X^*\|_F^2$ the gradient is $\nabla f = 4s\,(UU^\top - X^*)U$; under "
        r"sensing, $f = (s/m)\sum_i \langle A_i, UU^\top - X^*\rangle^2$ gives $4s\,\mathcal{A}^*\mathcal{A}(UU^\top - X^*)U$ "
        r"with $\mathcal{A}^*\mathcal{A}(Z) = (1/m)\sum_i \langle A_i, Z\rangle A_i$. With the spec's $s = 1/4$ there is no "
        r"factor: $\nabla f = \mathcal{A}^*\mathcal{A}(UU^\top - X^*)U$.",
        (r"\nabla f(U) = 4 s\, \mathcal{A}^*\mathcal{A}\left(UU^\top - X^*\right) U",),
        Symbolic(_gradient_residuals),
        section=secA,
        remark=r"Checked entrywise for a generic $3\times 2$ $U$ and symmetric $X^*$, and for two generic symmetric "
               r"measurements in $\mathrm{Sym}(2)$.",
    ))
    add(Step(
        "time-unit", "The loss scale is a time unit",
        r"Under $U' = -\nabla f$, $P = UU^\top$ obeys $P' = 4s\,(X^*P + PX^* - 2P^2)$: the flow at loss scale $s$ and time "
        r"$t$ is the $s = 1/4$ flow at time $\tau = 4 s t$, and GD with step $\eta$ is the $s = 1/4$ GD with step "
        r"$\mu = 4 s \eta$.",
        (r"P' = 4s\left(X^* P + P X^* - 2P^2\right), \qquad \tau = 4 s\, t, \qquad \mu = 4 s\, \eta",),
        Symbolic(_time_unit_residuals),
        section=secA,
    ))
    add(Step(
        "riccati-k", r"$K' = 2 Y^\top Y$",
        r"With $Y = e^{\tau X^*}U_0$, $\Phi = \mathrm{diag}(\phi(\sigma_j, \tau))$, $\phi(s,\tau) = (e^{2 s\tau}-1)/s$, "
        r"$\phi(0,\tau) = 2\tau$, the matrix $K = I + U_0^\top \Phi U_0$ satisfies $K' = 2Y^\top Y$.",
        (r"K(\tau) = I_r + U_0^\top \Phi(\tau) U_0, \qquad K' = 2\, Y^\top Y",),
        Symbolic(_k_residuals),
        section=secB,
        remark=r"Checked for a generic $3\times 2$ $U_0$ and $X^* = \mathrm{diag}(\sigma_1, \sigma_2, 0)$ (a null direction).",
    ))
    add(Step(
        "riccati", r"The Riccati solution $P = Y K^{-1} Y^\top$",
        r"$P(\tau) = Y K^{-1} Y^\top$ solves $P' = X^*P + PX^* - 2P^2$ with $P(0) = U_0U_0^\top$, for every symmetric "
        r"$X^*$ and every $U_0$; its nonzero eigenvalues are those of the $r\times r$ pencil $(Y^\top Y, K)$.",
        (r"P(\tau) = e^{\tau X^*} U_0 \left(I_r + U_0^\top \Phi(\tau) U_0\right)^{-1} U_0^\top e^{\tau X^*}",),
        AllOf(
            Symbolic(lambda: _riccati_rank_one((_sg1, _sg2))),
            Symbolic(lambda: _riccati_rank_one((_sg1, sp.Integer(0)))),
            Numeric(_riccati_residual,
                    Points({_sg1: (Q(3, 2), Q(3)), _sg2: (Q(1, 2), Q(5, 4)), _d: (3, 5), _r: (1, 3),
                            _seed: (0, 10_000), _ae: (1, 3), _tn: (Q(1, 10), Q(3))}, count=3,
                           label=r"$d \le 5$, $r \le 3$, $\alpha = 10^{-e}$, $e \le 3$, $\tau \le 3$"),
                    loss=12, label=r"a random linear functional of $P' - X^*P - PX^* + 2P^2$ (mpmath \texttt{diff} "
                                   r"of the closed form at twice the digits)"),
        ),
        section=secB,
        remark=r"Symbolically for a rank-one start (with $X^* = \mathrm{diag}(\sigma_1,\sigma_2)$ and with a null "
               r"direction); numerically at random instances of every rank. The aligned start $U_0 = \alpha v_k e_1^\top$ "
               r"reduces to the logistic law (step \ref{step:logistic}).",
    ))
    add(Step(
        "scaled-pencil", "The scaled pencil the evaluator uses",
        r"In the Gram-Schmidt basis of $b_1, b_2, \dots$ and scaled by $D = \mathrm{diag}(e^{\tau\sigma_a})$, the pencil "
        r"becomes $S_c = \sum_i m_i m_i^\top + N_s$, $K_c = D^{-2}/\alpha^2 + \sum_i \psi_i m_i m_i^\top + 2\tau N_s$ with "
        r"bounded entries ($|m_i[a]| \le |L_{ia}|$), so the eigenvalues lose at most about $2\log_{10}(1/\alpha)$ digits at "
        r"any $\tau$. It agrees with the textbook route at generous precision and with DOP853 integration of $U$.",
        (r"\lambda(P(\tau)) = \mathrm{eig}(S_c, K_c), \qquad \psi_i = \frac{1 - e^{-2\sigma_i\tau}}{\sigma_i}, \qquad "
         r"m_i[a] = L_{ia}\, e^{(\sigma_i - \sigma_a)\tau}",),
        AllOf(
            Agree(_library_eigs, _direct_eigs,
                  _sigma_points(3, extra={_d: (3, 8), _r: (1, 5), _seed: (0, 10_000), _ae: (5, 25), _tn: (Q(1), Q(40))},
                                where=lambda p: p[_r] <= p[_d] and p[_d] >= 3,
                                label=r"$\alpha = 10^{-e}$, $5 \le e \le 25$, $\tau \le 40$"),
                  names=("the scaled pencil (automatic precision)", "the textbook route at generous fixed precision"),
                  loss=3),
            Numeric(_dop853_vs_closed,
                    _sigma_points(2, extra={_d: (4, 10), _r: (2, 5), _seed: (0, 10_000), _ae: (2, 3), _tn: (Q(1), Q(8))},
                                  where=lambda p: p[_r] <= p[_d],
                                  label=r"$\alpha = 10^{-e}$, $e \le 3$, $\tau \le 8$"),
                    tolerance=Q(1, 10 ** 9), label=r"the relative difference to DOP853 ($10^{-13}$ relative tolerance)"),
        ),
        section=secB,
    ))
    add(Step(
        "logistic", "The logistic law and its inverse",
        r"For one aligned component ($d = r = 1$) the closed form is the logistic law, which solves "
        r"$\lambda' = 2\lambda(\sigma - \lambda)$; the time formula is its inverse.",
        (r"\lambda(\tau) = " + latex(scalar.logistic_expr(_sig, _l0, sp.Symbol("tau"))),
         r"T(\lambda_0 \to \lambda_1) = " + latex(scalar.logistic_time_expr(_sig, _l0, _l1))),
        Symbolic(_logistic_residuals),
        section=secB,
        remark=r"The $10\%$ to $90\%$ transition takes $\log(81)/(2\sigma)$, independent of $\alpha$.",
    ))
    add(Step(
        "gram-identity", r"The init constants $c_k = \det G_k/\det G_{k-1}$",
        r"With $b_k = \bar U^\top v_k$ and $G_k = [b_i\cdot b_j]_{i,j\le k}$, $c_k = \|(I - \Pi_{k-1}) b_k\|^2 = "
        r"\det G_k/\det G_{k-1}$. For the contract's $\bar U$ (float64 entries read as exact dyadic rationals) the "
        r"exact rational determinants agree with modified Gram-Schmidt in mpmath.",
        (r"c_k = \left\|(I - \Pi_{k-1})\, b_k\right\|^2 = \frac{\det G_k}{\det G_{k-1}}",),
        AllOf(
            Symbolic(_gram_residuals),
            Agree(_gram_exact, _gram_schmidt,
                  Points({_d: (3, 40), _r: (1, 8), _seed: (0, 100_000)}, count=4,
                         where=lambda p: p[_r] <= p[_d] and p[_d] >= 3, label=r"$3 \le d \le 40$, $r \le 8$"),
                  names=("exact rational determinants (python-flint)", "modified Gram-Schmidt (mpmath)"), loss=4),
        ),
        section=secC,
    ))
    add(Step(
        "gram-zero", r"$c_k = 0$ for $k > r$",
        r"The $b_k$ lie in $\mathbb{R}^r$, so $G_k$ is singular for $k > r$: $c_k = 0$ exactly and component $k$ is never "
        r"learned (under-parameterized case).",
        (r"\det G_{k} = 0 \quad (k > r)",),
        AllOf(
            Symbolic(_gram_zero_residual),
            Numeric(_gram_zero, Points({_d: (3, 30), _r: (1, 2), _seed: (0, 100_000)}, count=3,
                                       label=r"$r \le 2 < r^* = 3$"),
                    loss=0, label=r"$\det G_{r+1}$ of the contract's $\bar U$ in exact rationals"),
        ),
        section=secC,
    ))
    add(Step(
        "limit-formula", r"The learning time as $\alpha \to 0$",
        r"Component $k$ follows the logistic law from the effective start $\alpha^2 c_k$; its hitting time of "
        r"$\theta\sigma_k$ is the limit formula up to $-\alpha^2 c_k/(2\sigma_k^2) + O(\alpha^4)$.",
        (r"t_k = \frac{1}{2\sigma_k}\log\frac{\theta\,\sigma_k}{(1-\theta)\,\alpha^2 c_k} "
         r"= \frac{\log(1/\alpha)}{\sigma_k} + \frac{1}{2\sigma_k}\log\frac{\theta\,\sigma_k}{(1-\theta)\,c_k}",),
        Symbolic(_limit_residuals),
        section=secD,
    ))
    add(Step(
        "limit-order", r"The error order $\alpha^{2\gamma_k}$",
        r"The exact first root of $\lambda_k(P(\tau)) = \theta\sigma_k$ differs from the limit formula by "
        r"$O(\alpha^{2\gamma_k})$, $\gamma_k = \min(1 - \sigma_{k+1}/\sigma_k,\ \sigma_{k-1}/\sigma_k - 1)$ "
        r"($\sigma_0 = \infty$, $\sigma_{r^*+1} = 0$): the next component starting to grow, and the previous one "
        r"not yet saturated. Measured as the slope of $\log|t_k^{\mathrm{exact}} - t_k|$ between $\alpha = 10^{-e}$ and "
        r"$10^{-e-8}$ from exact roots.",
        (r"t_k^{\mathrm{exact}} - t_k = O\!\left(\alpha^{2\gamma_k}\right)",),
        Numeric(_order_residual,
                _sigma_points(3, extra={_seed: (0, 10_000), _ae: (20, 30), _k: (1, 3)},
                              where=lambda p: abs((1 - p[_sg2] / p[_sg1]) - (p[_sg1] / p[_sg2] - 1)) > Q(1, 5)
                              and abs((1 - p[_sg3] / p[_sg2]) - (p[_sg1] / p[_sg2] - 1)) > Q(1, 5)
                              and abs((1 - p[_sg3] / p[_sg2]) - (1 - p[_sg2] / p[_sg1])) > Q(1, 10),
                              label=r"$d = 6$, $r = 4$, $\alpha = 10^{-e}$, $20 \le e \le 30$, distinct gap ratios"),
                tolerance=Q(1, 20), label=r"the measured slope minus $2\gamma_k$"),
        section=secD,
    ))
    add(Step(
        "modified-equation", "The modified equation and the GD step count",
        r"GD on $w = \sqrt{\lambda}$ is $w \leftarrow w + \mu g(w)$, $g(w) = w(\sigma - w^2)$. The time-$\mu$ flow of "
        r"$\hat g = g - (\mu/2) g g'$ reproduces the map to $O(\mu^3)$, and $1/\hat g = 1/g + (\mu/2) g'/g + O(\mu^2)$, "
        r"so the step count is $T/\mu + \tfrac12\log(g(w_1)/g(w_0)) + O(\mu)$; it is within one step of the exact "
        r"scalar-map hitting step.",
        (r"K = \frac{T(\lambda_0 \to \lambda_1)}{\mu} + \frac{1}{2}\log\frac{g(w_1)}{g(w_0)} + O(\mu), \qquad "
         r"\lambda \leftarrow \lambda\left(1 + \mu(\sigma - \lambda)\right)^2",),
        AllOf(
            Symbolic(_modified_residuals),
            Numeric(_step_count_residual,
                    Points({_sig: (Q(1, 2), Q(4)), _cc: (Q(1, 100), Q(1)), _ae: (4, 60), _mun: (Q(1, 1000), Q(1, 20))},
                           count=4, label=r"$\lambda_0 = c\,10^{-e}$, $\mu\sigma \le 1/20$"),
                    tolerance=1, label=r"$|n - K|$ (exact hitting step against the modified equation)"),
        ),
        section=secE,
    ))
    add(Step(
        "step-condition", "Step-size conditions",
        r"The map's derivative at its fixed point $\lambda = \sigma$ is $1 - 2\mu\sigma$: locally stable iff "
        r"$\mu\sigma < 1$. On $w$, $\varphi'(w) = 1 + \mu\sigma - 3\mu w^2$ decreases on $w > 0$ and equals "
        r"$1 - 2\mu\sigma$ at $w = \sqrt\sigma$: monotone (no overshoot) iff $\mu\sigma \le 1/2$.",
        (r"\mu\,\sigma_1 < 1 \ \text{(stable)}, \qquad \mu\,\sigma_1 \le \tfrac12 \ \text{(monotone)}, \qquad \mu = 4 s \eta",),
        Symbolic(_step_condition_residuals),
        section=secE,
    ))
    add(Step(
        "critical-points", r"Critical points $P_S$ and their losses",
        r"$P_S = \sum_{i\in S}\sigma_i v_iv_i^\top$ ($|S|\le r$) are critical with $f(P_S) = s\sum_{i\notin S}\sigma_i^2$. "
        r"The only local minimum is $S = \{1..\min(r,r^*)\}$; elsewhere the Hessian of the $s = 1/4$ loss has smallest "
        r"eigenvalue $-\sigma_j$ (a free column) or $-(\sigma_j - \sigma_i)$ (a rotation), half the escape rate of "
        r"$\lambda$.",
        (r"f(P_S) = s \sum_{i \notin S} \sigma_i^2, \qquad \lambda_{\min}\left(\nabla^2 f(U_S)\right) = "
         r"-\max\Big(\max_{j\notin S}\sigma_j\,[|S|<r],\ \max_{j\notin S,\, i\in S}(\sigma_j - \sigma_i)\Big)",),
        AllOf(
            Symbolic(_critical_residuals),
            Numeric(_hessian_residual, _sigma_points(2, label=r"$d = 4$, $r = 2$, $r^* = 3$"), loss=10,
                    label=r"the smallest Hessian eigenvalue minus the predicted escape rate"),
        ),
        section=secF,
    ))
    add(Step(
        "sensing-optimality", r"The sensing minimizers $Z_s$",
        r"The rank-$s$ minimizer $Z_s = U_sU_s^\top$ of the sensing loss (Newton on $U_s$ from the truncation) satisfies "
        r"$M_s Z_s = 0$, $M_s = \mathcal{A}^*\mathcal{A}(X^* - Z_s)$, and its Hessian is positive off the rotation "
        r"directions: a strict local minimum.",
        (r"M_s Z_s = 0, \qquad M_s = \mathcal{A}^*\mathcal{A}\left(X^* - Z_s\right)",),
        Numeric(_optimality_residual,
                _sigma_points(2, extra={_seed: (0, 10_000), _m: (300, 800)}, label=r"$d = 6$, $300 \le m \le 800$"),
                tolerance=Q(1, 10 ** 10), label=r"$\|M_s Z_s\|_F$ and the negative part of the Hessian"),
        section=secG,
    ))
    add(Step(
        "race", "The greedy race",
        r"Component $k$'s log-magnitude grows by $\ell_k^{(j)} = 2\log(1 + \mu\rho_k^{(j)})$ per step during stage $j$ "
        r"($\rho^{(j)}$ the top eigenvalues of $M_j$) from $\alpha^2\tilde c_k$, and it saturates during stage $k-1$ "
        r"as the scalar map with rate $\rho_k^{(k-1)}$ and limit $\zeta_k = \lambda_k(Z_k)$. Under full observation "
        r"($\rho = \zeta = \sigma$, $\tilde c = c$) the race is the exact scalar-map hitting step.",
        (r"\sum_{j=0}^{k-1} \ell_k^{(j)} \left(n_{j+1} - n_j\right) = L_k, \qquad "
         r"L_k = \log\frac{\sigma_k}{\alpha^2 \tilde c_k} + \kappa_k, \qquad n_0 = 0",),
        Numeric(_race_full_observation,
                _sigma_points(2, extra={_seed: (0, 10_000), _ae: (4, 12), _mun: (Q(1, 200), Q(1, 20))},
                              label=r"full observation, $d = 6$, $r = 4$, $\mu\sigma_1 \le 1/20$"),
                tolerance=Q(1, 10 ** 6), label=r"the fractional race step outside $(n_k - 1, n_k]$"),
        section=secG,
        remark=r"Against simulation the race is a prediction, not an identity: it is tested on GD with Gaussian "
               r"measurements (spec A7, within $1\%$).",
        stated=True,
    ))
    return steps


_INTRO = r"""
We derive the incremental learning of gradient descent on $f(U) = s\,\|\mathcal{A}(UU^\top) - y\|^2$ for a PSD ground truth
$X^* = \mathrm{diag}(\sigma_1, \dots, \sigma_{r^*}, 0, \dots, 0)$ from a small initialization $U_0 = \alpha\bar U$
\cite{jin_et_al_2023}. Under full observation the gradient flow is solved exactly by a Riccati closed form; its
eigenvalues follow logistic laws with effective initial values $\alpha^2 c_k$, which give the learning times, their
$\alpha \to 0$ limit with the error order, the discrete step counts and the plateaus. Under Gaussian sensing the
plateaus move to the sensing minimizers $Z_s$ and the learning steps follow the greedy low-rank race
\cite{li_luo_lyu_2021}. The loss scale $s$ (the spec's $1/4$) is a time unit. Every step states one identity and records
how symdyn verified it: symbolically, numerically at seeded random exact points, or by two independent routes.
"""


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The matrix-sensing derivation (built once; immutable).

    >>> [s.key for s in derivation()][:3]
    ['gradient', 'time-unit', 'riccati-k']
    """
    bib = "\n\n".join(ENTRIES[k].bibtex.strip() for k in ("jin_et_al_2023", "li_luo_lyu_2021"))
    return Derivation(
        "matrix-sensing",
        "Incremental learning of gradient descent in matrix sensing: a verified derivation",
        tuple(_steps()),
        introduction=_INTRO,
        bibliography=bib,
    )



