"""A. The semicircle law: Stieltjes transform, Catalan moments, the MGF ``I_1(2 tau)/tau``, GD moments, the pole integral."""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ....derive import Agree, AllOf, Points, Step, Symbolic
from ....tex import equation, latex
from ....laws import semicircle as sc
from ....symbols import eta, k, tau, theta, z
from .. import spectral
from ._notation import Q, ABOVE, BELOW, _ABOVE_TEXT, _BELOW_TEXT, S_, LSTAR, G_S, _g, mp_at
from .routes import sc_quad

__all__ = ["steps", "SECTION"]

SECTION = "The semicircle law"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_semicircle()]


def _semicircle() -> list[Step]:
    """The semicircle law and its moment generating function."""
    steps: list[Step] = []
    add = steps.append
    mod_S = {S_: z**2 - 4}
    mgf = sc.mgf_closed(tau)
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
            Agree(lambda pt, dps: sc.stieltjes_numeric(mp_at(pt[z], pt, dps + 10)),
                  lambda pt, dps: sc_quad(lambda v: 1 / (v - mp_at(pt[z], pt, dps + 10)), dps),
                  Points({z: (Q(21, 10), Q(8))}, count=3, label="$z > 2$"),
                  names=("the closed form (principal roots)", "tanh-sinh quadrature of the density")),
        ),
        section=SECTION,
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
              lambda pt, dps: {"even": sc_quad(lambda v: v ** (2 * int(pt[k])), dps),
                               "odd": sc_quad(lambda v: v ** (2 * int(pt[k]) + 1), dps)},
              Points({k: (0, 25)}, count=4, label="$0 \\le j \\le 25$"),
              names=("Catalan numbers", "tanh-sinh quadrature")),
        section=SECTION,
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
            Agree(lambda pt, dps: sc.mgf_numeric(mp_at(pt[tau], pt, dps + 10)),
                  lambda pt, dps: sc_quad(lambda v: mp.exp(mp_at(pt[tau], pt, dps + 10) * v), dps),
                  Points({tau: (Q(1, 100), Q(30))}, count=4, label=r"$0 < \tau < 30$"),
                  names=(r"$I_1(2\tau)/\tau$ (mpmath)", "tanh-sinh quadrature of the density")),
        ),
        section=SECTION,
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
            Agree(lambda pt, dps: sc.mgf_lambda_scaled_numeric(mp_at(pt[tau], pt, dps + 10), 0),
                  lambda pt, dps: sc_quad(lambda v: v * mp.exp(mp_at(pt[tau], pt, dps + 10) * v), dps),
                  Points({tau: (Q(1, 100), Q(30))}, count=3, label=r"$0 < \tau < 30$"),
                  names=(r"$2 I_2(2\tau)/\tau$ (library, scaled form)", "tanh-sinh quadrature")),
        ),
        section=SECTION,
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
                  lambda pt, dps: {"even": sc_quad(lambda v: (1 + mp_at(pt[eta], pt, dps + 10) * v) ** (2 * int(pt[k])),
                                                    dps),
                                   "odd": sc_quad(lambda v: v * (1 + mp_at(pt[eta], pt, dps + 10) * v)
                                                   ** (2 * int(pt[k])), dps)},
                  Points({eta: (Q(1, 20), Q(2)), k: (1, 30)}, count=3, label=r"$0<\eta<2$, $1 \le k \le 30$"),
                  names=("the Catalan sums", "tanh-sinh quadrature")),
            Agree(lambda pt, dps: {"even": sc.gd_moment_closed(pt[eta], int(pt[k])),
                                   "odd": sc.gd_lambda_moment_closed(pt[eta], int(pt[k]))},
                  lambda pt, dps: {"even": sc.gd_moment_scaled(mp_at(pt[eta], pt, dps + 10), int(pt[k]), 1),
                                   "odd": sc.gd_lambda_moment_scaled(mp_at(pt[eta], pt, dps + 10), int(pt[k]), 1)},
                  Points({eta: (Q(1, 20), Q(2)), k: (1, 200)}, count=3, label=r"$1 \le k \le 200$"),
                  names=("the exact sums", "the library's term-ratio recursion")),
        ),
        section=SECTION,
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
            Agree(lambda pt, dps: mp_at(spectral.pole_integral(), pt, dps + 10),
                  lambda pt, dps: sc_quad(lambda v: 1 / (mp_at(LSTAR, pt, dps + 10) - v), dps),
                  [Points({theta: (Q(1, 5), Q(9, 10))}, count=2, label=r"$\theta<1$"),
                   Points({theta: (Q(11, 10), Q(4))}, count=2, label=r"$\theta>1$")],
                  names=(r"$\min(\theta, 1/\theta)$", "tanh-sinh quadrature")),
        ),
        section=SECTION,
    ))
    return steps
