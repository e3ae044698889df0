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

__all__ = ["to_mp", "to_float", "exact_sign", "is_exact_zero", "mp_to_decimal"]

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


def mp_to_decimal_directed(x: mp.mpf, dps: int, direction: str) -> str:
    """A decimal string of *dps* significant digits rounded toward -inf (``"down"``)
    or +inf (``"up"``), so that a printed enclosure still contains the value.

    >>> with mp.workdps(30):
    ...     third = mp.mpf(1) / 3
    >>> mp_to_decimal_directed(third, 5, "down"), mp_to_decimal_directed(third, 5, "up")
    ('0.33333', '0.33334')
    """
    from fractions import Fraction
    import math

    if direction not in ("down", "up"):
        raise ValueError("direction must be 'down' or 'up'")
    sign, man, exp, _ = x._mpf_
    if not man:
        if exp != 0:  # inf or nan
            raise ValueError("not a finite number")
        return "0"
    value = Fraction(man) * (Fraction(2) ** exp)
    if sign:
        value = -value
    mag = abs(value)
    e10 = math.floor(math.log10(float(mag))) if mag > Fraction(10) ** -300 else None
    if e10 is None:  # tiny: locate the exponent exactly
        e10 = 0
        while Fraction(10) ** e10 > mag:
            e10 -= 1
    # make sure 10**e10 <= mag < 10**(e10+1)
    while Fraction(10) ** e10 > mag:
        e10 -= 1
    while Fraction(10) ** (e10 + 1) <= mag:
        e10 += 1
    scale = Fraction(10) ** (e10 - dps + 1)
    q = value / scale
    digits = math.floor(q) if direction == "down" else math.ceil(q)
    neg = digits < 0
    text = str(abs(digits))
    exp10 = e10 - dps + 1 + len(text) - 1
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    # same exact digits, in Python's Decimal notation (fixed for moderate exponents)
    from decimal import Decimal

    return str(Decimal(("-" if neg else "") + f"{mantissa}e{exp10}"))


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
    return sp.sstr(expr).replace("**", "^") if isinstance(expr, sp.Basic) else str(expr)
