"""The claim at one exact point: substitution with size guards, evaluation, agreeing digits.

Parameter values are exact (rationals, or algebraic numbers such as ``c^(1/4)``
for ``theta=threshold``); the claim is rebuilt bottom-up with them, refusing
exact numbers too large to build (``2^(2^theta)`` at a large ``theta``), and then
evaluated with SymPy's adaptive ``evalf`` in strict mode, which raises its
working precision until the requested digits are correct.

>>> import sympy as sp, mpmath as mp
>>> c = sp.Symbol("c")
>>> x = numeric(substitute(c ** sp.Rational(1, 4), {c: sp.Rational(16)}), 30)
>>> agreeing_digits(x, mp.mpf(2), 30)
30
"""

from __future__ import annotations

from typing import Mapping

import mpmath as mp
import sympy as sp

from ..errors import ParameterError
from ._parser import check_power

__all__ = ["substitute", "numeric", "agreeing_digits", "Undefined", "Unevaluable"]


class Undefined(ArithmeticError):
    """The claim has no finite value at the point (a division by zero)."""


class Unevaluable(Undefined):
    """SymPy cannot evaluate the claim to the requested digits there (it may be exactly 0)."""


def substitute(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """*expr* with exact *values* for its symbols, rebuilt bottom-up with the parser's size limits."""
    memo: dict[sp.Basic, sp.Basic] = {}

    def rebuild(node: sp.Basic) -> sp.Basic:
        if node in memo:
            return memo[node]
        if node in values:
            out = values[node]
        elif not node.args:
            out = node
        else:
            args = [rebuild(a) for a in node.args]
            if node.is_Pow:
                problem = check_power(*args)
                if problem:
                    raise ParameterError(f"the claim cannot be evaluated exactly at this point: {problem}")
            out = node.func(*args)
        memo[node] = out
        return out

    return rebuild(expr)


def numeric(expr: sp.Expr, dps: int) -> mp.mpf | mp.mpc:
    """*expr* (a closed-form number) with *dps* correct digits, as an mpmath number.

    Raises :class:`Undefined` for a division by zero or a value beyond the range of
    floating-point exponents, :class:`Unevaluable` when strict ``evalf`` cannot reach
    *dps* correct digits within ``dps + 1000`` digits of working precision (an exact
    zero such as ``cosh(c)^2 - sinh(c)^2 - 1``, or ``sin(10^2000)``).
    """
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Undefined("the claim divides by zero here")
    try:
        value = sp.N(expr, dps, strict=True, maxn=dps + 1000)
    except sp.core.evalf.PrecisionExhausted:
        raise Unevaluable(f"SymPy cannot evaluate the claim to {dps} digits here") from None
    except OverflowError:
        raise Undefined("the claim's value is beyond any floating-point exponent here") from None
    except ZeroDivisionError:  # a pole of a special function (a hypergeometric lower parameter 0, -1, ...)
        raise Undefined("the claim has a pole here") from None
    except mp.libmp.NoConvergence:
        raise Unevaluable(f"SymPy cannot evaluate the claim to {dps} digits here (a series does not converge)") \
            from None
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Undefined("the claim divides by zero here")
    if not value.is_number or value.free_symbols:
        raise ParameterError(f"the claim does not evaluate to a number here: {sp.sstr(value)[:80]}")
    re_part, im_part = value.as_real_imag()
    with mp.workdps(dps):
        re_mp = mp.mpf(sp.Float(re_part, dps)._mpf_)
        if im_part == 0:
            return re_mp
        return mp.mpc(re_mp, mp.mpf(sp.Float(im_part, dps)._mpf_))


def agreeing_digits(claim: mp.mpf | mp.mpc, value: mp.mpf, dps: int) -> int:
    """Significant decimal digits on which *claim* and *value* agree, from 0 to *dps*.

    Relative to ``|value|``; absolute when the value is exactly 0.
    """
    with mp.workdps(dps + 10):
        if not mp.isfinite(value):
            return 0
        err = abs(claim - value)
        if value != 0:
            err = err / abs(value)
        if err == 0:
            return dps
        return int(max(0, min(dps, mp.floor(-mp.log10(err)))))
