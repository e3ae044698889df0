"""Section B: the scalar flow lambda' = N lambda^p (s - lambda) and the closed forms of its times."""

from __future__ import annotations

import sympy as sp

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from ....tex import latex
from .. import closed_forms as cf
from . import routes
from .notation import Fprime, Ni, Nr, Q, al, l0, lev, p, s, t, u, w, x
from .residuals import real_antiderivative, sympy_antiderivative

SECTION = r"The scalar flow $\lambda' = N\lambda^{2-2/N}(s-\lambda)$"


def steps() -> list[Step]:
    """The section's steps, in order."""
    steps: list[Step] = []
    add = steps.append
    ode_res = Ni * w ** (Ni - 1) * w ** (Ni - 1) * (s - w**Ni) - Ni * (w**Ni) ** (2 - Q(2) / Ni) * (s - w**Ni)
    add(Step(
        "scalar-ode", "The product eigenvalue obeys a scalar ODE",
        r"With $w' = w^{N-1}(s - w^N)$ and $\lambda = w^N$: $\lambda' = N\lambda^{2-2/N}(s - \lambda)$.",
        (r"\lambda' = N\,\lambda^{2-2/N}\,(s - \lambda), \qquad p = 2 - \frac{2}{N}",),
        Symbolic([sp.powsimp(sp.powdenest(ode_res.subs(Ni, n), force=True), force=True) for n in (2, 3, 4, 5)]),
        section=SECTION,
    ))
    add(Step(
        "F-hypergeometric", "The time to reach in closed form",
        r"$T(l_0 \to l_1; s, N) = s^{-p}[F_N(l_1/s) - F_N(l_0/s)]$ with $F_N' = 1/(N x^p(1-x))$, "
        r"$F_2 = \frac12\log\frac{x}{1-x}$ and, for every real $N > 2$, the Gauss function form.",
        (r"F_N(x) = -\frac{x^{-(N-2)/N}}{N-2} + \frac{x^{2/N}}{2}\,{}_2F_1\!\left(1, \tfrac{2}{N}; 1 + \tfrac2N; x\right)",
         r"F_2(x) = \tfrac12 \log\frac{x}{1-x}"),
        AllOf(
            Numeric(routes.F_deriv_residual, Points({x: (Q(1, 100), Q(99, 100)), Nr: (Q(21, 10), 7)}, count=4,
                                               label="real $N > 2$"),
                    loss=12, label=r"$\frac{d}{dx}F_N - \frac{1}{N x^p (1-x)}$ (numerical differentiation)"),
            Symbolic(sp.diff((sp.log(x) - sp.log(1 - x)) / 2, x) - Fprime.subs(Nr, 2)),
        ),
        section=SECTION,
    ))
    for N in (2, 3, 4):
        G = real_antiderivative(N)
        add(Step(
            f"elementary-{N}", f"The elementary form for $N = {N}$ (real branch)",
            r"SymPy's antiderivative of $u^{1-N}/(1-u^N)$ contains $\log(u-1)$ (complex on $0<u<1$); the real form "
            r"below has the same derivative, differs from it by a constant, and equals $F_N(u^N) - C_N$ with "
            f"$C_{N} = {latex(cf.elementary_constant(N))}$.",
            (f"G_{N}(u) = " + latex(G),),
            AllOf(
                Symbolic(sp.diff(G, u) - u ** (1 - N) / (1 - u**N)),
                Symbolic(lambda N=N, G=G: sp.diff(sympy_antiderivative(N) - G, u)),
                Numeric(lambda pt_, dps, N=N: routes.sympy_is_real(N, pt_[x]), Points({x: (Q(1, 10), Q(9, 10))}, count=1),
                        tolerance=Q(1, 10**20), label="SymPy's antiderivative is complex on $(0, 1)$ (residual 1 if real)"),
                Agree(routes.F_elem, routes.F_closed, Points({x: (Q(1, 100), Q(99, 100))}, fixed={Ni: sp.Integer(N)}, count=3),
                      names=(r"$G_N(x^{1/N}) + C_N$", r"$F_N$ (2F1 form)"), loss=6),
            ),
            section=SECTION,
        ))
    add(Step(
        "lerch", "The Lerch form",
        r"$F_N(x) = \frac1N x^{a}\Phi(x, 1, a)$ with $a = 2/N - 1$ (what SymPy's integrate returns for general $N$).",
        (r"F_N(x) = \frac{1}{N} x^{a}\,\Phi(x, 1, a), \qquad a = \frac2N - 1",),
        Agree(routes.F_lerch, routes.F_closed, Points({x: (Q(1, 50), Q(9, 10)), Nr: (Q(21, 10), 6)}, count=4),
              names=("Lerch $\\Phi$", "2F1 form"), loss=8),
        section=SECTION,
    ))
    add(Step(
        "three-routes", "Three independent routes to the time at high precision (B5)",
        r"The 2F1 closed form, the elementary forms and tanh-sinh quadrature of $\int d\lambda/(N\lambda^p(s-\lambda))$ "
        r"(in $\log\lambda$ below $s/2$, in $\log(s-\lambda)$ above) agree, from $l_0 = 10^{-20}$-scale starts.",
        (r"T = \int_{l_0}^{\theta s}\frac{d\lambda}{N\lambda^{2-2/N}(s-\lambda)}",),
        AllOf(
            Agree(routes.T_closed, routes.T_quad, Points({l0: (Q(1, 10**12), Q(1, 10**6)), lev: (Q(1, 10), Q(19, 20)),
                                              s: (Q(1, 2), 3), Nr: (2, 5)}, count=3),
                  names=("2F1 closed form", "quadrature"), loss=6),
            Agree(routes.T_elem, routes.T_closed, Points({l0: (Q(1, 10**12), Q(1, 10**6)), lev: (Q(1, 10), Q(19, 20)),
                                              s: (Q(1, 2), 3), Ni: (2, 4)}, count=3),
                  names=("elementary forms", "2F1 closed form"), loss=6),
        ),
        section=SECTION,
    ))
    add(Step(
        "asymptotics", "The small-initialization asymptotics",
        r"For $\lambda_0 = \alpha^N \ll s$: $T = \frac{\alpha^{-(N-2)}}{(N-2)s} + s^{-p}F_N(\theta) - \frac{\alpha^2}{2s^2}"
        r"(1 + O(\alpha^N/s))$ for $N \ge 3$, and $T = \frac{1}{2s}[\log\frac{s}{\alpha^2} + \log\frac{\theta}{1-\theta}] - "
        r"\frac{\alpha^2}{2s^2} + \dots$ for $N = 2$; the omitted term is predicted exactly.",
        (r"T = \frac{\alpha^{-(N-2)}}{(N-2)\,s} + s^{-p}F_N(\theta) - \frac{\alpha^2}{2 s^2}\left(1 + O(\alpha^N/s)\right)",),
        Numeric(routes.asym_ratio, Points({s: (Q(1, 2), 3), lev: (Q(1, 10), Q(9, 10)), al: (Q(1, 10**9), Q(1, 10**8)),
                                     Ni: (2, 4)}, count=4),
                tolerance=Q(1, 10**6), label=r"$(T - T_{\mathrm{asym}})/(\text{next term}) - 1$"),
        section=SECTION,
    ))
    add(Step(
        "inverse", "The inverse $\\lambda(t)$",
        r"$\lambda(t)$ solves $F_N(\lambda/s) = F_N(\lambda_0/s) + s^p t$; it is found by Newton's method in "
        r"$\mathrm{logit}(\lambda/s)$ with the exact derivative $dF/dz = x^{1-p}/N$, and inverts the time exactly.",
        (r"F_N\!\left(\frac{\lambda(t)}{s}\right) = F_N\!\left(\frac{\lambda_0}{s}\right) + s^{p}\,t",),
        Numeric(routes.inverse_residual, Points({l0: (Q(1, 10**9), Q(1, 10**3)), lev: (Q(1, 10), Q(99, 100)),
                                           s: (Q(1, 2), 3), Nr: (Q(21, 10), 5)}, count=4), loss=8,
                label=r"$(\lambda(T(\lambda_0 \to \theta s)) - \theta s)/s$"),
        section=SECTION,
    ))
    zero = (l0 ** (-p) + Nr * p * t) ** (-1 / p)
    add(Step(
        "zero-negative", "Zero and negative targets",
        r"A zero target decays algebraically, $\lambda(t) = (\lambda_0^{-p} + (2N-2)t)^{-N/(2N-2)}$; a negative one "
        r"exponentially for $N = 2$ and like $((N-2)|s|t)^{-N/(N-2)}$ for $N \ge 3$; $\lambda$ never changes sign, "
        r"so $\lim W = (\hat W)_+$.",
        (r"\lambda(t) = \left(\lambda_0^{-(2N-2)/N} + (2N-2)\,t\right)^{-N/(2N-2)} \quad (s = 0), \qquad "
         r"\lambda(t) \sim \left((N-2)|s|t\right)^{-N/(N-2)} \quad (s < 0,\ N\ge 3)",),
        AllOf(
            Symbolic([sp.simplify(sp.diff(zero, t) + Nr * zero ** (p + 1)).subs(Nr, n) for n in (2, 3, 4)]),
            Numeric(routes.negative_decay, Points({s: (Q(1, 2), 2), l0: (Q(1, 100), Q(1, 10))}, fixed={Ni: sp.Integer(3)},
                                            count=2), tolerance=Q(1, 10**3),
                    label=r"$\lambda(t)/((N-2)|s|t)^{-N/(N-2)} - 1$ at $t = 10^8$, divided by $10^3$"),
        ),
        section=SECTION,
    ))
    return steps
