"""Section C: discrete gradient descent (the modified equation, the step counts, the step-size condition)."""

from __future__ import annotations

import sympy as sp

from ....derive import AllOf, Numeric, Points, Step, Symbolic
from . import routes
from .notation import Ni, Q, al, eta, s, u, w

SECTION = "Discrete gradient descent"


def steps() -> list[Step]:
    """The section's steps, in order."""
    steps: list[Step] = []
    add = steps.append
    g = w**2 * (s - w**3)        # N = 3
    gh = g - eta / 2 * g * sp.diff(g, w)
    flow2 = w + eta * gh + eta**2 / 2 * gh * sp.diff(gh, w)
    lie = sp.expand(flow2 - (w + eta * g))
    add(Step(
        "modified-equation", "The modified equation and the step count",
        r"The time-$\eta$ flow of $\hat g = g - \frac\eta2 g g'$ equals one GD step $w + \eta g$ up to $O(\eta^3)$; "
        r"hence $dn = dw/(\eta\hat g) = dw/(\eta g) + \frac{g'}{2g}dw + O(\eta)$ and "
        r"$n = T/\eta + \frac12\log(g(w_1)/g(w_0)) + O(\eta)$, $g(w) = w^{N-1}(s-w^N)$.",
        (r"\hat g = g - \frac{\eta}{2} g g', \qquad n(l_0\to l_1) = \frac{T}{\eta} + \frac12\log\frac{g(w_1)}{g(w_0)} + O(\eta)",),
        Symbolic([lie.coeff(eta, 1), lie.coeff(eta, 2),
                  sp.series(1 / (eta * gh), eta, 0, 1).removeO() - (1 / (eta * g) + sp.diff(g, w) / (2 * g))]),
        section=SECTION,
        remark=r"Checked for $N = 3$: the $\eta$ and $\eta^2$ coefficients of the Lie series vanish.",
    ))
    add(Step(
        "step-counts", "Exact step counts (B2) and the modified-equation estimate (B3)",
        r"The first-hitting steps of the recursion, proved by a rigorous bound on the rounding errors "
        r"($|\psi'| \le 1 + (N-2)\eta s w^{N-2}$ in $\log w$), equal the plain high-precision recursion, and "
        r"$\lceil T/\eta + \frac12\log(g(w_1)/g(w_0))\rceil$ is within one step of them.",
        (r"n_\theta = \min\{n : w_n^N \ge \theta s\}, \qquad \left|\left\lceil \frac{T}{\eta} + \frac12\log"
         r"\frac{g(w_1)}{g(w_0)}\right\rceil - n_\theta\right| \le 1",),
        Numeric(routes.step_counts, Points({s: (Q(1, 2), 3), al: (Q(1, 20), Q(1, 5)), eta: (Q(1, 10), 1), Ni: (2, 4)},
                                     count=3), tolerance=Q(1, 10**30),
                label="count differences"),
        section=SECTION,
    ))
    phi_p = 1 + eta * ((Ni - 1) * s * w ** (Ni - 2) - (2 * Ni - 1) * w ** (2 * Ni - 2))
    add(Step(
        "step-condition", "The step-size condition",
        r"$\phi(w) = w + \eta w^{N-1}(s - w^N)$ has $\phi'(w^\star) = 1 - \eta N s^{2-2/N}$ at $w^{\star N} = s$ and "
        r"$\phi' \ge 1 - \eta N s^{2-2/N}$ on $[0, w^\star]$: monotone convergence iff $\eta N s_{\max}^{2-2/N} \le 1$, "
        r"local stability iff $< 2$.",
        (r"\eta\,N\,s_{\max}^{2-2/N} \le 1\ \text{(monotone)}, \qquad < 2\ \text{(stable)}",),
        AllOf(
            Symbolic([sp.simplify(phi_p.subs(Ni, n).subs(w, s ** sp.Rational(1, n)) - (1 - eta * n * s ** (2 - sp.Rational(2, n))))
                      for n in (2, 3, 4)]),
            Symbolic(sp.expand(phi_p.subs(Ni, 3).subs(s, u**3) - (1 - 3 * eta * u**4)
                               - eta * (u - w) * (5 * w**3 + 5 * u * w**2 + 5 * u**2 * w + 3 * u**3))),
        ),
        section=SECTION,
        remark=r"For $N = 3$, $\phi'(w) - 1 + 3\eta s^{4/3} = \eta (u - w)(5w^3 + 5uw^2 + 5u^2 w + 3u^3)$ with $u^3 = s$, "
               r"which is $\ge 0$ on $[0, u]$.",
    ))
    return steps
