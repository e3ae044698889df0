"""C. The dynamics: the sphere ODE, the overlap and energy formulas, discrete GD."""

from __future__ import annotations

import sympy as sp

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from ....laws import semicircle as sc
from ....symbols import alpha, eta, k, t, tau, theta
from ._notation import Q, LSTAR, theta_regions, _ys, _x0s
from .routes import evaluated, flow_residual, observables_by_quadrature, pick

__all__ = ["steps", "SECTION"]

SECTION = "Dynamics"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_dynamics()]


def _dynamics() -> list[Step]:
    """The flow, the overlap, the energy and GD."""
    steps: list[Step] = []
    add = steps.append
    ys_pts = {**{s: (-1, 1) for s in _ys}, **{s: (-1, 1) for s in _x0s}, t: (Q(1, 10), Q(2))}
    add(Step(
        "flow", "The spherical gradient flow is the normalised linear flow",
        r"$x(t) = e^{tY}x_0/|e^{tY}x_0|$ solves the Riemannian gradient flow of $\frac12 x^\top Y x$ on the unit "
        r"sphere, $x' = Yx - (x^\top Y x)x$: with $y = e^{tY}x_0$, $(y/|y|)' = Yy/|y| - y\,(y^\top Y y)/|y|^3$. "
        r"Discrete GD $x_{k+1} \propto x_k + \eta Y x_k$ gives $(I + \eta Y)^k x_0$ up to normalisation.",
        (r"x' = Y x - (x^\top Y x)\, x, \qquad x(t) = \frac{e^{tY} x_0}{|e^{tY} x_0|}, \qquad "
         r"x_k = \frac{(I + \eta Y)^k x_0}{|(I + \eta Y)^k x_0|}",),
        Numeric(lambda pt, dps: flow_residual(pt, dps),
                Points(ys_pts, count=2, label="exact rational $3\\times 3$ instances"),
                loss=12, label=r"$x' - (Yx - (x^\top Y x)x)$ with $e^{tY}$ by \texttt{mpmath.expm}"),
        section=SECTION,
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
            Agree(lambda pt, dps: evaluated(pt, pt[t], dps),
                  lambda pt, dps: observables_by_quadrature(pt, pt[t], dps),
                  theta_regions(1, extra={alpha: (Q(-9, 10), Q(9, 10)), t: (Q(1, 10), Q(10))}, at=True),
                  names=("the library's fast evaluation", "tanh-sinh quadrature of the literal formula")),
        ),
        section=SECTION, stated=True,
        remark=r"The isotropic limits are theorems of random matrix theory (local semicircle laws, "
               r"\cite{bodin_macris_2021}); what is verified is the algebra built on them and its implementation.",
    ))
    add(Step(
        "energy", "The energy along the flow",
        r"$e(t) = x(t)^\top Y x(t) = Q'(t)/(2Q(t))$ with $\frac{d}{dt}\langle e^{2t\lambda}\rangle = "
        r"2\langle \lambda e^{2t\lambda}\rangle$ and $\langle \lambda e^{2t\lambda}\rangle_{sc} = I_2(4t)/t$; "
        r"at $t = 0$ it is $\alpha^2\theta$.",
        (r"e(t) = \frac{\alpha^2 \langle \lambda e^{2t\lambda}\rangle_\nu + (1-\alpha^2)\, I_2(4t)/t}{Q(t)}",),
        Agree(lambda pt, dps: pick(evaluated(pt, pt[t], dps), "energy", "Q"),
              lambda pt, dps: pick(observables_by_quadrature(pt, pt[t], dps), "energy", "Q"),
              theta_regions(1, extra={alpha: (Q(-9, 10), Q(9, 10)), t: (Q(1, 10), Q(6))}, at=False),
              names=("the library's fast evaluation", "tanh-sinh quadrature of the literal formula")),
        section=SECTION,
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
            Agree(lambda pt, dps: evaluated(pt, pt[k], dps, gd=True),
                  lambda pt, dps: observables_by_quadrature(pt, pt[k], dps, gd=True),
                  theta_regions(1, extra={alpha: (Q(-9, 10), Q(9, 10)), eta: (Q(1, 10), Q(2)), k: (1, 25)},
                                 at=True),
                  names=("the library's fast evaluation", "tanh-sinh quadrature of the literal formula")),
        ),
        section=SECTION,
    ))
    return steps
