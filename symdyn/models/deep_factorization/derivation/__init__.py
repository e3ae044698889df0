r"""The self-verifying derivation of deep matrix factorization from the identity initialization.

Sections (one module each):

A. the exact decoupling: the gradient of ``(1/2)||W_N ... W_1 - W^||_F^2``, the layers staying equal
   polynomials in ``W^`` (eigenbasis of ``W* + E``, not of ``W*``), the conserved balancedness;
B. the scalar flow ``lambda' = N lambda^p (s - lambda)``: ``F_N`` in 2F1 form, the elementary forms for
   ``N = 2, 3, 4`` (SymPy's antiderivatives carry ``log(u - 1)``; the real forms are verified by
   differentiation), the Lerch form, three routes at high precision, the asymptotics, the inverse, the zero
   and negative targets;
C. discrete GD: the modified equation, the step counts, the step-size condition;
D. the low-rank interval: ``T0``, ``T1``, the asymptotic interval length and the spectral condition;
E. the perturbation: Weyl, Davis-Kahan, the second-order eigenvalue shift, the shift of ``T0``, the
   noise-fitting time, the unimodality behind the Weyl sandwich, the early-stopping bound, the limit.

>>> d = derivation()
>>> d.key, len(d) >= 20
('deep-factorization', True)
>>> d.verify(dps=30, keys=["scalar-ode"]).passed
True
"""

from __future__ import annotations

from functools import lru_cache

from ....bibliography import ENTRIES
from ....derive import Derivation
from . import decoupling, gradient_descent, low_rank_interval, notation, perturbation_bounds, residuals, routes, scalar_flow
from .residuals import real_antiderivative, sympy_antiderivative

__all__ = ["derivation", "sympy_antiderivative", "real_antiderivative", "notation", "residuals", "routes"]

_SECTIONS = (decoupling, scalar_flow, gradient_descent, low_rank_interval, perturbation_bounds)

_INTRO = r"""
Gradient descent on $W = W_N\cdots W_1$ from $W_j(0) = \alpha I$ fits $\hat W = W^\star + E$ with the loss
$\frac12\|W_N\cdots W_1 - \hat W\|_F^2$ \cite{chou_wang_2026, chou_gieshoff_maly_rauhut_2024,
arora_cohen_hu_luo_2019}. The layers stay equal polynomials in $\hat W$, so every eigenvalue of the product follows
a scalar law whose times have closed forms; the low-rank interval $[T_0, T_1]$, its spectral condition and its
persistence under the perturbation follow. Every step states one identity and records how symdyn verified it.
"""

#: The derivation's references (the keys its introduction cites), from the shared bibliography.
_REFERENCES = ("chou_wang_2026", "chou_gieshoff_maly_rauhut_2024", "arora_cohen_hu_luo_2019")


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The deep-factorization derivation (built once; immutable)."""
    return Derivation(
        "deep-factorization",
        "Deep matrix factorization from the identity initialization: a verified derivation",
        tuple(step for section in _SECTIONS for step in section.steps()),
        introduction=_INTRO,
        bibliography="\n\n".join(ENTRIES[k].bibtex.strip() for k in _REFERENCES),
    )
