"""Independent numerical routes of the spiked Wigner derivation (quadrature, the evaluator, matrices).

Each route is a function ``f(point, dps)`` of an exact parameter point, the second
side of a two-route check or the residual of a numeric check of a step.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import mpmath as mp
import sympy as sp

from ....derive import guarded_dps
from ....numeric.adaptive import MAX_REFINEMENTS
from ....exact import exact_sign, to_mp
from ....laws import marchenko_pastur as mpl
from ....laws import semicircle as sc
from ....symbols import alpha, c, eta, lam, t, theta, z
from ...rank_one_denoising import spectral as rectangular
from .. import spectral
from ._notation import Q, w_, LSTAR, WEIGHT, mp_at, _ys, _x0s, _as, _xs4

__all__ = [
    "observables_by_quadrature", "free_symbol_residue", "numeric_residue", "sc_quad", "measures", "nu_quad",
    "evaluated", "pick", "kernel_vs_measure", "measure_brackets", "richardson", "large_t_above", "flow_residual",
    "sherman_morrison_exact", "nu_density_from_resolvent", "nu_density_library", "moments_quadrature",
    "moments_angle", "moments_closed", "h_resolvent_blocks", "sc_stieltjes_pair", "rect_residues", "rect_weights",
]


def sc_quad(f: Callable[[mp.mpf], Any], dps: int) -> mp.mpf:
    """``int f dsc`` by tanh-sinh in the angle (``lambda = 2 cos phi``, ``dsc = (2/pi) sin^2 phi dphi``)."""
    with mp.workdps(dps + 10):
        val = mp.quad(lambda ph: f(2 * mp.cos(ph)) * mp.sin(ph) ** 2, [0, mp.pi / 4, mp.pi / 2, mp.pi])
        return val * 2 / mp.pi


def free_symbol_residue() -> sp.Expr:
    """SymPy's ``limit`` for the outlier weight with a *free* positive ``theta`` (the pitfall).

    ``lim_{z -> theta + 1/theta} (theta + 1/theta - z) g/(1 + theta g)`` is ``1 - theta^(-2)``
    for every ``theta > 1``, but SymPy returns ``0`` for the free symbol (it silently
    takes the branch of ``theta < 1``).  Kept as a regression case; the derivation
    evaluates the residue at explicit numeric ``theta`` instead (:func:`numeric_residue`).
    """
    return sp.limit((LSTAR - z) * spectral.resolvent(z), z, LSTAR)


def numeric_residue(theta_value: sp.Expr) -> sp.Expr:
    """The outlier weight as an exact limit at a numeric ``theta`` (the correct route)."""
    th = sp.sympify(theta_value)
    expr = ((LSTAR - z) * spectral.resolvent(z)).subs(theta, th)
    return sp.limit(expr, z, LSTAR.subs(theta, th))


def measures(point: Mapping):
    return spectral.nu_x().subs({theta: point[theta]}), sc.semicircle()


def nu_quad(point: Mapping, f: Callable[[mp.mpf], Any], dps: int) -> mp.mpf:
    """``int f dnu_x`` by tanh-sinh in the angle, written without cancellation, atom added.

    ``dnu_x = (2/pi) sin^2(phi) dphi / ((1 - theta)^2 + 4 theta sin^2(phi/2))`` on the bulk (step
    nu-density), plus ``1 - theta^(-2)`` at ``theta + 1/theta`` for ``theta > 1``.  Unlike
    :meth:`SpectralMeasure.integrate` (which forms ``2 - lambda`` and loses half the digits at
    ``theta = 1``, where the density has an inverse square root at the edge), this keeps every digit.
    """
    wd = dps + 10
    with mp.workdps(wd):
        th = mp_at(point[theta], point, wd)
        om2 = mp_at((point[theta] - 1) ** 2, point, wd)

        def g(ph):
            sh = mp.sin(ph / 2)
            return f(2 * mp.cos(ph)) * mp.sin(ph) ** 2 / (om2 + 4 * th * sh * sh)

        val = mp.quad(g, [0, mp.pi / 4, mp.pi / 2, mp.pi]) * 2 / mp.pi
        if point[theta] > 1:
            val += mp_at(WEIGHT, point, wd) * f(mp_at(LSTAR, point, wd))
        return val


def observables_by_quadrature(point: Mapping, tv: Any, dps: int, *, gd: bool = False) -> dict[str, mp.mpf]:
    """``m``, ``energy``, ``N``, ``Q`` by tanh-sinh quadrature (the slow, independent route).

    ``<.>_nu`` by :func:`nu_quad` (angle form of the density, atom added) and ``<.>_sc`` by
    quadrature of the semicircle density (no Bessel function).  With ``gd=True``, ``tv`` is a
    step count and ``point[eta]`` the step.
    """
    wd = dps + 10
    with mp.workdps(wd):
        al = mp_at(point[alpha], point, wd)
        if gd:
            et, kk = mp_at(point[eta], point, wd), int(tv)

            def f(v):
                return (1 + et * v) ** kk
        else:
            tt = mp_at(tv, point, wd)

            def f(v):
                return mp.exp(tt * v)

        S1 = nu_quad(point, f, wd)
        S2 = nu_quad(point, lambda v: f(v) ** 2, wd)
        S3 = nu_quad(point, lambda v: v * f(v) ** 2, wd)
        M2 = sc_quad(lambda v: f(v) ** 2, wd)
        M3 = sc_quad(lambda v: v * f(v) ** 2, wd)
        N = al * S1
        Qv = al**2 * S2 + (1 - al**2) * M2
        E = al**2 * S3 + (1 - al**2) * M3
        return {"m": N / mp.sqrt(Qv), "energy": E / Qv, "N": N, "Q": Qv}


def _model():
    from .. import MODEL

    return MODEL


def _params(point: Mapping, **extra: Any):
    vals = {"theta": point[theta], "alpha": point[alpha]}
    vals.update(extra)
    return _model().params(**vals)


def evaluated(point: Mapping, tv: Any, dps: int, *, gd: bool = False) -> dict[str, mp.mpf]:
    m = _model()
    p = _params(point, **({"eta": point[eta]} if gd else {}))
    tr = m.evaluate(p, [str(tv)], dps=guarded_dps(dps, 5), observables=["m", "energy", "N", "Q"])
    return {n: tr[n][0] for n in ("m", "energy", "N", "Q")}


def pick(values: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {n: values[n] for n in names}


def kernel_vs_measure(point: Mapping, dps: int) -> dict[str, Any]:
    """The evaluator's pole-subtracted brackets ``<e^{t lambda}>_nu`` etc. (unscaled) and the quadrature."""
    from ....numeric.arithmetic import MPMATH
    from ....numeric.rules import GaussChebyshev
    from ..constants import exact_constants
    from ..evaluation import Evaluator

    m = _model()
    p = m.params(theta=point[theta], alpha=Q(1, 2))  # the brackets of nu_x do not depend on alpha
    can = m.canonical(p)
    ex = exact_constants(can)
    ev = Evaluator(can, ex, MPMATH, GaussChebyshev())
    tv = point[t]
    wd = dps + 10
    order = ev.order(float(tv), wd, True)
    b = ev.brackets(tv, order, wd, True)
    for _ in range(MAX_REFINEMENTS):  # as the adaptive driver does: the node count is a plan, not a proof
        finer = ev.rule.refine(order)
        b2 = ev.brackets(tv, finer, wd, True)
        with mp.workdps(wd):
            settled = all(abs(b2[k] - b[k]) <= mp.mpf(10) ** (5 - wd) * abs(b2[k]) for k in ("S1", "S2", "S3"))
        if settled:  # the planned count (or the last refinement) agrees with the next one: keep it
            break
        order, b = finer, b2
    with mp.workdps(wd):
        L = ev.log_scale(tv, wd)
        return {"<f>": b["S1"] * mp.exp(L), "<f^2>": b["S2"] * mp.exp(2 * L), "<lambda f^2>": b["S3"] * mp.exp(2 * L)}


def measure_brackets(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        tt = mp_at(point[t], point, wd)
        return {"<f>": nu_quad(point, lambda v: mp.exp(tt * v), wd),
                "<f^2>": nu_quad(point, lambda v: mp.exp(2 * tt * v), wd),
                "<lambda f^2>": nu_quad(point, lambda v: v * mp.exp(2 * tt * v), wd)}


def richardson(point: Mapping, dps: int, *, gd: bool = False) -> dict[str, Any]:
    """``t^p m(t)`` extrapolated in ``1/t`` from T, 2T, 4T (the evaluator), minus the closed-form amplitude."""
    from ....laws.bbp import Regime
    from ..limits import amplitude_exact

    th, al = point[theta], point[alpha]
    regime = Regime.AT if th == 1 else Regime.BELOW
    p = Q(1, 4) if regime is Regime.AT else Q(3, 4)
    delta = float((th - 1) ** 2 / th)
    T = 3200 if regime is Regime.AT else int(max(400.0, 400.0 / delta))
    K = amplitude_exact(th, al, regime)
    extra = {}
    if gd:
        unit = point[eta] / (1 + 2 * point[eta])
        T = int(math.ceil(T / float(unit)))
        K = K * unit ** (-p)
        extra["eta"] = point[eta]
    m = _model()
    tr = m.evaluate(_params(point, **extra), [str(T), str(2 * T), str(4 * T)], dps=25, observables=["m"])
    with mp.workdps(25):
        f = [mp.mpf(T * j) ** mp.mpf(p) * v for j, v in zip((1, 2, 4), tr["m"])]
        extrap = (8 * f[2] - 6 * f[1] + f[0]) / 3
        return {"amplitude": extrap / to_mp(K, 25) - 1}


def large_t_above(point: Mapping, dps: int) -> dict[str, Any]:
    """``m(t) - sgn(alpha) sqrt(1 - theta^-2)`` and ``energy - lambda*`` where ``exp(-t delta) < 10^-(dps+10)``."""
    th = point[theta]
    delta = float((th - 1) ** 2 / th)
    tt = int(math.ceil((dps + 10) * math.log(10) / delta))
    ev = evaluated(point, tt, dps)
    wd = dps + 10
    with mp.workdps(wd):
        lim_m = exact_sign(point[alpha]) * mp.sqrt(mp_at(WEIGHT, point, wd))
        return {"m": ev["m"] - lim_m, "energy": ev["energy"] - mp_at(LSTAR, point, wd)}


def flow_residual(point: Mapping, dps: int) -> Any:
    """``x' - (Y x - (x^T Y x) x)`` for ``x(t) = e^{tY} x0/|e^{tY} x0|`` on an exact 3x3 instance."""
    ys = [point[s] for s in _ys]
    with mp.workdps(dps + 10):
        Y = mp.matrix([[ys[0], ys[1], ys[2]], [ys[1], ys[3], ys[4]], [ys[2], ys[4], ys[5]]])
        x0 = mp.matrix([point[s] for s in _x0s])
        tt = mp_at(point[t], point, dps + 10)

        def xt(s):
            y = mp.expm(Y * s) * x0
            return y / mp.norm(y)

        xv = xt(tt)
        dx = mp.matrix([mp.diff(lambda s, i=i: xt(s)[i], tt) for i in range(3)])
        Yx = Y * xv
        e = (xv.T * Yx)[0]
        return max(abs(v) for v in (dx - (Yx - e * xv)))


def sherman_morrison_exact(point: Mapping, dps: int) -> sp.Expr:
    """Exact rational residual of ``x^T (A + theta x x^T)^{-1} x - a/(1 + theta a)`` on a 4x4 instance."""
    vals = [point[s] for s in _as]
    A = sp.Matrix(4, 4, lambda i, j: vals[min(i, j) * 4 + max(i, j)] if i != j else vals[5 * i] + 6)
    xv = sp.Matrix([point[s] for s in _xs4])
    th = point[theta]
    lhs = (xv.T * (A + th * xv * xv.T).inv() * xv)[0]
    a = (xv.T * A.inv() * xv)[0]
    return sp.simplify(lhs - a / (1 + th * a))


def nu_density_from_resolvent(point: Mapping, dps: int) -> dict[str, Any]:
    """``(1/pi) Im[g/(1 + theta g)](lambda + i eps)`` with the library's principal-root g_sc, and the library density."""
    wd = dps + 10
    with mp.workdps(wd):
        th = mp_at(point[theta], point, wd)
        lv = mp_at(point[lam], point, wd)
        zz = mp.mpc(lv, mp.mpf(10) ** (-(wd + 10)))
        g = sc.stieltjes_numeric(zz)
        im = mp.im(g / (1 + th * g)) / mp.pi
        return {"density": im}


def nu_density_library(point: Mapping, dps: int) -> dict[str, Any]:
    dens = spectral.nu_x().density.subs({theta: point[theta], lam: point[lam]})
    return {"density": mp_at(dens, {}, dps + 10)}


def moments_quadrature(point: Mapping, dps: int) -> dict[str, Any]:
    nu, _ = measures(point)
    return {f"moment {j}": nu.integrate(lambda v, j=j: v**j, dps + 5) for j in range(3)}


def moments_angle(point: Mapping, dps: int) -> dict[str, Any]:
    return {f"moment {j}": nu_quad(point, lambda v, j=j: v**j, dps) for j in range(3)}


def moments_closed(point: Mapping, dps: int) -> dict[str, Any]:
    th = point[theta]
    return {"moment 0": sp.Integer(1), "moment 1": th, "moment 2": 1 + th**2}


def h_resolvent_blocks(point: Mapping, dps: int) -> dict[str, Any]:
    """At c = 1: ``w m_1(w^2)`` and ``w m_2(w^2)`` (principal roots) for real ``w > 2``."""
    wd = dps + 10
    with mp.workdps(wd):
        wv = mp_at(point[w_], point, wd)
        return {"block 1": wv * mpl.stieltjes_numeric(wv**2, mp.mpf(1), 1),
                "block 2": wv * mpl.stieltjes_numeric(wv**2, mp.mpf(1), 2)}


def sc_stieltjes_pair(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        g = sc.stieltjes_numeric(mp_at(point[w_], point, wd))
        return {"block 1": g, "block 2": g}


def rect_residues(point: Mapping, dps: int) -> dict[str, sp.Expr]:
    """The three Woodbury entries' residues at the single pole lambda*, as exact limits at numeric (c, theta)."""
    vals = {c: point[c], theta: point[theta]}
    lst = rectangular.outlier_eigenvalue().subs(vals)
    out = {}
    for name, fn in (("uu", rectangular.resolvent_uu), ("vv", rectangular.resolvent_vv), ("uv", rectangular.resolvent_uv)):
        out[name] = sp.limit(((lst - z) * fn(z)).subs(vals), z, lst)
    out["1 - theta^2 T(lambda*)"] = (1 - theta**2 * mpl.T_closed(z)).subs(vals).subs(z, lst)
    return out


def rect_weights(point: Mapping, dps: int) -> dict[str, sp.Expr]:
    vals = {c: point[c], theta: point[theta]}
    return {"uu": rectangular.zeta_u().subs(vals), "vv": rectangular.zeta_v().subs(vals), "uv": rectangular.uv_atom().subs(vals),
            "1 - theta^2 T(lambda*)": sp.Integer(0)}
