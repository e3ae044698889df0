"""Section A of the matrix-sensing derivation: the loss, its gradient and the time unit the loss scale sets."""

from __future__ import annotations

from ....derive import Step, Symbolic
from . import residuals

SECTION = "Loss, gradient and the time unit"


def steps() -> list[Step]:
    """The section's steps, in order."""
    return [
        Step(
            "gradient", "The gradient of the loss",
            r"For $f(U) = s\,\|UU^\top - X^*\|_F^2$ the gradient is $\nabla f = 4s\,(UU^\top - X^*)U$; under "
            r"sensing, $f = (s/m)\sum_i \langle A_i, UU^\top - X^*\rangle^2$ gives $4s\,\mathcal{A}^*\mathcal{A}(UU^\top - X^*)U$ "
            r"with $\mathcal{A}^*\mathcal{A}(Z) = (1/m)\sum_i \langle A_i, Z\rangle A_i$. With the spec's $s = 1/4$ there is no "
            r"factor: $\nabla f = \mathcal{A}^*\mathcal{A}(UU^\top - X^*)U$.",
            (r"\nabla f(U) = 4 s\, \mathcal{A}^*\mathcal{A}\left(UU^\top - X^*\right) U",),
            Symbolic(residuals.gradient_residuals),
            section=SECTION,
            remark=r"Checked entrywise for a generic $3\times 2$ $U$ and symmetric $X^*$, and for two generic symmetric "
                   r"measurements in $\mathrm{Sym}(2)$.",
        ),
        Step(
            "time-unit", "The loss scale is a time unit",
            r"Under $U' = -\nabla f$, $P = UU^\top$ obeys $P' = 4s\,(X^*P + PX^* - 2P^2)$: the flow at loss scale $s$ and time "
            r"$t$ is the $s = 1/4$ flow at time $\tau = 4 s t$, and GD with step $\eta$ is the $s = 1/4$ GD with step "
            r"$\mu = 4 s \eta$.",
            (r"P' = 4s\left(X^* P + P X^* - 2P^2\right), \qquad \tau = 4 s\, t, \qquad \mu = 4 s\, \eta",),
            Symbolic(residuals.time_unit_residuals),
            section=SECTION,
        ),
    ]
