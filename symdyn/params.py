"""Exact parameters: parsing, specifications and validation.

Numbers enter symdyn as text (``"1/2"``, ``"6/5"``, ``"-0.45"``, ``"1e-30"``) or as
Python numbers and are turned into exact :class:`sympy.Rational` values by an
explicit parser; nothing is ever passed to ``eval`` or ``sympify``.  A model
declares its parameters once as :class:`ParamSpec` objects; :class:`Params` is the
validated, immutable set of values a computation receives.

>>> parse_number("6/5"), parse_number("-0.45"), parse_number("1e-3")
(6/5, -9/20, 1/1000)
>>> parse_number("__import__('os')")
Traceback (most recent call last):
...
symdyn.errors.ParameterError: "__import__('os')" is not a number: use a decimal (0.25, -1.5, 1e-30) or a fraction (1/2, 6/5)
"""

from __future__ import annotations

import math
import numbers
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import sympy as sp

from .errors import ParameterError

__all__ = [
    "parse_number",
    "show",
    "parse_time",
    "check_dps",
    "MIN_DPS",
    "MAX_DPS",
    "WORKING_HEADROOM",
    "MAX_EXPONENT",
    "Domain",
    "Interval",
    "Integer",
    "Choice",
    "Vector",
    "Seed",
    "ParamSpec",
    "Params",
]

_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)  # ASCII digits only
#: Largest decimal exponent a number may have (``1e10000`` parses, ``1e10001`` is refused).
MAX_EXPONENT = 10_000
_MAX_LENGTH = 20_000


def _parse_decimal(text: str) -> sp.Rational:
    if not _DECIMAL.match(text):
        raise ValueError(text)
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > MAX_EXPONENT:
        raise OverflowError(text)
    fr = Fraction(mantissa) * (Fraction(10) ** int(exponent or 0))
    return sp.Rational(fr.numerator, fr.denominator)


def parse_number(value: Any) -> sp.Rational:
    """Parse *value* into an exact rational.

    Accepted: ``int``, :class:`fractions.Fraction`, :class:`sympy.Rational`, a
    ``float`` (read through its shortest decimal representation, so ``0.1`` gives
    ``1/10``), or a string holding a decimal (``"0.25"``, ``"1e-30"``) or a fraction
    of two decimals (``"1/2"``, ``"1.5/7"``).  NaN, infinities, division by zero
    and anything else raise :class:`~symdyn.errors.ParameterError`.

    >>> parse_number("1.5/7"), parse_number(0.1), parse_number(3)
    (3/14, 1/10, 3)
    """
    if isinstance(value, bool):
        raise ParameterError(f"{_show(value)} is not a number")
    if isinstance(value, sp.Rational):
        return value
    if isinstance(value, numbers.Integral):  # int and numpy integers
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Real) and not isinstance(value, sp.Basic):  # float and numpy floats
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(f"{_show(value)} is not a finite number")
        return _parse_decimal(repr(value))
    if not isinstance(value, str):
        raise ParameterError(
            f"{_show(value)} of type {type(value).__name__} is not a number: "
            "give a string, int, float, Fraction or sympy Rational"
        )
    text = value.strip()
    hint = "use a decimal (0.25, -1.5, 1e-30) or a fraction (1/2, 6/5)"
    if len(text) > _MAX_LENGTH:
        raise ParameterError(f"{_show(value)} is not a number: it is too long (at most {_MAX_LENGTH} characters)")
    if not text:
        raise ParameterError(f"{_show(value)} is not a number: {hint}")
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            numerator = _parse_decimal(num.strip())
            denominator = _parse_decimal(den.strip())
            if denominator == 0:
                raise ParameterError(f"{_show(value)} divides by zero: {hint}")
            return numerator / denominator
        return _parse_decimal(text)
    except OverflowError:
        raise ParameterError(
            f"{_show(value)} has an exponent beyond +-{MAX_EXPONENT}: {hint}"
        ) from None
    except ValueError:
        raise ParameterError(f"{_show(value)} is not a number: {hint}") from None


MIN_DPS = 15
MAX_DPS = 1000
#: guard digits nested library calls may add beyond ``MAX_DPS`` (see :func:`check_dps`)
WORKING_HEADROOM = 100
MAX_STEPS = 2**53

#: Digits of the numerator and of the denominator of a model parameter's exact value.  The exact
#: constants take square roots of sums of parameters' powers, and SymPy factors the integers under a
#: root: measured, random 100-digit parameters cost about 1 s, 200-digit ones up to 10 s, and
#: theta = 1e999 did not finish in a minute.  101 digits admit every decimal from 1e-100 to 1e100.
MAX_DIGITS = 101


def check_size(value: sp.Rational, max_digits: int = MAX_DIGITS) -> sp.Rational:
    """*value* if its numerator and denominator have at most *max_digits* digits (:data:`MAX_DIGITS`).

    >>> check_size(sp.Rational(1, 10**30))
    1/1000000000000000000000000000000
    >>> check_size(sp.Integer(10) ** 400)
    Traceback (most recent call last):
    ...
    symdyn.errors.ParameterError: the value has 401 digits: exact parameters have at most 101 digits in numerator and denominator (decimals from 1e-100 to 1e100)
    """
    if isinstance(value, sp.Rational):
        digits = max(len(str(abs(int(value.p)))), len(str(int(value.q))))
        if digits > max_digits:
            raise ParameterError(f"the value has {digits} digits: exact parameters have at most {max_digits} digits "
                                 f"in numerator and denominator (decimals from 1e-{max_digits - 1} to "
                                 f"1e{max_digits - 1})")
    return value


def check_dps(dps: Any, *, headroom: int = 0) -> int:
    """Validate a requested precision (decimal digits, ``MIN_DPS..MAX_DPS``).

    *headroom* digits beyond ``MAX_DPS`` are accepted from a library function that is called by
    another one with guard digits (:data:`WORKING_HEADROOM`): a user's ``dps = MAX_DPS`` must not
    fail in a nested call at ``MAX_DPS + 10``.

    >>> check_dps(40), check_dps("60"), check_dps(MAX_DPS + 10, headroom=WORKING_HEADROOM)
    (40, 60, 1010)
    """
    if isinstance(dps, bool) or not isinstance(dps, int):
        if isinstance(dps, str) and dps.strip().lstrip("+").isdigit() and len(dps.strip()) < 12:
            dps = int(dps)
        else:
            raise ParameterError(f"dps={_show(dps)} is not a whole number: use {MIN_DPS}..{MAX_DPS}")
    if not MIN_DPS <= dps <= MAX_DPS + headroom:
        raise ParameterError(f"dps={dps} is outside the supported range {MIN_DPS}..{MAX_DPS}")
    return dps


def _show(value: Any, limit: int = 80, *, quote: bool = True) -> str:
    """``repr(value)`` (``str`` with ``quote=False``) cut to about ``limit`` characters: the form of
    every user value echoed in a one-line error.

    >>> text = _show("1" * 10**6)
    >>> len(text) < 110, text.endswith("...' (1000002 characters)")
    (True, True)
    """
    if isinstance(value, str) and len(value) > 10 * limit:  # never repr a huge string whole
        text = repr(value[:limit]) if quote else value[:limit]
        return text[: limit - 5] + ("...'" if quote else "...") + f" ({len(value) + (2 if quote else 0)} characters)"
    text = repr(value) if quote else str(value)
    if len(text) <= limit:
        return text
    return text[: limit - 5] + ("...'" if quote else "...") + f" ({len(text)} characters)"


def parse_time(value: Any, *, integer: bool = False, name: str = "t") -> sp.Rational:
    """Parse one time (or, with ``integer=True``, one GD step count) exactly.

    >>> parse_time("5/2"), parse_time("40", integer=True)
    (5/2, 40)
    """
    try:
        t = parse_number(value)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None
    if t < 0:
        raise ParameterError(f"{name}={_show(value, quote=False)} is negative: times must be >= 0")
    if integer and not t.is_integer:
        raise ParameterError(
            f"{name}={_show(value, quote=False)} is not a whole number: discrete GD takes step counts 0, 1, 2, ..."
        )
    if integer and t > MAX_STEPS:
        raise ParameterError(f"{name}={_show(value, quote=False)} is beyond the supported step counts (at most "
                             f"2^53 = {MAX_STEPS}, where float64 still counts exactly)")
    return t


# --------------------------------------------------------------------------- domains


class Domain(ABC):
    """The set of values a parameter may take."""

    @abstractmethod
    def contains(self, value: Any) -> bool: ...

    @abstractmethod
    def describe(self) -> str: ...

    def parse(self, raw: Any) -> Any:
        return parse_number(raw)


@dataclass(frozen=True)
class Interval(Domain):
    """A real interval; ``None`` ends are unbounded.

    >>> Interval(lo=0, lo_closed=False).describe()
    'a number > 0'
    """

    lo: Any = None
    hi: Any = None
    lo_closed: bool = True
    hi_closed: bool = True
    #: digits of the numerator and denominator (the spectral models' exact constants need the default;
    #: a model whose arithmetic never factors integers may admit more, e.g. alpha = 1e-300)
    max_digits: int = MAX_DIGITS

    def parse(self, raw: Any) -> Any:
        return check_size(parse_number(raw), self.max_digits)

    def contains(self, value: Any) -> bool:
        v = value
        if self.lo is not None:
            below = v < self.lo if self.lo_closed else v <= self.lo
            if bool(below):
                return False
        if self.hi is not None:
            above = v > self.hi if self.hi_closed else v >= self.hi
            if bool(above):
                return False
        return True

    def describe(self) -> str:
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None:
            if lo == -hi and self.lo_closed and self.hi_closed:
                return f"a number with |x| <= {hi}"
            left = "[" if self.lo_closed else "("
            right = "]" if self.hi_closed else ")"
            return f"a number in {left}{lo}, {hi}{right}"
        if lo is not None:
            return f"a number {'>=' if self.lo_closed else '>'} {lo}"
        if hi is not None:
            return f"a number {'<=' if self.hi_closed else '<'} {hi}"
        return "a number"


@dataclass(frozen=True)
class Integer(Domain):
    """Whole numbers ``lo <= x`` (and ``<= hi`` when given).

    >>> Integer(2).describe(), Integer(1, 9).describe()
    ('a whole number >= 2', 'a whole number in 1..9')
    """

    lo: int = 0
    hi: int | None = None

    def contains(self, value: Any) -> bool:
        return bool(value.is_integer) and value >= self.lo and (self.hi is None or value <= self.hi)

    def describe(self) -> str:
        return f"a whole number >= {self.lo}" if self.hi is None else f"a whole number in {self.lo}..{self.hi}"


@dataclass(frozen=True)
class Seed(Domain):
    """The seed of a random instance (an initialization, a perturbation): a whole number ``0..2^63-1``.

    A seed parameter fixes *which* random instance the theory is about, so that anyone can
    reproduce it from the parameters alone; it is printed and round-trips like any value.

    >>> Seed().parse("7"), Seed().contains(Seed().parse("7"))
    (7, True)
    """

    def contains(self, value: Any) -> bool:
        return bool(value.is_integer) and 0 <= value < 2**63

    def describe(self) -> str:
        return "a seed: a whole number in 0..2^63-1"


_ORDERS = {"decreasing": "<", "increasing": ">"}  # how each entry compares with the one before


@dataclass(frozen=True)
class Vector(Domain):
    """A comma-separated list of exact numbers (``sigma=3,2,1``), each in ``element``.

    ``order`` (``"decreasing"``, ``"increasing"`` or ``None``) with ``strict`` constrains
    neighbouring entries; ``min_len``/``max_len`` bound the length.  Every entry is parsed
    exactly (``2,1.999999999999999999`` keeps all its digits); a bad entry is named in the
    error.  Values are tuples of :class:`sympy.Rational`; text and JSON form ``"3,2,1"``.

    >>> v = Vector(Interval(lo=0, lo_closed=False), order="decreasing")
    >>> v.parse("3, 2, 1/2")
    (3, 2, 1/2)
    >>> v.parse("1,2")
    Traceback (most recent call last):
    ...
    symdyn.errors.ParameterError: entries must be strictly decreasing: entry 2 (2) is not < entry 1 (1)
    >>> v.describe()
    'a comma-separated list of 1 or more numbers, each a number > 0, strictly decreasing'
    """

    element: Domain = field(default_factory=lambda: Interval())
    min_len: int = 1
    max_len: int | None = None
    order: str | None = None
    strict: bool = True

    def parse(self, raw: Any) -> tuple[Any, ...]:
        if isinstance(raw, str):
            if len(raw) > _MAX_LENGTH:
                raise ParameterError(f"a list of {len(raw)} characters is too long (at most {_MAX_LENGTH})")
            parts: list[Any] = [x.strip() for x in raw.split(",")]
            if parts == [""]:
                parts = []
        elif isinstance(raw, (list, tuple)):
            parts = list(raw)
        else:
            parts = [raw]
        n = len(parts)
        if n < self.min_len or (self.max_len is not None and n > self.max_len):
            raise ParameterError(f"{_show(raw)} has {n} entries: {self._length()}")
        out = []
        for i, part in enumerate(parts, 1):
            if isinstance(part, str) and not part:
                raise ParameterError(f"entry {i} of {_show(raw)} is empty: use a list like 3,2,1")
            try:
                value = self.element.parse(part)
            except ParameterError as exc:
                raise ParameterError(f"entry {i}: {exc}") from None
            if not self.element.contains(value):
                raise ParameterError(f"entry {i} ({part}) must be {self.element.describe()}")
            out.append(value)
        if self.order is not None:
            need = _ORDERS[self.order] + ("" if self.strict else "=")  # entry i+1 NEED entry i
            for i in range(1, n):
                a, b = out[i - 1], out[i]
                ok = {"<": b < a, "<=": b <= a, ">": b > a, ">=": b >= a}[need]
                if not bool(ok):
                    word = ("strictly " if self.strict else "") + self.order
                    raise ParameterError(f"entries must be {word}: entry {i + 1} ({b}) is not {need} entry {i} ({a})")
        return tuple(out)

    def contains(self, value: Any) -> bool:
        return isinstance(value, tuple)

    def _length(self) -> str:
        if self.max_len is None:
            return f"give {self.min_len} or more"
        if self.max_len == self.min_len:
            return f"give exactly {self.min_len}"
        return f"give {self.min_len} to {self.max_len}"

    def describe(self) -> str:
        if self.max_len is None:
            count = f"{self.min_len} or more"
        elif self.max_len == self.min_len:
            count = f"exactly {self.min_len}"
        else:
            count = f"{self.min_len} to {self.max_len}"
        text = f"a comma-separated list of {count} numbers, each {self.element.describe()}"
        if self.order is not None:
            text += ", " + ("strictly " if self.strict else "") + self.order
        return text


def format_value(value: Any) -> str:
    """The exact, machine-readable text of a parameter value (``sympy.sstr``): ``"1/2"``,
    ``"2**(3/4)/2"``, ``"3,2,1"``, ``"F1"``.  :func:`symdyn.exact.readable` is the form for people.

    >>> format_value((sp.Integer(3), sp.Rational(1, 2))), format_value(sp.Rational(6, 5))
    ('3,1/2', '6/5')
    """
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Choice(Domain):
    """One word out of a fixed list."""

    options: tuple[str, ...]

    def contains(self, value: Any) -> bool:
        return value in self.options

    def parse(self, raw: Any) -> str:
        return str(raw).strip()

    def describe(self) -> str:
        return "one of " + ", ".join(self.options)


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class ParamSpec:
    """Declaration of one model parameter.

    ``default`` is an exact string (or ``None`` for a parameter that must be
    given when a computation needs it).  ``words`` lists special values a model
    resolves itself, e.g. ``theta=threshold``; ``alternative`` names another
    parameter that may be given instead (``epsilon`` instead of ``theta``).
    """

    name: str
    meaning: str
    domain: Domain
    default: str | None = None
    latex: str = ""
    words: Mapping[str, str] = field(default_factory=dict)
    alternative: str | None = None
    optional: bool = False  # absent unless given (e.g. eta: given means discrete GD)

    def describe(self) -> str:
        text = self.domain.describe()
        if self.words:
            text += " or " + ", ".join(f"'{w}'" for w in self.words)
        return text

    def parse(self, raw: Any) -> Any:
        if isinstance(raw, str) and raw.strip() in self.words:
            return raw.strip()
        try:
            value = self.domain.parse(raw)
        except ParameterError as exc:
            raise ParameterError(f"{self.name}: {exc}") from None
        if not self.domain.contains(value):
            raise ParameterError(
                f"{self.name}={_show(raw, quote=False)} is outside its domain: {self.name} ({self.meaning}) "
                f"must be {self.describe()}"
            )
        return value


@dataclass(frozen=True)
class Params:
    """Validated, exact parameter values of one model.

    Values are exact SymPy numbers (rationals, or algebraic numbers such as
    ``c**(1/4)`` after a model resolved ``theta=threshold``) or words for choice
    parameters.  ``given`` records which names the user supplied; the others are
    defaults.

    >>> from symdyn import model
    >>> p = model("rank-one-denoising").params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    >>> p["theta"], p["kappa"]
    (6/5, 1)
    """

    model: str
    values: Mapping[str, Any]
    given: frozenset[str]
    specs: Mapping[str, ParamSpec]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __getitem__(self, name: str) -> Any:
        if name not in self.values:
            self.require(name)
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def require(self, *names: str, purpose: str = "this computation") -> None:
        """Raise :class:`ParameterError` naming the first missing parameter.

        A name ``"a|b"`` is satisfied by either ``a`` or ``b`` (two ways to give one input, such as
        ``alpha|lambda0``).
        """
        for name in names:
            if "|" in name:
                options = name.split("|")
                if not any(o in self.values for o in options):
                    raise ParameterError(f"missing parameter {options[0]} (or {' or '.join(options[1:])}): "
                                         f"{purpose} needs it, e.g. {options[0]}=VALUE")
                continue
            if name not in self.values:
                spec = self.specs.get(name)
                what = f" ({spec.meaning}, {spec.describe()})" if spec else ""
                alt = f"; or give {spec.alternative}" if spec and spec.alternative else ""
                raise ParameterError(
                    f"missing parameter {name}{what}: {purpose} needs it, e.g. {name}=VALUE{alt}"
                )

    def replace(self, **values: Any) -> "Params":
        """A copy with some exact values replaced (no parsing, no validation)."""
        new = dict(self.values)
        new.update(values)
        return Params(self.model, new, self.given | frozenset(values), self.specs)

    def to_json(self) -> dict[str, str]:
        """Values as readable text (``"1/2"``, ``"2^(3/4)/2"``, ``"F1"``): JSON ``params``.

        >>> import symdyn as sd
        >>> p = sd.model("rank-one-denoising").params(c="1/2", theta="threshold")
        >>> p.to_json()["theta"], p.exact_json()["theta"]
        ('2^(3/4)/2', '2**(3/4)/2')
        """
        from .exact import readable

        return {k: readable(v) for k, v in self.values.items()}

    def exact_json(self) -> dict[str, str]:
        """Values in SymPy's machine-readable form (``"2**(3/4)/2"``): JSON ``params_exact``."""
        return {k: format_value(v) for k, v in self.values.items()}

    def __repr__(self) -> str:
        from .exact import readable

        inner = ", ".join(f"{k}={readable(v)}" for k, v in self.values.items())
        return f"Params({self.model}: {inner})"


def build_params(
    model: str,
    specs: Iterable[ParamSpec],
    raw: Mapping[str, Any],
) -> tuple[dict[str, Any], frozenset[str]]:
    """Parse and validate *raw* against *specs*; fill defaults.

    Unknown names are errors that list the allowed ones.
    """
    by_name = {s.name: s for s in specs}
    unknown = [k for k in raw if k not in by_name]
    if unknown:
        raise ParameterError(
            f"unknown parameter {unknown[0]!r} for model {model}: allowed are "
            + ", ".join(by_name)
        )
    values: dict[str, Any] = {}
    for name, spec in by_name.items():
        if name in raw and raw[name] is not None:
            values[name] = spec.parse(raw[name])
        elif spec.default is not None:
            values[name] = spec.parse(spec.default)
    given = frozenset(k for k, v in raw.items() if v is not None)
    for name in given:
        alt = by_name[name].alternative
        if alt and alt in given:
            raise ParameterError(
                f"give either {name} or {alt}, not both: {alt} is another way to set {name}"
            )
    return values, given


#: Public name of :func:`_show` (user values echoed in errors, cut to about 80 characters).
show = _show
