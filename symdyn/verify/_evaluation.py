"""The claim at one exact point: substitution with size guards, evaluation, agreeing digits.

Parameter values are exact (rationals, or algebraic numbers such as ``c^(1/4)``
for ``theta=threshold``); the claim is rebuilt bottom-up with them, refusing
exact numbers too large to build (``2^(2^theta)`` at a large ``theta``), and then
evaluated with SymPy's adaptive ``evalf`` in strict mode, which raises its
working precision until the requested digits are correct.  Before that, every
function's argument is estimated bottom-up and a function that would need as many
bits as its argument has digits (``exp(exp(exp(200)))``, ``sin(exp(exp(200)))``)
is refused at that point, in milliseconds instead of hours.

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

__all__ = ["substitute", "numeric", "agreeing_digits", "Undefined", "Unevaluable", "MAX_GROWTH"]

#: Largest |argument| of ``exp``, ``sinh``, ``cosh``, ``I_nu`` and of ``b log(a)`` in a power ``a^b``
#: (``e^(1e100)`` takes milliseconds; the cost grows with the argument's number of digits).
MAX_GROWTH = 10**100
_GROWTH = (sp.exp, sp.sinh, sp.cosh, sp.besseli)
#: Functions whose argument is reduced to full precision: beyond ``10^(dps + 1000)`` strict evalf cannot
#: reach the digits anyway (its ``maxn``), and mpmath may run for hours or fail on the way.
_REDUCED = (sp.sin, sp.cos, sp.tan, sp.besselj, sp.hyper, sp.lerchphi)


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
                problem = check_power(*args, literal=False)
                if problem:
                    raise ParameterError(f"the claim cannot be evaluated exactly at this point: {problem}")
            out = node.func(*args)
        memo[node] = out
        return out

    return rebuild(expr)


def numeric(expr: sp.Expr, dps: int) -> mp.mpf | mp.mpc:
    """*expr* (a closed-form number) with *dps* correct digits, as an mpmath number.

    Raises :class:`Undefined` for a division by zero, a value beyond the range of
    floating-point exponents or a function argument too large to evaluate the function
    (``exp(exp(exp(200)))``, ``sin(exp(exp(40)))``), :class:`Unevaluable` when strict ``evalf`` cannot reach
    *dps* correct digits within ``dps + 1000`` digits of working precision (an exact
    zero such as ``cosh(c)^2 - sinh(c)^2 - 1``, or ``sin(10^2000)``).
    """
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Undefined("the claim divides by zero here")
    _check_arguments(expr, dps)
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


def _magnitude(x: sp.Expr) -> mp.mpf | None:
    """A rough ``max(|re x|, |im x|)`` of a closed-form number, or ``None`` if it cannot be estimated."""
    try:
        re_part, im_part = sp.N(x, 5).as_real_imag()
        if not (re_part.is_Number and im_part.is_Number) or re_part.has(sp.nan, sp.zoo):
            return None
        return max(abs(mp.mpf(sp.Float(re_part, 5)._mpf_)), abs(mp.mpf(sp.Float(im_part, 5)._mpf_)))
    except (ArithmeticError, ValueError, TypeError):
        return None


def _about(size: mp.mpf) -> str:
    """``1e+86`` for a magnitude, ``10^(1.02e+17)`` where the exponent itself is large."""
    e = mp.log10(size)
    return f"1e+{int(e)}" if e < 10**6 else f"10^({mp.nstr(e, 3)})"


def _check_arguments(expr: sp.Expr, dps: int) -> None:
    """Refuse a function whose argument is too large to evaluate it (see :data:`MAX_GROWTH`).

    Bottom-up, so every argument estimated here is made of functions already checked.  The
    refusal is :class:`Undefined`, not :class:`Unevaluable`: no exact-zero proof is attempted
    on such a claim (that would evaluate it).
    """
    reduced_digits = dps + 1000
    with mp.workdps(15):
        for node in sp.postorder_traversal(expr):
            if node.is_Pow and not node.exp.is_Rational and node.is_number and node.base != 0:
                what, limit = "a power a^b with b log|a|", MAX_GROWTH
                args = (node.exp * sp.log(sp.Abs(node.base)),)
            elif isinstance(node, _GROWTH):
                what, limit, args = f"{type(node).__name__} of an argument", MAX_GROWTH, node.args[-1:]
            elif isinstance(node, _REDUCED):
                what, limit = f"{type(node).__name__} of an argument", mp.mpf(10) ** reduced_digits
                args = [a for a in node.args if isinstance(a, sp.Expr)]
            else:
                continue
            for arg in args:
                size = _magnitude(arg) if arg.is_number else None
                if size is None or size <= limit:
                    continue
                if limit == MAX_GROWTH:
                    raise Undefined(f"the claim's value is beyond the floating-point exponents evaluated here: "
                                    f"{what} of about {_about(size)} (up to 1e+100)")
                raise Undefined(f"SymPy cannot evaluate the claim to {dps} digits here: {what} of about "
                                f"{_about(size)} (up to 1e+{reduced_digits})")


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
