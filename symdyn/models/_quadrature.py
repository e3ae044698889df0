"""The evaluation options of the models evaluated by quadrature in an angle variable.

Both spectral models (rank-one denoising, spiked Wigner) accept a quadrature rule and a
number backend; they declare these :class:`~symdyn.models.base.OptionSpec` objects in
their ``evaluation_options`` so that the command line maps ``--rule``/``--arithmetic``
only for them.
"""

from __future__ import annotations

from ..numeric import arithmetic as _arith
from ..numeric import rules as _rules
from .base import OptionSpec

__all__ = ["QUADRATURE_OPTIONS", "FAST_PATH"]

QUADRATURE_OPTIONS = {
    "rule": OptionSpec(
        "rule", "Quadrature rule: gauss-chebyshev (fast) or tanh-sinh (independent cross-check).",
        {name: (lambda name=name: _rules.rule(name)) for name in ("gauss-chebyshev", "tanh-sinh")},
        "gauss-chebyshev"),
    "arithmetic": OptionSpec(
        "arithmetic", "Number backend: mpfr (gmpy2), mpmath (reference) or float64 (fast path, ~13 digits).",
        {name: (lambda name=name: _arith.arithmetic(name)) for name in ("mpfr", "mpmath", "float64")},
        "mpfr"),
}

#: The fast, lower-precision evaluation used for dense plotting grids.
FAST_PATH = {"arithmetic": "float64"}
