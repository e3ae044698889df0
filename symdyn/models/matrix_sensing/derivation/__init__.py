"""The self-verifying derivation of incremental learning in matrix sensing (spec section 2 and 4).

Ordered steps, each with a check that can fail (one module per section):

A. the loss and its gradient (full observation and sensing) for a general ``loss_scale``, and
   the time unit it sets (``tau = 4 loss_scale t``);
B. the exact flow: ``K' = 2 Y^T Y``, the Riccati solution ``P = Y K^-1 Y^T`` (symbolically for
   a rank-one start, numerically for every rank by high-precision differentiation), the scaled
   pencil of :mod:`.riccati` against the textbook route and against DOP853, and the logistic
   law with its inverse;
C. the init constants: the Gram identity ``c_k = det G_k / det G_(k-1)`` and ``c_k = 0`` for ``k > r``;
D. the learning time: the alpha -> 0 formula and its error order ``alpha^(2 gamma_k)``, measured
   from exact roots at two alphas;
E. discrete GD: the modified equation, the step count it gives against the exact scalar map,
   and the step-size conditions;
F. the critical points ``P_S``, their losses and the escape rates (Hessian);
G. sensing: first-order optimality of the minimizers ``Z_s`` and the race reduced to full observation.

>>> d = derivation()
>>> d.key, len(d) >= 15
('matrix-sensing', True)
>>> d.verify(dps=20, keys=["logistic"]).passed
True
"""

from __future__ import annotations

from functools import lru_cache

from ....bibliography import ENTRIES
from ....derive import Derivation
from . import (
    critical_points, flow, gradient_descent, init_constants, learning_times, loss, notation, residuals, routes,
    sensing,
)

__all__ = ["derivation", "notation", "residuals", "routes"]

_SECTIONS = (loss, flow, init_constants, learning_times, gradient_descent, critical_points, sensing)

_INTRO = r"""
We derive the incremental learning of gradient descent on $f(U) = s\,\|\mathcal{A}(UU^\top) - y\|^2$ for a PSD ground truth
$X^* = \mathrm{diag}(\sigma_1, \dots, \sigma_{r^*}, 0, \dots, 0)$ from a small initialization $U_0 = \alpha\bar U$
\cite{jin_et_al_2023}. Under full observation the gradient flow is solved exactly by a Riccati closed form; its
eigenvalues follow logistic laws with effective initial values $\alpha^2 c_k$, which give the learning times, their
$\alpha \to 0$ limit with the error order, the discrete step counts and the plateaus. Under Gaussian sensing the
plateaus move to the sensing minimizers $Z_s$ and the learning steps follow the greedy low-rank race
\cite{li_luo_lyu_2021}. The loss scale $s$ (the spec's $1/4$) is a time unit. Every step states one identity and records
how symdyn verified it: symbolically, numerically at seeded random exact points, or by two independent routes.
"""


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The matrix-sensing derivation (built once; immutable).

    >>> [s.key for s in derivation()][:3]
    ['gradient', 'time-unit', 'riccati-k']
    """
    bib = "\n\n".join(ENTRIES[k].bibtex.strip() for k in ("jin_et_al_2023", "li_luo_lyu_2021"))
    return Derivation(
        "matrix-sensing",
        "Incremental learning of gradient descent in matrix sensing: a verified derivation",
        tuple(step for section in _SECTIONS for step in section.steps()),
        introduction=_INTRO,
        bibliography=bib,
    )
