"""Solved boundaries: the parameter value at which a scalar target equals a given value.

``--solve NAME=LO:HI --equals VALUE`` finds, at every point of the sweep's axes, the NAME in
``[LO, HI]`` where ``target - VALUE`` changes sign.  The search is Brent's method (zeroin:
inverse quadratic interpolation and secant steps, each accepted only well inside the current
bracket, bisection otherwise, and a step of at least the tolerance so the bracket collapses): it never leaves a bracket with a sign change, so it cannot converge
to a point outside ``[LO, HI]`` or jump across roots the way an unbracketed Newton step can.
Every trial value of NAME is an exact decimal (``dps`` + 15 digits) handed to the model like
any parameter;
the target is evaluated with 15 guard digits and the bracket is shrunk to a relative width
of ``10^-(dps+4)``.

With ``certify=True`` the root gets an enclosure ``[a, b]`` around the numerical root whose
ends carry *certified* evaluations with opposite signs of ``target - VALUE`` (compared
exactly with VALUE): by the intermediate value theorem a root lies in ``[a, b]``, provided
the target is continuous in NAME there.

>>> import mpmath as mp, sympy as sp
>>> root = find_root(lambda x: mp.mpf(x.p) / x.q - mp.sqrt(2), sp.Integer(1), sp.Integer(2), dps=30)
>>> mp.nstr(root.x, 25), root.evaluations < 20
('1.414213562373095048801689', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import mpmath as mp
import sympy as sp

from ..errors import CertificationError, ConvergenceError, ParameterError, UnsupportedError
from ..exact import mp_to_decimal
from ..params import parse_number
from ._axes import exact_text

__all__ = ["Solve", "parse_solve", "Root", "find_root", "certify_root", "mpf_to_rational", "GUARD_DIGITS"]

GUARD_DIGITS = 15
MAX_EVALUATIONS = 400


@dataclass(frozen=True)
class Solve:
    """``NAME`` in ``[lo, hi]`` at which the target equals ``equals``."""

    name: str
    lo: sp.Rational
    hi: sp.Rational
    equals: sp.Rational

    @property
    def word(self) -> str:
        return f"{self.name}={exact_text(self.lo)}:{exact_text(self.hi)}"

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "lo": exact_text(self.lo), "hi": exact_text(self.hi),
                "equals": exact_text(self.equals)}


def parse_solve(text: str, equals: str | None) -> Solve:
    """``"theta=1/2:3"`` and ``"1/2"`` -> :class:`Solve` (one-line errors).

    >>> parse_solve("theta=1/2:3", "1/2")
    Solve(name='theta', lo=1/2, hi=3, equals=1/2)
    """
    name, sep, rng = str(text).partition("=")
    name = name.strip()
    parts = rng.split(":")
    if not sep or not name or len(parts) != 2:
        raise ParameterError(f"--solve {text!r}: use NAME=LO:HI (e.g. --solve theta=1/2:3)")
    try:
        lo, hi = parse_number(parts[0]), parse_number(parts[1])
    except ParameterError as exc:
        raise ParameterError(f"--solve {text}: {exc}") from None
    if not lo < hi:
        raise ParameterError(f"--solve {text}: the bracket needs LO < HI")
    if equals is None:
        raise ParameterError("--solve needs --equals VALUE: the value the target must take")
    try:
        value = parse_number(equals)
    except ParameterError as exc:
        raise ParameterError(f"--equals: {exc}") from None
    return Solve(name, lo, hi, value)


def mpf_to_rational(x: mp.mpf) -> sp.Rational:
    """The exact rational value of a finite mpf."""
    sign, man, exp, _ = x._mpf_
    if not man:
        if exp:
            raise ValueError("not a finite number")
        return sp.Integer(0)
    v = sp.Integer(int(man)) * sp.Integer(2) ** int(exp)
    return -v if sign else v


def _mp(r: sp.Rational) -> mp.mpf:
    return mp.mpf(int(r.p)) / int(r.q)


@dataclass(frozen=True)
class Root:
    """A bracketed root: ``x`` (best end), the final bracket ``[a, b]`` and the evaluation count."""

    x: mp.mpf
    a: mp.mpf
    b: mp.mpf
    evaluations: int


def find_root(f: Callable[[sp.Rational], mp.mpf], lo: sp.Rational, hi: sp.Rational, *, dps: int) -> Root:
    """Brent's bracketing method for ``f(x) = 0`` on ``[lo, hi]``, to ``dps`` digits.

    ``f`` receives exact rationals.  Raises :class:`UnsupportedError` when ``f(lo)`` and
    ``f(hi)`` have the same sign, :class:`ConvergenceError` after ``MAX_EVALUATIONS``.
    """
    count = 0

    def g(x: mp.mpf | sp.Rational) -> tuple[mp.mpf, mp.mpf]:
        """(x as evaluated, f there): trial points are rounded to decimals of dps + GUARD_DIGITS
        digits (short exact rationals keep the model's exact arithmetic cheap)."""
        nonlocal count
        count += 1
        q = x if isinstance(x, sp.Rational) else parse_number(mp_to_decimal(x, dps + GUARD_DIGITS))
        return _mp(q), mp.mpf(f(q))

    with mp.workdps(dps + GUARD_DIGITS):
        a, fa = g(lo)
        b, fb = g(hi)
        if fa == 0:
            return Root(a, a, a, count)
        if fb == 0:
            return Root(b, b, b, count)
        if (fa > 0) == (fb > 0):
            raise UnsupportedError(
                f"no sign change in [{exact_text(lo)}, {exact_text(hi)}]: target - value is "
                f"{mp.nstr(fa, 6)} at {exact_text(lo)} and {mp.nstr(fb, 6)} at {exact_text(hi)}")
        eps = mp.mpf(10) ** (-(dps + GUARD_DIGITS))
        rel = mp.mpf(10) ** (-(dps + 4))
        floor = rel * max(abs(a), abs(b))
        # Brent's zeroin: [b, c] brackets the root, b is the best estimate, a the previous b
        c, fc = b, fb
        d = e = b - a
        while True:
            if (fb > 0) == (fc > 0):
                c, fc = a, fa
                d = e = b - a
            if abs(fc) < abs(fb):
                a, b, c = b, c, b
                fa, fb, fc = fb, fc, fb
            tol1 = 2 * eps * abs(b) + (rel * abs(b) + floor) / 2
            xm = (c - b) / 2
            if abs(xm) <= tol1 or fb == 0:
                break
            if count >= MAX_EVALUATIONS:
                raise ConvergenceError(f"the bracketing search did not converge in {MAX_EVALUATIONS} evaluations "
                                       f"(bracket [{mp.nstr(min(b, c), 8)}, {mp.nstr(max(b, c), 8)}])")
            if abs(e) >= tol1 and abs(fa) > abs(fb):
                s = fb / fa
                if a == c:  # secant
                    p, q = 2 * xm * s, 1 - s
                else:  # inverse quadratic interpolation
                    q, r = fa / fc, fb / fc
                    p = s * (2 * xm * q * (q - r) - (b - a) * (r - 1))
                    q = (q - 1) * (r - 1) * (s - 1)
                if p > 0:
                    q = -q
                p = abs(p)
                if 2 * p < min(3 * xm * q - abs(tol1 * q), abs(e * q)):
                    e, d = d, p / q  # the interpolation step stays well inside the bracket
                else:
                    d = e = xm  # bisection
            else:
                d = e = xm  # bisection
            a, fa = b, fb
            b, fb = g(b + d if abs(d) > tol1 else b + (tol1 if xm > 0 else -tol1))
        return Root(b, min(b, c), max(b, c), count)


def _sign_against(enclosure: tuple[mp.mpf, mp.mpf], value: sp.Rational) -> int:
    """+1 / -1 when the enclosure lies entirely above / below *value* (exact comparison), else 0."""
    lo, hi = (mpf_to_rational(x) for x in enclosure)
    if lo > value:
        return 1
    if hi < value:
        return -1
    return 0


def certify_root(enclose: Callable[[sp.Rational], tuple[mp.mpf, mp.mpf]], root: mp.mpf, solve: Solve, *,
                 dps: int) -> tuple[mp.mpf, mp.mpf]:
    """An enclosure ``(a, b)`` of a root of ``target = solve.equals`` around *root*, proved by the
    opposite certified signs of ``target - equals`` at ``a`` and ``b``.

    ``enclose(x)`` returns a rigorous enclosure of the target at the exact rational ``x``.
    The ends are tried at relative distances ``10^-(dps+3)`` and ``10^-(dps+1)`` from the root.
    """
    lo, hi = _mp(solve.lo), _mp(solve.hi)
    bits = int((dps + GUARD_DIGITS) * 3.33) + 64
    with mp.workprec(bits):
        scale = abs(root) if root != 0 else max(abs(lo), abs(hi))
        for digits in (dps + 3, dps + 1):
            delta = scale * mp.mpf(10) ** (-digits)
            a = max(root - delta, lo)
            b = min(root + delta, hi)
            a_exact = solve.lo if a <= lo else mpf_to_rational(a)
            b_exact = solve.hi if b >= hi else mpf_to_rational(b)
            sa = _sign_against(enclose(a_exact), solve.equals)
            sb = _sign_against(enclose(b_exact), solve.equals)
            if sa * sb == -1:
                with mp.workprec(bits):
                    return (mp.mpf(a) if a_exact != solve.lo else _down(solve.lo, bits),
                            mp.mpf(b) if b_exact != solve.hi else _up(solve.hi, bits))
    raise CertificationError(
        f"could not prove a sign change of the target - {exact_text(solve.equals)} around {solve.name} = "
        f"{mp.nstr(root, 12)}: certified evaluations at relative distance 10^-{dps + 1} do not separate from the value")


def _down(r: sp.Rational, bits: int) -> mp.mpf:
    with mp.workprec(bits):
        x = _mp(r)
        return x if mpf_to_rational(x) <= r else mp.mpf(x) - abs(x) * mp.mpf(2) ** (-bits + 4)


def _up(r: sp.Rational, bits: int) -> mp.mpf:
    with mp.workprec(bits):
        x = _mp(r)
        return x if mpf_to_rational(x) >= r else mp.mpf(x) + abs(x) * mp.mpf(2) ** (-bits + 4)
