"""Arithmetic backends: the number type a numeric kernel computes with.

A kernel is written once with ``+ - * /`` and the functions of an
:class:`Arithmetic` object; the backend decides the number type and holds the
working precision *inside a context*, never globally:

* :data:`MPFR` - gmpy2's MPFR numbers (correctly rounded, about 10x faster than
  mpmath objects); the default for high-precision evaluation.
* :data:`MPMATH` - plain mpmath ``mpf`` under ``mp.workdps``; the reference.
* :data:`FLOAT64` - Python floats; the fast path for plotting (15-16 digits at best).

>>> with MPFR.workdps(40):
...     v = MPFR.exp(MPFR.num(1))
>>> with MPMATH.workdps(40):
...     w = MPMATH.exp(MPMATH.num(1))
...     abs(MPFR.to_mp(v) - w) < mp.mpf(10) ** -39
True
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import Any, Iterator

import gmpy2
import mpmath as mp

__all__ = ["Arithmetic", "MPFRArithmetic", "MpmathArithmetic", "Float64Arithmetic",
           "MPFR", "MPMATH", "FLOAT64", "arithmetic"]


def _bits(dps: int) -> int:
    return int(math.ceil(dps * 3.3219280948873626)) + 8


class Arithmetic(ABC):
    """Number type plus elementary functions at a working precision."""

    name: str
    max_dps: int | None = None  # None: arbitrary precision

    @abstractmethod
    def workdps(self, dps: int): ...

    @abstractmethod
    def num(self, x: Any) -> Any:
        """Convert an int, mpf or decimal string to the backend's number type."""

    @abstractmethod
    def to_mp(self, v: Any) -> mp.mpf:
        """Convert exactly to an mpf, independent of mpmath's current precision."""

    exp: Any
    expm1: Any
    sqrt: Any
    sin: Any
    cos: Any
    log1p: Any

    @abstractmethod
    def pi(self) -> Any: ...

    def __repr__(self) -> str:
        return f"<arithmetic {self.name}>"


class MPFRArithmetic(Arithmetic):
    name = "mpfr"

    @contextmanager
    def workdps(self, dps: int) -> Iterator[None]:
        with gmpy2.context(precision=_bits(dps)):
            yield

    def num(self, x: Any) -> Any:
        if isinstance(x, mp.mpf):
            sign, man, exp, _ = x._mpf_
            if not man:
                return gmpy2.mpfr(0)
            try:
                return gmpy2.mul_2exp(gmpy2.mpfr(-man if sign else man), exp)
            except OverflowError:  # an exponent beyond a C long: below MPFR's range it underflows like any other
                if exp < 0:
                    return gmpy2.mpfr(0)
                raise ArithmeticError(f"{mp.nstr(x, 5)} is beyond the exponent range of MPFR") from None
        if isinstance(x, int):
            return gmpy2.mpfr(x)
        return gmpy2.mpfr(x)

    def to_mp(self, v: Any) -> mp.mpf:
        if not gmpy2.is_finite(v):
            raise ArithmeticError(f"non-finite intermediate {v}")
        if v == 0:
            return mp.mpf(0)
        m, e = v.as_mantissa_exp()
        # exact, whatever mpmath's current precision is
        return mp.mp.make_mpf(mp.libmp.from_man_exp(int(m), int(e)))

    exp = staticmethod(gmpy2.exp)
    expm1 = staticmethod(gmpy2.expm1)
    sqrt = staticmethod(gmpy2.sqrt)
    sin = staticmethod(gmpy2.sin)
    cos = staticmethod(gmpy2.cos)
    log1p = staticmethod(gmpy2.log1p)

    def pi(self) -> Any:
        return gmpy2.const_pi()


class MpmathArithmetic(Arithmetic):
    name = "mpmath"

    @contextmanager
    def workdps(self, dps: int) -> Iterator[None]:
        with mp.workdps(dps):
            yield

    def num(self, x: Any) -> Any:
        return mp.mpf(x)

    def to_mp(self, v: Any) -> mp.mpf:
        return v if isinstance(v, mp.mpf) else mp.mpf(v)

    exp = staticmethod(mp.exp)
    expm1 = staticmethod(mp.expm1)
    sqrt = staticmethod(mp.sqrt)
    sin = staticmethod(mp.sin)
    cos = staticmethod(mp.cos)
    log1p = staticmethod(mp.log1p)

    def pi(self) -> Any:
        return +mp.pi


class Float64Arithmetic(Arithmetic):
    name = "float64"
    max_dps = 15

    @contextmanager
    def workdps(self, dps: int) -> Iterator[None]:
        yield

    def num(self, x: Any) -> float:
        return float(x)

    def to_mp(self, v: Any) -> mp.mpf:
        if not math.isfinite(v):
            raise ArithmeticError(f"non-finite intermediate {v}")
        return mp.mp.make_mpf(mp.libmp.from_float(v))  # exact

    exp = staticmethod(math.exp)
    expm1 = staticmethod(math.expm1)
    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    log1p = staticmethod(math.log1p)

    def pi(self) -> float:
        return math.pi


MPFR = MPFRArithmetic()
MPMATH = MpmathArithmetic()
FLOAT64 = Float64Arithmetic()

_BY_NAME = {a.name: a for a in (MPFR, MPMATH, FLOAT64)}


def arithmetic(name: str) -> Arithmetic:
    """Backend by name (``mpfr``, ``mpmath``, ``float64``)."""
    from ..errors import ParameterError

    try:
        return _BY_NAME[name]
    except KeyError:
        raise ParameterError(
            f"unknown arithmetic {name!r}: use one of " + ", ".join(_BY_NAME)
        ) from None
