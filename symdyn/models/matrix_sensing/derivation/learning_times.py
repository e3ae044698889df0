"""Section D of the matrix-sensing derivation: the learning times as alpha -> 0 and their error order."""

from __future__ import annotations

import sympy as sp

from ....derive import Numeric, Step, Symbolic
from . import notation as N, residuals, routes

Q = sp.Rational

SECTION = "Learning times"


def steps() -> list[Step]:
    """The section's steps, in order."""
    return [
        Step(
            "limit-formula", r"The learning time as $\alpha \to 0$",
            r"Component $k$ follows the logistic law from the effective start $\alpha^2 c_k$; its hitting time of "
            r"$\theta\sigma_k$ is the limit formula up to $-\alpha^2 c_k/(2\sigma_k^2) + O(\alpha^4)$.",
            (r"t_k = \frac{1}{2\sigma_k}\log\frac{\theta\,\sigma_k}{(1-\theta)\,\alpha^2 c_k} "
             r"= \frac{\log(1/\alpha)}{\sigma_k} + \frac{1}{2\sigma_k}\log\frac{\theta\,\sigma_k}{(1-\theta)\,c_k}",),
            Symbolic(residuals.limit_residuals),
            section=SECTION,
        ),
        Step(
            "limit-order", r"The error order $\alpha^{2\gamma_k}$",
            r"The exact first root of $\lambda_k(P(\tau)) = \theta\sigma_k$ differs from the limit formula by "
            r"$O(\alpha^{2\gamma_k})$, $\gamma_k = \min(1 - \sigma_{k+1}/\sigma_k,\ \sigma_{k-1}/\sigma_k - 1)$ "
            r"($\sigma_0 = \infty$, $\sigma_{r^*+1} = 0$): the next component starting to grow, and the previous one "
            r"not yet saturated. Measured as the slope of $\log|t_k^{\mathrm{exact}} - t_k|$ between $\alpha = 10^{-e}$ and "
            r"$10^{-e-8}$ from exact roots.",
            (r"t_k^{\mathrm{exact}} - t_k = O\!\left(\alpha^{2\gamma_k}\right)",),
            Numeric(routes.order_residual,
                    N.sigma_points(3, extra={N.seed: (0, 10_000), N.e: (20, 30), N.k: (1, 3)},
                                  where=lambda p: abs((1 - p[N.sigma_2] / p[N.sigma_1]) - (p[N.sigma_1] / p[N.sigma_2] - 1)) > Q(1, 5)
                                  and abs((1 - p[N.sigma_3] / p[N.sigma_2]) - (p[N.sigma_1] / p[N.sigma_2] - 1)) > Q(1, 5)
                                  and abs((1 - p[N.sigma_3] / p[N.sigma_2]) - (1 - p[N.sigma_2] / p[N.sigma_1])) > Q(1, 10),
                                  label=r"$d = 6$, $r = 4$, $\alpha = 10^{-e}$, $20 \le e \le 30$, distinct gap ratios"),
                    tolerance=Q(1, 20), label=r"the measured slope minus $2\gamma_k$"),
            section=SECTION,
        ),
    ]
