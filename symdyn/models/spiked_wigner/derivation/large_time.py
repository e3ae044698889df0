"""D. The large-time behaviour per regime: the BBP limit, the ``t^(-3/4)`` and ``t^(-1/4)`` amplitudes, GD."""

from __future__ import annotations

import sympy as sp

from ....derive import AllOf, Numeric, Points, Step, Symbolic
from ....tex import latex
from ....laws import semicircle as sc
from ....symbols import alpha, eta, lam, tau, theta
from .. import spectral
from ._notation import Q, BELOW, _BELOW_TEXT, u_
from .routes import large_t_above, richardson

__all__ = ["steps", "SECTION"]

SECTION = "Large-time behaviour"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_limits()]


def _limits() -> list[Step]:
    """The large-time limit above, below and at threshold, and for GD."""
    steps: list[Step] = []
    add = steps.append
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
            Numeric(lambda pt, dps: large_t_above(pt, dps),
                    Points({theta: (Q(13, 10), Q(3)), alpha: (Q(-9, 10), Q(9, 10))}, count=3,
                           label=r"$\theta > 1$, $t = (\mathrm{dps}+10)\ln 10/(\lambda_*-2)$"),
                    loss=6, label="$m(t)$ and $e(t)$ minus their limits (library evaluation)"),
        ),
        section=SECTION,
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
            Numeric(lambda pt, dps: richardson(pt, dps),
                    Points({theta: (Q(1, 5), Q(7, 10)), alpha: (Q(-9, 10), Q(9, 10))}, count=2,
                           label=r"$\theta < 1$"),
                    tolerance=Q(1, 10**4),
                    label=r"Richardson extrapolation of $t^{3/4} m(t)$ (corrections in $1/t$) over $K$, minus 1"),
        ),
        section=SECTION,
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
            Numeric(lambda pt, dps: richardson(pt, dps),
                    Points({alpha: (Q(-9, 10), Q(9, 10))}, fixed={theta: sp.Integer(1)}, count=2,
                           label=r"$\theta = 1$"),
                    tolerance=Q(1, 10**4),
                    label=r"Richardson extrapolation of $t^{1/4} m(t)$ over $K$, minus 1"),
        ),
        section=SECTION,
    ))
    add(Step(
        "limit-gd", "Discrete GD: the same limits in effective time $k\\eta/(1+2\\eta)$",
        r"Near the edge $(1+\eta\lambda)^k = (1+2\eta)^k \exp(k\log(1 - \eta u/(1+2\eta))) \approx (1+2\eta)^k "
        r"e^{-\tau u}$ with $u = 2-\lambda$ and $\tau = k\eta/(1+2\eta)$, so the power laws hold in $k$ with "
        r"amplitudes $K(\eta/(1+2\eta))^{-p}$; above threshold the limit is the BBP value.",
        (r"m_k \sim K \left(\frac{k\eta}{1+2\eta}\right)^{-p}, \qquad p = \tfrac34\ (\theta<1),\ \tfrac14\ (\theta=1)",),
        Numeric(lambda pt, dps: richardson(pt, dps, gd=True),
                [Points({theta: (Q(1, 5), Q(7, 10)), alpha: (Q(1, 10), Q(9, 10)), eta: (Q(1, 4), Q(2))}, count=1,
                        label=r"$\theta < 1$"),
                 Points({alpha: (Q(1, 10), Q(9, 10)), eta: (Q(1, 4), Q(2))}, fixed={theta: sp.Integer(1)}, count=1,
                        label=r"$\theta = 1$")],
                tolerance=Q(1, 10**4), label="Richardson extrapolation in $1/k$ over the amplitude, minus 1"),
        section=SECTION,
    ))
    return steps
