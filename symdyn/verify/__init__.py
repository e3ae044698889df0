r"""Check a formula from a paper (LaTeX) against what symdyn computes.

>>> import symdyn as sd
>>> r = sd.verify("rank-one-denoising", "threshold", "c^{1/4}", points=5, dps=30)
>>> r.verdict, r.symbolic, r.claim.text
('agree', 'equal', 'c^(1/4)')

The claim is parsed by a small recursive-descent parser of the LaTeX math
subset (:mod:`symdyn.verify._parser`; never ``eval``/``sympify``), evaluated at
seeded random exact points (:mod:`~symdyn.verify._sampling`) with ``dps``
digits, compared with the target (:mod:`~symdyn.verify._targets`) digit by
digit and, where symdyn has an exact closed form, exactly
(:mod:`~symdyn.verify._symbolic`).  The module itself is callable:
``symdyn.verify(...)`` is :func:`verify`.
"""

from __future__ import annotations

import sys
import types

from ._claim import Claim, parse_claim, read_claim_file, symbol_table
from ._lexer import MAX_DEPTH, MAX_LENGTH, ClaimError
from ._parser import MAX_BITS, MAX_EXPONENT, latex_name, parse
from ._run import prepare, verify
from ._sampling import Range, build_plan
from ._symbolic import Budget, BudgetExceeded
from ._targets import Target, resolve_target
from ._verdict import VerifyPoint, VerifyResult

__all__ = [
    "verify", "prepare", "VerifyResult", "VerifyPoint", "Claim", "parse_claim", "parse", "read_claim_file", "symbol_table",
    "ClaimError", "Range", "Target", "resolve_target", "build_plan", "latex_name", "Budget", "BudgetExceeded",
    "MAX_LENGTH", "MAX_DEPTH", "MAX_EXPONENT", "MAX_BITS",
]


class _CallableModule(types.ModuleType):
    """Lets ``symdyn.verify(...)`` call :func:`verify` while ``symdyn.verify.verify`` stays the function."""

    def __call__(self, *args, **kwargs):
        return verify(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
