"""Independent numerical routes of the rank-one derivation (quadrature, contour integrals, matrices).

Each route is a function ``f(point, dps)`` of an exact parameter point, the second
side of a two-route check or the residual of a numeric check of a step.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import mpmath as mp
from mpmath.calculus.quadrature import TanhSinh as _TanhSinh
import sympy as sp

from ....derive import Points
from ....exact import exact_sign
from ....laws import marchenko_pastur as mpl
from ....laws.measure import SpectralMeasure
from ....symbols import alpha, beta, c, eta, k, kappa, lam, t, theta, z
from .. import spectral as spikes
from ._notation import (
    Q,
    LM,
    LP,
    LSTAR,
    S1,
    SPLUS,
    ZU,
    ZV,
    WUV,
    C_REGIONS,
    mp_at,
    _lambdified,
    _u,
    _d,
    _xs,
    _shape,
    _q,
    _zx,
    _zy,
    _zkind,
)

__all__ = [
    "observables_by_quadrature", "free_symbol_residue", "measures", "exact_residues", "contour_weights",
    "closed_weights", "densities_from_resolvent", "densities_library", "moments_closed", "moments_quadrature",
    "pole_closed", "pole_quadrature", "expm_route", "block_route", "gd_block_residual", "large_t_above",
    "decay_ratio", "at_threshold_point", "scale2", "outlier_residual", "stieltjes_regions", "stieltjes_closed",
    "stieltjes_quadrature",
]


def measures(point: Mapping) -> dict[str, SpectralMeasure]:
    vals = {c: point[c], theta: point[theta]}
    return {
        "uu": spikes.nu_uu().subs(vals), "vv": spikes.nu_vv().subs(vals), "uv": spikes.nu_uv().subs(vals),
        "mu1": mpl.mu1().subs(vals), "mu2": mpl.mu2().subs(vals),
    }


def _vector_tanh_sinh(F: Callable[[mp.mpf], list], knots: list, size: int, tol: mp.mpf,
                      max_degree: int = 12) -> list:
    """Tanh-sinh quadrature of a vector-valued integrand over consecutive intervals.

    Same nodes as ``mpmath.quad`` (``TanhSinh``), but every node is evaluated once
    for all components, and the level is refined until each component changes by
    less than ``tol`` times its magnitude (a *relative* test; ``mpmath.quad``
    stops on an absolute one).
    """
    rule = _TanhSinh(mp.mp)
    prec = mp.mp.prec
    total = [mp.mpf(0)] * size
    for a, b in zip(knots[:-1], knots[1:]):
        prev: list | None = None
        for degree in range(1, max_degree + 1):
            h = mp.ldexp(1, -degree)
            acc = [x / (2 * h) for x in prev] if prev is not None else [mp.mpf(0)] * size
            for x, w in rule.get_nodes(a, b, degree, prec):
                for j, v in enumerate(F(x)):
                    acc[j] += w * v
            cur = [h * x for x in acc]
            if prev is not None and all(abs(u - v) <= tol * max(abs(u), mp.eps) for u, v in zip(cur, prev)):
                break
            prev = cur
        else:
            raise ArithmeticError(f"tanh-sinh did not converge on [{a}, {b}] at degree {max_degree}")
        total = [s + x for s, x in zip(total, cur)]
    return total


def observables_by_quadrature(point: Mapping, tv: Any, dps: int, *, factored: bool = False) -> dict[str, mp.mpf]:
    """``N_u, N_v, Q_a, Q_b`` (spec 4.2) and ``m_u, m_v`` by direct quadrature of the library measures.

    The slow, independent route: the bulk densities and atoms of
    ``spectral.nu_uu/nu_vv/nu_uv`` and ``marchenko_pastur.mu1/mu2`` are integrated
    against ``C, sigma, C^2, lambda sigma^2, C sigma`` in the angle
    ``lambda = 1 + c + 2 sqrt(c) cos(phi)`` with a vector tanh-sinh rule (split
    at the width of the edge peak and at the pole scale), refined until every
    functional is stable to ``10^-(dps+2)`` relative.  All quantities are
    scaled by ``exp(-t s_+)`` (``N``) and ``exp(-2 t s_+)`` (``Q``), ``s_+`` the
    bulk edge, so nothing overflows; ``m_u, m_v`` are unscaled.  With
    ``factored=True`` the outlier atoms are replaced by the factored form of
    spec 4.3 (needed at the critical ratio, where the unfactored atoms cancel
    catastrophically).

    *point* maps ``c, theta, alpha, beta, kappa`` to exact values (``alpha`` may be
    an exact algebraic number); *tv* is the time.

    >>> R = sp.Rational
    >>> pt = {c: R(1, 2), theta: R(6, 5), alpha: R(1, 10), beta: R(1, 10), kappa: 1}
    >>> mp.nstr(observables_by_quadrature(pt, 1, 30)["m_u"], 20)   # spec section 9
    '0.23204766100575355081'
    """
    wd = dps + 10
    ms = measures(point)
    above = exact_sign(point[theta] ** 4 - point[c]) > 0
    with mp.workdps(wd):
        al, be, ka = (mp_at(point[s], point, wd) for s in (alpha, beta, kappa))
        tt = mp.mpf(tv) if not isinstance(tv, sp.Basic) else mp_at(tv, point, wd)
        cv = mp_at(point[c], point, wd)
        s1 = mp_at(S1, point, wd)
        sp_ = mp_at(SPLUS, point, wd)
        lo, hi = mp_at(LM, point, wd), mp_at(LP, point, wd)
        half = (hi - lo) / 2
        bh, rh = ka * be, ka**2 * (1 - be**2)
        order = ("uu", "uv", "vv", "mu1", "mu2")
        # density = r(lambda) g(lambda) with g rational; r = 2 sqrt(c) sin(phi) in the angle variable
        # each g is rewritten exactly in the distance to the nearer edge, x = lambda_+ - lambda or
        # y = lambda - lambda_-, so that a pole sitting at the edge (theta = theta_c) is x, not a difference
        r_sub = mpl.r(lam).subs(c, point[c])
        lp_e, lm_e = LP.subs(c, point[c]), LM.subs(c, point[c])
        xe = sp.Symbol("x_edge", positive=True)
        dens_top, dens_bot = [], []
        for n in order:
            g = ms[n].density / r_sub
            if any(p.base.has(lam) and not p.exp.is_integer for p in g.atoms(sp.Pow)):
                raise ValueError(f"the density of {n} is not r(lambda) times a rational function")
            dens_top.append(sp.lambdify(xe, sp.cancel(sp.expand(g.subs(lam, lp_e - xe))), modules="mpmath"))
            dens_bot.append(sp.lambdify(xe, sp.cancel(sp.expand(g.subs(lam, lm_e + xe))), modules="mpmath"))
        two_sc = 2 * mp.sqrt(cv)

        E = mp.exp(-tt * sp_)
        four_sc = 4 * mp.sqrt(cv)

        def prop(v):
            """(C, sigma) at lambda = v, both times exp(-t s_+)."""
            if v == 0:
                return E, tt * E
            sv = mp.sqrt(v)
            return mp.cosh(tt * sv) * E, mp.sinh(tt * sv) / sv * E

        def funcs(v):
            C_, S_ = prop(v)
            C2, L2, CS = C_**2, v * S_**2, C_ * S_
            return {"uu": (C_, C2, L2), "uv": (S_, CS), "vv": (C_, C2, L2), "mu1": (C2, L2), "mu2": (C2, L2)}

        zeros = [mp.mpf(0)] * 13

        def F(ph):
            # lambda = lambda_+ - 4 sqrt(c) sin^2(phi/2) = lambda_- + 4 sqrt(c) cos^2(phi/2), each used on its
            # half so that lambda is accurate next to either edge (lambda_- = 0 at c = 1)
            sh, ch = mp.sin(ph / 2), mp.cos(ph / 2)
            if sh == 0 or ch == 0:
                return zeros
            if ph < mp.pi / 2:
                e = four_sc * sh**2
                v, dens = hi - e, dens_top
            else:
                e = four_sc * ch**2
                v, dens = lo + e, dens_bot
            sn = 2 * sh * ch
            rjac = two_sc * sn * half * sn  # r(lambda) d lambda/d phi
            fv = funcs(v)
            out = []
            try:
                for name, d in zip(order, dens):
                    rho = d(e) * rjac
                    out.extend(rho * x for x in fv[name])
            except ZeroDivisionError:
                # lambda rounds onto a pole at an edge node (theta = theta_c): its weight is far below
                # the working precision and the phi-integrand is bounded there
                return zeros
            return out

        knots = [mp.mpf(0)]
        for scale in (mp.sqrt(sp_ / (tt * mp.sqrt(cv))) if tt > 0 else mp.inf,
                      mp.sqrt(abs(mp_at(LSTAR, point, wd) - hi) / mp.sqrt(cv))):
            for mult in (1, 4):
                if mult * scale < mp.pi / 2:
                    knots.append(mult * scale)
        knots = sorted(set(knots)) + [mp.pi / 2, mp.pi]
        vals = _vector_tanh_sinh(F, knots, 13, mp.mpf(10) ** (-(dps + 2)))
        names = [(n, f) for n in order for f in {"uu": ("C", "C2", "L2"), "uv": ("S", "CS"), "vv": ("C", "C2", "L2"),
                                                  "mu1": ("C2", "L2"), "mu2": ("C2", "L2")}[n]]
        I = dict(zip(names, vals))  # noqa: E741
        for n in order:  # atoms, exactly placed
            for atom in ms[n].present_atoms():
                if factored and atom.location != 0:
                    continue  # the outlier is added below in factored form
                fv = dict(zip({"uu": ("C", "C2", "L2"), "uv": ("S", "CS"), "vv": ("C", "C2", "L2"),
                               "mu1": ("C2", "L2"), "mu2": ("C2", "L2")}[n], funcs(mp_at(atom.location, point, wd))[n]))
                wgt = mp_at(atom.weight, point, wd)
                for f_, x in fv.items():
                    I[(n, f_)] += wgt * x
        Nu = al * I[("uu", "C")] + bh * I[("uv", "S")]
        Nv = al * I[("uv", "S")] + bh * I[("vv", "C")]
        Qa = al**2 * I[("uu", "C2")] + (1 - al**2) * I[("mu1", "C2")] + 2 * al * bh * I[("uv", "CS")] \
            + bh**2 * I[("vv", "L2")] + rh * I[("mu2", "L2")]
        Qb = al**2 * I[("uu", "L2")] + (1 - al**2) * I[("mu1", "L2")] + 2 * al * bh * I[("uv", "CS")] \
            + bh**2 * I[("vv", "C2")] + rh * I[("mu2", "C2")]
        if factored and above:
            zu, zv = mp_at(ZU, point, wd), mp_at(ZV, point, wd)
            A, B = al * mp.sqrt(zu), bh * mp.sqrt(zv)
            # A cosh x + B sinh x = ((A + B) e^x + (A - B) e^-x)/2 with x = t s1, times e^{-t s+}
            ApB = mp_at(spikes.amplitude().subs(dict(point)), point, wd)
            ep, em = mp.exp(tt * (s1 - sp_)), mp.exp(-tt * (s1 + sp_))
            fu = (ApB * ep + (A - B) * em) / 2   # (A C + B s1 sigma) e^{-t s+}
            fv_ = (ApB * ep - (A - B) * em) / 2  # (A s1 sigma + B C) e^{-t s+}
            Nu += mp.sqrt(zu) * fu
            Nv += mp.sqrt(zv) * fv_
            Qa += fu**2
            Qb += fv_**2
        out = {"N_u": Nu, "N_v": Nv, "Q_a": Qa, "Q_b": Qb, "m_u": Nu / mp.sqrt(Qa), "m_v": Nv / mp.sqrt(Qb)}
    with mp.workdps(dps):
        return {k_: +v for k_, v in out.items()}


# ----------------------------------------------------------------------------- the pitfall


def free_symbol_residue(which: str = "uu") -> sp.Expr:
    """The residue weight of a resolvent entry computed *wrongly*: SymPy ``limit`` with free ``c, theta``.

    ``limit((lambda* - z) G(z), z, lambda*)`` with positive symbols ``c``,
    ``theta`` returns 0 in SymPy 1.14, although the weight is ``zeta_u > 0``
    above threshold.  Kept as a regression case; the derivation evaluates the
    limit at exact numeric parameters instead.

    >>> free_symbol_residue("uu")  # wrong: the true weight is zeta_u
    0
    """
    G = {"uu": spikes.resolvent_uu, "vv": spikes.resolvent_vv, "uv": spikes.resolvent_uv}[which](z)
    return sp.limit((LSTAR - z) * G, z, LSTAR)


def exact_residues(point: Mapping, dps: int) -> dict[str, sp.Expr]:
    """``lim (lambda* - z) G(z) - weight`` for the three entries, by SymPy at exact numeric parameters."""
    vals = {c: point[c], theta: point[theta]}
    L = LSTAR.subs(vals)
    out = {}
    for name, G, w in (("uu", spikes.resolvent_uu, ZU), ("vv", spikes.resolvent_vv, ZV),
                       ("uv", spikes.resolvent_uv, WUV)):
        lim = sp.limit(((L - z) * G(z)).subs(vals), z, L)
        out[name] = lim - w.subs(vals)
    return out


def contour_weights(point: Mapping, dps: int) -> dict[str, Any]:
    """Atom weights ``-(1/2 pi i) \\oint G dz`` on a circle around lambda* inside the gap."""
    wd = dps + 10
    with mp.workdps(wd):
        cv, th = mp_at(point[c], point, wd), mp_at(point[theta], point, wd)
        L = mp_at(LSTAR, point, wd)
        rho = (L - mp_at(LP, point, wd)) / 2
        out = {}
        for name in ("uu", "vv", "uv"):
            G = _lambdified(name)

            def integrand(ph, G=G):
                e = mp.expj(ph)
                return G(L + rho * e, cv, th) * rho * e

            out[name] = -mp.quad(integrand, mp.linspace(0, 2 * mp.pi, 5)) / (2 * mp.pi)
        return out


def closed_weights(point: Mapping, dps: int) -> dict[str, Any]:
    return {"uu": mp_at(ZU, point, dps + 10), "vv": mp_at(ZV, point, dps + 10), "uv": mp_at(WUV, point, dps + 10)}



def densities_from_resolvent(point: Mapping, dps: int) -> dict[str, Any]:
    """``(1/pi) Im G(lambda + i eps)`` with principal square roots, eps = 10^-(dps+20)."""
    wd = 2 * dps + 30
    with mp.workdps(wd):
        cv, th = mp_at(point[c], point, wd), mp_at(point[theta], point, wd)
        lm, lp = mp_at(LM, point, wd), mp_at(LP, point, wd)
        lv = lm + mp_at(point[_u], point, wd) * (lp - lm)
        zz = mp.mpc(lv, mp.mpf(10) ** (-(dps + 20)))
        out = {name: mp.im(_lambdified(name)(zz, cv, th)) / mp.pi for name in ("uu", "vv", "uv")}
        out["mu1"] = mp.im(_lambdified("m1")(zz, cv)) / mp.pi
        out["mu2"] = mp.im(_lambdified("m2")(zz, cv)) / mp.pi
        return out


def densities_library(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    out = {}
    lam_v = (LM + point[_u] * (LP - LM)).subs({c: point[c]})
    for name, m in (("uu", spikes.nu_uu()), ("vv", spikes.nu_vv()), ("uv", spikes.nu_uv()),
                    ("mu1", mpl.mu1()), ("mu2", mpl.mu2())):
        out[name] = mp_at(m.density.subs({lam: lam_v}), point, wd)
    return out


_MOMENTS = {  # (measure, closed-form mass, closed-form first moment), spec 3.4
    "nu_uu": (spikes.nu_uu, sp.Integer(1), 1 + theta**2),
    "nu_vv": (spikes.nu_vv, sp.Integer(1), c + theta**2),
    "nu_uv": (spikes.nu_uv, theta, theta * (1 + theta**2 + c)),
    "mu1": (mpl.mu1, sp.Integer(1), sp.Integer(1)),
    "mu2": (mpl.mu2, sp.Integer(1), c),
}


def moments_closed(point: Mapping, dps: int) -> dict[str, Any]:
    out = {}
    for name, (_, mass, mean) in _MOMENTS.items():
        out[f"{name} mass"] = mp_at(mass, point, dps + 10)
        out[f"{name} mean"] = mp_at(mean, point, dps + 10)
    return out


def _quad_dps(point: Mapping, dps: int) -> int:
    """Precision for ``SpectralMeasure.integrate``.

    At ``c = 1`` (``lambda_- = 0``) it computes ``lambda = mid + half cos(phi)``,
    which cancels next to the edge where the density has its ``1/sqrt(lambda)``
    factor, and it returns only about 55-60% of its working digits there; the
    route then runs at twice the precision.
    """
    return 2 * dps + 5 if point[c] == 1 else dps + 5


def moments_quadrature(point: Mapping, dps: int) -> dict[str, Any]:
    vals = {c: point[c], theta: point[theta]}
    qd = _quad_dps(point, dps)
    out = {}
    for name, (measure, _, _) in _MOMENTS.items():
        m = measure().subs(vals)
        out[f"{name} mass"] = m.integrate(lambda v: mp.mpf(1), qd)
        out[f"{name} mean"] = m.integrate(lambda v: v, qd)
    return out


def pole_closed(point: Mapping, dps: int) -> Any:
    wd = dps + 10
    with mp.workdps(wd):
        cv = mp_at(point[c], point, wd)
        zz = mp_at(LP, point, wd) + mp_at(point[_d], point, wd)
        return ((zz - 1 - cv) - _lambdified("R")(zz, cv)) / 2


def pole_quadrature(point: Mapping, dps: int) -> Any:
    """``int r(lambda)/(z - lambda) dlambda/(2 pi)`` in the angle: lambda = 1 + c + 2 sqrt(c) cos(phi)."""
    wd = dps + 10
    with mp.workdps(wd):
        cv = mp_at(point[c], point, wd)
        zz = mp_at(LP, point, wd) + mp_at(point[_d], point, wd)
        sc = mp.sqrt(cv)

        def f(ph):
            return 4 * cv * mp.sin(ph) ** 2 / (zz - (1 + cv + 2 * sc * mp.cos(ph)))

        # split near phi = 0 where the pole at z approaches the edge
        knot = min(mp.pi / 4, mp.sqrt(mp_at(point[_d], point, wd)))
        return mp.quad(f, [0, knot, mp.pi / 2, mp.pi]) / (2 * mp.pi)



# block propagators on a small exact matrix


def _matrix(point: Mapping) -> sp.Matrix:
    entries = [point[x] for x in _xs]
    return sp.Matrix(2, 3, entries) if point[_shape] == 0 else sp.Matrix(3, 2, entries)


def _hermitisation(X: sp.Matrix) -> sp.Matrix:
    p_, n_ = X.shape
    return sp.BlockMatrix([[sp.zeros(p_, p_), X], [X.T, sp.zeros(n_, n_)]]).as_explicit()


def _mp_series(M: mp.matrix, tt: mp.mpf, odd: bool) -> mp.matrix:
    """``sum_j t^(2j[+1]) M^j / (2j[+1])!``: C(M) (even) or sigma(M) (odd) as a power series."""
    n_ = M.rows
    term = mp.eye(n_) * (tt if odd else 1)
    total = term.copy()
    j = 0
    eps = mp.mpf(10) ** (-mp.mp.dps - 5)
    while True:
        j += 1
        a, b = (2 * j, 2 * j + 1) if odd else (2 * j - 1, 2 * j)
        term = term * M * (tt**2 / (a * b))
        total += term
        if mp.mnorm(term, 1) < eps * mp.mnorm(total, 1) and j > 3:
            return total


def expm_route(point: Mapping, dps: int) -> dict[str, Any]:
    with mp.workdps(dps + 10):
        H = _hermitisation(_matrix(point))
        tt = mp_at(point[t], point, dps + 10)
        E = mp.expm(mp.matrix(H.tolist()) * tt)
        return {f"{i},{j}": E[i, j] for i in range(E.rows) for j in range(E.cols)}


def block_route(point: Mapping, dps: int) -> dict[str, Any]:
    with mp.workdps(dps + 10):
        X = _matrix(point)
        Xm = mp.matrix(X.tolist())
        tt = mp_at(point[t], point, dps + 10)
        G, Gt = Xm * Xm.T, Xm.T * Xm
        top = [_mp_series(G, tt, False), _mp_series(G, tt, True) * Xm]
        bottom = [Xm.T * _mp_series(G, tt, True), _mp_series(Gt, tt, False)]
        p_, n_ = X.shape
        out = {}
        for i in range(p_ + n_):
            for j in range(p_ + n_):
                blk = (top if i < p_ else bottom)[0 if j < p_ else 1]
                out[f"{i},{j}"] = blk[i - (0 if i < p_ else p_), j - (0 if j < p_ else p_)]
        return out


def gd_block_residual(point: Mapping, dps: int) -> sp.Expr:
    """Exact: ``(I + eta H)^k`` minus the block form with the polynomials C_k, sigma_k (max |entry|)."""
    X = _matrix(point)
    p_, n_ = X.shape
    H = _hermitisation(X)
    kk, et = int(point[k]), point[eta]
    lhs = (sp.eye(p_ + n_) + et * H) ** kk

    def poly(M, odd):
        out = sp.zeros(M.rows, M.cols)
        Mj = sp.eye(M.rows)
        for j in range(kk // 2 + 1):
            e = 2 * j + (1 if odd else 0)
            if e <= kk:
                out += sp.binomial(kk, e) * et**e * Mj
            Mj = Mj * M
        return out

    G, Gt = X * X.T, X.T * X
    rhs = sp.BlockMatrix([[poly(G, False), poly(G, True) * X], [X.T * poly(G, True), poly(Gt, False)]]).as_explicit()
    return max((abs(v) for v in (lhs - rhs)), default=sp.Integer(0))




# large-time routes ----------------------------------------------------------------


def large_t_above(point: Mapping, dps: int) -> dict[str, Any]:
    """``m(t) - sgn(A + B) sqrt(zeta)`` at a time where exp(-t (s1 - s+)) is below 10^-(dps+10)."""
    gap = float(sp.N(spikes.gap().subs({c: point[c], theta: point[theta]}), 15))
    tt = math.ceil((dps + 10) * math.log(10) / gap)
    obs = observables_by_quadrature(point, tt, dps)
    sign = exact_sign(spikes.amplitude().subs(dict(point)))
    with mp.workdps(dps + 10):
        return {"m_u": obs["m_u"] - sign * mp.sqrt(mp_at(ZU, point, dps + 10)),
                "m_v": obs["m_v"] - sign * mp.sqrt(mp_at(ZV, point, dps + 10))}


def decay_ratio(exponent: sp.Rational, t1: int, *, critical: bool = False) -> Callable:
    """``m(2 t1)/m(t1) / 2^exponent - 1`` for m_u and m_v (power-law check of a decaying regime)."""

    def route(point: Mapping, dps: int) -> dict[str, Any]:
        pt = dict(point)
        if critical:
            pt[alpha] = spikes.critical_ratio().subs({c: pt[c], theta: pt[theta], kappa: pt[kappa]}) * pt[beta]
        wd = max(dps, 30)
        a = observables_by_quadrature(pt, t1, wd, factored=critical)
        b = observables_by_quadrature(pt, 2 * t1, wd, factored=critical)
        with mp.workdps(wd):
            target = mp.mpf(2) ** mp.mpf(exponent)
            return {n: b[n] / a[n] / target - 1 for n in ("m_u", "m_v")}

    return route


def at_threshold_point(point: Mapping) -> dict:
    """theta = q, c = q^4: exactly at threshold with rational parameters."""
    pt = dict(point)
    pt[theta] = pt.pop(_q)
    pt[c] = pt[theta] ** 4
    return pt


def scale2(point: Mapping, dps: int) -> mp.mpf:
    """``exp(-2 t s_+)``: the scaling applied to Q by :func:`observables_by_quadrature`."""
    return mp.exp(-2 * mp_at(point[t], point, dps + 10) * mp_at(SPLUS, point, dps + 10))


def outlier_residual(point: Mapping, dps: int) -> Any:
    wd = dps + 10
    with mp.workdps(wd):
        cv, th = mp_at(point[c], point, wd), mp_at(point[theta], point, wd)
        value = th**2 * _lambdified("T")(mp_at(LSTAR, point, wd), cv)
        return value - min(mp.mpf(1), th**4 / cv)


def stieltjes_regions() -> list[Points]:
    out = []
    zx, zy = _zx, _zy
    for label, c_range, c_fixed in C_REGIONS:
        rng: dict = {} if c_range is None else {c: c_range}
        fix = {} if c_fixed is None else {c: c_fixed}
        out.append(Points({**rng, zx: (Q(1, 10), Q(5))}, fixed={**fix, _zkind: 0}, count=1,
                          label=label + r", $z > \lambda_+$"))
        out.append(Points({**rng, zx: (Q(1, 10), Q(5))}, fixed={**fix, _zkind: 1}, count=1,
                          label=label + r", $z < 0$"))
        out.append(Points({**rng, zx: (-2, Q(6)), zy: (Q(1, 10), Q(2))}, fixed={**fix, _zkind: 2}, count=1,
                          label=label + r", $\mathrm{Im}\, z > 0$"))
    return out


def _z_of(point: Mapping, wd: int):
    kind = int(point[_zkind])
    x_ = mp_at(point[_zx], point, wd)
    if kind == 0:
        return mp_at(LP, point, wd) + x_
    if kind == 1:
        return -x_
    return mp.mpc(x_, mp_at(point[_zy], point, wd))


def stieltjes_closed(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        zz, cv = _z_of(point, wd), mp_at(point[c], point, wd)
        return {"m1": _lambdified("m1")(zz, cv), "m2": _lambdified("m2")(zz, cv)}


def stieltjes_quadrature(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        zz = _z_of(point, wd)
        vals = {c: point[c]}
        qd = _quad_dps(point, dps)
        return {"m1": mpl.mu1().subs(vals).integrate(lambda v: 1 / (v - zz), qd),
                "m2": mpl.mu2().subs(vals).integrate(lambda v: 1 / (v - zz), qd)}
