"""Where a claim is checked: fixed values, seeded uniform ranges, the time.

``NAME=VALUE`` fixes a parameter (any value the model accepts: ``1/2``,
``threshold``, ``3,2,1``); ``NAME=LO:HI`` draws it uniformly among the exact
rationals ``LO + (HI - LO) j/10000``, ``0 < j < 10000`` (whole numbers ``LO..HI``
for integer parameters).  A parameter the target needs (its declared ``needs``,
or for limits and trajectories every parameter without a default) or the claim
uses, and that is neither fixed nor ranged, is drawn from its domain: both ends
when finite, otherwise a window of width :data:`DEFAULT_WIDTH` next to the finite
end (``c > 0``: ``(0, 3)``), ``(-3, 3)`` when unbounded.

* A list-valued parameter (``sigma``) is drawn as a list of as many entries as in
  the model's example (``report_example``; :data:`LIST_LENGTH` without one), each
  drawn like a number of the entries' domain (``sigma=LO:HI``: from ``(LO, HI)``),
  then sorted as the domain orders them (a strictly ordered list is drawn again
  until its entries differ).
* The index of an indexed quantity (``k`` of ``learning-time``) is drawn last, from
  ``1..size``: the quantity's declared size at the drawn point, or else the length of
  the point's list-valued parameter (the shortest, if it has several).
* A needed parameter that cannot be drawn (a seed or a choice without a default) is
  taken from the model's example, and the result says so.

Times are drawn from ``(0, 10)`` (step counts ``1..50`` for discrete GD) unless
given.  Every draw comes from one ``random.Random(seed)``, in declaration order, so
the points are reproducible from the seed.

>>> import random, sympy as sp
>>> r = Range(sp.Integer(1), sp.Integer(3))
>>> a = [r.draw(random.Random(7)) for _ in range(2)]
>>> a[0] == a[1] and 1 < a[0] < 3
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from ..errors import ParameterError, SymdynError
from ..params import Integer, Interval, Vector, parse_number, parse_time

__all__ = ["Range", "ListRange", "IndexRange", "Plan", "build_plan", "parse_range", "GRID", "DEFAULT_WIDTH",
           "LIST_LENGTH"]

#: Grid of a uniform draw: ``LO + (HI - LO) j/GRID`` with ``0 < j < GRID``.
GRID = 10_000
#: Width of the window drawn next to the finite end of a half-bounded domain.
DEFAULT_WIDTH = 3
#: Length of a drawn list when the model's example has none.
LIST_LENGTH = 3
#: Draws of a strictly ordered list before giving up on distinct entries.
_LIST_TRIES = 100
TIME_RANGE = (sp.Integer(0), sp.Integer(10))
STEP_RANGE = (sp.Integer(1), sp.Integer(50))


@dataclass(frozen=True)
class Range:
    """An interval to draw from: open ``(lo, hi)`` on the rational grid, or whole numbers ``lo..hi``."""

    lo: sp.Rational
    hi: sp.Rational
    integer: bool = False

    def __post_init__(self) -> None:
        if self.integer and not (self.lo.is_integer and self.hi.is_integer and self.lo <= self.hi):
            raise ParameterError(f"range {self.lo}:{self.hi} needs whole-number ends LO <= HI")
        if not self.integer and not self.lo < self.hi:
            raise ParameterError(f"range {self.lo}:{self.hi} is empty: give LO < HI")

    def draw(self, rng: random.Random) -> sp.Rational:
        if self.integer:
            return sp.Integer(rng.randint(int(self.lo), int(self.hi)))
        return self.lo + (self.hi - self.lo) * sp.Rational(rng.randint(1, GRID - 1), GRID)

    def __str__(self) -> str:
        return f"({self.lo}, {self.hi})" if not self.integer else f"{self.lo}..{self.hi}"


@dataclass(frozen=True)
class ListRange:
    """A list of ``length`` entries, each drawn from ``element``, sorted by ``order`` (see the module docstring).

    >>> r = ListRange(Range(sp.Integer(0), sp.Integer(3)), 3, "decreasing", True)
    >>> text = r.draw(random.Random(1))
    >>> x = [sp.Rational(v) for v in text.split(",")]
    >>> len(x) == 3 and x[0] > x[1] > x[2] > 0
    True
    """

    element: Range
    length: int
    order: str | None = None
    strict: bool = True

    def draw(self, rng: random.Random) -> str:
        """The list as the text a user would give (``"5/2,1,3/10"``)."""
        for _ in range(_LIST_TRIES):
            values = [self.element.draw(rng) for _ in range(self.length)]
            if self.order is not None:
                values.sort(reverse=self.order == "decreasing")
            if not (self.strict and self.order) or len(set(values)) == len(values):
                break
        return ",".join(str(v) for v in values)

    def __str__(self) -> str:
        order = f"{'strictly ' if self.strict else ''}{self.order} " if self.order else ""
        return f"a {order}list of {self.length} entries in {self.element}"


@dataclass(frozen=True)
class IndexRange:
    """The index of an indexed quantity: a whole number ``1..size(values)``, drawn after the other values."""

    size: Callable[[Mapping[str, Any]], int]
    bound: str

    def draw(self, rng: random.Random, values: Mapping[str, Any]) -> sp.Integer:
        return sp.Integer(rng.randint(1, max(1, self.size(values))))

    def __str__(self) -> str:
        return f"1..{self.bound}"


def parse_range(value: Any) -> tuple[sp.Rational, sp.Rational] | None:
    """``"1/2:3"`` or a 2-tuple -> exact ``(lo, hi)``; ``None`` if *value* is not a range."""
    if isinstance(value, Range):
        return value.lo, value.hi
    if isinstance(value, tuple) and len(value) == 2:
        lo, hi = value
    elif isinstance(value, str) and ":" in value:
        lo, _, hi = value.partition(":")
    else:
        return None
    try:
        return parse_number(lo.strip() if isinstance(lo, str) else lo), \
            parse_number(hi.strip() if isinstance(hi, str) else hi)
    except ParameterError as exc:
        raise ParameterError(f"range {value!r}: {exc} (a range is LO:HI, e.g. 1/2:3)") from None


def _domain_range(spec, lo: sp.Rational | None = None, hi: sp.Rational | None = None, *,
                  length: int = LIST_LENGTH) -> Range | ListRange | None:
    """The range to draw *spec* from: the given ends checked against its domain, or the default window
    (for a list-valued parameter: the range of its entries and *length* entries)."""
    dom = spec.domain
    if isinstance(dom, Vector):
        element = _window(spec, dom.element, lo, hi)
        if element is None:
            return None
        length = max(length, dom.min_len)
        if dom.max_len is not None:
            length = min(length, dom.max_len)
        return ListRange(element, length, dom.order, dom.strict)
    return _window(spec, dom, lo, hi)


def _window(spec, dom, lo: sp.Rational | None, hi: sp.Rational | None) -> Range | None:
    given = lo is not None
    if isinstance(dom, Integer):
        dlo, dhi = sp.Integer(dom.lo), getattr(dom, "hi", None)
        if not given:
            lo, hi = dlo, (sp.Integer(dhi) if dhi is not None else dlo + 9)
        if lo < dlo or (dhi is not None and hi > dhi) or not (lo.is_integer and hi.is_integer):
            raise ParameterError(f"range {spec.name}={lo}:{hi} is outside the domain of {spec.name}: "
                                 f"{spec.describe()}")
        return Range(lo, hi, integer=True)
    if isinstance(dom, Interval):
        dlo = None if dom.lo is None else sp.Rational(dom.lo)
        dhi = None if dom.hi is None else sp.Rational(dom.hi)
        if not given:
            if dlo is not None and dhi is not None:
                lo, hi = dlo, dhi
            elif dlo is not None:
                lo, hi = dlo, dlo + DEFAULT_WIDTH
            elif dhi is not None:
                lo, hi = dhi - DEFAULT_WIDTH, dhi
            else:
                lo, hi = sp.Integer(-DEFAULT_WIDTH), sp.Integer(DEFAULT_WIDTH)
        # the draw is from the open interval, so an open end of the domain may be a range end
        if (dlo is not None and lo < dlo) or (dhi is not None and hi > dhi):
            raise ParameterError(f"range {spec.name}={lo}:{hi} is outside the domain of {spec.name} "
                                 f"({spec.meaning}): {spec.describe()}")
        return Range(lo, hi)
    return None


@dataclass(frozen=True)
class Plan:
    """Which parameters are fixed, which are drawn and from where, and the times.

    ``fixed`` holds the values as the user gave them (text or numbers) for
    :meth:`Model.params`; ``ranges`` the drawn parameters in declaration order;
    ``defaulted`` those drawn from their domain because nobody fixed them;
    ``from_example`` those fixed to the model's example because they cannot be drawn.
    """

    model_name: str
    fixed: Mapping[str, Any]
    ranges: Mapping[str, Range | ListRange | IndexRange]
    defaulted: tuple[str, ...] = ()
    time_name: str | None = None
    times: tuple[sp.Rational, ...] = ()
    time_range: Range | None = None
    specs: Mapping[str, Any] = field(default_factory=dict, repr=False)
    from_example: tuple[str, ...] = ()
    example: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def random(self) -> bool:
        """True iff some value is drawn (otherwise the points are the listed times, or one point)."""
        return bool(self.ranges) or self.time_range is not None

    def given(self, name: str) -> bool:
        """Whether *name* (or its alternative) is fixed or ranged."""
        spec = self.specs.get(name)
        names = {name} | ({spec.alternative} if spec is not None and spec.alternative else set())
        return any(n in self.fixed or n in self.ranges for n in names)

    def with_claim(self, names: Sequence[str]) -> "Plan":
        """Also draw the parameters the claim uses that are neither fixed nor ranged.

        An optional parameter (absent unless given, such as a GD step size) changes
        what is computed, so it is never drawn silently: it must be given.
        """
        ranges = dict(self.ranges)
        defaulted = list(self.defaulted)
        for name in names:
            if self.given(name) or name in ranges:
                continue
            spec = self.specs[name]
            if spec.optional:
                raise ParameterError(
                    f"the claim uses {spec.latex or name}, but {name} ({spec.meaning}) is optional and not given: "
                    f"give {name}=VALUE or {name}=LO:HI")
            rng = _domain_range(spec, length=_list_length(spec, self.example))
            if rng is None:
                raise ParameterError(f"the claim uses {spec.latex or name}: give {name}=VALUE ({spec.describe()})")
            ranges[name] = rng
            defaulted.append(name)
        order = list(self.specs)
        ranges = {k: ranges[k] for k in sorted(ranges, key=order.index)}
        return replace(self, ranges=ranges, defaulted=tuple(defaulted))

    def draw(self, rng: random.Random, index: int) -> tuple[dict[str, Any], sp.Rational | None]:
        """The raw parameter values and the time of one point (draws in a fixed order)."""
        values = dict(self.fixed)
        for name, r in self.ranges.items():
            if not isinstance(r, IndexRange):
                values[name] = r.draw(rng)
        for name, r in self.ranges.items():
            if isinstance(r, IndexRange):
                values[name] = r.draw(rng, values)
        time = None
        if self.time_range is not None:
            time = self.time_range.draw(rng)
        elif self.times:
            time = self.times[index % len(self.times)]
        return values, time


def build_plan(model, target, raw: Mapping[str, Any], times: Any = None) -> Plan:
    """Validate the user's values and ranges (before any computation) and decide what is drawn.

    Parameters
    ----------
    model : Model
    target : Target
    raw : mapping
        ``NAME -> value`` (fixed) or ``NAME -> "LO:HI"``/``(lo, hi)``/:class:`Range` (drawn).
        The time may appear here as ``t`` (or ``k`` for discrete GD).
    times : sequence or str or Range, optional
        Listed times (used in turn by the points) or a time range.
    """
    specs = {s.name: s for s in model.parameter_specs}
    example = dict((model.report_example or {}).get("params", {}))
    step = model.step_parameter
    gd = step in specs and step in raw and raw[step] is not None
    time_name = ("k" if gd else "t") if target.timed else None
    raw = {k: v for k, v in raw.items() if v is not None}
    time_word = None
    for name in ("t", "k"):
        if name in raw and name not in specs:
            if time_name is None:
                raise ParameterError(f"{name} is a time, but target {target.label} does not depend on time")
            if name != time_name:
                raise ParameterError(f"the time is called {time_name} here"
                                     + (" (discrete GD: step counts)" if gd else "") + f", not {name}")
            time_word = raw.pop(name)
    unknown = [k for k in raw if k not in specs]
    if unknown:
        extra = f" and the time {time_name}" if time_name else ""
        raise ParameterError(f"unknown parameter {unknown[0]!r} for model {model.name}: allowed are "
                             + ", ".join(specs) + extra)
    fixed: dict[str, Any] = {}
    ranges: dict[str, Range] = {}
    for name, value in raw.items():
        spec = specs[name]
        listed = isinstance(spec.domain, Vector)
        if isinstance(value, str) and ":" in value and not isinstance(spec.domain, (Interval, Integer, Vector)):
            raise ParameterError(f"{name} takes no range LO:HI ({spec.describe()}): give {name}=VALUE")
        # a list such as (3, 2) is a value, not a range; a list's range LO:HI is the range of its entries
        ends = parse_range(value) if not listed or isinstance(value, (str, Range)) else None
        if ends is None:
            spec.parse(value)  # a one-line ParameterError for a malformed or out-of-domain value
            fixed[name] = value
            continue
        r = _domain_range(spec, *ends, length=_list_length(spec, example))
        if r is None:
            raise ParameterError(f"{name} takes no range LO:HI ({spec.describe()}): give {name}=VALUE")
        ranges[name] = r
    for name in list(fixed) + list(ranges):
        alt = specs[name].alternative
        if alt and (alt in fixed or alt in ranges):
            raise ParameterError(f"give either {name} or {alt}, not both: {alt} is another way to set {name}")
    plan = Plan(model.name, fixed, ranges, (), time_name, (), None, specs)
    from_example = []
    if target.needs is not None:
        needs = list(target.needs)
    else:
        needs = [s.name for s in model.parameter_specs if s.default is None and not s.optional]
    drawn = {}
    defaulted = []
    for name in needs:
        if "|" in name:  # alternatives ("alpha|lambda0"): one of them, the first unless another is given
            options = name.split("|")
            if any(plan.given(o) or o in drawn for o in options):
                continue
            name = options[0]
        spec = specs[name]
        if plan.given(name) or any(spec.alternative == d for d in drawn):
            continue
        if spec.alternative and specs[spec.alternative].default is not None:
            continue  # the alternative's default sets it (lam_hat instead of noise = 0)
        r = _domain_range(spec, length=_list_length(spec, example))
        if r is None:
            if spec.default is not None:
                continue
            if name not in example:
                raise ParameterError(f"{target.label} needs {name} ({spec.meaning}): give {name}=VALUE "
                                     f"({spec.describe()})")
            fixed[name] = example[name]
            from_example.append(name)
            continue
        drawn[name] = r
        defaulted.append(name)
    index = _index_range(model, target, specs)
    if index is not None and index[0] in drawn:
        drawn[index[0]] = index[1]
    ranges.update(drawn)
    ranges = {k: ranges[k] for k in specs if k in ranges}
    time_list: tuple[sp.Rational, ...] = ()
    time_range = None
    if time_name is not None:
        if time_word is not None and times is not None:
            raise ParameterError(f"give the times once: either {time_name}=... or --t")
        source = time_word if time_word is not None else times
        ends = parse_range(source) if source is not None else None
        integer = time_name == "k"
        if ends is not None:
            lo, hi = ends
            if lo < 0:
                raise ParameterError(f"{time_name}={lo}:{hi} has negative times: times must be >= 0")
            time_range = Range(lo, hi, integer=integer)
        elif source is not None:
            items = source.split(",") if isinstance(source, str) else list(source)
            time_list = tuple(parse_time(v.strip() if isinstance(v, str) else v, integer=integer, name=time_name)
                              for v in items)
            if not time_list:
                raise ParameterError(f"no times given for {time_name}")
        else:
            time_range = Range(*(STEP_RANGE if integer else TIME_RANGE), integer=integer)
    elif times is not None:
        raise ParameterError(f"--t gives times, but target {target.label} does not depend on time")
    return Plan(model.name, fixed, ranges, tuple(defaulted), time_name, time_list, time_range, specs,
                tuple(from_example), example)


def _list_length(spec, example: Mapping[str, Any]) -> int:
    """Entries of a drawn list: as many as in the model's example, else :data:`LIST_LENGTH`."""
    if isinstance(spec.domain, Vector) and spec.name in example:
        try:
            return len(spec.parse(example[spec.name]))
        except ParameterError:
            pass
    return LIST_LENGTH


def _index_range(model, target, specs) -> tuple[str, IndexRange] | None:
    """The index parameter of an indexed quantity and its range ``1..size`` at each point."""
    if target.kind != "quantity":
        return None
    spec = next((q for q in model.quantity_specs if q.name == target.name), None)
    if spec is None or spec.index is None or spec.index not in specs:
        return None
    lists = [n for n, s in specs.items() if isinstance(s.domain, Vector)]

    def size(values: Mapping[str, Any]) -> int:
        try:
            params = model.params(**{k: v for k, v in values.items() if k != spec.index})
        except SymdynError:
            return 1  # the point is invalid anyway: the model says why when it is computed
        if spec.size is not None:
            return len(spec.members(params))
        return min((len(params[n]) for n in lists if n in params), default=1)

    if spec.size is not None:
        bound = spec.size if isinstance(spec.size, str) else f"the number of {spec.name} values"
    elif len(lists) == 1:
        bound = f"len({lists[0]})"
    else:
        bound = "min(" + ", ".join(f"len({n})" for n in lists) + ")" if lists else "1"
    return spec.index, IndexRange(size, bound)
