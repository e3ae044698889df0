"""The self-verifying derivation of the spiked Wigner dynamics (spec ``rank_one_denoising.md`` section 6).

Ordered steps a reader can follow:

A. the semicircle law: Stieltjes transform, Catalan moments, the MGF
   ``I_1(2 tau)/tau`` (by its series, the ODE it satisfies and quadrature at high
   precision), its derivative ``2 I_2(2 tau)/tau``, the GD moments as Catalan sums,
   and the pole integral ``min(theta, 1/theta)``;
B. the spiked resolvent (Sherman-Morrison), the measure ``nu_x`` (density, outlier,
   its residue at explicit numeric ``theta``, masses and moments) and the pole
   subtraction the evaluator uses;
C. the dynamics (the sphere ODE, the overlap and energy formulas, discrete GD);
D. the large-time behaviour per regime (BBP limit, the ``t^(-3/4)`` and ``t^(-1/4)``
   amplitudes by Laplace's method at the edge, GD);
E. the reduction of the rectangular model through the Hermitization
   ``H = [[0, X], [X^T, 0]]``: the symmetrised singular-value law, the 2x2 family of
   measures with its single pole, and the exact identification at ``c = 1``.

Verification never calls SymPy's ``limit`` with a free ``theta`` for a residue or a
large-time limit: with a free positive symbol it silently returns 0 for the outlier
weight (see :func:`free_symbol_residue`).  Residues are exact limits at numeric
``theta``; large-time statements are split into regimes, each checked numerically.

One module per section builds its steps (:mod:`.laws`, :mod:`.spike`,
:mod:`.dynamics`, :mod:`.large_time`, :mod:`.hermitization`); :mod:`.routes`
holds the independent numerical routes the checks compare against.

>>> d = derivation()
>>> d.key, len(d) >= 20
('spiked-wigner', True)
>>> d.verify(dps=30, keys=["sc-mgf"]).passed
True
"""

from __future__ import annotations

from functools import lru_cache

from ....derive import Derivation
from .. import spec
from . import dynamics, hermitization, large_time, laws, spike
from ._notation import ABOVE, BELOW, mp_at, theta_regions
from .routes import free_symbol_residue, numeric_residue, observables_by_quadrature, richardson, sc_quad

__all__ = [
    "derivation", "free_symbol_residue", "numeric_residue", "observables_by_quadrature", "ABOVE", "BELOW",
    "mp_at", "richardson", "sc_quad", "theta_regions",
]

_INTRO = r"""
We derive the deterministic equivalent of the overlap $m(t) = \langle x, x(t)\rangle$ for the spherical gradient
flow (and discrete gradient descent) on the spiked Wigner model $Y = \theta x x^\top + W$, $W$ from the GOE with
$\mathbb{E} W_{ij}^2 = 1/n$, started at $x_0 = \alpha x + \sqrt{1-\alpha^2}\,g$ \cite{bodin_macris_2021}. The
dynamics is linear up to normalisation, $x(t) = e^{tY}x_0/|e^{tY}x_0|$, so everything reduces to integrals of
$e^{t\lambda}$ against the spectral measure $\nu_x$ of $Y$ at $x$ (semicircle reweighted by
$1/(1+\theta^2-\theta\lambda)$, plus the BBP atom for $\theta > 1$) and against the semicircle, whose moment
generating function is the Bessel function $I_1(2\tau)/\tau$. Every step states one identity and records how
symdyn verified it: symbolically, numerically at seeded random exact rational points at high precision, or by two
independent routes (closed form against quadrature). The last section shows how the rectangular rank-one model
reduces to the same structure through the Hermitization.
"""


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The spiked Wigner derivation (built once; immutable).

    >>> [s.key for s in derivation()][:3]
    ['sc-stieltjes', 'sc-moments', 'sc-mgf']
    """
    bib = "\n\n".join(cit.bibtex.strip() for cit in spec.CITATIONS)
    return Derivation(
        "spiked-wigner",
        "Gradient-descent dynamics of the spiked Wigner model: a verified derivation",
        (*laws.steps(), *spike.steps(), *dynamics.steps(), *large_time.steps(),
         *hermitization.steps()),
        introduction=_INTRO,
        bibliography=bib,
    )
