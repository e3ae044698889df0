"""Section F of the matrix-sensing derivation: the critical points, their losses and escape rates."""

from __future__ import annotations

from ....derive import AllOf, Numeric, Step, Symbolic
from . import notation as N, residuals, routes

SECTION = "Critical points"


def steps() -> list[Step]:
    """The section's steps, in order."""
    return [
        Step(
            "critical-points", r"Critical points $P_S$ and their losses",
            r"$P_S = \sum_{i\in S}\sigma_i v_iv_i^\top$ ($|S|\le r$) are critical with $f(P_S) = s\sum_{i\notin S}\sigma_i^2$. "
            r"The only local minimum is $S = \{1..\min(r,r^*)\}$; elsewhere the Hessian of the $s = 1/4$ loss has smallest "
            r"eigenvalue $-\sigma_j$ (a free column) or $-(\sigma_j - \sigma_i)$ (a rotation), half the escape rate of "
            r"$\lambda$.",
            (r"f(P_S) = s \sum_{i \notin S} \sigma_i^2, \qquad \lambda_{\min}\left(\nabla^2 f(U_S)\right) = "
             r"-\max\Big(\max_{j\notin S}\sigma_j\,[|S|<r],\ \max_{j\notin S,\, i\in S}(\sigma_j - \sigma_i)\Big)",),
            AllOf(
                Symbolic(residuals.critical_residuals),
                Numeric(routes.hessian_residual, N.sigma_points(2, label=r"$d = 4$, $r = 2$, $r^* = 3$"), loss=10,
                        label=r"the smallest Hessian eigenvalue minus the predicted escape rate"),
            ),
            section=SECTION,
        ),
    ]
