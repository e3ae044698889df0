"""Section G of the matrix-sensing derivation: sensing (the minimizers Z_s and the greedy low-rank race)."""

from __future__ import annotations

import sympy as sp

from ....derive import Numeric, Step
from . import notation as N, routes

Q = sp.Rational

SECTION = "Sensing: the greedy low-rank race"


def steps() -> list[Step]:
    """The section's steps, in order."""
    return [
        Step(
            "sensing-optimality", r"The sensing minimizers $Z_s$",
            r"The rank-$s$ minimizer $Z_s = U_sU_s^\top$ of the sensing loss (Newton on $U_s$ from the truncation) satisfies "
            r"$M_s Z_s = 0$, $M_s = \mathcal{A}^*\mathcal{A}(X^* - Z_s)$, and its Hessian is positive off the rotation "
            r"directions: a strict local minimum.",
            (r"M_s Z_s = 0, \qquad M_s = \mathcal{A}^*\mathcal{A}\left(X^* - Z_s\right)",),
            Numeric(routes.optimality_residual,
                    N.sigma_points(2, extra={N.seed: (0, 10_000), N.m: (300, 800)}, label=r"$d = 6$, $300 \le m \le 800$"),
                    tolerance=Q(1, 10 ** 10), label=r"$\|M_s Z_s\|_F$ and the negative part of the Hessian"),
            section=SECTION,
        ),
        Step(
            "race", "The greedy race",
            r"Component $k$'s log-magnitude grows by $\ell_k^{(j)} = 2\log(1 + \mu\rho_k^{(j)})$ per step during stage $j$ "
            r"($\rho^{(j)}$ the top eigenvalues of $M_j$) from $\alpha^2\tilde c_k$, and it saturates during stage $k-1$ "
            r"as the scalar map with rate $\rho_k^{(k-1)}$ and limit $\zeta_k = \lambda_k(Z_k)$. Under full observation "
            r"($\rho = \zeta = \sigma$, $\tilde c = c$) the race is the exact scalar-map hitting step.",
            (r"\sum_{j=0}^{k-1} \ell_k^{(j)} \left(n_{j+1} - n_j\right) = L_k, \qquad "
             r"L_k = \log\frac{\sigma_k}{\alpha^2 \tilde c_k} + \kappa_k, \qquad n_0 = 0",),
            Numeric(routes.race_full_observation,
                    N.sigma_points(2, extra={N.seed: (0, 10_000), N.e: (4, 12), N.mu: (Q(1, 200), Q(1, 20))},
                                  label=r"full observation, $d = 6$, $r = 4$, $\mu\sigma_1 \le 1/20$"),
                    tolerance=Q(1, 10 ** 6), label=r"the fractional race step outside $(n_k - 1, n_k]$"),
            section=SECTION,
            remark=r"Against simulation the race is a prediction, not an identity: it is tested on GD with Gaussian "
                   r"measurements (spec A7, within $1\%$).",
            stated=True,
        ),
    ]
