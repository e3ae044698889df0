"""B. The spiked resolvent (Sherman-Morrison), the measure ``nu_x`` and the pole subtraction."""

from __future__ import annotations

import sympy as sp

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from ....tex import equation, latex
from ....laws import semicircle as sc
from ....symbols import lam, t, theta
from .. import spectral
from ._notation import Q, ABOVE, BELOW, _ABOVE_TEXT, _BELOW_TEXT, r_, LSTAR, WEIGHT, _ls, _g, theta_regions, _as, _xs4
from .routes import (
    kernel_vs_measure,
    measure_brackets,
    moments_angle,
    moments_closed,
    moments_quadrature,
    nu_density_from_resolvent,
    nu_density_library,
    numeric_residue,
    sherman_morrison_exact,
)

__all__ = ["steps", "SECTION"]

SECTION = r"The spiked resolvent and the measure $\nu_x$"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_resolvent_and_measure()]


def _resolvent_and_measure() -> list[Step]:
    """Sherman-Morrison, the density, outlier, moments of ``nu_x``, the pole subtraction."""
    steps: list[Step] = []
    add = steps.append
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
            Numeric(lambda pt, dps: sherman_morrison_exact(pt, dps),
                    Points({**{s: (-1, 1) for s in _as}, **{s: (-2, 2) for s in _xs4}, theta: (Q(1, 10), Q(5))},
                           count=2, label="exact rational $4\\times 4$ instances"),
                    loss=0, label="the exact rational residual"),
        ),
        section=SECTION,
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
            Agree(lambda pt, dps: nu_density_from_resolvent(pt, dps),
                  lambda pt, dps: nu_density_library(pt, dps),
                  [Points({theta: (Q(1, 5), Q(3)), lam: (Q(-19, 10), Q(19, 10))}, count=4,
                          label=r"$-2 < \lambda < 2$")],
                  names=(r"$\frac1\pi\mathrm{Im}\,g/(1+\theta g)$ at $\lambda + i\,10^{-(\mathrm{dps}+20)}$",
                         "the library density"), loss=12),
        ),
        section=SECTION,
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
        section=SECTION,
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
            Agree(lambda pt, dps: moments_closed(pt, dps), lambda pt, dps: moments_quadrature(pt, dps),
                  theta_regions(2, at=False),
                  names=("the closed forms", "tanh-sinh quadrature of the library measure (atom included)")),
            Agree(lambda pt, dps: moments_closed(pt, dps), lambda pt, dps: moments_angle(pt, dps),
                  theta_regions(1, at=True),
                  names=("the closed forms", "tanh-sinh quadrature of the angle form (atom included)")),
        ),
        section=SECTION,
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
            Agree(lambda pt, dps: kernel_vs_measure(pt, dps), lambda pt, dps: measure_brackets(pt, dps),
                  theta_regions(1, extra={t: (Q(1, 10), Q(8))}, at=True),
                  names=("the evaluator's pole-subtracted kernel", "tanh-sinh quadrature of the angle form")),
        ),
        section=SECTION,
    ))
    return steps
