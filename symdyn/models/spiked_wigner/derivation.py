"""The self-verifying derivation of the spiked Wigner dynamics (spec ``rank_one_denoising.md`` section 6).

Ordered steps a reader can follow:

A. the semicircle law: Stieltjes transform, Catalan moments, the MGF
   ``I_1(2 tau)/tau`` (by its series, the ODE it satisfies and quadrature at high
   precision), its derivative ``2 I_2(2 tau)/tau``, the GD moments as Catalan sums,
   and the pole integral ``min(theta, 1/theta)``;
B. the spiked resolvent (Sherman-Morrison), the measure ``nu_x`` (density, outlier,
   its residue at explicit numeric ``theta``, masses and moments) and the pole
   subtraction the evaluator uses;
C. the dynamics (the sphere ODE, the overlap and energy formulas, discrete GD);
D. the large-time behaviour per regime (BBP limit, the ``t^(-3/4)`` and ``t^(-1/4)``
   amplitudes by Laplace's method at the edge, GD);
E. the reduction of the rectangular model through the Hermitization
   ``H = [[0, X], [X^T, 0]]``: the symmetrised singular-value law, the 2x2 family of
   measures with its single pole, and the exact identification at ``c = 1``.

Verification never calls SymPy's ``limit`` with a free ``theta`` for a residue or a
large-time limit: with a free positive symbol it silently returns 0 for the outlier
weight (see :func:`free_symbol_residue`).  Residues are exact limits at numeric
``theta``; large-time statements are split into regimes, each checked numerically.

>>> d = derivation()
>>> d.key, len(d) >= 20
('spiked-wigner', True)
>>> d.verify(dps=30, keys=["sc-mgf"]).passed
True
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Mapping

import mpmath as mp
import sympy as sp

from ..rank_one_denoising import spectral as spikes
from ...derive import Agree, AllOf, Derivation, Numeric, Points, Step, Symbolic
from ...exact import exact_sign, to_mp
from ...tex import equation, latex
from ...laws import marchenko_pastur as mpl
from ...laws import semicircle as sc
from ...symbols import alpha, c, eta, k, lam, t, tau, theta, z
from . import spec, spectral

__all__ = ["derivation", "free_symbol_residue", "numeric_residue", "observables_by_quadrature", "ABOVE", "BELOW"]

Q = sp.Rational

# ----------------------------------------------------------------------------- notation

#: Parametrisations of the regimes by a positive symbol ``p``: they fix the sign of
#: ``theta - 1`` so that SymPy can take principal square roots.
_p = sp.Symbol("p", positive=True)
ABOVE = {theta: 1 + _p}
BELOW = {theta: 1 / (1 + _p)}
_ABOVE_TEXT = r"above threshold: $\theta = 1 + p$, $p > 0$"
_BELOW_TEXT = r"below threshold: $\theta = 1/(1 + p)$, $p > 0$"

S_ = sp.Symbol("S")                    # the branch sqrt(z^2 - 4) in algebra modulo S^2 = z^2 - 4
r_ = sp.Symbol("r", positive=True)     # sqrt(4 - lambda^2) on the bulk
u_ = sp.Symbol("u", positive=True)     # distance 2 - lambda to the edge
s_ = sp.Symbol("s", positive=True)     # a singular value
w_ = sp.Symbol("w")
LSTAR = spectral.outlier_eigenvalue()
WEIGHT = spectral.outlier_weight()
G_S = (-z + S_) / 2                    # g_sc with the branch symbol

# display symbols (LaTeX only)
_ls = sp.Symbol("lambda_*")
_g = sp.Function("g")(z)
_nu = sp.Symbol("nu")


def _mp(expr: Any, point: Mapping, dps: int) -> mp.mpf:
    """An exact real constant at *point*, evaluated with adaptive precision."""
    return to_mp(sp.sympify(expr).subs(dict(point)), dps)


def _theta_regions(count: int = 2, *, extra: Mapping[sp.Symbol, tuple[Any, Any]] | None = None,
                   at: bool = True, fixed: Mapping[sp.Symbol, Any] | None = None) -> list[Points]:
    """Points below threshold, at threshold (theta = 1 exactly) and above threshold."""
    ranges = dict(extra or {})
    fix = dict(fixed or {})
    out = [Points({theta: (Q(1, 5), Q(4, 5)), **ranges}, fixed=fix, count=count, label=r"$\theta < 1$")]
    if at:
        out.append(Points(ranges or {alpha: (Q(-9, 10), Q(9, 10))}, fixed={theta: sp.Integer(1), **fix},
                          count=1, label=r"$\theta = 1$"))
    out.append(Points({theta: (Q(6, 5), Q(3)), **ranges}, fixed=fix, count=count, label=r"$\theta > 1$"))
    return out


# ----------------------------------------------------------------------------- numeric routes


def _sc_quad(f: Callable[[mp.mpf], Any], dps: int) -> mp.mpf:
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


def _measures(point: Mapping):
    return spectral.nu_x().subs({theta: point[theta]}), sc.semicircle()


def _nu_quad(point: Mapping, f: Callable[[mp.mpf], Any], dps: int) -> mp.mpf:
    """``int f dnu_x`` by tanh-sinh in the angle, written without cancellation, atom added.

    ``dnu_x = (2/pi) sin^2(phi) dphi / ((1 - theta)^2 + 4 theta sin^2(phi/2))`` on the bulk (step
    nu-density), plus ``1 - theta^(-2)`` at ``theta + 1/theta`` for ``theta > 1``.  Unlike
    :meth:`SpectralMeasure.integrate` (which forms ``2 - lambda`` and loses half the digits at
    ``theta = 1``, where the density has an inverse square root at the edge), this keeps every digit.
    """
    wd = dps + 10
    with mp.workdps(wd):
        th = _mp(point[theta], point, wd)
        om2 = _mp((point[theta] - 1) ** 2, point, wd)

        def g(ph):
            sh = mp.sin(ph / 2)
            return f(2 * mp.cos(ph)) * mp.sin(ph) ** 2 / (om2 + 4 * th * sh * sh)

        val = mp.quad(g, [0, mp.pi / 4, mp.pi / 2, mp.pi]) * 2 / mp.pi
        if point[theta] > 1:
            val += _mp(WEIGHT, point, wd) * f(_mp(LSTAR, point, wd))
        return val


def observables_by_quadrature(point: Mapping, tv: Any, dps: int, *, gd: bool = False) -> dict[str, mp.mpf]:
    """``m``, ``energy``, ``N``, ``Q`` by tanh-sinh quadrature (the slow, independent route).

    ``<.>_nu`` by :func:`_nu_quad` (angle form of the density, atom added) and ``<.>_sc`` by
    quadrature of the semicircle density (no Bessel function).  With ``gd=True``, ``tv`` is a
    step count and ``point[eta]`` the step.
    """
    wd = dps + 10
    with mp.workdps(wd):
        al = _mp(point[alpha], point, wd)
        if gd:
            et, kk = _mp(point[eta], point, wd), int(tv)

            def f(v):
                return (1 + et * v) ** kk
        else:
            tt = _mp(tv, point, wd)

            def f(v):
                return mp.exp(tt * v)

        S1 = _nu_quad(point, f, wd)
        S2 = _nu_quad(point, lambda v: f(v) ** 2, wd)
        S3 = _nu_quad(point, lambda v: v * f(v) ** 2, wd)
        M2 = _sc_quad(lambda v: f(v) ** 2, wd)
        M3 = _sc_quad(lambda v: v * f(v) ** 2, wd)
        N = al * S1
        Qv = al**2 * S2 + (1 - al**2) * M2
        E = al**2 * S3 + (1 - al**2) * M3
        return {"m": N / mp.sqrt(Qv), "energy": E / Qv, "N": N, "Q": Qv}


def _model():
    from symdyn.models import model

    return model("spiked-wigner")


def _params(point: Mapping, **extra: Any):
    vals = {"theta": point[theta], "alpha": point[alpha]}
    vals.update(extra)
    return _model().params(**vals)


def _evaluated(point: Mapping, tv: Any, dps: int, *, gd: bool = False) -> dict[str, mp.mpf]:
    m = _model()
    p = _params(point, **({"eta": point[eta]} if gd else {}))
    tr = m.evaluate(p, [str(tv)], dps=dps + 5, observables=["m", "energy", "N", "Q"])
    return {n: tr[n][0] for n in ("m", "energy", "N", "Q")}


def _pick(values: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {n: values[n] for n in names}


def _kernel_vs_measure(point: Mapping, dps: int) -> dict[str, Any]:
    """The evaluator's pole-subtracted brackets ``<e^{t lambda}>_nu`` etc. (unscaled) and the quadrature."""
    from ...numeric.arithmetic import MPMATH
    from ...numeric.rules import GaussChebyshev
    from .constants import exact_constants
    from .evaluation import Evaluator

    m = _model()
    p = m.params(theta=point[theta], alpha=Q(1, 2))  # the brackets of nu_x do not depend on alpha
    can = m.canonical(p)
    ex = exact_constants(can)
    ev = Evaluator(can, ex, MPMATH, GaussChebyshev())
    tv = point[t]
    wd = dps + 10
    order = ev.order(float(tv), wd, True)
    b = ev.brackets(tv, order, wd, True)
    with mp.workdps(wd):
        L = ev.log_scale(tv, wd)
        return {"<f>": b["S1"] * mp.exp(L), "<f^2>": b["S2"] * mp.exp(2 * L), "<lambda f^2>": b["S3"] * mp.exp(2 * L)}


def _measure_brackets(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        tt = _mp(point[t], point, wd)
        return {"<f>": _nu_quad(point, lambda v: mp.exp(tt * v), wd),
                "<f^2>": _nu_quad(point, lambda v: mp.exp(2 * tt * v), wd),
                "<lambda f^2>": _nu_quad(point, lambda v: v * mp.exp(2 * tt * v), wd)}


def _richardson(point: Mapping, dps: int, *, gd: bool = False) -> dict[str, Any]:
    """``t^p m(t)`` extrapolated in ``1/t`` from T, 2T, 4T (the evaluator), minus the closed-form amplitude."""
    from ...results import Regime
    from .limits import amplitude_exact

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


def _large_t_above(point: Mapping, dps: int) -> dict[str, Any]:
    """``m(t) - sgn(alpha) sqrt(1 - theta^-2)`` and ``energy - lambda*`` where ``exp(-t delta) < 10^-(dps+10)``."""
    th = point[theta]
    delta = float((th - 1) ** 2 / th)
    tt = int(math.ceil((dps + 10) * math.log(10) / delta))
    ev = _evaluated(point, tt, dps)
    wd = dps + 10
    with mp.workdps(wd):
        lim_m = exact_sign(point[alpha]) * mp.sqrt(_mp(WEIGHT, point, wd))
        return {"m": ev["m"] - lim_m, "energy": ev["energy"] - _mp(LSTAR, point, wd)}


def _flow_residual(point: Mapping, dps: int) -> Any:
    """``x' - (Y x - (x^T Y x) x)`` for ``x(t) = e^{tY} x0/|e^{tY} x0|`` on an exact 3x3 instance."""
    ys = [point[s] for s in _ys]
    with mp.workdps(dps + 10):
        Y = mp.matrix([[ys[0], ys[1], ys[2]], [ys[1], ys[3], ys[4]], [ys[2], ys[4], ys[5]]])
        x0 = mp.matrix([point[s] for s in _x0s])
        tt = _mp(point[t], point, dps + 10)

        def xt(s):
            y = mp.expm(Y * s) * x0
            return y / mp.norm(y)

        xv = xt(tt)
        dx = mp.matrix([mp.diff(lambda s, i=i: xt(s)[i], tt) for i in range(3)])
        Yx = Y * xv
        e = (xv.T * Yx)[0]
        return max(abs(v) for v in (dx - (Yx - e * xv)))


_ys = sp.symbols("y_1:7", real=True)
_x0s = sp.symbols("x0_1:4", real=True)


def _sherman_morrison_exact(point: Mapping, dps: int) -> sp.Expr:
    """Exact rational residual of ``x^T (A + theta x x^T)^{-1} x - a/(1 + theta a)`` on a 4x4 instance."""
    vals = [point[s] for s in _as]
    A = sp.Matrix(4, 4, lambda i, j: vals[min(i, j) * 4 + max(i, j)] if i != j else vals[5 * i] + 6)
    xv = sp.Matrix([point[s] for s in _xs4])
    th = point[theta]
    lhs = (xv.T * (A + th * xv * xv.T).inv() * xv)[0]
    a = (xv.T * A.inv() * xv)[0]
    return sp.simplify(lhs - a / (1 + th * a))


_as = sp.symbols("a_0:16", real=True)
_xs4 = sp.symbols("v_1:5", real=True)


def _nu_density_from_resolvent(point: Mapping, dps: int) -> dict[str, Any]:
    """``(1/pi) Im[g/(1 + theta g)](lambda + i eps)`` with the library's principal-root g_sc, and the library density."""
    wd = dps + 10
    with mp.workdps(wd):
        th = _mp(point[theta], point, wd)
        lv = _mp(point[lam], point, wd)
        zz = mp.mpc(lv, mp.mpf(10) ** (-(wd + 10)))
        g = sc.stieltjes_numeric(zz)
        im = mp.im(g / (1 + th * g)) / mp.pi
        return {"density": im}


def _nu_density_library(point: Mapping, dps: int) -> dict[str, Any]:
    dens = spectral.nu_x().density.subs({theta: point[theta], lam: point[lam]})
    return {"density": _mp(dens, {}, dps + 10)}


def _moments_quadrature(point: Mapping, dps: int) -> dict[str, Any]:
    nu, _ = _measures(point)
    return {f"moment {j}": nu.integrate(lambda v, j=j: v**j, dps + 5) for j in range(3)}


def _moments_angle(point: Mapping, dps: int) -> dict[str, Any]:
    return {f"moment {j}": _nu_quad(point, lambda v, j=j: v**j, dps) for j in range(3)}


def _moments_closed(point: Mapping, dps: int) -> dict[str, Any]:
    th = point[theta]
    return {"moment 0": sp.Integer(1), "moment 1": th, "moment 2": 1 + th**2}


def _h_resolvent_blocks(point: Mapping, dps: int) -> dict[str, Any]:
    """At c = 1: ``w m_1(w^2)`` and ``w m_2(w^2)`` (principal roots) for real ``w > 2``."""
    wd = dps + 10
    with mp.workdps(wd):
        wv = _mp(point[w_], point, wd)
        return {"block 1": wv * mpl.stieltjes_numeric(wv**2, mp.mpf(1), 1),
                "block 2": wv * mpl.stieltjes_numeric(wv**2, mp.mpf(1), 2)}


def _sc_stieltjes_pair(point: Mapping, dps: int) -> dict[str, Any]:
    wd = dps + 10
    with mp.workdps(wd):
        g = sc.stieltjes_numeric(_mp(point[w_], point, wd))
        return {"block 1": g, "block 2": g}


def _rect_residues(point: Mapping, dps: int) -> dict[str, sp.Expr]:
    """The three Woodbury entries' residues at the single pole lambda*, as exact limits at numeric (c, theta)."""
    vals = {c: point[c], theta: point[theta]}
    lst = spikes.outlier_eigenvalue().subs(vals)
    out = {}
    for name, fn in (("uu", spikes.resolvent_uu), ("vv", spikes.resolvent_vv), ("uv", spikes.resolvent_uv)):
        out[name] = sp.limit(((lst - z) * fn(z)).subs(vals), z, lst)
    out["1 - theta^2 T(lambda*)"] = (1 - theta**2 * mpl.T_closed(z)).subs(vals).subs(z, lst)
    return out


def _rect_weights(point: Mapping, dps: int) -> dict[str, sp.Expr]:
    vals = {c: point[c], theta: point[theta]}
    return {"uu": spikes.zeta_u().subs(vals), "vv": spikes.zeta_v().subs(vals), "uv": spikes.uv_atom().subs(vals),
            "1 - theta^2 T(lambda*)": sp.Integer(0)}


# ----------------------------------------------------------------------------- the steps


def _steps() -> list[Step]:  # noqa: C901 - one long, flat list of steps
    steps: list[Step] = []
    add = steps.append
    secA = "The semicircle law"
    secB = r"The spiked resolvent and the measure $\nu_x$"
    secC = "Dynamics"
    secD = "Large-time behaviour"
    secE = "The rectangular model through the Hermitization"
    mod_S = {S_: z**2 - 4}
    mgf = sc.mgf_closed(tau)

    # ------------------------------------------------------------------ A
    add(Step(
        "sc-stieltjes", "Stieltjes transform of the semicircle",
        r"$g(z) = (-z + \sqrt{z^2-4})/2$ (branch $g \sim -1/z$) solves $g^2 + z g + 1 = 0$; it is "
        r"$\int d\mu_{sc}(\lambda)/(\lambda - z)$ for the semicircle density $\sqrt{4-\lambda^2}/(2\pi)$ on "
        r"$[-2, 2]$, the limit spectrum of the GOE with $\mathbb{E} W_{ij}^2 = 1/n$.",
        (
            equation(_g, sc.stieltjes(z)) + r", \qquad g^2 + z g + 1 = 0",
            r"g(z) = \int_{-2}^{2} \frac{\sqrt{4-\lambda^2}}{2\pi}\,\frac{d\lambda}{\lambda - z}",
        ),
        AllOf(
            Symbolic(G_S**2 + z * G_S + 1, modulo=mod_S),
            Symbolic(sp.series(sc.stieltjes(z) * z, z, sp.oo, 3).removeO() + 1 + 1 / z**2),
            Agree(lambda pt, dps: sc.stieltjes_numeric(_mp(pt[z], pt, dps + 10)),
                  lambda pt, dps: _sc_quad(lambda v: 1 / (v - _mp(pt[z], pt, dps + 10)), dps),
                  Points({z: (Q(21, 10), Q(8))}, count=3, label="$z > 2$"),
                  names=("the closed form (principal roots)", "tanh-sinh quadrature of the density")),
        ),
        section=secA,
        remark=r"Wigner's law \cite{wigner_1958}. The library's $g$ is the product of principal roots "
               r"$\sqrt{z-2}\sqrt{z+2}$, which is the right branch on all of $\mathbb{C}\setminus[-2,2]$.",
    ))
    add(Step(
        "sc-moments", "Catalan moments",
        r"The moments of the semicircle are $\langle \lambda^{2j}\rangle_{sc} = C_j = \binom{2j}{j}/(j+1)$ and "
        r"$\langle \lambda^{2j+1}\rangle_{sc} = 0$.",
        (r"\int \lambda^{2j}\, d\mu_{sc} = C_j = \frac{1}{j+1}\binom{2j}{j}, \qquad "
         r"\int \lambda^{2j+1}\, d\mu_{sc} = 0",),
        Agree(lambda pt, dps: {"even": sc.moment(2 * int(pt[k])), "odd": sc.moment(2 * int(pt[k]) + 1)},
              lambda pt, dps: {"even": _sc_quad(lambda v: v ** (2 * int(pt[k])), dps),
                               "odd": _sc_quad(lambda v: v ** (2 * int(pt[k]) + 1), dps)},
              Points({k: (0, 25)}, count=4, label="$0 \\le j \\le 25$"),
              names=("Catalan numbers", "tanh-sinh quadrature")),
        section=secA,
    ))
    add(Step(
        "sc-mgf", r"The moment generating function $I_1(2\tau)/\tau$",
        r"$\langle e^{\tau\lambda}\rangle_{sc} = \sum_j C_j \tau^{2j}/(2j)! = I_1(2\tau)/\tau$. Verified three "
        r"ways: the Taylor series of the Bessel form matches the Catalan series; the Bessel form solves "
        r"$\tau y'' + 3 y' - 4\tau y = 0$, whose regular solution with $y(0)=1$ is unique and whose coefficient "
        r"recursion $a_j/a_{j-1} = 1/(j(j+1))$ is the Catalan recursion; and it equals the quadrature of the "
        r"density at high precision.",
        (
            r"\langle e^{\tau\lambda}\rangle_{sc} = \sum_{j\ge 0} \frac{C_j\, \tau^{2j}}{(2j)!} = "
            + latex(mgf),
            r"\tau y'' + 3 y' - 4 \tau y = 0, \qquad y(0) = 1",
        ),
        AllOf(
            Symbolic(sp.series(mgf, tau, 0, 24).removeO() - sc.mgf_series(tau, 12)),
            Symbolic(sc.mgf_ode(mgf)),
            Symbolic([sp.expand(sc.mgf_ode(sc.mgf_series(tau, 12))).coeff(tau, 2 * j - 1) for j in range(1, 12)]),
            Agree(lambda pt, dps: sc.mgf_numeric(_mp(pt[tau], pt, dps + 10)),
                  lambda pt, dps: _sc_quad(lambda v: mp.exp(_mp(pt[tau], pt, dps + 10) * v), dps),
                  Points({tau: (Q(1, 100), Q(30))}, count=4, label=r"$0 < \tau < 30$"),
                  names=(r"$I_1(2\tau)/\tau$ (mpmath)", "tanh-sinh quadrature of the density")),
        ),
        section=secA,
        remark=r"The fast evaluator uses this closed form for the $(1-\alpha^2)$ part of $Q(t)$: "
               r"$\langle e^{2t\lambda}\rangle_{sc} = I_1(4t)/(2t)$, evaluated once per time point and scaled by "
               r"$e^{-2 t s_{\mathrm{ref}}}$.",
    ))
    add(Step(
        "sc-mgf-lambda", r"The derivative $\langle \lambda e^{\tau\lambda}\rangle_{sc} = 2 I_2(2\tau)/\tau$",
        r"Differentiating the MGF gives the semicircle bracket of the energy: "
        r"$\frac{d}{d\tau}\frac{I_1(2\tau)}{\tau} = \frac{2 I_2(2\tau)}{\tau}$.",
        (r"\langle \lambda e^{\tau\lambda}\rangle_{sc} = \frac{d}{d\tau}\frac{I_1(2\tau)}{\tau} = "
         + latex(sc.mgf_lambda_closed(tau)),),
        AllOf(
            Symbolic(sp.diff(mgf, tau) - sc.mgf_lambda_closed(tau)),
            Agree(lambda pt, dps: sc.mgf_lambda_scaled_numeric(_mp(pt[tau], pt, dps + 10), 0),
                  lambda pt, dps: _sc_quad(lambda v: v * mp.exp(_mp(pt[tau], pt, dps + 10) * v), dps),
                  Points({tau: (Q(1, 100), Q(30))}, count=3, label=r"$0 < \tau < 30$"),
                  names=(r"$2 I_2(2\tau)/\tau$ (library, scaled form)", "tanh-sinh quadrature")),
        ),
        section=secA,
    ))
    add(Step(
        "sc-gd-moments", "Semicircle brackets of discrete GD",
        r"For GD the brackets are polynomial moments: $\langle (1+\eta\lambda)^{2k}\rangle_{sc} = "
        r"\sum_j \binom{2k}{2j}\eta^{2j} C_j$ and $\langle \lambda(1+\eta\lambda)^{2k}\rangle_{sc} = "
        r"\sum_{j\ge1}\binom{2k}{2j-1}\eta^{2j-1} C_j$, sums of positive terms (no cancellation); the library "
        r"evaluates them by the term ratios, scaled by $(1+\eta s_{\mathrm{ref}})^{-2k}$.",
        (r"\langle (1+\eta\lambda)^{2k}\rangle_{sc} = \sum_{j=0}^{k} \binom{2k}{2j} \eta^{2j} C_j, \qquad "
         r"\langle \lambda (1+\eta\lambda)^{2k}\rangle_{sc} = \sum_{j=1}^{k} \binom{2k}{2j-1} \eta^{2j-1} C_j",),
        AllOf(
            Agree(lambda pt, dps: {"even": sc.gd_moment_closed(pt[eta], int(pt[k])),
                                   "odd": sc.gd_lambda_moment_closed(pt[eta], int(pt[k]))},
                  lambda pt, dps: {"even": _sc_quad(lambda v: (1 + _mp(pt[eta], pt, dps + 10) * v) ** (2 * int(pt[k])),
                                                    dps),
                                   "odd": _sc_quad(lambda v: v * (1 + _mp(pt[eta], pt, dps + 10) * v)
                                                   ** (2 * int(pt[k])), dps)},
                  Points({eta: (Q(1, 20), Q(2)), k: (1, 30)}, count=3, label=r"$0<\eta<2$, $1 \le k \le 30$"),
                  names=("the Catalan sums", "tanh-sinh quadrature")),
            Agree(lambda pt, dps: {"even": sc.gd_moment_closed(pt[eta], int(pt[k])),
                                   "odd": sc.gd_lambda_moment_closed(pt[eta], int(pt[k]))},
                  lambda pt, dps: {"even": sc.gd_moment_scaled(_mp(pt[eta], pt, dps + 10), int(pt[k]), 1),
                                   "odd": sc.gd_lambda_moment_scaled(_mp(pt[eta], pt, dps + 10), int(pt[k]), 1)},
                  Points({eta: (Q(1, 20), Q(2)), k: (1, 200)}, count=3, label=r"$1 \le k \le 200$"),
                  names=("the exact sums", "the library's term-ratio recursion")),
        ),
        section=secA,
    ))
    add(Step(
        "sc-pole-integral", r"The pole integral $\int d\mu_{sc}/(\lambda_* - \lambda) = \min(\theta, 1/\theta)$",
        r"At $\lambda_* = \theta + 1/\theta \ge 2$ the Stieltjes transform gives "
        r"$\int d\mu_{sc}(\lambda)/(\lambda_*-\lambda) = -g(\lambda_*) = (\lambda_* - |\theta - 1/\theta|)/2 = "
        r"\min(\theta, 1/\theta)$: $1/\theta$ above threshold, $\theta$ below.",
        (r"\int \frac{d\mu_{sc}(\lambda)}{\lambda_* - \lambda} = -g(\lambda_*) = \min\left(\theta, \frac1\theta\right),"
         r" \qquad \lambda_* = \theta + \frac{1}{\theta}",),
        AllOf(
            Symbolic(sc.stieltjes_outside(LSTAR) - 1 / theta, substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic(sc.stieltjes_outside(LSTAR) - theta, substitute=BELOW, regime=_BELOW_TEXT),
            Agree(lambda pt, dps: _mp(spectral.pole_integral(), pt, dps + 10),
                  lambda pt, dps: _sc_quad(lambda v: 1 / (_mp(LSTAR, pt, dps + 10) - v), dps),
                  [Points({theta: (Q(1, 5), Q(9, 10))}, count=2, label=r"$\theta<1$"),
                   Points({theta: (Q(11, 10), Q(4))}, count=2, label=r"$\theta>1$")],
                  names=(r"$\min(\theta, 1/\theta)$", "tanh-sinh quadrature")),
        ),
        section=secA,
    ))

    # ------------------------------------------------------------------ B
    a_ = sp.Symbol("a")
    sym_A = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"a_{min(i, j) + 1}{max(i, j) + 1}", real=True))
    xs3 = sp.Matrix(sp.symbols("x_1:4", real=True))
    sm_lhs = (xs3.T * (sym_A + theta * xs3 * xs3.T).inv() * xs3)[0]
    sm_a = (xs3.T * sym_A.inv() * xs3)[0]
    add(Step(
        "sherman-morrison", "The spiked resolvent (Sherman--Morrison)",
        r"For $Y = \theta x x^\top + W$: $x^\top (Y - z)^{-1} x = a/(1 + \theta a)$ with "
        r"$a = x^\top (W - z)^{-1} x \to g(z)$ (isotropic semicircle law), so "
        r"$x^\top (Y-z)^{-1} x \to g/(1+\theta g)$.",
        (
            r"x^\top (A + \theta x x^\top)^{-1} x = " + latex(a_ / (1 + theta * a_)) +
            r", \qquad a = x^\top A^{-1} x",
            r"x^\top (Y - z)^{-1} x \;\to\; " + latex(_g / (1 + theta * _g)),
        ),
        AllOf(
            Symbolic(sp.together(sm_lhs - sm_a / (1 + theta * sm_a))),
            Numeric(lambda pt, dps: _sherman_morrison_exact(pt, dps),
                    Points({**{s: (-1, 1) for s in _as}, **{s: (-2, 2) for s in _xs4}, theta: (Q(1, 10), Q(5))},
                           count=2, label="exact rational $4\\times 4$ instances"),
                    loss=0, label="the exact rational residual"),
        ),
        section=secB,
        remark=r"The symbolic check is the identity for a general symmetric $3\times 3$ matrix $A$; the numeric "
               r"one evaluates it in exact rational arithmetic on random $4\times 4$ instances.",
    ))
    gb = (-lam - sp.I * r_) / 2   # conjugate of g(lambda + i0)
    gp = (-lam + sp.I * r_) / 2
    add(Step(
        "nu-density", r"The bulk density of $\nu_x$",
        r"With $g(\lambda + i0) = (-\lambda + i\sqrt{4-\lambda^2})/2$: $|1 + \theta g|^2 = 1 + \theta^2 - "
        r"\theta\lambda$, so $\frac1\pi \mathrm{Im}\,\frac{g}{1+\theta g} = \frac{\sqrt{4-\lambda^2}}"
        r"{2\pi(1+\theta^2-\theta\lambda)}$ on $[-2, 2]$; and $1 + \theta^2 - \theta\lambda = \theta(\lambda_*-\lambda)"
        r" = (1-\theta)^2 + \theta(2-\lambda)$, positive for $\theta \neq 1$.",
        (
            r"\frac{d\nu_x}{d\lambda} = " + latex(spectral.nu_x().density) + r", \qquad -2 < \lambda < 2",
            equation(spectral.denominator(lam), theta * (_ls - lam)) + " = " +
            latex((1 - theta) ** 2 + theta * (2 - lam)),
        ),
        AllOf(
            Symbolic(sp.expand((1 + theta * gp) * (1 + theta * gb)) - spectral.denominator(lam),
                     modulo={r_: 4 - lam**2}),
            Symbolic([spectral.denominator(lam) - theta * (LSTAR - lam),
                      spectral.denominator(lam) - ((1 - theta) ** 2 + theta * (2 - lam))]),
            Agree(lambda pt, dps: _nu_density_from_resolvent(pt, dps),
                  lambda pt, dps: _nu_density_library(pt, dps),
                  [Points({theta: (Q(1, 5), Q(3)), lam: (Q(-19, 10), Q(19, 10))}, count=4,
                          label=r"$-2 < \lambda < 2$")],
                  names=(r"$\frac1\pi\mathrm{Im}\,g/(1+\theta g)$ at $\lambda + i\,10^{-(\mathrm{dps}+20)}$",
                         "the library density"), loss=12),
        ),
        section=secB,
    ))
    add(Step(
        "nu-outlier", "The outlier and its weight (explicit numeric $\\theta$)",
        r"For $z > 2$, $g(z) \in (-1, 0)$, so $1 + \theta g(z) = 0$ has a root iff $\theta > 1$, at "
        r"$\lambda_* = \theta + 1/\theta$, where $g(\lambda_*) = -1/\theta$; below threshold "
        r"$g(\lambda_*) = -\theta$ and $1 + \theta g(\lambda_*) = 1 - \theta^2 > 0$. The residue gives the atom "
        r"$1 - \theta^{-2}$. It is computed as an exact limit at explicit numeric $\theta$: with a free positive "
        r"symbol $\theta$ SymPy's \texttt{limit} returns a wrong $0$.",
        (
            equation(_ls, LSTAR) + r", \qquad g(\lambda_*) = -\frac{1}{\theta} \quad (\theta > 1), \qquad "
            r"g(\lambda_*) = -\theta \quad (\theta < 1)",
            r"\nu_x(\{\lambda_*\}) = \lim_{z \to \lambda_*} (\lambda_* - z)\,\frac{g(z)}{1+\theta g(z)} = "
            + latex(WEIGHT) + r" \quad (\theta > 1)",
        ),
        AllOf(
            Symbolic([sc.stieltjes(LSTAR) + 1 / theta, 1 + theta * sc.stieltjes(LSTAR)],
                     substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic([sc.stieltjes(LSTAR) + theta, 1 + theta * sc.stieltjes(LSTAR) - (1 - theta**2)],
                     substitute=BELOW, regime=_BELOW_TEXT),
            Agree(lambda pt, dps: numeric_residue(pt[theta]), WEIGHT,
                  Points({theta: (Q(11, 10), Q(5))}, count=3, label=r"numeric $\theta > 1$"),
                  names=(r"SymPy's exact limit at the numeric $\theta$", r"$1 - \theta^{-2}$")),
            Numeric(lambda pt, dps: numeric_residue(pt[theta]),
                    Points({theta: (Q(1, 10), Q(9, 10))}, count=2, label=r"numeric $\theta < 1$"),
                    label="the residue (no atom below threshold)"),
        ),
        section=secB,
        remark=r"The pitfall: \texttt{limit((theta + 1/theta - z) * g/(1 + theta*g), z, theta + 1/theta)} with a "
               r"free positive $\theta$ returns $0$, the value for $\theta < 1$ (kept as a regression test). This "
               r"is the BBP transition of the Wigner case \cite{feral_peche_2007,benaych_georges_nadakuditi_2011}.",
    ))
    add(Step(
        "nu-moments", r"Mass and moments of $\nu_x$",
        r"$\nu_x$ has mass $1$, mean $x^\top Y x \to \theta$ and second moment $x^\top Y^2 x \to 1 + \theta^2$ in every "
        r"regime (bulk plus atom).",
        (r"\int d\nu_x = 1, \qquad \int \lambda\, d\nu_x = \theta, \qquad \int \lambda^2\, d\nu_x = 1 + \theta^2",),
        AllOf(
            Agree(lambda pt, dps: _moments_closed(pt, dps), lambda pt, dps: _moments_quadrature(pt, dps),
                  _theta_regions(2, at=False),
                  names=("the closed forms", "tanh-sinh quadrature of the library measure (atom included)")),
            Agree(lambda pt, dps: _moments_closed(pt, dps), lambda pt, dps: _moments_angle(pt, dps),
                  _theta_regions(1, at=True),
                  names=("the closed forms", "tanh-sinh quadrature of the angle form (atom included)")),
        ),
        section=secB,
    ))
    mass_above = sc.stieltjes_outside(LSTAR) / theta + WEIGHT
    add(Step(
        "pole-subtraction", "Pole subtraction: one formula in every regime",
        r"Since $d\nu_x = \frac{1}{\theta}\frac{d\mu_{sc}}{\lambda_* - \lambda}$ on the bulk, and the bulk mass "
        r"$\min(\theta,1/\theta)/\theta$ plus the atom is $1$ in both regimes, for every $\theta > 0$ "
        r"$\langle f\rangle_\nu = f(\lambda_*) + \frac1\theta\int \frac{f(\lambda) - f(\lambda_*)}{\lambda_* - \lambda}"
        r"\, d\mu_{sc}$. The remainder is entire, so the node count does not grow as $\theta \to 1$. This is the "
        r"evaluator's kernel, checked here on its own code path (mpmath backend) against quadrature of $\nu_x$.",
        (r"\langle f \rangle_{\nu} = f(\lambda_*) + \frac{1}{\theta} \int \frac{f(\lambda) - f(\lambda_*)}"
         r"{\lambda_* - \lambda}\, d\mu_{sc}(\lambda), \qquad \lambda_* - \lambda = \frac{(\theta-1)^2}{\theta} + "
         r"4\sin^2\frac{\varphi}{2}",
         r"\langle \lambda f \rangle_{\nu} = \lambda_* f(\lambda_*) - \frac{f(\lambda_*)}{\theta} + \frac{1}{\theta}"
         r"\int \lambda\, \frac{f(\lambda) - f(\lambda_*)}{\lambda_* - \lambda}\, d\mu_{sc}(\lambda)"),
        AllOf(
            Symbolic(mass_above - 1, substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic(sc.stieltjes_outside(LSTAR) / theta - 1, substitute=BELOW, regime=_BELOW_TEXT),
            Agree(lambda pt, dps: _kernel_vs_measure(pt, dps), lambda pt, dps: _measure_brackets(pt, dps),
                  _theta_regions(1, extra={t: (Q(1, 10), Q(8))}, at=True),
                  names=("the evaluator's pole-subtracted kernel", "tanh-sinh quadrature of the angle form")),
        ),
        section=secB,
    ))

    # ------------------------------------------------------------------ C
    ys_pts = {**{s: (-1, 1) for s in _ys}, **{s: (-1, 1) for s in _x0s}, t: (Q(1, 10), Q(2))}
    add(Step(
        "flow", "The spherical gradient flow is the normalised linear flow",
        r"$x(t) = e^{tY}x_0/|e^{tY}x_0|$ solves the Riemannian gradient flow of $\frac12 x^\top Y x$ on the unit "
        r"sphere, $x' = Yx - (x^\top Y x)x$: with $y = e^{tY}x_0$, $(y/|y|)' = Yy/|y| - y\,(y^\top Y y)/|y|^3$. "
        r"Discrete GD $x_{k+1} \propto x_k + \eta Y x_k$ gives $(I + \eta Y)^k x_0$ up to normalisation.",
        (r"x' = Y x - (x^\top Y x)\, x, \qquad x(t) = \frac{e^{tY} x_0}{|e^{tY} x_0|}, \qquad "
         r"x_k = \frac{(I + \eta Y)^k x_0}{|(I + \eta Y)^k x_0|}",),
        Numeric(lambda pt, dps: _flow_residual(pt, dps),
                Points(ys_pts, count=2, label="exact rational $3\\times 3$ instances"),
                loss=12, label=r"$x' - (Yx - (x^\top Y x)x)$ with $e^{tY}$ by \texttt{mpmath.expm}"),
        section=secC,
    ))
    nu_t, nu_2t, sc_2t = sp.symbols(r"\langle{e^{t\lambda}}\rangle_\nu \langle{e^{2t\lambda}}\rangle_\nu "
                                    r"\langle{e^{2t\lambda}}\rangle_{sc}")
    add(Step(
        "overlap", "The overlap $m(t)$",
        r"With $x_0 = \alpha x + \sqrt{1-\alpha^2}\, g$ ($g \perp x$ uniform, independent of $W$), "
        r"$\langle x, e^{tY}x_0\rangle \to \alpha \langle e^{t\lambda}\rangle_\nu$ and "
        r"$|e^{tY}x_0|^2 \to \alpha^2\langle e^{2t\lambda}\rangle_\nu + (1-\alpha^2)\langle e^{2t\lambda}\rangle_{sc}$ "
        r"(the cross terms vanish; $g$ sees the semicircle). Checked: $m(0) = \alpha$ exactly, and the library's "
        r"fast evaluation against the literal formula by quadrature of the library measures in all three regimes.",
        (
            r"m(t) = \frac{N(t)}{\sqrt{Q(t)}}, \qquad N = \alpha \langle e^{t\lambda}\rangle_\nu, \qquad "
            r"Q = \alpha^2 \langle e^{2t\lambda}\rangle_\nu + (1-\alpha^2)\frac{I_1(4t)}{2t}",
        ),
        AllOf(
            Symbolic(alpha * 1 / sp.sqrt(alpha**2 * 1 + (1 - alpha**2) * sc.mgf_series(tau, 1)) - alpha),
            Agree(lambda pt, dps: _evaluated(pt, pt[t], dps),
                  lambda pt, dps: observables_by_quadrature(pt, pt[t], dps),
                  _theta_regions(1, extra={alpha: (Q(-9, 10), Q(9, 10)), t: (Q(1, 10), Q(10))}, at=True),
                  names=("the library's fast evaluation", "tanh-sinh quadrature of the literal formula")),
        ),
        section=secC, stated=True,
        remark=r"The isotropic limits are theorems of random matrix theory (local semicircle laws, "
               r"\cite{bodin_macris_2021}); what is verified is the algebra built on them and its implementation.",
    ))
    add(Step(
        "energy", "The energy along the flow",
        r"$e(t) = x(t)^\top Y x(t) = Q'(t)/(2Q(t))$ with $\frac{d}{dt}\langle e^{2t\lambda}\rangle = "
        r"2\langle \lambda e^{2t\lambda}\rangle$ and $\langle \lambda e^{2t\lambda}\rangle_{sc} = I_2(4t)/t$; "
        r"at $t = 0$ it is $\alpha^2\theta$.",
        (r"e(t) = \frac{\alpha^2 \langle \lambda e^{2t\lambda}\rangle_\nu + (1-\alpha^2)\, I_2(4t)/t}{Q(t)}",),
        Agree(lambda pt, dps: _pick(_evaluated(pt, pt[t], dps), "energy", "Q"),
              lambda pt, dps: _pick(observables_by_quadrature(pt, pt[t], dps), "energy", "Q"),
              _theta_regions(1, extra={alpha: (Q(-9, 10), Q(9, 10)), t: (Q(1, 10), Q(6))}, at=False),
              names=("the library's fast evaluation", "tanh-sinh quadrature of the literal formula")),
        section=secC,
    ))
    add(Step(
        "gd", "Discrete gradient descent",
        r"For GD replace $e^{t\lambda}$ by $(1+\eta\lambda)^k$. Since $1 + \eta\lambda_* > 1 + 2\eta > "
        r"|1 - 2\eta|$ for every $\eta > 0$, no step-size restriction is needed and the outlier dominates above "
        r"threshold as for the flow.",
        (r"m_k = \frac{\alpha \langle (1+\eta\lambda)^k\rangle_\nu}{\sqrt{\alpha^2 \langle (1+\eta\lambda)^{2k}"
         r"\rangle_\nu + (1-\alpha^2)\langle (1+\eta\lambda)^{2k}\rangle_{sc}}}",),
        AllOf(
            Symbolic([sp.factor((1 + eta * LSTAR) - (1 + 2 * eta)) - eta * (theta - 1) ** 2 / theta,
                      (1 + 2 * eta) - (1 - 2 * eta) - 4 * eta]),
            Agree(lambda pt, dps: _evaluated(pt, pt[k], dps, gd=True),
                  lambda pt, dps: observables_by_quadrature(pt, pt[k], dps, gd=True),
                  _theta_regions(1, extra={alpha: (Q(-9, 10), Q(9, 10)), eta: (Q(1, 10), Q(2)), k: (1, 25)},
                                 at=True),
                  names=("the library's fast evaluation", "tanh-sinh quadrature of the literal formula")),
        ),
        section=secC,
    ))

    # ------------------------------------------------------------------ D
    wpos = sp.Symbol("omega", positive=True)
    apos = sp.Symbol("a", positive=True)   # |alpha|: the two signs of alpha
    Kb = spectral.decay_amplitude()
    Ka = spectral.threshold_amplitude()
    add(Step(
        "limit-above", "Above threshold: the BBP limit $\\mathrm{sgn}(\\alpha)\\sqrt{1-\\theta^{-2}}$",
        r"For $\theta > 1$ the atom dominates: $N \sim \alpha\,\omega\, e^{t\lambda_*}$ and "
        r"$Q \sim \alpha^2 \omega\, e^{2t\lambda_*}$ with $\omega = 1-\theta^{-2}$, so "
        r"$m \to \alpha\omega/(|\alpha|\sqrt\omega) = \mathrm{sgn}(\alpha)\sqrt{1-\theta^{-2}}$ and the energy "
        r"tends to $\lambda_*$, with corrections $O(e^{-t(\lambda_*-2)} t^{-3/2})$. The regime is decided from the "
        r"exact sign of $\theta - 1$, never by a symbolic limit in $t$.",
        (r"\lim_{t\to\infty} m(t) = \mathrm{sgn}(\alpha)\sqrt{1 - \theta^{-2}}, \qquad "
         r"\lim_{t\to\infty} e(t) = \theta + \frac{1}{\theta}, \qquad \tau_{\mathrm{relax}} = "
         r"\frac{1}{\lambda_* - 2} = \frac{\theta}{(\theta-1)^2}",),
        AllOf(
            Symbolic([apos * wpos / sp.sqrt(apos**2 * wpos) - sp.sqrt(wpos),
                      -apos * wpos / sp.sqrt(apos**2 * wpos) + sp.sqrt(wpos)]),
            Numeric(lambda pt, dps: _large_t_above(pt, dps),
                    Points({theta: (Q(13, 10), Q(3)), alpha: (Q(-9, 10), Q(9, 10))}, count=3,
                           label=r"$\theta > 1$, $t = (\mathrm{dps}+10)\ln 10/(\lambda_*-2)$"),
                    loss=6, label="$m(t)$ and $e(t)$ minus their limits (library evaluation)"),
        ),
        section=secD,
    ))
    w_nu, w_sc = Kb["w_nu"], Kb["w_sc"]
    add(Step(
        "limit-below", "Below threshold: $m \\sim K t^{-3/4}$ (Laplace's method at the edge)",
        r"For $\theta < 1$ every density vanishes like $w\sqrt{2-\lambda}$ at the edge, with "
        r"$w_\nu = 1/(\pi(1-\theta)^2)$ and $w_{sc} = 1/\pi$. With $\int_0^\infty e^{-\tau u}\sqrt u\,du = "
        r"\Gamma(3/2)\tau^{-3/2}$: $N \sim \alpha w_\nu \Gamma(\frac32) e^{2t}t^{-3/2}$ and "
        r"$Q \sim (\alpha^2 w_\nu + (1-\alpha^2)w_{sc})\Gamma(\frac32)e^{4t}(2t)^{-3/2}$.",
        (r"m(t) \sim K t^{-3/4}, \qquad K = \frac{(2\pi)^{1/4}\alpha w_\nu}{\sqrt{\alpha^2 w_\nu + (1-\alpha^2) w_{sc}}}"
         r" = " + latex(Kb["K_closed"]),),
        AllOf(
            Symbolic([sp.integrate(sp.exp(-tau * u_) * sp.sqrt(u_), (u_, 0, sp.oo)) - sp.gamma(Q(3, 2)) * tau ** Q(-3, 2),
                      sp.limit(spectral.nu_x().density.subs(lam, 2 - u_) / sp.sqrt(u_), u_, 0) - w_nu,
                      sp.limit(sc.density(2 - u_) / sp.sqrt(u_), u_, 0) - w_sc]),
            Symbolic(Kb["K"] - Kb["K_closed"], substitute=BELOW, regime=_BELOW_TEXT),
            Numeric(lambda pt, dps: _richardson(pt, dps),
                    Points({theta: (Q(1, 5), Q(7, 10)), alpha: (Q(-9, 10), Q(9, 10))}, count=2,
                           label=r"$\theta < 1$"),
                    tolerance=Q(1, 10**4),
                    label=r"Richardson extrapolation of $t^{3/4} m(t)$ (corrections in $1/t$) over $K$, minus 1"),
        ),
        section=secD,
        remark=r"The edge limits of the densities are taken at fixed $\theta \ne 1$ in the variable $u = 2-\lambda$: "
               r"no competing exponentials, and $(1-\theta)^2 > 0$.",
    ))
    add(Step(
        "limit-at", "At threshold: $m \\sim \\mathrm{sgn}(\\alpha)(2/\\pi)^{1/4} t^{-1/4}$",
        r"At $\theta = 1$ the pole sits on the edge: the density $\sqrt{2+\lambda}/(2\pi\sqrt{2-\lambda})$ behaves "
        r"like $v(2-\lambda)^{-1/2}$ with $v = 1/\pi$, and $\int_0^\infty e^{-\tau u}u^{-1/2}du = \sqrt{\pi/\tau}$, "
        r"so $N \sim \alpha v\sqrt\pi e^{2t}t^{-1/2}$ and $Q \sim \alpha^2 v\sqrt\pi e^{4t}(2t)^{-1/2}$: the "
        r"amplitude does not depend on $|\alpha|$ (the semicircle part is smaller by $1/t$).",
        (r"m(t) \sim " + latex(Ka["K_closed"]) + r"\, t^{-1/4}",),
        AllOf(
            Symbolic([sp.integrate(sp.exp(-tau * u_) / sp.sqrt(u_), (u_, 0, sp.oo)) - sp.sqrt(sp.pi / tau),
                      sp.limit(spectral.nu_x().density.subs({theta: 1, lam: 2 - u_}) * sp.sqrt(u_), u_, 0) - Ka["v"],
                      Ka["K"] - Ka["K_closed"]]),
            Numeric(lambda pt, dps: _richardson(pt, dps),
                    Points({alpha: (Q(-9, 10), Q(9, 10))}, fixed={theta: sp.Integer(1)}, count=2,
                           label=r"$\theta = 1$"),
                    tolerance=Q(1, 10**4),
                    label=r"Richardson extrapolation of $t^{1/4} m(t)$ over $K$, minus 1"),
        ),
        section=secD,
    ))
    add(Step(
        "limit-gd", "Discrete GD: the same limits in effective time $k\\eta/(1+2\\eta)$",
        r"Near the edge $(1+\eta\lambda)^k = (1+2\eta)^k \exp(k\log(1 - \eta u/(1+2\eta))) \approx (1+2\eta)^k "
        r"e^{-\tau u}$ with $u = 2-\lambda$ and $\tau = k\eta/(1+2\eta)$, so the power laws hold in $k$ with "
        r"amplitudes $K(\eta/(1+2\eta))^{-p}$; above threshold the limit is the BBP value.",
        (r"m_k \sim K \left(\frac{k\eta}{1+2\eta}\right)^{-p}, \qquad p = \tfrac34\ (\theta<1),\ \tfrac14\ (\theta=1)",),
        Numeric(lambda pt, dps: _richardson(pt, dps, gd=True),
                [Points({theta: (Q(1, 5), Q(7, 10)), alpha: (Q(1, 10), Q(9, 10)), eta: (Q(1, 4), Q(2))}, count=1,
                        label=r"$\theta < 1$"),
                 Points({alpha: (Q(1, 10), Q(9, 10)), eta: (Q(1, 4), Q(2))}, fixed={theta: sp.Integer(1)}, count=1,
                        label=r"$\theta = 1$")],
                tolerance=Q(1, 10**4), label="Richardson extrapolation in $1/k$ over the amplitude, minus 1"),
        section=secD,
    ))

    # ------------------------------------------------------------------ E
    M1, M2 = sp.symbols("m_1 m_2")
    D = sp.diag(w_ * M1, w_ * M2)
    J = sp.Matrix([[0, 1], [1, 0]])
    Winv = (D.inv() + theta * J).inv()
    Tw = w_**2 * M1 * M2
    gsym = sp.Symbol("g")
    Dg = sp.diag(gsym, gsym)
    P = sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2)
    Rs = mpl.R_symbol
    c1 = {c: sp.Integer(1)}
    add(Step(
        "hermitization-law", "The symmetrised singular-value law",
        r"$H = \begin{pmatrix} 0 & X \\ X^\top & 0\end{pmatrix}$ has eigenvalues $\pm s_i$ (singular values of $X$) and "
        r"$|p-n|$ zeros; its diagonal resolvent blocks are $w\,m_1(w^2)$ and $w\,m_2(w^2)$, so its spectrum is the "
        r"law of $\pm\sqrt{\lambda}$, $\lambda$ Marchenko--Pastur: the semicircle's role is played by this "
        r"symmetrised singular-value law. At $c = 1$ it \emph{is} the semicircle: $|s|\rho_1(s^2) = "
        r"\sqrt{4-s^2}/(2\pi)$ and $w\,m_{1,2}(w^2) = g_{sc}(w)$ (with $R(w^2) = w\sqrt{w^2-4}$).",
        (
            r"(H - w)^{-1} = \begin{pmatrix} w\,G(w^2) & G(w^2) X \\ X^\top G(w^2) & w\,\tilde G(w^2) \end{pmatrix}, "
            r"\qquad G(z) = (XX^\top - z)^{-1}",
            r"c = 1: \quad |s|\, \frac{r(s^2)}{2\pi s^2} = \frac{\sqrt{4 - s^2}}{2\pi}, \qquad "
            r"w\, m_1(w^2) = w\, m_2(w^2) = \frac{-w + \sqrt{w^2 - 4}}{2}",
        ),
        AllOf(
            Symbolic(s_ * (mpl.r(s_**2) / (2 * sp.pi * s_**2)).subs(c1) - sc.density(s_)),
            Symbolic([(w_ * mpl.m1(w_**2, w_ * S_)).subs(c1) - (-w_ + S_) / 2,
                      (w_ * mpl.m2(w_**2, w_ * S_)).subs(c1) - (-w_ + S_) / 2,
                      ((w_ * S_) ** 2 - (w_**2 - mpl.lambda_minus()) * (w_**2 - mpl.lambda_plus())).subs(c1)],
                     modulo={S_: w_**2 - 4}),
            Agree(lambda pt, dps: _h_resolvent_blocks(pt, dps), lambda pt, dps: _sc_stieltjes_pair(pt, dps),
                  Points({w_: (Q(21, 10), Q(8))}, count=3, label="$c = 1$, real $w > 2$"),
                  names=(r"$w\,m_{1,2}(w^2)$ (principal roots)", r"$g_{sc}(w)$")),
        ),
        section=secE,
    ))
    add(Step(
        "hermitization-family", "The $2\\times 2$ family of measures and its single pole",
        r"The rectangular spike is $\theta U J U^\top$ with $U = [(u;0), (0;v)]$, $J = "
        r"\begin{pmatrix}0&1\\1&0\end{pmatrix}$, so the scalar Sherman--Morrison step becomes a $2\times 2$ "
        r"Woodbury step: $U^\top (H-w)^{-1} U \to (D^{-1} + \theta J)^{-1}$, $D = \mathrm{diag}(w m_1(w^2), w m_2(w^2))$. "
        r"Its entries (the resolvents of $\nu_{uu}$, $\nu_{vv}$, $\nu_{uv}$, \texttt{rank\_one\_denoising.spectral}) share the "
        r"denominator $1 - \theta^2 T(z)$, $z = w^2$: one pole $\lambda_*$ for the whole family, as the single "
        r"pole $1 + \theta g = 0$ of the spiked Wigner model. At $c = 1$ ($D = gI$) the basis "
        r"$e_\pm = (u; \pm v)/\sqrt2$ diagonalises it into two spiked Wigner resolvents with spikes $\pm\theta$.",
        (
            r"\left(D^{-1} + \theta J\right)^{-1} = \frac{1}{1 - \theta^2 T}\begin{pmatrix} w m_1 & -\theta T \\ "
            r"-\theta T & w m_2 \end{pmatrix}, \qquad T = w^2 m_1 m_2",
            r"c = 1: \quad P\left(g^{-1} I + \theta J\right)^{-1} P^\top = \mathrm{diag}\left(\frac{g}{1 + \theta g}, "
            r"\frac{g}{1 - \theta g}\right), \qquad P = \frac{1}{\sqrt 2}\begin{pmatrix}1&1\\1&-1\end{pmatrix}",
        ),
        AllOf(
            Symbolic([Winv[0, 0] - w_ * M1 / (1 - theta**2 * Tw), Winv[1, 1] - w_ * M2 / (1 - theta**2 * Tw),
                      Winv[0, 1] + theta * Tw / (1 - theta**2 * Tw)]),
            Symbolic([spikes.resolvent_uu(z).subs(mpl.R(z), Rs) * (1 - theta**2 * mpl.T_closed(z, Rs))
                      - mpl.m1(z, Rs),
                      spikes.resolvent_vv(z).subs(mpl.R(z), Rs) * (1 - theta**2 * mpl.T_closed(z, Rs))
                      - mpl.m2(z, Rs),
                      spikes.resolvent_uv(z).subs(mpl.R(z), Rs) * (1 - theta**2 * mpl.T_closed(z, Rs))
                      + theta * mpl.T_closed(z, Rs)]),
            Symbolic(P * (Dg.inv() + theta * J).inv() * P.T
                     - sp.diag(gsym / (1 + theta * gsym), gsym / (1 - theta * gsym))),
        ),
        section=secE,
    ))
    add(Step(
        "hermitization-pole", "The shared pole and its residues at explicit numeric $(c, \\theta)$",
        r"Above threshold $1 - \theta^2 T(\lambda_*) = 0$ at $\lambda_* = (1+\theta^2)(c+\theta^2)/\theta^2$, and the "
        r"three residues there are the atoms $\zeta_u$, $\zeta_v$ and $(\theta^4-c)/\theta^3 = s_1\sqrt{\zeta_u\zeta_v}$, "
        r"computed as exact SymPy limits at explicit numeric parameters (a free positive $\theta$ would give a "
        r"wrong $0$, as in step \ref{step:nu-outlier}). At $c = 1$: $\lambda_* = (\theta + 1/\theta)^2$ and "
        r"$\zeta_u = \zeta_v = 1 - \theta^{-2}$, the square of the Wigner outlier and its weight.",
        (r"\mathrm{Res}_{\lambda_*}: \quad \zeta_u = \frac{\theta^4-c}{\theta^2(\theta^2+c)}, \quad "
         r"\zeta_v = \frac{\theta^4-c}{\theta^2(\theta^2+1)}, \quad \frac{\theta^4-c}{\theta^3}; \qquad "
         r"c = 1:\ \lambda_* = \left(\theta + \frac1\theta\right)^2,\ \zeta_u = \zeta_v = 1 - \theta^{-2}",),
        AllOf(
            Agree(lambda pt, dps: _rect_residues(pt, dps), lambda pt, dps: _rect_weights(pt, dps),
                  Points({c: (Q(1, 5), Q(3)), theta: (Q(1, 2), Q(3))}, count=3,
                         where=lambda pt: pt[theta] ** 4 > Q(6, 5) * pt[c], label=r"numeric $\theta^4 > c$"),
                  names=("SymPy's exact limits at the numeric point", "the closed-form atoms")),
            Symbolic([(spikes.outlier_eigenvalue() - LSTAR**2).subs(c1), (spikes.zeta_u() - WEIGHT).subs(c1),
                      (spikes.zeta_v() - WEIGHT).subs(c1), (spikes.uv_atom() - LSTAR * WEIGHT).subs(c1),
                      (spikes.threshold() - spectral.threshold()).subs(c1)]),
        ),
        section=secE,
    ))
    rho_w = spectral.nu_x().density.subs(lam, s_)
    rho_wm = spectral.nu_x().density.subs(lam, -s_)
    lam_s = s_**2
    add(Step(
        "hermitization-c1", "At $c = 1$ the rectangular measures are pushforwards of $\\nu_x$",
        r"At $c = 1$, $e_+ = (u; v)/\sqrt 2$ carries the spiked Wigner measure $\nu_x$ of step "
        r"\ref{step:nu-density} in the singular-value variable $s$, and $e_-$ its mirror image; since "
        r"$(u;0) = (e_+ + e_-)/\sqrt2$, $\nu_{uu}$ is the pushforward of $\nu_x$ under $s \mapsto s^2$ and "
        r"$\nu_{uv}$ the pushforward of $s\,\nu_x$ (odd part). The densities and atoms match identically.",
        (r"\frac{d\nu_{uu}}{d\lambda}(s^2) = \frac{\rho_\nu(s) + \rho_\nu(-s)}{2s}, \qquad "
         r"\frac{d\nu_{uv}}{d\lambda}(s^2) = \frac{\rho_\nu(s) - \rho_\nu(-s)}{2}, \qquad c = 1",),
        Symbolic([
            (spikes.nu_uu().density.subs(lam, lam_s).subs(c1) - (rho_w + rho_wm) / (2 * s_)),
            (spikes.nu_uv().density.subs(lam, lam_s).subs(c1) - (rho_w - rho_wm) / 2),
        ]),
        section=secE,
        remark=r"So the symmetric model is the rectangular one at $c = 1$ seen through $H$ along $e_+$; for "
               r"$c \ne 1$ the semicircle becomes the symmetrised singular-value law and $\nu_x$ the $2\times 2$ family.",
    ))
    return steps


_INTRO = r"""
We derive the deterministic equivalent of the overlap $m(t) = \langle x, x(t)\rangle$ for the spherical gradient
flow (and discrete gradient descent) on the spiked Wigner model $Y = \theta x x^\top + W$, $W$ from the GOE with
$\mathbb{E} W_{ij}^2 = 1/n$, started at $x_0 = \alpha x + \sqrt{1-\alpha^2}\,g$ \cite{bodin_macris_2021}. The
dynamics is linear up to normalisation, $x(t) = e^{tY}x_0/|e^{tY}x_0|$, so everything reduces to integrals of
$e^{t\lambda}$ against the spectral measure $\nu_x$ of $Y$ at $x$ (semicircle reweighted by
$1/(1+\theta^2-\theta\lambda)$, plus the BBP atom for $\theta > 1$) and against the semicircle, whose moment
generating function is the Bessel function $I_1(2\tau)/\tau$. Every step states one identity and records how
symdyn verified it: symbolically, numerically at seeded random exact rational points at high precision, or by two
independent routes (closed form against quadrature). The last section shows how the rectangular rank-one model
reduces to the same structure through the Hermitization.
"""


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The spiked Wigner derivation (built once; immutable).

    >>> [s.key for s in derivation()][:3]
    ['sc-stieltjes', 'sc-moments', 'sc-mgf']
    """
    bib = "\n\n".join(cit.bibtex.strip() for cit in spec.CITATIONS)
    return Derivation(
        "spiked-wigner",
        "Gradient-descent dynamics of the spiked Wigner model: a verified derivation",
        tuple(_steps()),
        introduction=_INTRO,
        bibliography=bib,
    )
