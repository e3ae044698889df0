"""The self-verifying derivation of the rank-one denoising dynamics (spec ``rank_one_denoising.md``).

Every identity of spec section 7, and the identities the evaluators rely on, as
an ordered :class:`~symdyn.derive.Derivation` a reader can follow:

A. the Marchenko-Pastur laws (self-consistency, Stieltjes transforms, ``T``);
B. the spiked resolvent (Woodbury), the outlier, its residues, the weighted
   spectral measures (densities, masses, moments), the pole subtraction;
C. the dynamics (block propagators of flow and GD, their ODE / recursion,
   initial values, the factored outlier, the pole residues, the conservation law);
D. the large-time behaviour (regimes and signs, the ``t^(-3/4)`` and
   ``t^(-1/4)`` amplitudes).

Verification never calls SymPy's ``limit`` with free parameters (it silently
returns 0 for the residues below, see :func:`free_symbol_residue`); residues
are exact limits at numeric parameter points, cross-checked by contour
integrals, and large-time statements are split into regimes, each checked
numerically at interior points.

>>> d = derivation()
>>> d.key, len(d) >= 20
('rank-one-denoising', True)
>>> d.step("T-identity").verification.verify(dps=30).passed
True
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Mapping

import mpmath as mp
from mpmath.calculus.quadrature import TanhSinh as _TanhSinh
import sympy as sp

from . import spectral as spikes
from ...derive import Agree, AllOf, Derivation, Numeric, Points, Step, Symbolic
from ...exact import exact_sign, to_mp
from ...tex import equation, latex
from ...laws import marchenko_pastur as mpl
from ...laws.measure import SpectralMeasure
from ...symbols import alpha, beta, c, eta, k, kappa, lam, t, theta, z
from . import spec

__all__ = ["derivation", "free_symbol_residue", "observables_by_quadrature", "ABOVE", "BELOW"]

Q = sp.Rational

# ----------------------------------------------------------------------------- notation

#: Parametrisations of the two regimes with a positive symbol ``p``: they make the
#: sign of ``theta^4 - c`` (and so the principal square roots) known to SymPy.
_p = sp.Symbol("p", positive=True)
ABOVE = {c: theta**4 / (1 + _p) ** 2}   # theta^4 = c (1 + p)^2 > c
BELOW = {c: theta**4 * (1 + _p) ** 2}   # theta^4 = c / (1 + p)^2 < c
_MOD_R_TEXT = r"$R^2 = (z - \lambda_-)(z - \lambda_+)$"
_ABOVE_TEXT = r"above threshold: $c = \theta^4/(1+p)^2$ with $p > 0$"
_BELOW_TEXT = r"below threshold: $c = \theta^4 (1+p)^2$ with $p > 0$"

R_ = mpl.R_symbol                       # the branch R(z), in algebra modulo R^2
r_ = sp.Symbol("r", positive=True)      # r(lambda) on the bulk
LM, LP = mpl.lambda_minus(), mpl.lambda_plus()
LSTAR = spikes.outlier_eigenvalue()
S1 = spikes.outlier()
SPLUS = mpl.edge()
ZU, ZV, WUV = spikes.zeta_u(), spikes.zeta_v(), spikes.uv_atom()
BH = kappa * beta                       # beta-hat
RH = kappa**2 * (1 - beta**2)           # rho-hat

# display symbols (LaTeX only)
_lm, _lp, _ls = sp.Symbol("lambda_-"), sp.Symbol("lambda_+"), sp.Symbol("lambda_*")
_s1, _sp = sp.Symbol("s_1"), sp.Symbol("s_+")
_zu, _zv = sp.Symbol("zeta_u"), sp.Symbol("zeta_v")
_Rf, _Tf = sp.Function("R")(z), sp.Function("T")(z)
_m1f, _m2f = sp.Function("m_1")(z), sp.Function("m_2")(z)
_C, _S = sp.Symbol("C"), sp.Symbol("sigma")

# flow and GD propagators
SQ = sp.sqrt(lam)
C_FLOW = sp.cosh(t * SQ)
S_FLOW = sp.sinh(t * SQ) / SQ
C_GD = ((1 + eta * SQ) ** k + (1 - eta * SQ) ** k) / 2
S_GD = ((1 + eta * SQ) ** k - (1 - eta * SQ) ** k) / (2 * SQ)


def _resolvents(var: sp.Expr, Rv: sp.Expr) -> dict[str, sp.Expr]:
    """The library's three Woodbury entries (``spectral``) with the branch R replaced by *Rv*."""
    return {
        "uu": spikes.resolvent_uu(var).subs(mpl.R(var), Rv),
        "vv": spikes.resolvent_vv(var).subs(mpl.R(var), Rv),
        "uv": spikes.resolvent_uv(var).subs(mpl.R(var), Rv),
    }


# ----------------------------------------------------------------------------- parameter points

_C_REGIONS = (("$c<1$", (Q(1, 10), Q(9, 10)), None), ("$c=1$", None, sp.Integer(1)),
              ("$c>1$", (Q(11, 10), Q(3)), None))


def _regions(regime: str, count: int = 1, *, ranges: Mapping[sp.Symbol, tuple[Any, Any]] | None = None,
             fixed: Mapping[sp.Symbol, Any] | None = None, where: Callable[[dict], bool] | None = None,
             margin: sp.Rational = Q(6, 5), cs: tuple[str, ...] = ("$c<1$", "$c=1$", "$c>1$")) -> list[Points]:
    """Points for c < 1, c = 1, c > 1 in a regime ``above``/``below`` (with a margin) or ``any``."""
    out = []
    for label, c_range, c_fixed in _C_REGIONS:
        if label not in cs:
            continue
        rng: dict[sp.Symbol, tuple[Any, Any]] = {theta: (Q(1, 4), Q(5, 2))}
        fix: dict[sp.Symbol, Any] = dict(fixed or {})
        if c_range is not None:
            rng[c] = c_range
        else:
            fix[c] = c_fixed
        rng.update(ranges or {})

        def cond(pt, regime=regime):
            if regime == "above" and not pt[theta] ** 4 > margin * pt[c]:
                return False
            if regime == "below" and not pt[theta] ** 4 * margin < pt[c]:
                return False
            return where is None or where(pt)

        text = {"above": r", $\theta^4 > c$", "below": r", $\theta^4 < c$", "any": ""}[regime]
        out.append(Points(rng, fixed=fix, count=count, where=cond, label=label + text))
    return out


def _mp(expr: sp.Expr, point: Mapping, dps: int) -> mp.mpf:
    """An exact real constant at *point*, evaluated with adaptive precision."""
    return to_mp(sp.sympify(expr).subs(dict(point)), dps)


@lru_cache(maxsize=64)
def _lambdified(key: str) -> Callable:
    """mpmath functions (principal square roots) of the library's expressions."""
    Rp = mpl.R(z)
    table = {
        "uu": (spikes.resolvent_uu(z), (z, c, theta)),
        "vv": (spikes.resolvent_vv(z), (z, c, theta)),
        "uv": (spikes.resolvent_uv(z), (z, c, theta)),
        "m1": (mpl.m1(z), (z, c)),
        "m2": (mpl.m2(z), (z, c)),
        "T": (mpl.T_closed(z), (z, c)),
        "R": (Rp, (z, c)),
    }
    expr, args = table[key]
    return sp.lambdify(args, expr, modules="mpmath")


# ----------------------------------------------------------------------------- numeric routes


def _measures(point: Mapping) -> dict[str, SpectralMeasure]:
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
    ms = _measures(point)
    above = exact_sign(point[theta] ** 4 - point[c]) > 0
    with mp.workdps(wd):
        al, be, ka = (_mp(point[s], point, wd) for s in (alpha, beta, kappa))
        tt = mp.mpf(tv) if not isinstance(tv, sp.Basic) else _mp(tv, point, wd)
        cv = _mp(point[c], point, wd)
        s1 = _mp(S1, point, wd)
        sp_ = _mp(SPLUS, point, wd)
        lo, hi = _mp(LM, point, wd), _mp(LP, point, wd)
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
                      mp.sqrt(abs(_mp(LSTAR, point, wd) - hi) / mp.sqrt(cv))):
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
                               "mu1": ("C2", "L2"), "mu2": ("C2", "L2")}[n], funcs(_mp(atom.location, point, wd))[n]))
                wgt = _mp(atom.weight, point, wd)
                for f_, x in fv.items():
                    I[(n, f_)] += wgt * x
        Nu = al * I[("uu", "C")] + bh * I[("uv", "S")]
        Nv = al * I[("uv", "S")] + bh * I[("vv", "C")]
        Qa = al**2 * I[("uu", "C2")] + (1 - al**2) * I[("mu1", "C2")] + 2 * al * bh * I[("uv", "CS")] \
            + bh**2 * I[("vv", "L2")] + rh * I[("mu2", "L2")]
        Qb = al**2 * I[("uu", "L2")] + (1 - al**2) * I[("mu1", "L2")] + 2 * al * bh * I[("uv", "CS")] \
            + bh**2 * I[("vv", "C2")] + rh * I[("mu2", "C2")]
        if factored and above:
            zu, zv = _mp(ZU, point, wd), _mp(ZV, point, wd)
            A, B = al * mp.sqrt(zu), bh * mp.sqrt(zv)
            # A cosh x + B sinh x = ((A + B) e^x + (A - B) e^-x)/2 with x = t s1, times e^{-t s+}
            ApB = _mp(spikes.amplitude().subs(dict(point)), point, wd)
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


def _exact_residues(point: Mapping, dps: int) -> dict[str, sp.Expr]:
    """``lim (lambda* - z) G(z) - weight`` for the three entries, by SymPy at exact numeric parameters."""
    vals = {c: point[c], theta: point[theta]}
    L = LSTAR.subs(vals)
    out = {}
    for name, G, w in (("uu", spikes.resolvent_uu, ZU), ("vv", spikes.resolvent_vv, ZV),
                       ("uv", spikes.resolvent_uv, WUV)):
        lim = sp.limit(((L - z) * G(z)).subs(vals), z, L)
        out[name] = lim - w.subs(vals)
    return out


def _contour_weights(point: Mapping, dps: int) -> dict[str, Any]:
    """Atom weights ``-(1/2 pi i) \\oint G dz`` on a circle around lambda* inside the gap."""
    wd = dps + 10
    with mp.workdps(wd):
        cv, th = _mp(point[c], point, wd), _mp(point[theta], point, wd)
        L = _mp(LSTAR, point, wd)
        rho = (L - _mp(LP, point, wd)) / 2
        out = {}
        for name in ("uu", "vv", "uv"):
            G = _lambdified(name)

            def integrand(ph, G=G):
                e = mp.expj(ph)
                return G(L + rho * e, cv, th) * rho * e

            out[name] = -mp.quad(integrand, mp.linspace(0, 2 * mp.pi, 5)) / (2 * mp.pi)
        return out


def _closed_weights(point: Mapping, dps: int) -> dict[str, Any]:
    return {"uu": _mp(ZU, point, dps + 10), "vv": _mp(ZV, point, dps + 10), "uv": _mp(WUV, point, dps + 10)}


_u = sp.Symbol("u", positive=True)   # position inside the bulk, lambda = lambda_- + u (lambda_+ - lambda_-)
_d = sp.Symbol("d", positive=True)   # distance to the bulk


def _densities_from_resolvent(point: Mapping, dps: int) -> dict[str, Any]:
    """``(1/pi) Im G(lambda + i eps)`` with principal square roots, eps = 10^-(dps+20)."""
    wd = 2 * dps + 30
    with mp.workdps(wd):
        cv, th = _mp(point[c], point, wd), _mp(point[theta], point, wd)
        lm, lp = _mp(LM, point, wd), _mp(LP, point, wd)
        lv = lm + _mp(point[_u], point, wd) * (lp - lm)
        zz = mp.mpc(lv, mp.mpf(10) ** (-(dps + 20)))
        out = {name: mp.im(_lambdified(name)(zz, cv, th)) / mp.pi for name in ("uu", "vv", "uv")}
        out["mu1"] = mp.im(_lambdified("m1")(zz, cv)) / mp.pi
        out["mu2"] = mp.im(_lambdified("m2")(zz, cv)) / mp.pi
        return out


def _densities_library(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    out = {}
    lam_v = (LM + point[_u] * (LP - LM)).subs({c: point[c]})
    for name, m in (("uu", spikes.nu_uu()), ("vv", spikes.nu_vv()), ("uv", spikes.nu_uv()),
                    ("mu1", mpl.mu1()), ("mu2", mpl.mu2())):
        out[name] = _mp(m.density.subs({lam: lam_v}), point, wd)
    return out


_MOMENTS = {  # (measure, closed-form mass, closed-form first moment), spec 3.4
    "nu_uu": (spikes.nu_uu, sp.Integer(1), 1 + theta**2),
    "nu_vv": (spikes.nu_vv, sp.Integer(1), c + theta**2),
    "nu_uv": (spikes.nu_uv, theta, theta * (1 + theta**2 + c)),
    "mu1": (mpl.mu1, sp.Integer(1), sp.Integer(1)),
    "mu2": (mpl.mu2, sp.Integer(1), c),
}


def _moments_closed(point: Mapping, dps: int) -> dict[str, Any]:
    out = {}
    for name, (_, mass, mean) in _MOMENTS.items():
        out[f"{name} mass"] = _mp(mass, point, dps + 10)
        out[f"{name} mean"] = _mp(mean, point, dps + 10)
    return out


def _quad_dps(point: Mapping, dps: int) -> int:
    """Precision for ``SpectralMeasure.integrate``.

    At ``c = 1`` (``lambda_- = 0``) it computes ``lambda = mid + half cos(phi)``,
    which cancels next to the edge where the density has its ``1/sqrt(lambda)``
    factor, and it returns only about 55-60% of its working digits there; the
    route then runs at twice the precision.
    """
    return 2 * dps + 5 if point[c] == 1 else dps + 5


def _moments_quadrature(point: Mapping, dps: int) -> dict[str, Any]:
    vals = {c: point[c], theta: point[theta]}
    qd = _quad_dps(point, dps)
    out = {}
    for name, (measure, _, _) in _MOMENTS.items():
        m = measure().subs(vals)
        out[f"{name} mass"] = m.integrate(lambda v: mp.mpf(1), qd)
        out[f"{name} mean"] = m.integrate(lambda v: v, qd)
    return out


def _pole_closed(point: Mapping, dps: int) -> Any:
    wd = dps + 10
    with mp.workdps(wd):
        cv = _mp(point[c], point, wd)
        zz = _mp(LP, point, wd) + _mp(point[_d], point, wd)
        return ((zz - 1 - cv) - _lambdified("R")(zz, cv)) / 2


def _pole_quadrature(point: Mapping, dps: int) -> Any:
    """``int r(lambda)/(z - lambda) dlambda/(2 pi)`` in the angle: lambda = 1 + c + 2 sqrt(c) cos(phi)."""
    wd = dps + 10
    with mp.workdps(wd):
        cv = _mp(point[c], point, wd)
        zz = _mp(LP, point, wd) + _mp(point[_d], point, wd)
        sc = mp.sqrt(cv)

        def f(ph):
            return 4 * cv * mp.sin(ph) ** 2 / (zz - (1 + cv + 2 * sc * mp.cos(ph)))

        # split near phi = 0 where the pole at z approaches the edge
        knot = min(mp.pi / 4, mp.sqrt(_mp(point[_d], point, wd)))
        return mp.quad(f, [0, knot, mp.pi / 2, mp.pi]) / (2 * mp.pi)


# block propagators on a small exact matrix
_xs = sp.symbols("x_1:7", real=True)
_shape = sp.Symbol("shape", integer=True, nonnegative=True)


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


def _expm_route(point: Mapping, dps: int) -> dict[str, Any]:
    with mp.workdps(dps + 10):
        H = _hermitisation(_matrix(point))
        tt = _mp(point[t], point, dps + 10)
        E = mp.expm(mp.matrix(H.tolist()) * tt)
        return {f"{i},{j}": E[i, j] for i in range(E.rows) for j in range(E.cols)}


def _block_route(point: Mapping, dps: int) -> dict[str, Any]:
    with mp.workdps(dps + 10):
        X = _matrix(point)
        Xm = mp.matrix(X.tolist())
        tt = _mp(point[t], point, dps + 10)
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


def _gd_block_residual(point: Mapping, dps: int) -> sp.Expr:
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


def _large_t_above(point: Mapping, dps: int) -> dict[str, Any]:
    """``m(t) - sgn(A + B) sqrt(zeta)`` at a time where exp(-t (s1 - s+)) is below 10^-(dps+10)."""
    gap = float(sp.N(spikes.gap().subs({c: point[c], theta: point[theta]}), 15))
    tt = math.ceil((dps + 10) * math.log(10) / gap)
    obs = observables_by_quadrature(point, tt, dps)
    sign = exact_sign(spikes.amplitude().subs(dict(point)))
    with mp.workdps(dps + 10):
        return {"m_u": obs["m_u"] - sign * mp.sqrt(_mp(ZU, point, dps + 10)),
                "m_v": obs["m_v"] - sign * mp.sqrt(_mp(ZV, point, dps + 10))}


def _decay_ratio(exponent: sp.Rational, t1: int, *, critical: bool = False) -> Callable:
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


def _at_threshold_point(point: Mapping) -> dict:
    """theta = q, c = q^4: exactly at threshold with rational parameters."""
    pt = dict(point)
    pt[theta] = pt.pop(_q)
    pt[c] = pt[theta] ** 4
    return pt


_q = sp.Symbol("q", positive=True)


# ----------------------------------------------------------------------------- the steps


def _steps() -> list[Step]:
    steps: list[Step] = []
    add = steps.append
    mod_R = {R_: (z - LM) * (z - LP)}
    secA = "Marchenko--Pastur laws"
    secB = "The spiked resolvent and the weighted spectral measures"
    secC = "Dynamics"
    secD = "Large-time behaviour"

    # ------------------------------------------------------------------ A
    add(Step(
        "mp-equation", "Self-consistent equation of the Marchenko--Pastur law",
        r"The Stieltjes transform $m_1$ of $\mu_1$ solves $c z m^2 + (z + c - 1) m + 1 = 0$ and "
        r"$m_2 = c\, m_1 - (1-c)/z$, where $R(z)$ is any root of $R^2 = (z-\lambda_-)(z-\lambda_+)$.",
        (
            equation(_m1f, mpl.m1(z, _Rf)) + r", \qquad " + equation(_m2f, mpl.m2(z, _Rf)),
            equation(_Rf**2, (z - _lm) * (z - _lp)) + r", \qquad \lambda_\pm = \left(1 \pm \sqrt{c}\right)^{2}",
            equation(mpl.self_consistency(_m1f), 0) + r", \qquad " + equation(_m2f, c * _m1f - (1 - c) / z),
        ),
        AllOf(
            Symbolic(mpl.self_consistency(mpl.m1(z, R_)), modulo=mod_R, modulo_text=_MOD_R_TEXT),
            Symbolic(mpl.m2(z, R_) - (c * mpl.m1(z, R_) - (1 - c) / z)),
        ),
        section=secA,
        remark=r"The noise $Z$ is $p\times n$ with entries $\mathcal N(0, 1/n)$ and $c = p/n$; "
               r"$\mu_1$ and $\mu_2$ are the limit spectra of $ZZ^\top$ and $Z^\top Z$ "
               r"\cite{marchenko_pastur_1967}.",
    ))
    add(Step(
        "mp-stieltjes", "The branch: Stieltjes transforms of the measures",
        r"On the branch $R(z) = \sqrt{z-\lambda_-}\,\sqrt{z-\lambda_+}$ (principal roots, $R \sim z$ at "
        r"infinity) $m_1$ and $m_2$ are $\int d\mu(\lambda)/(\lambda - z)$ of $\mu_1$ and $\mu_2$, zero atoms "
        r"$(1-1/c)\,\delta_0$ for $c>1$ and $(1-c)\,\delta_0$ for $c<1$ included.",
        (
            r"m_1(z) = \int \frac{d\mu_1(\lambda)}{\lambda - z}, \qquad d\mu_1 = "
            r"\frac{r(\lambda)}{2\pi c \lambda}\, d\lambda + \left(1 - \tfrac1c\right)_+ \delta_0",
            r"m_2(z) = \int \frac{d\mu_2(\lambda)}{\lambda - z}, \qquad d\mu_2 = "
            r"\frac{r(\lambda)}{2\pi \lambda}\, d\lambda + (1 - c)_+ \delta_0, \qquad "
            r"r(\lambda) = \sqrt{(\lambda_+ - \lambda)(\lambda - \lambda_-)}",
        ),
        Agree(
            lambda pt, dps: _stieltjes_closed(pt, dps), lambda pt, dps: _stieltjes_quadrature(pt, dps),
            [*_stieltjes_regions()], names=("the closed forms", "tanh-sinh quadrature of the measures"),
        ),
        section=secA,
    ))
    add(Step(
        "T-identity", "The D-transform $T = z m_1 m_2$",
        r"$T(z) = z\, m_1(z) m_2(z) = (z - 1 - c - R(z))/(2c)$; at the edge $T(\lambda_+) = 1/\sqrt{c}$, and "
        r"$T(0) = -1$ for $c<1$, $T(0) = -1/c$ for $c>1$.",
        (
            equation(_Tf, z * _m1f * _m2f) + " = " + latex(mpl.T_closed(z, _Rf)),
            equation(sp.Function("T")(_lp), 1 / sp.sqrt(c)) + r", \qquad T(0) = "
            r"\begin{cases} -1 & c < 1 \\ -1/c & c > 1 \end{cases}",
        ),
        AllOf(
            Symbolic(z * mpl.m1(z, R_) * mpl.m2(z, R_) - mpl.T_closed(z, R_), modulo=mod_R, modulo_text=_MOD_R_TEXT),
            Symbolic(mpl.T_closed(LP, 0) - 1 / sp.sqrt(c)),
            Numeric(lambda pt, dps: _lambdified("T")(mp.mpf(0), _mp(pt[c], pt, dps))
                    - (-1 if pt[c] < 1 else -1 / _mp(pt[c], pt, dps)),
                    [Points({c: (Q(1, 10), Q(9, 10))}, count=2, label="$c<1$"),
                     Points({c: (Q(11, 10), Q(5))}, count=2, label="$c>1$")],
                    label=r"$T(0)$ (principal roots) minus its value"),
        ),
        section=secA,
        remark=r"$T(s^2)$ is the $D$-transform of Benaych-Georges and Nadakuditi \cite{bgn_2012}; "
               r"it decreases on $(\lambda_+, \infty)$ from $1/\sqrt c$ to $0$.",
    ))

    # ------------------------------------------------------------------ B
    w = sp.Symbol("w")
    M1, M2 = sp.symbols("m_1 m_2")
    D = sp.diag(w * M1, w * M2)
    J = sp.Matrix([[0, 1], [1, 0]])
    Winv = (D.inv() + theta * J).inv()
    Tw = w**2 * M1 * M2
    res = _resolvents(z, R_)
    m1R, m2R = mpl.m1(z, R_), mpl.m2(z, R_)
    TR = z * m1R * m2R
    add(Step(
        "woodbury", "The spiked resolvent (Woodbury)",
        r"With $H = H_0 + \theta U J U^\top$ and $U^\top (H_0 - w)^{-1} U \to D = \mathrm{diag}(w m_1(w^2), "
        r"w m_2(w^2))$, Woodbury gives $U^\top (H - w)^{-1} U \to (D^{-1} + \theta J)^{-1}$, whose entries "
        r"are the three limits below ($z = w^2$).",
        (
            r"U^\top (H - w)^{-1} U \to D - D\left(\theta^{-1} J + D\right)^{-1} D = \left(D^{-1} + \theta J\right)^{-1}",
            r"u^\top (XX^\top - z)^{-1} u \to " + latex(sp.Symbol("m_1") / (1 - theta**2 * sp.Symbol("T"))) +
            r", \qquad v^\top (X^\top X - z)^{-1} v \to " + latex(sp.Symbol("m_2") / (1 - theta**2 * sp.Symbol("T"))),
            r"u^\top (XX^\top - z)^{-1} X v \to " + latex(-theta * sp.Symbol("T") / (1 - theta**2 * sp.Symbol("T"))) +
            r", \qquad T = z\, m_1(z)\, m_2(z)",
        ),
        AllOf(
            Symbolic(D - D * (J / theta + D).inv() * D - Winv),
            Symbolic([Winv[0, 0] / w - M1 / (1 - theta**2 * Tw), Winv[1, 1] / w - M2 / (1 - theta**2 * Tw),
                      Winv[0, 1] + theta * Tw / (1 - theta**2 * Tw)]),
            Symbolic([res["uu"] - m1R / (1 - theta**2 * TR), res["vv"] - m2R / (1 - theta**2 * TR),
                      res["uv"] + theta * TR / (1 - theta**2 * TR)], modulo=mod_R, modulo_text=_MOD_R_TEXT),
        ),
        section=secB,
        remark=r"The blocks of $(H-w)^{-1}$ are $w G(w^2)$, $G(w^2) X$, $X^\top G(w^2)$ and $w \tilde G(w^2)$ with "
               r"$G(z) = (XX^\top - z)^{-1}$; the last check compares the library's entries "
               r"(\texttt{rank\_one\_denoising.spectral}) with the Woodbury result, modulo $R^2 = (z-\lambda_-)(z-\lambda_+)$.",
    ))
    T_at = mpl.T_closed(LSTAR)
    add(Step(
        "outlier-equation", "The outlier",
        r"$\lambda_* = (1+\theta^2)(c+\theta^2)/\theta^2$ solves $\theta^2 T(\lambda_*) = 1$ with "
        r"$R(\lambda_*) = (\theta^4 - c)/\theta^2$ if and only if $\theta^4 > c$; below threshold "
        r"$\theta^2 T(\lambda_*) = \theta^4/c < 1$ and there is no outlier.",
        (
            equation(_ls, LSTAR) + r", \qquad \theta^2 T(\lambda_*) = 1, \qquad " +
            equation(sp.Function("R")(_ls), (theta**4 - c) / theta**2) + r" \quad (\theta^4 > c)",
            r"\theta^2 T(\lambda_*) = \frac{\theta^4}{c} < 1, \qquad R(\lambda_*) = \frac{c - \theta^4}{\theta^2}"
            r" \quad (\theta^4 < c), \qquad \theta_c = c^{1/4}",
        ),
        AllOf(
            Symbolic([theta**2 * T_at - 1, mpl.R(LSTAR) - (theta**4 - c) / theta**2,
                      mpl.R(LSTAR) - spikes.R_at_outlier()], substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic([theta**2 * T_at - theta**4 / c, mpl.R(LSTAR) - spikes.R_at_outlier()],
                     substitute=BELOW, regime=_BELOW_TEXT),
            Numeric(lambda pt, dps: _outlier_residual(pt, dps), [*_regions("above"), *_regions("below")],
                    label=r"$\theta^2 T(\lambda_*) - \min(1, \theta^4/c)$ (principal roots)"),
        ),
        section=secB,
        remark=r"This is the BBP transition \cite{bbp_2005} at $\theta_c = c^{1/4}$ for every $c$ "
               r"\cite{bgn_2012}.",
    ))
    Tprime = sp.diff(mpl.T_closed(z), z).subs(z, LSTAR)
    add(Step(
        "outlier-derivative", "Slope of $T$ at the outlier and the distance to the edge",
        r"Above threshold $T'(\lambda_*) = -1/(\theta^4 - c)$, $m_1(\lambda_*) = -1/(c+\theta^2)$, "
        r"$m_2(\lambda_*) = -1/(1+\theta^2)$, and $\lambda_* - \lambda_+ = (\theta^2 - \sqrt c)^2/\theta^2$, "
        r"so $s_1 - s_+$ is quadratic in $\theta - \theta_c$.",
        (
            r"T'(\lambda_*) = " + latex(-1 / (theta**4 - c)) +
            r", \qquad m_1(\lambda_*) = -\frac{1}{c + \theta^2}, \qquad m_2(\lambda_*) = -\frac{1}{1 + \theta^2}",
            equation(_ls - _lp, spikes.delta()) + r", \qquad " + equation(_s1, S1),
        ),
        AllOf(
            Symbolic([Tprime + 1 / (theta**4 - c), mpl.m1(LSTAR) + 1 / (c + theta**2),
                      mpl.m2(LSTAR) + 1 / (1 + theta**2)], substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic([LSTAR - LP - spikes.delta(), S1**2 - LSTAR]),
            Agree(lambda pt, dps: -1 / _mp(theta**4 - c, pt, dps + 10),
                  lambda pt, dps: mp.diff(lambda zz: _lambdified("T")(zz, _mp(pt[c], pt, dps + 10)),
                                          _mp(LSTAR, pt, dps + 10)),
                  _regions("above"), names=(r"$-1/(\theta^4-c)$", "numerical differentiation of $T$"), loss=12),
        ),
        section=secB,
    ))
    add(Step(
        "residues", "Residues at the outlier: the overlaps",
        r"The weights of the atom at $\lambda_*$ in the three resolvent entries, "
        r"$\lim_{z\to\lambda_*}(\lambda_* - z)\,G(z)$, are $\zeta_u$, $\zeta_v$ and "
        r"$(\theta^4-c)/\theta^3 = s_1\sqrt{\zeta_u \zeta_v}$.",
        (
            equation(_zu, ZU) + r", \qquad " + equation(_zv, ZV),
            r"\langle u, \tilde u_1\rangle \langle \tilde v_1, v\rangle\, s_1 = " + latex(WUV) +
            r" = s_1 \sqrt{\zeta_u \zeta_v}",
        ),
        AllOf(
            Numeric(_exact_residues, _regions("above"),
                    label=r"SymPy's exact limit at numeric $(c, \theta)$ minus the closed form"),
            Agree(_closed_weights, _contour_weights, _regions("above"),
                  names=("the closed forms", r"$-\frac{1}{2\pi i}\oint G\,dz$ around $\lambda_*$")),
            Symbolic(WUV - S1 * sp.sqrt(ZU * ZV), substitute=ABOVE, regime=_ABOVE_TEXT),
        ),
        section=secB,
        remark=r"With free symbols $c, \theta > 0$, SymPy's \texttt{limit} returns $0$ for these residues "
               r"(a wrong answer); the limit is therefore taken at exact numeric parameters above threshold, and "
               r"cross-checked by a contour integral inside the gap $(\lambda_+, \lambda_*)$. These are the "
               r"singular-vector overlaps of \cite{bgn_2012}.",
    ))
    dens_lib = {n: m.density for n, m in (("uu", spikes.nu_uu()), ("vv", spikes.nu_vv()), ("uv", spikes.nu_uv()),
                                          ("mu1", mpl.mu1()), ("mu2", mpl.mu2()))}
    on_cut = dict(_resolvents(lam, sp.I * r_))
    on_cut["mu1"] = mpl.m1(lam, sp.I * r_)
    on_cut["mu2"] = mpl.m2(lam, sp.I * r_)
    im_res = []
    for name in ("uu", "vv", "uv", "mu1", "mu2"):
        im_part = on_cut[name].as_real_imag()[1]
        im_res.append(im_part / sp.pi - dens_lib[name].subs(mpl.r(lam), r_))
    rho = lambda expr: latex(expr.subs(mpl.r(lam), sp.Symbol("r")).subs(LSTAR, _ls))  # noqa: E731
    add(Step(
        "densities", "Bulk densities from the imaginary part",
        r"With $R(\lambda + i0) = i\, r(\lambda)$ and $r^2 = 4c - (\lambda - 1 - c)^2$, "
        r"$\frac{1}{\pi}\,\mathrm{Im}$ of the three entries and of $m_1, m_2$ gives the bulk densities of "
        r"$\nu_{uu}$, $\nu_{vv}$, $\nu_{uv}$, $\mu_1$, $\mu_2$.",
        (
            r"\frac{d\nu_{uu}}{d\lambda} = " + rho(dens_lib["uu"]) + r", \qquad \frac{d\nu_{vv}}{d\lambda} = "
            + rho(dens_lib["vv"]),
            r"\frac{d\nu_{uv}}{d\lambda} = " + rho(dens_lib["uv"]) + r", \qquad r(\lambda)^2 = " +
            latex(4 * c - (lam - 1 - c) ** 2),
        ),
        AllOf(
            Symbolic(im_res, modulo={r_: 4 * c - (lam - 1 - c) ** 2}),
            Symbolic(mpl.r(lam) ** 2 - (4 * c - (lam - 1 - c) ** 2)),
            Agree(_densities_from_resolvent, _densities_library,
                  [*_regions("above", ranges={_u: (0, 1)}), *_regions("below", ranges={_u: (0, 1)})],
                  names=(r"$\frac1\pi \mathrm{Im}\,G(\lambda + i\epsilon)$, principal roots",
                         r"the library's densities")),
        ),
        section=secB,
        remark=r"Atoms: $\nu_{uu}$, $\nu_{vv}$, $\nu_{uv}$ carry $\zeta_u$, $\zeta_v$, $(\theta^4-c)/\theta^3$ "
               r"at $\lambda_*$ iff $\theta^4>c$; at $0$, $\nu_{uu}$ carries $(c-1)/(c+\theta^2)$ if $c>1$, "
               r"$\nu_{vv}$ carries $(1-c)/(1+\theta^2)$ if $c<1$; $\nu_{uv}$ has none. The numerical check "
               r"confirms the sign $R(\lambda+i0) = +i r$ of the principal branch.",
    ))
    add(Step(
        "masses-moments", "Masses and first moments of the measures",
        r"$\nu_{uu}$, $\nu_{vv}$, $\mu_1$, $\mu_2$ have unit mass and $\nu_{uv}$ has mass $\theta$; the first "
        r"moments are $1+\theta^2$, $c+\theta^2$, $1$, $c$ and $\theta(1+\theta^2+c)$.",
        (
            r"\nu_{uu}(\mathbb R) = \nu_{vv}(\mathbb R) = \mu_1(\mathbb R) = \mu_2(\mathbb R) = 1, \qquad "
            r"\nu_{uv}(\mathbb R) = \theta",
            r"\int \lambda\, d\nu_{uu} = 1 + \theta^2, \quad \int \lambda\, d\nu_{vv} = c + \theta^2, \quad "
            r"\int \lambda\, d\nu_{uv} = \theta\,(1 + \theta^2 + c), \quad \int \lambda\, d\mu_1 = 1, \quad "
            r"\int \lambda\, d\mu_2 = c",
        ),
        Agree(_moments_closed, _moments_quadrature, [*_regions("above"), *_regions("below")],
              names=("the closed forms", "tanh-sinh quadrature of the library measures (atoms included)")),
        section=secB,
    ))
    add(Step(
        "pole-subtraction", "The Stieltjes integral used for pole subtraction",
        r"For $z > \lambda_+$, $\int_{\lambda_-}^{\lambda_+} r(\lambda)/(z-\lambda)\, d\lambda/(2\pi) = "
        r"((z - 1 - c) - R(z))/2$.",
        (r"\int_{\lambda_-}^{\lambda_+} \frac{r(\lambda)}{z - \lambda}\,\frac{d\lambda}{2\pi} = "
         r"\frac{(z - 1 - c) - R(z)}{2}, \qquad z > \lambda_+",),
        Agree(_pole_closed, _pole_quadrature,
              [*_regions("any", ranges={_d: (Q(1, 100), Q(4))}, count=2)],
              names=("the closed form", r"quadrature in $\varphi$, $\lambda = 1 + c + 2\sqrt c \cos\varphi$")),
        section=secB,
        remark=r"The fast evaluator writes a bulk integrand with the factor $1/(\lambda_* - \lambda)$ as "
               r"$(f(\lambda) - f(\lambda_*))/(\lambda_* - \lambda) + f(\lambda_*)/(\lambda_* - \lambda)$ and "
               r"integrates the second term with this closed form, so its cost does not grow as "
               r"$\theta \to \theta_c$.",
    ))

    # ------------------------------------------------------------------ C
    mat_pts = [Points({**{x: (-1, 1) for x in _xs}, t: (Q(1, 10), Q(2))}, fixed={_shape: s}, count=1,
                      label=lbl) for s, lbl in ((0, r"$X$ of size $2\times 3$"), (1, r"$X$ of size $3\times 2$"))]
    gd_pts = [Points({**{x: (-1, 1) for x in _xs}, eta: (Q(1, 20), Q(1, 2)), k: (0, 9)}, fixed={_shape: s},
                     count=1, label=lbl) for s, lbl in ((0, r"$2\times 3$"), (1, r"$3\times 2$"))]
    add(Step(
        "propagator-blocks", "Block form of the propagators",
        r"For the Hermitisation $H$ of $X$, $e^{tH}$ and $(I + \eta H)^k$ have the block form below with "
        r"$C(\lambda) = \cosh(t\sqrt\lambda)$, $\sigma(\lambda) = \sinh(t\sqrt\lambda)/\sqrt\lambda$ and their "
        r"polynomial GD analogues $C_k$, $\sigma_k$.",
        (
            r"H = \begin{pmatrix} 0 & X \\ X^\top & 0 \end{pmatrix}, \qquad e^{tH} = \begin{pmatrix} "
            r"C(XX^\top) & \sigma(XX^\top) X \\ X^\top \sigma(XX^\top) & C(X^\top X) \end{pmatrix}",
            equation(sp.Symbol("C_k"), C_GD) + r", \qquad " + equation(sp.Symbol("sigma_k"), S_GD),
        ),
        AllOf(
            Agree(_expm_route, _block_route, mat_pts,
                  names=(r"\texttt{mpmath.expm}$(tH)$", "the block form (power series of $C$, $\\sigma$)")),
            Numeric(_gd_block_residual, gd_pts,
                    label=r"$(I+\eta H)^k$ minus the block form with $C_k$, $\sigma_k$ (exact rational arithmetic)"),
        ),
        section=secC,
        remark=r"So $\tilde a(t) = C(XX^\top) a_0 + \sigma(XX^\top) X b_0$ and "
               r"$\tilde b(t) = X^\top \sigma(XX^\top) a_0 + C(X^\top X) b_0$; the flows F1--F3 share these "
               r"directions (spec \S2).",
    ))
    add(Step(
        "flow-propagators", "The flow propagators solve their ODE",
        r"$C' = \lambda\sigma$, $\sigma' = C$, $C(0) = 1$, $\sigma(0) = 0$ and $C^2 - \lambda\sigma^2 = 1$; "
        r"the squares obey $(C^2)' = (\lambda\sigma^2)' = 2\lambda C\sigma$, $(C\sigma)' = \lambda\sigma^2 + C^2$.",
        (
            r"\partial_t C = \lambda \sigma, \quad \partial_t \sigma = C, \quad C^2 - \lambda \sigma^2 = 1, \quad "
            r"\frac{C - 1}{\lambda} = \frac{t^2}{2}\,\mathrm{sinhc}\!\left(\frac{t\sqrt\lambda}{2}\right)^{2}",
        ),
        Symbolic([
            sp.diff(C_FLOW, t) - lam * S_FLOW, sp.diff(S_FLOW, t) - C_FLOW,
            C_FLOW.subs(t, 0) - 1, S_FLOW.subs(t, 0),
            C_FLOW**2 - lam * S_FLOW**2 - 1,
            (C_FLOW - 1) / lam - t**2 / 2 * (sp.sinh(t * SQ / 2) / (t * SQ / 2)) ** 2,
            sp.diff(C_FLOW**2, t) - 2 * lam * C_FLOW * S_FLOW,
            sp.diff(lam * S_FLOW**2, t) - 2 * lam * C_FLOW * S_FLOW,
            sp.diff(C_FLOW * S_FLOW, t) - (lam * S_FLOW**2 + C_FLOW**2),
        ]),
        section=secC,
    ))
    I_C2 = t / 2 + sp.sinh(2 * t * SQ) / (4 * SQ)
    I_L2 = -t / 2 + sp.sinh(2 * t * SQ) / (4 * SQ)
    I_CS = S_FLOW**2 / 2
    add(Step(
        "flow-integrals", "Time integrals for the Frobenius flow",
        r"$\int_0^t C^2 = t/2 + \sinh(2t\sqrt\lambda)/(4\sqrt\lambda)$, "
        r"$\int_0^t \lambda\sigma^2 = -t/2 + \sinh(2t\sqrt\lambda)/(4\sqrt\lambda)$ and "
        r"$\int_0^t C\sigma = \sigma^2/2$ (spec \S4.4).",
        (
            r"\int_0^t C^2 = " + latex(I_C2) + r", \qquad \int_0^t \lambda \sigma^2 = " + latex(I_L2) +
            r", \qquad \int_0^t C\sigma = \frac{\sigma^2}{2}",
        ),
        Symbolic([sp.diff(I_C2, t) - C_FLOW**2, I_C2.subs(t, 0), sp.diff(I_L2, t) - lam * S_FLOW**2,
                  I_L2.subs(t, 0), sp.diff(I_CS, t) - C_FLOW * S_FLOW, I_CS.subs(t, 0)]),
        section=secC,
        remark=r"They give the F3 norm $|a(t)|^2 = r_0^2 Q_a(t)/(1 + 2 r_0^2 \int_0^t Q_a)$ and the F1 energy "
               r"$e = Q_a'/(2Q_a)$.",
    ))
    add(Step(
        "gd-propagators", "The GD propagators solve their recursion",
        r"$C_{k+1} = C_k + \eta\lambda\sigma_k$, $\sigma_{k+1} = \sigma_k + \eta C_k$, $C_0 = 1$, $\sigma_0 = 0$, "
        r"$\sigma_k(0) = k\eta$, but $C_k^2 - \lambda\sigma_k^2 = (1 - \eta^2\lambda)^k$, not $1$.",
        (
            r"C_{k+1} = C_k + \eta \lambda \sigma_k, \qquad \sigma_{k+1} = \sigma_k + \eta C_k, \qquad "
            r"C_k^2 - \lambda \sigma_k^2 = \left(1 - \eta^2 \lambda\right)^k",
        ),
        AllOf(
            Symbolic([C_GD.subs(k, k + 1) - C_GD - eta * lam * S_GD, S_GD.subs(k, k + 1) - S_GD - eta * C_GD,
                      C_GD.subs(k, 0) - 1, S_GD.subs(k, 0), C_GD**2 - lam * S_GD**2 - (1 - eta**2 * lam) ** k]),
            Numeric(lambda pt, dps: {
                "sigma_k(0) - k eta": sp.expand(S_GD.subs({k: pt[k], eta: pt[eta]})).subs(lam, 0) - pt[k] * pt[eta],
                "C_k(0) - 1": sp.expand(C_GD.subs({k: pt[k], eta: pt[eta]})).subs(lam, 0) - 1,
                "not a polynomial": sp.Integer(0 if all(
                    sp.expand(f.subs({k: pt[k], eta: pt[eta]})).is_polynomial(lam) for f in (C_GD, S_GD)) else 1),
            }, Points({k: (0, 30), eta: (Q(1, 100), Q(1))}, count=4, label=r"integer $0 \le k \le 30$"),
                label=r"$\sigma_k(0) - k\eta$ and $C_k(0) - 1$ (exact; $C_k, \sigma_k$ polynomials in $\lambda$)"),
        ),
        section=secC,
        remark=r"Simultaneous GD with step $\eta$, $a \leftarrow a + \eta X b$, $b \leftarrow b + \eta X^\top a$, "
               r"is $w_k = (I + \eta H)^k w_0$; every formula of the flow holds with $(C, \sigma) \to "
               r"(C_k, \sigma_k)$ except those using $C^2 - \lambda\sigma^2 = 1$.",
    ))

    # observables as linear functionals
    names = ("uu", "vv", "uv", "mu1", "mu2")
    F = {(m, f): sp.Symbol(f"<{f}>_{m}") for m in names for f in ("C", "S", "C2", "L2", "CS")}

    def observables(Fv):
        Nu = alpha * Fv[("uu", "C")] + BH * Fv[("uv", "S")]
        Nv = alpha * Fv[("uv", "S")] + BH * Fv[("vv", "C")]
        Qa = (alpha**2 * Fv[("uu", "C2")] + (1 - alpha**2) * Fv[("mu1", "C2")] + 2 * alpha * BH * Fv[("uv", "CS")]
              + BH**2 * Fv[("vv", "L2")] + RH * Fv[("mu2", "L2")])
        Qb = (alpha**2 * Fv[("uu", "L2")] + (1 - alpha**2) * Fv[("mu1", "L2")] + 2 * alpha * BH * Fv[("uv", "CS")]
              + BH**2 * Fv[("vv", "C2")] + RH * Fv[("mu2", "C2")])
        return Nu, Nv, Qa, Qb

    mass = {"uu": 1, "vv": 1, "uv": theta, "mu1": 1, "mu2": 1}
    at0 = {}
    for m in names:  # C(0) = 1, sigma(0) = 0: <C> = <C^2> = mass, the rest 0
        at0.update({F[(m, "C")]: mass[m], F[(m, "C2")]: mass[m], F[(m, "S")]: 0, F[(m, "L2")]: 0,
                    F[(m, "CS")]: 0})
    Nu0, Nv0, Qa0, Qb0 = (e.subs(at0) for e in observables(F))
    add(Step(
        "observables", "Overlaps as spectral integrals; initial values",
        r"With $\hat\beta = \kappa\beta$ and $\hat\rho = \kappa^2(1-\beta^2)$ the limits of $\langle u, \tilde a\rangle$, "
        r"$\langle v, \tilde b\rangle$, $|\tilde a|^2$, $|\tilde b|^2$ are the integrals below, and the unit "
        r"masses give $m_u(0) = \alpha$, $m_v(0) = \beta$.",
        (
            r"N_u = \alpha \langle C\rangle_{uu} + \hat\beta \langle \sigma\rangle_{uv}, \qquad "
            r"N_v = \alpha \langle \sigma\rangle_{uv} + \hat\beta \langle C\rangle_{vv}",
            r"Q_a = \alpha^2 \langle C^2\rangle_{uu} + (1-\alpha^2)\langle C^2\rangle_{\mu_1} + "
            r"2\alpha\hat\beta\langle C\sigma\rangle_{uv} + \hat\beta^2 \langle\lambda\sigma^2\rangle_{vv} + "
            r"\hat\rho \langle \lambda\sigma^2\rangle_{\mu_2}",
            r"Q_b = \alpha^2 \langle \lambda\sigma^2\rangle_{uu} + (1-\alpha^2)\langle \lambda\sigma^2\rangle_{\mu_1} + "
            r"2\alpha\hat\beta\langle C\sigma\rangle_{uv} + \hat\beta^2 \langle C^2\rangle_{vv} + "
            r"\hat\rho \langle C^2\rangle_{\mu_2}",
            r"m_u = \frac{N_u}{\sqrt{Q_a}}, \qquad m_v = \frac{N_v}{\sqrt{Q_b}}, \qquad m_u(0) = \alpha, "
            r"\quad m_v(0) = \beta",
        ),
        Symbolic([Nu0 / sp.sqrt(Qa0) - alpha, Nv0 / sp.sqrt(Qb0) - beta, Qa0 - 1, Qb0 - kappa**2]),
        section=secC,
        remark=r"Here $a_0 = \alpha u + \sqrt{1-\alpha^2} g_a$, $b_0 = \kappa(\beta v + \sqrt{1-\beta^2} g_b)$ with "
               r"$g_a, g_b$ uniformly random; cross terms with $g_a, g_b$ vanish and $g^\top f(XX^\top) g \to "
               r"\int f d\mu_1$.",
    ))

    A_, B_ = alpha * sp.sqrt(ZU), BH * sp.sqrt(ZV)
    Cst, Sst = sp.cosh(t * S1), sp.sinh(t * S1) / S1
    Ag, Bg = sp.symbols("A B", real=True)
    s1g = sp.Symbol("s_1", positive=True)
    add(Step(
        "outlier-factored", "The outlier terms in factored form",
        r"For any propagator pair $(C, \sigma)$ (flow or GD) the atom contributions at $\lambda_*$ collapse to "
        r"$\sqrt{\zeta_u}(A C + B s_1\sigma)$, $(A C + B s_1 \sigma)^2$ and their $v$, $b$ analogues, with "
        r"$A = \alpha\sqrt{\zeta_u}$, $B = \hat\beta\sqrt{\zeta_v}$ and $A + B$ proportional to the critical "
        r"combination.",
        (
            r"N_u \supset \alpha\zeta_u C + \hat\beta \tfrac{\theta^4-c}{\theta^3} \sigma = \sqrt{\zeta_u}\,(A C + B s_1\sigma), "
            r"\qquad N_v \supset \sqrt{\zeta_v}\,(A s_1 \sigma + B C)",
            r"Q_a \supset (A C + B s_1 \sigma)^2, \qquad Q_b \supset (A s_1 \sigma + B C)^2",
            r"A \cosh x + B \sinh x = \tfrac12\left((A+B) e^{x} + (A-B) e^{-x}\right)",
            r"A C_k + B s_1 \sigma_k = \tfrac12\left((A+B)(1+\eta s_1)^k + (A-B)(1-\eta s_1)^k\right)",
            r"A + B = \frac{\sqrt{\theta^4 - c}}{\theta}\left(\frac{\alpha}{\sqrt{c+\theta^2}} + "
            r"\frac{\kappa\beta}{\sqrt{1+\theta^2}}\right)",
        ),
        AllOf(
            Symbolic([  # for any propagator pair (C, sigma)
                alpha * ZU * _C + BH * WUV * _S - sp.sqrt(ZU) * (A_ * _C + B_ * S1 * _S),
                alpha**2 * ZU * _C**2 + 2 * alpha * BH * WUV * _C * _S + BH**2 * ZV * LSTAR * _S**2
                - (A_ * _C + B_ * S1 * _S) ** 2,
                alpha * WUV * _S + BH * ZV * _C - sp.sqrt(ZV) * (A_ * S1 * _S + B_ * _C),
                alpha**2 * ZU * LSTAR * _S**2 + 2 * alpha * BH * WUV * _C * _S + BH**2 * ZV * _C**2
                - (A_ * S1 * _S + B_ * _C) ** 2,
            ], substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic([  # for any amplitudes A, B and any s_1 > 0
                Ag * sp.cosh(t * s1g) + Bg * sp.sinh(t * s1g) - ((Ag + Bg) * sp.exp(t * s1g) + (Ag - Bg) * sp.exp(-t * s1g)) / 2,
                Ag * C_GD.subs(lam, s1g**2) + Bg * s1g * S_GD.subs(lam, s1g**2)
                - ((Ag + Bg) * (1 + eta * s1g) ** k + (Ag - Bg) * (1 - eta * s1g) ** k) / 2,
            ]),
            Symbolic(spikes.amplitude() - sp.sqrt(theta**4 - c) / theta * spikes.critical_combination(),
                     substitute=ABOVE, regime=_ABOVE_TEXT),
        ),
        section=secC,
        remark=r"The factorisation makes the critical ratio $(\alpha/\beta)_{\rm crit} = -\kappa\sqrt{(\theta^2+c)/"
               r"(\theta^2+1)}$ exact: there $A + B = 0$ and the $e^{t s_1}$ terms cancel identically.",
    ))
    a_, b_ = alpha / sp.sqrt(c + theta**2), kappa * beta / sp.sqrt(1 + theta**2)
    add(Step(
        "pole-residues", "Pole residues of the combined bulk integrands",
        r"At $\lambda = \lambda_*$ the residues of the combined bulk integrands of $N_u$ and $Q_a$ are "
        r"$(aC + b s_1\sigma)/\sqrt{c+\theta^2} - \alpha/(c+\theta^2)$ and $(aC + b s_1 \sigma)^2 - a^2$ with "
        r"$a + b$ the critical combination, so at the critical ratio they are $O(e^{-t s_1})$.",
        (
            r"\frac{\alpha(1+\theta^2)}{\theta^2}\,\frac{C-1}{\lambda_*} + \frac{\kappa\beta\,\sigma}{\theta} = "
            r"\frac{a C + b s_1 \sigma}{\sqrt{c+\theta^2}} - \frac{\alpha}{c+\theta^2}, \qquad "
            r"a = \frac{\alpha}{\sqrt{c+\theta^2}}, \quad b = \frac{\kappa\beta}{\sqrt{1+\theta^2}}",
            r"\frac{\alpha^2(1+\theta^2)}{\theta^2}\,\frac{C^2-1}{\lambda_*} + \frac{2\alpha\kappa\beta\, C\sigma}{\theta}"
            r" + \frac{\kappa^2\beta^2(c+\theta^2)}{\theta^2}\,\sigma^2 = (a C + b s_1\sigma)^2 - a^2",
            r"C = \cosh(t s_1), \quad \sigma = \frac{\sinh(t s_1)}{s_1}, \qquad b = -a \;\Rightarrow\; "
            r"a C + b s_1 \sigma = a\, e^{-t s_1}",
        ),
        Symbolic([
            alpha * (1 + theta**2) / theta**2 * (Cst - 1) / LSTAR + kappa * beta * Sst / theta
            - ((a_ * Cst + b_ * S1 * Sst) / sp.sqrt(c + theta**2) - alpha / (c + theta**2)),
            alpha**2 * (1 + theta**2) / theta**2 * (Cst**2 - 1) / LSTAR + 2 * alpha * kappa * beta * Cst * Sst / theta
            + kappa**2 * beta**2 * (c + theta**2) / theta**2 * Sst**2 - ((a_ * Cst + b_ * S1 * Sst) ** 2 - a_**2),
            a_ + b_ - spikes.critical_combination(),
            (a_ * Cst + b_ * S1 * Sst).subs(beta, -a_ * sp.sqrt(1 + theta**2) / kappa) - a_ * sp.exp(-t * S1),
        ]),
        section=secC,
        remark=r"Writing $C = 1 + \lambda \cdot (C-1)/\lambda$ separates the masses; the remaining integrands have "
               r"the factor $r(\lambda)/(\lambda_* - \lambda)$ and the residues above at $\lambda_*$.",
    ))
    cons = {F[(m, "C2")]: F[(m, "L2")] + mass[m] for m in names}
    cons_pts = [
        Points({c: (Q(1, 10), Q(9, 10)), theta: (Q(1, 4), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1),
                kappa: (Q(1, 2), Q(2)), t: (Q(1, 4), Q(3))}, count=1, label="$c<1$"),
        Points({theta: (Q(1, 4), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1), kappa: (Q(1, 2), Q(2)),
                t: (Q(1, 4), Q(3))}, fixed={c: 1}, count=1, label="$c=1$"),
        Points({c: (Q(11, 10), Q(3)), theta: (Q(1, 4), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1),
                kappa: (Q(1, 2), Q(2)), t: (Q(1, 4), Q(3))}, count=2, label="$c>1$"),
    ]

    def cons_residual(pt, dps):
        o = observables_by_quadrature(pt, pt[t], dps)
        with mp.workdps(dps + 10):
            return (o["Q_a"] - o["Q_b"] - (1 - _mp(kappa**2, pt, dps + 10)) * _scale2(pt, dps)) / (o["Q_a"] + o["Q_b"])

    Qa_, Qb_ = observables(F)[2:]
    add(Step(
        "conservation", "Conservation law of the flow",
        r"Because $C^2 - \lambda\sigma^2 = 1$ and the measures $\nu_{uu}$, $\nu_{vv}$, $\mu_1$, $\mu_2$ have unit "
        r"mass, $Q_a - Q_b = 1 - \kappa^2$ at all times (the zero atoms included); for GD it fails.",
        (r"Q_a(t) - Q_b(t) = \alpha^2 + (1 - \alpha^2) - \hat\beta^2 - \hat\rho = 1 - \kappa^2",),
        AllOf(
            Symbolic((Qa_ - Qb_).subs(cons) - (1 - kappa**2)),
            Numeric(cons_residual, cons_pts,
                    label=r"$(Q_a - Q_b - (1 - \kappa^2))/(Q_a + Q_b)$ by quadrature of the measures"),
        ),
        section=secC,
        remark=r"The symbolic part uses only linearity and $\langle C^2\rangle_X = \langle\lambda\sigma^2\rangle_X + "
               r"X(\mathbb R)$; the numerical part integrates every term of $Q_a$ and $Q_b$ separately, so it "
               r"also checks the atoms at $0$ and at $\lambda_*$.",
    ))

    # ------------------------------------------------------------------ D
    above_pts = []
    for sign, crange, lbl in ((1, (Q(1, 10), Q(9, 10)), r"$c<1$, $A+B>0$"), (-1, None, r"$c=1$, $A+B<0$"),
                              (-1, (Q(11, 10), Q(3)), r"$c>1$, $A+B<0$")):

        def cond(pt, sign=sign):
            if not pt[theta] ** 4 > 2 * pt[c]:
                return False
            return bool(sign * spikes.critical_combination().subs(dict(pt)) > Q(1, 10))

        rng_ = {theta: (Q(1, 2), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1), kappa: (Q(1, 2), Q(2))}
        if crange is not None:
            rng_[c] = crange
        above_pts.append(Points(rng_, fixed={} if crange is not None else {c: 1}, count=1, where=cond,
                                label=lbl + r", $\theta^4 > 2c$"))
    below_pts = [Points({c: (Q(1, 5), Q(3)), theta: (Q(1, 4), Q(3, 2)), alpha: (Q(1, 5), 1), beta: (Q(1, 5), 1),
                         kappa: (Q(1, 2), Q(2))}, count=1, where=lambda pt: pt[theta] ** 4 < pt[c] / 2,
                        label=r"$\theta^4 < c/2$, $\alpha, \beta > 0$")]
    at_pts = [Points({_q: (Q(1, 2), Q(5, 4)), alpha: (Q(1, 5), 1), beta: (Q(1, 5), 1), kappa: (Q(1, 2), Q(2))},
                     count=1, label=r"$\theta = q$, $c = q^4$")]
    crit_pts = [Points({c: (Q(1, 5), Q(2)), theta: (Q(1, 2), Q(5, 2)), beta: (Q(1, 5), 1), kappa: (Q(1, 2), Q(2))},
                       count=1, where=lambda pt: pt[theta] ** 4 > 2 * pt[c] and bool(
                           abs(spikes.critical_ratio().subs(dict(pt)) * pt[beta]) < 1),
                       label=r"$\theta^4 > 2c$, $\alpha = (\alpha/\beta)_{\rm crit}\,\beta$")]
    at_route = _decay_ratio(Q(-1, 4), 1000)
    add(Step(
        "large-t-regimes", "Large-time limit: regimes and signs",
        r"For $\theta^4 > c$ the atom at $\lambda_*$ dominates, $s_1 > s_+$, and "
        r"$m_u \to \operatorname{sgn}(A+B)\sqrt{\zeta_u}$, $m_v \to \operatorname{sgn}(A+B)\sqrt{\zeta_v}$; "
        r"at the critical ratio ($A+B=0$) and for $\theta^4 < c$ the overlaps decay like $t^{-3/4}$, and at "
        r"$\theta^4 = c$ like $t^{-1/4}$.",
        (
            r"s_1^2 - s_+^2 = \lambda_* - \lambda_+ = \frac{(\theta^2 - \sqrt c)^2}{\theta^2} > 0 \quad (\theta \ne \theta_c)",
            r"e^{-t s_1} N_u = \tfrac12\sqrt{\zeta_u}\left((A+B) + (A-B)e^{-2 t s_1}\right) + "
            r"O\!\left(e^{-t(s_1 - s_+)}\right)",
            r"e^{-2 t s_1} Q_a = \tfrac14 (A+B)^2 + O\!\left(e^{-t(s_1 - s_+)}\right)",
            r"\lim_{t\to\infty} m_u = \begin{cases} \operatorname{sgn}(A+B)\sqrt{\zeta_u} & \theta^4 > c,\ A + B \ne 0 \\"
            r" 0,\ m_u \sim K_u t^{-3/4} & \theta^4 < c \text{ or } A + B = 0 \\ 0,\ m_u \sim K_u t^{-1/4} & "
            r"\theta^4 = c \end{cases}",
        ),
        AllOf(
            Symbolic([S1**2 - SPLUS**2 - spikes.delta(), spikes.delta() - (theta**2 - sp.sqrt(c)) ** 2 / theta**2]),
            Symbolic(spikes.gap() - spikes.delta() / (S1 + SPLUS)),
            Numeric(_large_t_above, above_pts,
                    label=r"$m(t) - \operatorname{sgn}(A+B)\sqrt{\zeta}$ at $t = \lceil (\mathrm{dps}+10)\ln 10/"
                          r"(s_1 - s_+)\rceil$, by quadrature of the unfactored measures"),
            Numeric(_decay_ratio(Q(-3, 4), 1000), below_pts, tolerance=Q(1, 20),
                    label=r"$m(2000)/m(1000)\,/\,2^{-3/4} - 1$ below threshold"),
            Numeric(lambda pt, dps: at_route(_at_threshold_point(pt), dps), at_pts, tolerance=Q(1, 20),
                    label=r"$m(2000)/m(1000)\,/\,2^{-1/4} - 1$ at threshold"),
            Numeric(_decay_ratio(Q(-3, 4), 400, critical=True), crit_pts, tolerance=Q(1, 20),
                    label=r"$m(800)/m(400)\,/\,2^{-3/4} - 1$ at the critical ratio (factored atoms)"),
        ),
        section=secD,
        remark=r"SymPy's \texttt{limit} is never applied to these competing exponentials (with free positive rates "
               r"it returns wrong values); the regimes are split by the sign of $\theta^4 - c$ and of $A+B$, each "
               r"checked numerically at interior points. The power laws are checked through ratios, which do not "
               r"depend on the amplitudes; their $O(1/t)$ corrections set the tolerance.",
    ))
    ew = spikes.edge_weights()
    KK = spikes.decay_amplitudes()
    c4 = c ** Q(1, 4)
    x_ = sp.Symbol("x", positive=True)
    tau_ = sp.Symbol("tau", positive=True)

    def laplace(tau, weight, power):  # int_0^oo e^{-tau x/(2 s+)} (edge density) dx
        return sp.exp(tau * SPLUS) * weight * sp.gamma(power + 1) * (2 * SPLUS / tau) ** (power + 1)

    L32 = lambda tau, wgt: laplace(tau, wgt * 2 * c4, Q(1, 2))  # noqa: E731 - r ~ 2 c^(1/4) sqrt(lambda_+ - lambda)
    Nu_edge = (alpha * L32(t, ew["w_uu"]) + BH * L32(t, ew["w_uv"] / SPLUS)) / 2
    Nv_edge = (alpha * L32(t, ew["w_uv"] / SPLUS) + BH * L32(t, ew["w_vv"])) / 2
    Qa_edge = (alpha**2 * L32(2 * t, ew["w_uu"]) + (1 - alpha**2) * L32(2 * t, ew["w_1"])
               + 2 * alpha * BH * L32(2 * t, ew["w_uv"] / SPLUS) + BH**2 * L32(2 * t, ew["w_vv"])
               + RH * L32(2 * t, ew["w_2"])) / 4
    unit_N, unit_Q = L32(t, 1) / 2, L32(2 * t, 1) / 4
    pref = KK["K_u"] * sp.sqrt(KK["B"]) / KK["A_u"]
    dens = {"w_uu": spikes.nu_uu().density, "w_vv": spikes.nu_vv().density, "w_uv": spikes.nu_uv().density,
            "w_1": mpl.mu1().density, "w_2": mpl.mu2().density}
    add(Step(
        "decay-amplitudes", "Below threshold: the $t^{-3/4}$ amplitudes",
        r"Below threshold every density is $w(\lambda) r(\lambda)$ with $r \approx 2c^{1/4}\sqrt{\lambda_+ - \lambda}$, "
        r"and Laplace's method gives $m_u \approx K_u t^{-3/4}$, $m_v \approx K_v t^{-3/4}$ with the amplitudes "
        r"of \texttt{spectral.decay\_amplitudes}.",
        (
            r"\int_0^\infty e^{-\tau x} x^{1/2}\, dx = \frac{\sqrt\pi}{2\tau^{3/2}}, \qquad "
            r"\langle e^{\tau\sqrt\lambda} w r\rangle \approx e^{\tau s_+} w(\lambda_+)\sqrt\pi\, c^{1/4} "
            r"\left(\frac{2 s_+}{\tau}\right)^{3/2}",
            r"K_u = 2^{3/2}\pi^{1/4} c^{1/8} s_+^{3/4} \frac{A_u}{\sqrt{B}}, \qquad "
            r"K_v = 2^{3/2}\pi^{1/4} c^{1/8} s_+^{3/4} \frac{A_v}{\sqrt{B}}",
            r"A_u = \alpha w_{uu} + \kappa\beta \frac{w_{uv}}{s_+}, \qquad A_v = \alpha \frac{w_{uv}}{s_+} + "
            r"\kappa\beta w_{vv}",
            r"B = \alpha^2 w_{uu} + (1-\alpha^2) w_1 + 2\alpha\kappa\beta\frac{w_{uv}}{s_+} + \kappa^2\beta^2 w_{vv} + "
            r"\kappa^2(1-\beta^2) w_2",
            r"w_{uu} = \frac{1+\theta^2}{2\pi\theta^2\lambda_+\delta}, \quad w_{vv} = "
            r"\frac{c+\theta^2}{2\pi\theta^2\lambda_+\delta}, \quad w_{uv} = \frac{1}{2\pi\theta\delta}, \quad "
            r"w_1 = \frac{1}{2\pi c\lambda_+}, \quad w_2 = \frac{1}{2\pi\lambda_+}, \quad \delta = \lambda_* - \lambda_+",
        ),
        AllOf(
            Symbolic(lambda: [
                sp.integrate(sp.exp(-tau_ * x_) * sp.sqrt(x_), (x_, 0, sp.oo)) - sp.sqrt(sp.pi) / (2 * tau_ ** Q(3, 2)),
                (mpl.r(lam) ** 2 / (LP - lam)).cancel().subs(lam, LP) - (2 * c4) ** 2,
                sp.series(sp.sqrt(LP - x_), x_, 0, 2).removeO() - (SPLUS - x_ / (2 * SPLUS)),
                *[(dens[n] / mpl.r(lam)).subs(lam, LP) - ew[n] for n in ew],
                laplace(tau_, 2 * c4, Q(1, 2)) - sp.exp(tau_ * SPLUS) * sp.sqrt(sp.pi) * c4 * (2 * SPLUS / tau_) ** Q(3, 2),
            ]),
            Symbolic([
                Nu_edge - unit_N * KK["A_u"], Nv_edge - unit_N * KK["A_v"], Qa_edge - unit_Q * KK["B"],
                t ** Q(3, 4) * unit_N / sp.sqrt(unit_Q) - pref,
                KK["K_v"] * sp.sqrt(KK["B"]) / KK["A_v"] - pref,
            ]),
            Agree(lambda pt, dps: mp.sqrt(mp.pi) / (2 * _mp(pt[tau_], pt, dps + 10) ** mp.mpf(1.5)),
                  lambda pt, dps: mp.quad(lambda xx: mp.exp(-_mp(pt[tau_], pt, dps + 10) * xx) * mp.sqrt(xx),
                                          [0, 1, mp.inf]),
                  Points({tau_: (Q(1, 10), Q(20))}, count=2), names=("the closed form", "quadrature")),
        ),
        section=secD,
        stated=True,
        remark=r"Checked here: the Laplace integral, the edge behaviour of $r$ and $\sqrt\lambda$, the edge weights "
               r"$w = \lim_{\lambda\to\lambda_+} \rho(\lambda)/r(\lambda)$ of the library densities, and the algebra "
               r"from the edge asymptotics $N_u \approx \frac12\langle e^{t\sqrt\lambda}\rangle$, "
               r"$Q_a \approx \frac14\langle e^{2t\sqrt\lambda}\rangle$ to $K_u$, $K_v$ (the same $B$ serves $Q_a$ "
               r"and $Q_b$ since $C^2 \approx \lambda\sigma^2$ at the edge). The comparison of $K_u t^{-3/4}$ with the "
               r"evaluation at large $t$ is done by the limits module; the zero atoms contribute $O(1)$, negligible.",
    ))
    thrq = {theta: _q, c: _q**4}  # exactly at threshold, with every radical rational in q
    TA = spikes.threshold_amplitudes()
    v_uv = 2 * c4 / (2 * sp.pi * theta)
    v = {"uu": TA["v_uu"], "vv": TA["v_vv"], "uv": v_uv}
    sqrt_split = {mpl.r(lam): sp.sqrt(LP - lam) * sp.sqrt(lam - LM)}

    def thr_composed(pt, dps):
        """t^(1/4) N_u/sqrt(Q_a) from the edge asymptotics with x^(-1/2) Laplace integrals."""
        vals = {c: pt[_q] ** 4, theta: pt[_q], alpha: pt[alpha], beta: pt[beta], kappa: pt[kappa]}
        L12 = lambda tau, wgt: laplace(tau, wgt, -Q(1, 2))  # noqa: E731
        Nu = (alpha * L12(t, v["uu"]) + BH * L12(t, v["uv"] / SPLUS)) / 2
        Nv = (alpha * L12(t, v["uv"] / SPLUS) + BH * L12(t, v["vv"])) / 2
        Qa = (alpha**2 * L12(2 * t, v["uu"]) + 2 * alpha * BH * L12(2 * t, v["uv"] / SPLUS)
              + BH**2 * L12(2 * t, v["vv"])) / 4
        tt = Q(7, 3)  # any time: the t-dependence cancels exactly
        return {"K_u": (t ** Q(1, 4) * Nu / sp.sqrt(Qa)).subs(vals).subs(t, tt),
                "K_v": (t ** Q(1, 4) * Nv / sp.sqrt(Qa)).subs(vals).subs(t, tt)}

    def thr_library(pt, dps):
        vals = {c: pt[_q] ** 4, theta: pt[_q], alpha: pt[alpha], beta: pt[beta], kappa: pt[kappa]}
        return {"K_u": TA["K_u"].subs(vals), "K_v": TA["K_v"].subs(vals)}

    thr_pts = [Points({_q: (Q(1, 2), Q(3, 2)), alpha: (-1, 1), beta: (-1, 1), kappa: (Q(1, 2), Q(2))}, count=3,
                      label=r"$\theta = q$, $c = q^4$")]
    add(Step(
        "threshold-amplitude", "At threshold: the $t^{-1/4}$ amplitude",
        r"At $\theta = c^{1/4}$ the edge densities diverge like $v\,(\lambda_+ - \lambda)^{-1/2}$ with "
        r"$v_{uv}/s_+ = \sqrt{v_{uu}v_{vv}}$, so the quadratic form of $Q_a$ is a perfect square and "
        r"$m_u \approx K_u t^{-1/4}$ with $K_u = \operatorname{sgn}(\alpha\sqrt{v_{uu}} + \kappa\beta\sqrt{v_{vv}})"
        r"\sqrt{2}\,\pi^{1/4} s_+^{1/4}\sqrt{v_{uu}}$.",
        (
            r"v_{uu} = \frac{(1+\theta^2)\, 2c^{1/4}}{2\pi\theta^2\lambda_+}, \quad v_{vv} = "
            r"\frac{(c+\theta^2)\, 2c^{1/4}}{2\pi\theta^2\lambda_+}, \quad v_{uv} = \frac{2c^{1/4}}{2\pi\theta}, "
            r"\qquad \frac{v_{uv}}{s_+} = \sqrt{v_{uu} v_{vv}}",
            r"\int_0^\infty e^{-\tau x} x^{-1/2}\, dx = \sqrt{\frac{\pi}{\tau}}, \qquad "
            r"K_{u,v} = \operatorname{sgn}\!\left(\alpha\sqrt{v_{uu}} + \kappa\beta\sqrt{v_{vv}}\right)"
            r"\sqrt{2}\,\pi^{1/4} s_+^{1/4} \sqrt{v_{uu,vv}}",
        ),
        AllOf(
            Symbolic(lambda: [
                LSTAR.subs(thrq) - LP.subs(thrq),
                (v["uv"] / SPLUS - sp.sqrt(v["uu"] * v["vv"])).subs(thrq),
                sp.integrate(sp.exp(-tau_ * x_) / sp.sqrt(x_), (x_, 0, sp.oo)) - sp.sqrt(sp.pi / tau_),
                *[((dens_m.subs(sqrt_split) * sp.sqrt(LP - lam)).subs(thrq).cancel().subs(lam, LP.subs(thrq))
                   - v[n].subs(thrq)) for n, dens_m in (("uu", spikes.nu_uu().density),
                                                        ("vv", spikes.nu_vv().density),
                                                        ("uv", spikes.nu_uv().density))],
            ], regime=r"at threshold, written with $c = q^4$, $\theta = q$, $q > 0$"),
            Agree(thr_composed, thr_library, thr_pts,
                  names=("the edge asymptotics composed with the Laplace integral",
                         r"\texttt{spectral.threshold\_amplitudes}")),
        ),
        section=secD,
        stated=True,
        remark=r"Derived by the team; checked here: the edge divergence of the three densities at $\theta = c^{1/4}$, "
               r"the perfect-square identity, the $x^{-1/2}$ Laplace integral and the algebra from the edge "
               r"asymptotics to $K_u$, $K_v$ (at exact random points; the $\mu_1$, $\mu_2$ terms are "
               r"$O(t^{-3/2})$ and drop out). The comparison with evaluation at large $t$ is done elsewhere.",
    ))
    return steps


# helpers used by lambdas above -----------------------------------------------------


def _scale2(point: Mapping, dps: int) -> mp.mpf:
    """``exp(-2 t s_+)``: the scaling applied to Q by :func:`observables_by_quadrature`."""
    return mp.exp(-2 * _mp(point[t], point, dps + 10) * _mp(SPLUS, point, dps + 10))


def _outlier_residual(point: Mapping, dps: int) -> Any:
    wd = dps + 10
    with mp.workdps(wd):
        cv, th = _mp(point[c], point, wd), _mp(point[theta], point, wd)
        value = th**2 * _lambdified("T")(_mp(LSTAR, point, wd), cv)
        return value - min(mp.mpf(1), th**4 / cv)


def _stieltjes_regions() -> list[Points]:
    out = []
    zx, zy = _zx, _zy
    for label, c_range, c_fixed in _C_REGIONS:
        rng: dict = {} if c_range is None else {c: c_range}
        fix = {} if c_fixed is None else {c: c_fixed}
        out.append(Points({**rng, zx: (Q(1, 10), Q(5))}, fixed={**fix, _zkind: 0}, count=1,
                          label=label + r", $z > \lambda_+$"))
        out.append(Points({**rng, zx: (Q(1, 10), Q(5))}, fixed={**fix, _zkind: 1}, count=1,
                          label=label + r", $z < 0$"))
        out.append(Points({**rng, zx: (-2, Q(6)), zy: (Q(1, 10), Q(2))}, fixed={**fix, _zkind: 2}, count=1,
                          label=label + r", $\mathrm{Im}\, z > 0$"))
    return out


_zx, _zy = sp.Symbol("x_z", real=True), sp.Symbol("y_z", positive=True)
_zkind = sp.Symbol("zkind", integer=True, nonnegative=True)


def _z_of(point: Mapping, wd: int):
    kind = int(point[_zkind])
    x_ = _mp(point[_zx], point, wd)
    if kind == 0:
        return _mp(LP, point, wd) + x_
    if kind == 1:
        return -x_
    return mp.mpc(x_, _mp(point[_zy], point, wd))


def _stieltjes_closed(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        zz, cv = _z_of(point, wd), _mp(point[c], point, wd)
        return {"m1": _lambdified("m1")(zz, cv), "m2": _lambdified("m2")(zz, cv)}


def _stieltjes_quadrature(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        zz = _z_of(point, wd)
        vals = {c: point[c]}
        qd = _quad_dps(point, dps)
        return {"m1": mpl.mu1().subs(vals).integrate(lambda v: 1 / (v - zz), qd),
                "m2": mpl.mu2().subs(vals).integrate(lambda v: 1 / (v - zz), qd)}


# ----------------------------------------------------------------------------- the derivation

_INTRO = r"""
The model is $X = \theta u v^\top + Z \in \mathbb R^{p\times n}$ with $Z_{ij} \sim \mathcal N(0, 1/n)$ i.i.d.,
$c = p/n$ and unit vectors $u$, $v$; gradient flow (or gradient descent with step $\eta$) on the quadratic cost
$-a^\top X b$ starts from $a_0 = \alpha u + \sqrt{1-\alpha^2}\,g_a$, $b_0 = \kappa(\beta v + \sqrt{1-\beta^2}\,g_b)$
\cite{rankone_gd_2026,bodin_macris_2021}.  Its overlaps $m_u(t)$, $m_v(t)$ are ratios of integrals of
$\cosh$/$\sinh$ propagators against three weighted spectral measures of the spiked Marchenko--Pastur law.
Every step below states one identity of this theory and records how symdyn verified it: symbolically (a
residual simplifies to zero, possibly modulo $R^2 = (z-\lambda_-)(z-\lambda_+)$ or after parametrising a
regime), numerically at seeded random exact rational parameter points at high precision with a stated
tolerance, or by two independent routes (closed form against quadrature or a contour integral).
"""


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The rank-one denoising derivation (built once; immutable).

    Returns
    -------
    Derivation
        Ordered steps A (Marchenko-Pastur), B (spiked resolvent and measures),
        C (dynamics), D (large time).

    Examples
    --------
    >>> d = derivation()
    >>> [s.key for s in d][:3]
    ['mp-equation', 'mp-stieltjes', 'T-identity']
    >>> d.verify(dps=30, keys=["residues"]).passed
    True
    """
    bib = "\n\n".join(cit.bibtex.strip() for cit in spec.CITATIONS)
    return Derivation(
        "rank-one-denoising",
        "Gradient-descent dynamics of rank-one matrix denoising: a verified derivation",
        tuple(_steps()),
        introduction=_INTRO,
        bibliography=bib,
    )
