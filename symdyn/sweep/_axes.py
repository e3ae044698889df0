"""Sweep axes: exact linear and logarithmic grids of one parameter.

``NAME=START:STOP:COUNT`` gives COUNT exact rationals from START to STOP, both included;
``NAME=START:STOP:COUNT:log`` gives COUNT geometrically spaced points.  A log axis whose
ratio ``(STOP/START)^(1/(COUNT-1))`` is rational (``1e-20:1e-1:20``: ratio 10) has exact
rational points; otherwise its inner points are decimals rounded to the working precision,
and that decimal *is* the point (an exact rational, printed exactly).  Both ends are always
exactly START and STOP.

>>> ax = parse_axis("epsilon", "1e-20:1e-1:20:log")
>>> ax.texts[:3], ax.texts[-1], ax.scale
(('1e-20', '1e-19', '1e-18'), '0.1', 'log')
>>> parse_axis("c", "1:100:3:log", dps=20).texts
('1', '10', '100')
>>> parse_axis("c", "1:10:3:log", dps=20).texts
('1', '3.162277660168379332', '10')
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp
import sympy as sp

from ..errors import ParameterError
from ..exact import mp_to_decimal
from ..params import parse_number

__all__ = ["Axis", "parse_axis", "exact_text", "MAX_POINTS", "SCALES"]

MAX_POINTS = 100_000
SCALES = ("linear", "log")


def _decimal_forms(r: sp.Rational) -> list[str]:
    """Fixed and scientific decimal forms of a rational with a terminating expansion (else [])."""
    q = int(r.q)
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1:
        return []
    if r == 0:
        return ["0"]
    k = max(twos, fives)
    n = int(r.p) * 10**k // int(r.q)  # exact: r = n / 10^k
    sign = "-" if n < 0 else ""
    digits = str(abs(n))
    e = -k
    stripped = digits.rstrip("0")
    e += len(digits) - len(stripped)
    digits = stripped
    if e >= 0:
        fixed = digits + "0" * e
    elif len(digits) > -e:
        fixed = digits[:e] + "." + digits[e:]
    else:
        fixed = "0." + "0" * (-e - len(digits)) + digits
    power = e + len(digits) - 1
    sci = digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + f"e{power}"
    return [sign + fixed, sign + sci]


def exact_text(value: sp.Rational) -> str:
    """The shortest exact text of a rational: ``p/q``, or a decimal when strictly shorter.

    Every form parses back to the same number with :func:`symdyn.params.parse_number`.

    >>> [exact_text(sp.Rational(*x)) for x in [(1, 4), (1, 2), (1, 10), (1, 10**20), (3, 1), (1, 3)]]
    ['1/4', '1/2', '0.1', '1e-20', '3', '1/3']
    """
    value = sp.Rational(value)
    text = str(value)
    for form in _decimal_forms(value):
        if len(form) < len(text):
            text = form
    return text


@dataclass(frozen=True)
class Axis:
    """One sweep axis: its exact points, their exact texts and the spacing (``linear``/``log``)."""

    name: str
    start: sp.Rational
    stop: sp.Rational
    count: int
    scale: str
    values: tuple[sp.Rational, ...]
    texts: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self):
        return iter(self.values)

    def __getitem__(self, i):
        return self.values[i]

    @property
    def spec(self) -> str:
        """``START:STOP:COUNT`` (``:log`` appended for a log axis), with exact texts."""
        text = f"{exact_text(self.start)}:{exact_text(self.stop)}:{self.count}"
        return text + (":log" if self.scale == "log" else "")

    def word(self) -> str:
        return f"{self.name}={self.spec}"


def _exact_root(ratio: sp.Rational, n: int) -> sp.Rational | None:
    """``ratio^(1/n)`` when it is rational (``None`` otherwise); ``ratio > 0``."""
    p, p_exact = sp.integer_nthroot(int(ratio.p), n)
    q, q_exact = sp.integer_nthroot(int(ratio.q), n)
    return sp.Rational(p, q) if p_exact and q_exact else None


def _log_points(name: str, start: sp.Rational, stop: sp.Rational, count: int, dps: int) -> list[sp.Rational]:
    n = count - 1
    root = _exact_root(stop / start, n)
    if root is not None:
        return [start * root**i for i in range(count)]
    out = [start]
    with mp.workdps(dps + 20):
        a = mp.mpf(int(start.p)) / int(start.q)
        log_ratio = mp.log(mp.mpf(int(stop.p)) / int(stop.q) / a)
        for i in range(1, n):
            x = a * mp.exp(log_ratio * i / n)
            out.append(parse_number(mp_to_decimal(x, dps)))
    out.append(stop)
    return out


def parse_axis(name: str, spec: str, *, dps: int = 30) -> Axis:
    """``"START:STOP:COUNT"`` or ``"START:STOP:COUNT:log"`` -> an :class:`Axis` of exact points.

    START and STOP are exact numbers (``1/2``, ``1e-20``); COUNT is ``1..MAX_POINTS``; a log
    axis needs ``START, STOP > 0``.  Inner points of a log axis without a rational ratio are
    decimals of ``dps`` significant digits.  Points must be distinct.

    >>> [str(v) for v in parse_axis("theta", "1/2:2:4")]
    ['1/2', '1', '3/2', '2']
    """
    parts = spec.split(":")
    usage = f"{name}={spec!r}: a sweep axis is START:STOP:COUNT or START:STOP:COUNT:log (e.g. theta=1/2:2:16)"
    if len(parts) not in (3, 4):
        raise ParameterError(usage)
    scale = "linear"
    if len(parts) == 4:
        if parts[3].strip() != "log":
            raise ParameterError(f"{name}={spec!r}: the fourth part of an axis can only be 'log' (geometric spacing)")
        scale = "log"
    try:
        start, stop = parse_number(parts[0]), parse_number(parts[1])
    except ParameterError as exc:
        raise ParameterError(f"{name}={spec}: {exc}") from None
    count_text = parts[2].strip()
    if not count_text.isdigit() or not 1 <= int(count_text) <= MAX_POINTS:
        raise ParameterError(f"{name}={spec!r}: COUNT must be a whole number in 1..{MAX_POINTS}")
    count = int(count_text)
    if count > 1 and start == stop:
        raise ParameterError(f"{name}={spec!r}: START equals STOP, so the {count} points coincide: use COUNT 1")
    if scale == "log" and (start <= 0 or stop <= 0):
        raise ParameterError(f"{name}={spec!r}: a log axis needs START > 0 and STOP > 0")
    if count == 1:
        values = [start]
    elif scale == "log":
        values = _log_points(name, start, stop, count, dps)
    else:
        values = [start + (stop - start) * sp.Rational(i, count - 1) for i in range(count)]
    if len(set(values)) != len(values):
        raise ParameterError(f"{name}={spec!r}: the points are not distinct at {dps} digits: raise --dps or lower COUNT")
    return Axis(name=name, start=start, stop=stop, count=count, scale=scale, values=tuple(values),
                texts=tuple(exact_text(v) for v in values))
