"""Section C of the matrix-sensing derivation: the init constants c_k (Gram determinants)."""

from __future__ import annotations

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from . import notation as N, residuals, routes

SECTION = "Init constants"


def steps() -> list[Step]:
    """The section's steps, in order."""
    return [
        Step(
            "gram-identity", r"The init constants $c_k = \det G_k/\det G_{k-1}$",
            r"With $b_k = \bar U^\top v_k$ and $G_k = [b_i\cdot b_j]_{i,j\le k}$, $c_k = \|(I - \Pi_{k-1}) b_k\|^2 = "
            r"\det G_k/\det G_{k-1}$. For the contract's $\bar U$ (float64 entries read as exact dyadic rationals) the "
            r"exact rational determinants agree with modified Gram-Schmidt in mpmath.",
            (r"c_k = \left\|(I - \Pi_{k-1})\, b_k\right\|^2 = \frac{\det G_k}{\det G_{k-1}}",),
            AllOf(
                Symbolic(residuals.gram_residuals),
                Agree(routes.gram_exact, routes.gram_schmidt,
                      Points({N.d: (3, 40), N.r: (1, 8), N.seed: (0, 100_000)}, count=4,
                             where=lambda p: p[N.r] <= p[N.d] and p[N.d] >= 3, label=r"$3 \le d \le 40$, $r \le 8$"),
                      names=("exact rational determinants (python-flint)", "modified Gram-Schmidt (mpmath)"), loss=4),
            ),
            section=SECTION,
        ),
        Step(
            "gram-zero", r"$c_k = 0$ for $k > r$",
            r"The $b_k$ lie in $\mathbb{R}^r$, so $G_k$ is singular for $k > r$: $c_k = 0$ exactly and component $k$ is never "
            r"learned (under-parameterized case).",
            (r"\det G_{k} = 0 \quad (k > r)",),
            AllOf(
                Symbolic(residuals.gram_zero_residual),
                Numeric(routes.gram_zero, Points({N.d: (3, 30), N.r: (1, 2), N.seed: (0, 100_000)}, count=3,
                                           label=r"$r \le 2 < r^* = 3$"),
                        loss=0, label=r"$\det G_{r+1}$ of the contract's $\bar U$ in exact rationals"),
            ),
            section=SECTION,
        ),
    ]
