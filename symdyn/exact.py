"""Exact SymPy constants turned into mpmath numbers, and exact signs.

Near a phase boundary the interesting quantities are differences of nearly
equal numbers (``theta**4 - c`` at ``theta = theta_c (1 + 1e-20)``; the outlier
amplitude ``alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v)`` next to the critical
ratio).  Evaluating them in fixed precision loses those digits.  Here every
constant is kept exact (rational or algebraic) and evaluated with SymPy's
adaptive ``evalf`` in strict mode, which raises the working precision until the
requested number of *correct* digits is reached.  Exact zeros are recognised
exactly, never by a tolerance.

>>> import sympy as sp
>>> c = sp.Rational(1, 2); theta = c**sp.Rational(1, 4) * (1 + sp.Rational(1, 10**20))
>>> mp_to_decimal(to_mp(theta**4 - c, 20), 20)
'2.0000000000000000000e-20'
>>> exact_sign(theta**4 - c), exact_sign((c**sp.Rational(1, 4))**4 - c)
(1, 0)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import mpmath as mp
import sympy as sp

__all__ = ["to_mp", "to_float", "exact_sign", "is_exact_zero", "is_algebraic_form", "mp_to_decimal", "mp_to_decimal_directed",
           "enclosure_decimals", "enclosure_midpoint", "short_text", "readable"]

_EXTRA_BITS = 100_000  # cap for evalf's internal precision (about 30,000 digits)


def is_exact_zero(expr: sp.Expr) -> bool:
    """True iff *expr* (a closed-form real number) is exactly zero."""
    expr = sp.sympify(expr)
    if expr.is_Rational:
        return expr == 0
    if expr.is_zero is not None:
        return bool(expr.is_zero)
    simplified = sp.radsimp(sp.expand(expr))
    if simplified == 0:
        return True
    try:
        sp.N(simplified, 15, strict=True, maxn=_EXTRA_BITS)
        return False
    except sp.core.evalf.PrecisionExhausted:
        pass
    # decide algebraically: a nonzero algebraic number has a minimal polynomial != x
    x = sp.Dummy("x")
    try:
        return sp.minimal_polynomial(simplified, x) == x
    except (NotImplementedError, sp.polys.polyerrors.PolynomialError):  # pragma: no cover
        return bool(simplified.equals(0))


def is_algebraic_form(expr: sp.Expr) -> bool:
    """Built from rationals by + - * / and rational powers only (then it is an algebraic number).

    >>> is_algebraic_form(sp.sqrt(2) / 3 + sp.Rational(1, 2) ** sp.Rational(1, 3)), is_algebraic_form(sp.pi)
    (True, False)
    """
    for node in sp.preorder_traversal(expr):
        if node.is_Atom:
            if not node.is_Rational:
                return False
        elif node.is_Pow:
            if not node.exp.is_Rational:
                return False
        elif not (node.is_Add or node.is_Mul):
            return False
    return True


def exact_sign(expr: sp.Expr) -> int:
    """The sign (-1, 0, 1) of a closed-form real number, decided exactly."""
    expr = sp.sympify(expr)
    if expr.is_Rational:
        return int(sp.sign(expr))
    if is_exact_zero(expr):
        return 0
    value = sp.N(expr, 15, strict=True, maxn=_EXTRA_BITS)
    return 1 if value > 0 else -1


@lru_cache(maxsize=4096)
def _to_mp_cached(expr: sp.Expr, dps: int) -> mp.mpf:
    if expr.is_Rational:
        with mp.workdps(dps):
            return mp.mpf(int(expr.p)) / int(expr.q)
    if is_exact_zero(expr):
        return mp.mpf(0)
    value = sp.N(expr, dps, strict=True, maxn=_EXTRA_BITS)
    if not value.is_real:  # pragma: no cover - all model constants are real
        raise ValueError(f"{expr} is not real")
    with mp.workdps(dps):
        return mp.mpf(value._mpf_)


def to_mp(expr: sp.Expr, dps: int) -> mp.mpf:
    """Evaluate an exact real constant to an mpf with *dps* correct digits.

    The result carries the precision of ``workdps(dps)``; the caller's mpmath
    precision is neither read nor changed.
    """
    return _to_mp_cached(sp.sympify(expr), int(dps))


def to_float(expr: sp.Expr) -> float:
    """A float64 of an exact constant (SymPy ``evalf`` to 30 digits, then rounded), e.g. for a simulator.

    >>> to_float(sp.sqrt(2) / 2)
    0.7071067811865476
    """
    return float(sp.N(expr, 30))


def mp_to_decimal(x: mp.mpf, dps: int) -> str:
    """A decimal string with *dps* significant digits (exact zero gives ``"0"``; ``"inf"``, ``"-inf"``, ``"nan"``)."""
    if x == 0:
        return "0"
    if not mp.isfinite(x):
        return "nan" if mp.isnan(x) else ("inf" if x > 0 else "-inf")
    return mp.libmp.to_str(x._mpf_, int(dps), strip_zeros=False)


def _exact_fraction(x: mp.mpf):
    """The exact value of a finite mpf as a Fraction (``ValueError`` for inf/nan)."""
    from fractions import Fraction

    sign, man, exp, _ = x._mpf_
    if not man:
        if exp != 0:
            raise ValueError("not a finite number")
        return Fraction(0)
    value = Fraction(man) * (Fraction(2) ** exp) if exp < 0 else Fraction(man << exp)
    return -value if sign else value


def _decimal_exponent(mag) -> int:
    """``e`` with ``10**e <= mag < 10**(e + 1)`` for a positive Fraction (exact, any magnitude)."""
    from fractions import Fraction
    import math

    bits = mag.numerator.bit_length() - mag.denominator.bit_length()  # log2(mag) within 1
    e = math.floor(bits * 0.30102999566398120) - 1
    while Fraction(10) ** e > mag:
        e -= 1
    while Fraction(10) ** (e + 1) <= mag:
        e += 1
    return e


def _round_decimal(value, dps: int, mode: str) -> str:
    """The exact rational *value* as a decimal of *dps* significant digits, rounded ``"down"``
    (toward -inf), ``"up"`` (toward +inf) or to ``"nearest"`` (ties away from zero)."""
    from decimal import Decimal
    from fractions import Fraction
    import math

    if value == 0:
        return "0"
    e10 = _decimal_exponent(abs(value))
    shift = e10 - int(dps) + 1
    q = value / (Fraction(10) ** shift) if shift >= 0 else value * (10 ** -shift)
    if mode == "down":
        digits = math.floor(q)
    elif mode == "up":
        digits = math.ceil(q)
    elif mode == "nearest":
        digits = math.floor(abs(q) + Fraction(1, 2)) * (1 if q > 0 else -1)
    else:
        raise ValueError("mode must be 'down', 'up' or 'nearest'")
    neg = digits < 0
    text = str(abs(digits))
    if len(text) > int(dps):  # a carry into a new decimal place (9.99 -> 10.0): drop its trailing zero
        text, shift = text[:-1], shift + 1
    exp10 = shift + len(text) - 1
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    # the same exact digits in Python's Decimal notation (fixed point for moderate exponents)
    return str(Decimal(("-" if neg else "") + f"{mantissa}e{exp10}"))


def mp_to_decimal_directed(x: mp.mpf, dps: int, direction: str) -> str:
    """A decimal string of *dps* significant digits rounded toward -inf (``"down"``)
    or +inf (``"up"``), so that a printed enclosure still contains the value.

    Exact at every magnitude (the mpf is converted to a fraction, never to a float).

    >>> with mp.workdps(30):
    ...     third = mp.mpf(1) / 3
    >>> mp_to_decimal_directed(third, 5, "down"), mp_to_decimal_directed(third, 5, "up")
    ('0.33333', '0.33334')
    """
    if direction not in ("down", "up"):
        raise ValueError("direction must be 'down' or 'up'")
    return _round_decimal(_exact_fraction(x), dps, direction)


def readable(expr: Any) -> str:
    """An exact value as readable text for terminals and JSON: powers with ``^``, never ``**``.

    SymPy's ``^`` convention (``convert_xor``) reads it back, but the machine-readable form is
    ``sympy.sstr``; keep that one where a program parses the value.

    >>> import sympy as sp
    >>> readable(-sp.Integer(2) ** sp.Rational(3, 4) / 2), readable(sp.Rational(6, 5)), readable(sp.sqrt(2) / 2)
    ('-2^(3/4)/2', '6/5', 'sqrt(2)/2')
    """
    if isinstance(expr, tuple):
        return ",".join(readable(v) for v in expr)
    if isinstance(expr, sp.Rational) and max(abs(int(expr.p)), int(expr.q)).bit_length() > 64:
        short = _exact_decimal(expr)
        if short is not None:
            return short
    return sp.sstr(expr).replace("**", "^") if isinstance(expr, sp.Basic) else str(expr)


def _exact_decimal(q: sp.Rational) -> str | None:
    """``1e-300`` for 10^-300: a rational with a power-of-ten denominator (or an integer) in exact
    scientific notation when that is shorter, else ``None``.

    >>> _exact_decimal(sp.Rational(3, 10**40)), _exact_decimal(sp.Integer(10)**30), _exact_decimal(sp.Rational(1, 3))
    ('3e-40', '1e+30', None)
    """
    from decimal import Context, Decimal

    den = int(q.q)
    k = len(str(den)) - 1
    if den != 10**k:
        return None
    digits = len(str(abs(int(q.p))))
    d = Decimal(int(q.p)).scaleb(-k, Context(prec=digits + 2)).normalize(Context(prec=digits + 2))
    text = f"{d:e}".replace("E", "e")
    mant, _, exp = text.partition("e")
    return f"{mant}e{int(exp):+d}" if int(exp) >= 0 else f"{mant}e{int(exp)}"


def enclosure_decimals(lower: mp.mpf, upper: mp.mpf, dps: int) -> tuple[str, str, str]:
    """``(value, lower, upper)`` of an enclosure as decimal strings of *dps* significant digits.

    ``lower`` is rounded down, ``upper`` up, and ``value`` is the exact midpoint rounded to
    nearest and, should a change of decimal exponent between the endpoints make the nearest
    decimal fall outside, replaced by the printed endpoint it crossed: so
    ``lower <= value <= upper`` holds for the three strings read as exact decimals.  This is
    the only way certified numbers become text.

    >>> with mp.workdps(40):
    ...     lo, hi = mp.mpf(2) / 3, mp.mpf(2) / 3 + mp.mpf(10) ** -25
    >>> value, lower, upper = enclosure_decimals(lo, hi, 28)
    >>> lower, value, upper
    ('0.6666666666666666666666666666', '0.6666666666666666666666667167', '0.6666666666666666666666667667')
    """
    from fractions import Fraction

    a, b = _exact_fraction(lower), _exact_fraction(upper)
    if a > b:
        raise ValueError("lower > upper")
    lo, hi = _round_decimal(a, dps, "down"), _round_decimal(b, dps, "up")
    value = _round_decimal((a + b) / 2, dps, "nearest")
    v = Fraction(value)
    if v < Fraction(lo):
        value = lo
    elif v > Fraction(hi):
        value = hi
    return value, lo, hi


def enclosure_midpoint(lower: mp.mpf, upper: mp.mpf) -> mp.mpf:
    """The exact midpoint of two finite mpf numbers (no rounding: one more bit than they have)."""
    from mpmath.libmp import mpf_add, mpf_shift

    return mp.make_mpf(mpf_shift(mpf_add(lower._mpf_, upper._mpf_, 0), -1))


def short_text(x) -> str:
    """An exact number as text for tables and messages: exact when short (``"5/2"``, ``"100000000"``),
    else 6 significant digits (``"1.0e+300"``): t = 1e300 has 301 digits.

    >>> short_text(sp.Rational(5, 2)), short_text(sp.Integer(10) ** 300)
    ('5/2', '1.0e+300')
    """
    x = sp.sympify(x)
    if x.is_Rational and abs(int(x.p)).bit_length() <= 49 and int(x.q).bit_length() <= 49:  # <= 15 digits
        return str(x)
    return mp.nstr(to_mp(x, 10), 6)
