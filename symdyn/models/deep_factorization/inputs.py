"""Exact input handling shared by the deep-factorization modules (no model knowledge beyond the domains).

Numbers are exact :class:`sympy.Rational` values; text and floats go through
:func:`symdyn.params.parse_number`.  Every check raises a one-line
:class:`~symdyn.errors.ParameterError` saying what is wrong and what is allowed.

>>> rational("1e-30", "alpha", positive=True)
1/1000000000000000000000000000000
>>> depth(3), depth("7/2", integer=False)
(3, 7/2)
>>> spectrum("2,1.999999999999999999", "sigma")[1]
1999999999999999999/1000000000000000000
"""

from __future__ import annotations

from typing import Any, Iterable

import mpmath as mp
import sympy as sp

from ...errors import ParameterError
from ...exact import to_mp
from ...params import WORKING_HEADROOM, parse_number
from ...params import check_dps as _check_dps

__all__ = ["rational", "depth", "spectrum", "check_dps", "mpq", "p_exponent", "level"]


def check_dps(dps: Any) -> int:
    """The precision of one of this model's functions: the user's range, plus the guard digits
    (:data:`~symdyn.params.WORKING_HEADROOM`) the functions add when they call one another.

    >>> check_dps(1010)
    1010
    """
    return _check_dps(dps, headroom=WORKING_HEADROOM)


def rational(value: Any, name: str, *, positive: bool = False, nonnegative: bool = False) -> sp.Rational:
    """An exact rational from *value*, optionally required to be positive / non-negative."""
    try:
        q = parse_number(value)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None
    if positive and not q > 0:
        raise ParameterError(f"{name}={q} must be positive")
    if nonnegative and q < 0:
        raise ParameterError(f"{name}={q} must be non-negative")
    return q


def level(value: Any, name: str = "level") -> sp.Rational:
    """A level strictly between 0 and 1 (fraction of the target)."""
    q = rational(value, name)
    if not 0 < q < 1:
        raise ParameterError(f"{name}={q} is outside (0, 1)")
    return q


def depth(value: Any, *, integer: bool = True) -> sp.Rational:
    """The depth ``N``: an integer ``>= 2``; with ``integer=False`` also a rational ``N > 2``."""
    if isinstance(value, bool):
        raise ParameterError("N must be an integer >= 2")
    try:
        q = parse_number(value)
    except ParameterError:
        raise ParameterError(f"N={value!r} is not a number: use an integer >= 2") from None
    if q.is_Integer:
        if q < 2:
            raise ParameterError(f"N={q} is too small: the depth is an integer >= 2")
        return q
    if integer:
        raise ParameterError(f"N={q} is not an integer: the depth is an integer >= 2")
    if not q > 2:
        raise ParameterError(f"N={q}: a non-integer depth must be > 2")
    return q


def spectrum(values: Any, name: str, *, positive: bool = True, strict: bool = True) -> tuple[sp.Rational, ...]:
    """A decreasing tuple of exact rationals from ``"3,2,1"`` or an iterable.

    ``positive`` requires every entry > 0; ``strict`` requires strictly decreasing entries.
    """
    if isinstance(values, str):
        items: Iterable[Any] = [v.strip() for v in values.split(",")]
    else:
        items = list(values)
    out = []
    for i, v in enumerate(items, 1):
        if isinstance(v, str) and not v:
            raise ParameterError(f"{name}: entry {i} is empty")
        q = rational(v, f"{name}[{i}]")
        if positive and not q > 0:
            raise ParameterError(f"{name}[{i}]={q} must be positive")
        out.append(q)
    if not out:
        raise ParameterError(f"{name} is empty: give at least one value")
    for i in range(1, len(out)):
        if strict and not out[i] < out[i - 1]:
            raise ParameterError(f"{name} must be strictly decreasing: entry {i + 1} ({out[i]}) >= entry {i} ({out[i - 1]})")
        if not strict and out[i] > out[i - 1]:
            raise ParameterError(f"{name} must be decreasing: entry {i + 1} ({out[i]}) > entry {i} ({out[i - 1]})")
    return tuple(out)


def mpq(q: Any) -> mp.mpf:
    """The exact number *q* as an mpf at the current precision (a rational: one rounding; a closed form
    such as ``alpha^(7/2)``: adaptive evalf to the current precision)."""
    q = sp.sympify(q)
    if q.is_Rational:
        return mp.mpf(int(q.p)) / int(q.q)
    return to_mp(q, mp.mp.dps)


def p_exponent(N: sp.Rational) -> sp.Rational:
    """``p = 2 - 2/N``, the exponent of ``lambda' = N lambda^p (s - lambda)``."""
    return 2 - sp.Rational(2) / N
