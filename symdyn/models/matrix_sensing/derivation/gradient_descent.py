"""Section E of the matrix-sensing derivation: discrete gradient descent (the modified equation, the step
count, the step-size conditions)."""

from __future__ import annotations

import sympy as sp

from ....derive import AllOf, Numeric, Points, Step, Symbolic
from . import notation as N, residuals, routes

Q = sp.Rational

SECTION = "Discrete gradient descent"


def steps() -> list[Step]:
    """The section's steps, in order."""
    return [
        Step(
            "modified-equation", "The modified equation and the GD step count",
            r"GD on $w = \sqrt{\lambda}$ is $w \leftarrow w + \mu g(w)$, $g(w) = w(\sigma - w^2)$. The time-$\mu$ flow of "
            r"$\hat g = g - (\mu/2) g g'$ reproduces the map to $O(\mu^3)$, and $1/\hat g = 1/g + (\mu/2) g'/g + O(\mu^2)$, "
            r"so the step count is $T/\mu + \tfrac12\log(g(w_1)/g(w_0)) + O(\mu)$; it is within one step of the exact "
            r"scalar-map hitting step.",
            (r"K = \frac{T(\lambda_0 \to \lambda_1)}{\mu} + \frac{1}{2}\log\frac{g(w_1)}{g(w_0)} + O(\mu), \qquad "
             r"\lambda \leftarrow \lambda\left(1 + \mu(\sigma - \lambda)\right)^2",),
            AllOf(
                Symbolic(residuals.modified_residuals),
                Numeric(routes.step_count_residual,
                        Points({N.sigma: (Q(1, 2), Q(4)), N.c: (Q(1, 100), Q(1)), N.e: (4, 60), N.mu: (Q(1, 1000), Q(1, 20))},
                               count=4, label=r"$\lambda_0 = c\,10^{-e}$, $\mu\sigma \le 1/20$"),
                        tolerance=1, label=r"$|n - K|$ (exact hitting step against the modified equation)"),
            ),
            section=SECTION,
        ),
        Step(
            "step-condition", "Step-size conditions",
            r"The map's derivative at its fixed point $\lambda = \sigma$ is $1 - 2\mu\sigma$: locally stable iff "
            r"$\mu\sigma < 1$. On $w$, $\varphi'(w) = 1 + \mu\sigma - 3\mu w^2$ decreases on $w > 0$ and equals "
            r"$1 - 2\mu\sigma$ at $w = \sqrt\sigma$: monotone (no overshoot) iff $\mu\sigma \le 1/2$.",
            (r"\mu\,\sigma_1 < 1 \ \text{(stable)}, \qquad \mu\,\sigma_1 \le \tfrac12 \ \text{(monotone)}, \qquad \mu = 4 s \eta",),
            Symbolic(residuals.step_condition_residuals),
            section=SECTION,
        ),
    ]
