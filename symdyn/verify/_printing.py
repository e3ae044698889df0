"""The parsed claim echoed back, so that a misparse is visible: LaTeX and readable text.

>>> import sympy as sp
>>> text(-2 ** sp.Rational(3, 4) / 2)
'-2^(3/4)/2'
>>> th = sp.Symbol("theta")
>>> latex(sp.sqrt(th**2 + 1), {th: r"\\theta"})
'\\\\sqrt{\\\\theta^{2} + 1}'
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp
from sympy.printing.str import StrPrinter

from ..tex import latex as tex_latex

__all__ = ["text", "latex"]


class _TextPrinter(StrPrinter):
    """SymPy's str printer with ``^`` for powers (``2^(3/4)``, never ``2**(3/4)``)."""

    def _print_Pow(self, expr, rational=False):
        # the children are printed by this printer, so the only ``**`` is this node's own
        return super()._print_Pow(expr, rational=rational).replace("**", "^")


def text(expr: sp.Expr) -> str:
    """Readable one-line text of an expression (``sqrt``, ``exp``, ``besseli``, ``^`` for powers)."""
    return _TextPrinter({"order": None}).doprint(expr)


def latex(expr: sp.Expr, names: Mapping[sp.Symbol, str]) -> str:
    """LaTeX of an expression with each symbol written by its declared LaTeX name (symdyn's printer, as in
    ``derive``, ``report`` and the JSON ``latex`` fields: ``{}_{2}F_{1}\\left(a, b; c; x\\right)``)."""
    return tex_latex(expr, symbol_names=dict(names))
