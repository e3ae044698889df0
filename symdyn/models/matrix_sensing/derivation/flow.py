"""Section B of the matrix-sensing derivation: the exact gradient flow (the Riccati solution, the scaled
pencil the evaluator uses, the logistic law)."""

from __future__ import annotations

import sympy as sp

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from ....tex import latex
from .. import scalar
from . import notation as N, residuals, routes

Q = sp.Rational

SECTION = "The exact gradient flow"


def steps() -> list[Step]:
    """The section's steps, in order."""
    return [
        Step(
            "riccati-k", r"$K' = 2 Y^\top Y$",
            r"With $Y = e^{\tau X^*}U_0$, $\Phi = \mathrm{diag}(\phi(\sigma_j, \tau))$, $\phi(s,\tau) = (e^{2 s\tau}-1)/s$, "
            r"$\phi(0,\tau) = 2\tau$, the matrix $K = I + U_0^\top \Phi U_0$ satisfies $K' = 2Y^\top Y$.",
            (r"K(\tau) = I_r + U_0^\top \Phi(\tau) U_0, \qquad K' = 2\, Y^\top Y",),
            Symbolic(residuals.k_residuals),
            section=SECTION,
            remark=r"Checked for a generic $3\times 2$ $U_0$ and $X^* = \mathrm{diag}(\sigma_1, \sigma_2, 0)$ (a null direction).",
        ),
        Step(
            "riccati", r"The Riccati solution $P = Y K^{-1} Y^\top$",
            r"$P(\tau) = Y K^{-1} Y^\top$ solves $P' = X^*P + PX^* - 2P^2$ with $P(0) = U_0U_0^\top$, for every symmetric "
            r"$X^*$ and every $U_0$; its nonzero eigenvalues are those of the $r\times r$ pencil $(Y^\top Y, K)$.",
            (r"P(\tau) = e^{\tau X^*} U_0 \left(I_r + U_0^\top \Phi(\tau) U_0\right)^{-1} U_0^\top e^{\tau X^*}",),
            AllOf(
                Symbolic(lambda: residuals.riccati_rank_one((N.sigma_1, N.sigma_2))),
                Symbolic(lambda: residuals.riccati_rank_one((N.sigma_1, sp.Integer(0)))),
                Numeric(routes.riccati_residual,
                        Points({N.sigma_1: (Q(3, 2), Q(3)), N.sigma_2: (Q(1, 2), Q(5, 4)), N.d: (3, 5), N.r: (1, 3),
                                N.seed: (0, 10_000), N.e: (1, 3), N.tau: (Q(1, 10), Q(3))}, count=3,
                               label=r"$d \le 5$, $r \le 3$, $\alpha = 10^{-e}$, $e \le 3$, $\tau \le 3$"),
                        loss=12, label=r"a random linear functional of $P' - X^*P - PX^* + 2P^2$ (mpmath \texttt{diff} "
                                       r"of the closed form at twice the digits)"),
            ),
            section=SECTION,
            remark=r"Symbolically for a rank-one start (with $X^* = \mathrm{diag}(\sigma_1,\sigma_2)$ and with a null "
                   r"direction); numerically at random instances of every rank. The aligned start $U_0 = \alpha v_k e_1^\top$ "
                   r"reduces to the logistic law (step \ref{step:logistic}).",
        ),
        Step(
            "scaled-pencil", "The scaled pencil the evaluator uses",
            r"In the Gram-Schmidt basis of $b_1, b_2, \dots$ and scaled by $D = \mathrm{diag}(e^{\tau\sigma_a})$, the pencil "
            r"becomes $S_c = \sum_i m_i m_i^\top + N_s$, $K_c = D^{-2}/\alpha^2 + \sum_i \psi_i m_i m_i^\top + 2\tau N_s$ with "
            r"bounded entries ($|m_i[a]| \le |L_{ia}|$), so the eigenvalues lose at most about $2\log_{10}(1/\alpha)$ digits at "
            r"any $\tau$. It agrees with the textbook route at generous precision and with DOP853 integration of $U$.",
            (r"\lambda(P(\tau)) = \mathrm{eig}(S_c, K_c), \qquad \psi_i = \frac{1 - e^{-2\sigma_i\tau}}{\sigma_i}, \qquad "
             r"m_i[a] = L_{ia}\, e^{(\sigma_i - \sigma_a)\tau}",),
            AllOf(
                Agree(routes.library_eigs, routes.direct_eigs,
                      N.sigma_points(3, extra={N.d: (3, 8), N.r: (1, 5), N.seed: (0, 10_000), N.e: (5, 25), N.tau: (Q(1), Q(40))},
                                    where=lambda p: p[N.r] <= p[N.d] and p[N.d] >= 3,
                                    label=r"$\alpha = 10^{-e}$, $5 \le e \le 25$, $\tau \le 40$"),
                      names=("the scaled pencil (automatic precision)", "the textbook route at generous fixed precision"),
                      loss=3),
                Numeric(routes.dop853_vs_closed,
                        N.sigma_points(2, extra={N.d: (4, 10), N.r: (2, 5), N.seed: (0, 10_000), N.e: (2, 3), N.tau: (Q(1), Q(8))},
                                      where=lambda p: p[N.r] <= p[N.d],
                                      label=r"$\alpha = 10^{-e}$, $e \le 3$, $\tau \le 8$"),
                        tolerance=Q(1, 10 ** 9), label=r"the relative difference to DOP853 ($10^{-13}$ relative tolerance)"),
            ),
            section=SECTION,
        ),
        Step(
            "logistic", "The logistic law and its inverse",
            r"For one aligned component ($d = r = 1$) the closed form is the logistic law, which solves "
            r"$\lambda' = 2\lambda(\sigma - \lambda)$; the time formula is its inverse.",
            (r"\lambda(\tau) = " + latex(scalar.logistic_expr(N.sigma, N.lambda_0, sp.Symbol("tau"))),
             r"T(\lambda_0 \to \lambda_1) = " + latex(scalar.logistic_time_expr(N.sigma, N.lambda_0, N.lambda_1))),
            Symbolic(residuals.logistic_residuals),
            section=SECTION,
            remark=r"The $10\%$ to $90\%$ transition takes $\log(81)/(2\sigma)$, independent of $\alpha$.",
        ),
    ]
