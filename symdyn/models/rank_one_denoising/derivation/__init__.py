"""The self-verifying derivation of the rank-one denoising dynamics (spec ``rank_one_denoising.md``).

Every identity of spec section 7, and the identities the evaluators rely on, as
an ordered :class:`~symdyn.derive.Derivation` a reader can follow:

A. the Marchenko-Pastur laws (self-consistency, Stieltjes transforms, ``T``);
B. the spiked resolvent (Woodbury), the outlier, its residues, the weighted
   spectral measures (densities, masses, moments), the pole subtraction;
C. the dynamics (block propagators of flow and GD, their ODE / recursion,
   initial values, the factored outlier, the pole residues, the conservation law);
D. the large-time behaviour (regimes and signs, the ``t^(-3/4)`` and
   ``t^(-1/4)`` amplitudes).

Verification never calls SymPy's ``limit`` with free parameters (it silently
returns 0 for the residues below, see :func:`free_symbol_residue`); residues
are exact limits at numeric parameter points, cross-checked by contour
integrals, and large-time statements are split into regimes, each checked
numerically at interior points.

One module per section builds its steps (:mod:`.laws`, :mod:`.spike`,
:mod:`.dynamics`, :mod:`.large_time`); :mod:`.routes` holds the independent
numerical routes the checks compare against.

>>> d = derivation()
>>> d.key, len(d) >= 20
('rank-one-denoising', True)
>>> d.step("T-identity").verification.verify(dps=30).passed
True
"""

from __future__ import annotations

from functools import lru_cache

from ....derive import Derivation
from .. import spec
from . import dynamics, large_time, laws, spike
from ._notation import ABOVE, BELOW, mp_at, regions
from .routes import (
    closed_weights,
    contour_weights,
    decay_ratio,
    free_symbol_residue,
    large_t_above,
    measures,
    observables_by_quadrature,
)

__all__ = [
    "derivation", "free_symbol_residue", "observables_by_quadrature", "ABOVE", "BELOW",
    "closed_weights", "contour_weights", "decay_ratio", "large_t_above", "measures", "mp_at", "regions",
]

_INTRO = r"""
The model is $X = \theta u v^\top + Z \in \mathbb R^{p\times n}$ with $Z_{ij} \sim \mathcal N(0, 1/n)$ i.i.d.,
$c = p/n$ and unit vectors $u$, $v$; gradient flow (or gradient descent with step $\eta$) on the quadratic cost
$-a^\top X b$ starts from $a_0 = \alpha u + \sqrt{1-\alpha^2}\,g_a$, $b_0 = \kappa(\beta v + \sqrt{1-\beta^2}\,g_b)$
\cite{rankone_gd_2026,bodin_macris_2021}.  Its overlaps $m_u(t)$, $m_v(t)$ are ratios of integrals of
$\cosh$/$\sinh$ propagators against three weighted spectral measures of the spiked Marchenko--Pastur law.
Every step below states one identity of this theory and records how symdyn verified it: symbolically (a
residual simplifies to zero, possibly modulo $R^2 = (z-\lambda_-)(z-\lambda_+)$ or after parametrising a
regime), numerically at seeded random exact rational parameter points at high precision with a stated
tolerance, or by two independent routes (closed form against quadrature or a contour integral).
"""


@lru_cache(maxsize=1)
def derivation() -> Derivation:
    """The rank-one denoising derivation (built once; immutable).

    Returns
    -------
    Derivation
        Ordered steps A (Marchenko-Pastur), B (spiked resolvent and measures),
        C (dynamics), D (large time).

    Examples
    --------
    >>> d = derivation()
    >>> [s.key for s in d][:3]
    ['mp-equation', 'mp-stieltjes', 'T-identity']
    >>> d.verify(dps=30, keys=["residues"]).passed
    True
    """
    bib = "\n\n".join(cit.bibtex.strip() for cit in spec.CITATIONS)
    return Derivation(
        "rank-one-denoising",
        "Gradient-descent dynamics of rank-one matrix denoising: a verified derivation",
        (*laws.steps(), *spike.steps(), *dynamics.steps(), *large_time.steps()),
        introduction=_INTRO,
        bibliography=bib,
    )
