"""Exact comparison of the claim with symdyn's closed form at one point, within a time budget.

At each sampled point both sides are exact closed-form numbers: the claim with the
point's exact parameters, and the target's closed form there (``Boundary.exact``,
``Limit.exact``; the closed form is regime by regime, so the comparison is made
point by point).  :func:`compare` decides

* ``equal`` -- SymPy proves the difference zero: it cancels on construction, or its
  minimal polynomial is ``x`` (algebraic numbers), or ``simplify`` gives 0, or
  ``equals(0)`` is True; always together with a numerical confirmation (the
  difference is below ``10^-dps`` in an arb ball evaluation, or SymPy's strict
  ``evalf`` cannot separate it from 0 at about ``2 dps`` digits);
* ``different`` -- the difference is proved nonzero: an arb ball (python-flint)
  that excludes 0, SymPy's strict ``evalf`` returning the same nonzero digits at two
  precisions, or a minimal polynomial other than ``x``;
* ``undecided`` -- neither within the budget.

The budget limits the wall-clock time of all symbolic steps together; in the main thread
it interrupts a running simplification (``SIGALRM``, restored afterwards), in other
threads it is checked between the steps only.

>>> import sympy as sp
>>> b = Budget(5)
>>> compare(sp.sqrt(2) * sp.sqrt(3), sp.sqrt(6), 30, b).status
'equal'
>>> compare(sp.Integer(2) ** sp.Rational(1, 3) + 1, sp.Integer(2) ** sp.Rational(1, 3), 30, b).status
'different'
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

import mpmath as mp
import sympy as sp

from ..exact import is_algebraic_form

__all__ = ["Budget", "Comparison", "compare", "BudgetExceeded"]

T = TypeVar("T")

EQUAL, DIFFERENT, UNDECIDED = "equal", "different", "undecided"
#: seconds between repeated alarms once the budget is spent
REPEAT = 0.05


class BudgetExceeded(Exception):
    """The symbolic time budget is spent."""


class Budget:
    """Seconds of symbolic work allowed for one verification (all points together).

    Only the time spent inside :meth:`run` counts, so slow numerics elsewhere do not use it up.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.left = self.seconds

    @property
    def spent(self) -> bool:
        return self.left <= 0

    def run(self, func: Callable[[], T]) -> T:
        """``func()`` if it finishes within the remaining budget, else :class:`BudgetExceeded`."""
        if self.left <= 0:
            raise BudgetExceeded
        start = time.monotonic()
        try:
            with _alarm(self.left):
                return func()
        finally:
            self.left -= time.monotonic() - start


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    active = [True]

    def handler(signum, frame):  # noqa: ARG001 - signal handler signature
        if active[0]:
            raise BudgetExceeded

    previous = signal.signal(signal.SIGALRM, handler)
    # the alarm repeats every REPEAT seconds: Python ignores an exception raised while a gc callback or a
    # __del__ runs (and a library may catch it), so one alarm alone can be lost and the budget with it
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3), REPEAT)  # 0 would disable the timer
    try:
        yield
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Comparison:
    """The exact comparison at one point: ``status`` and how it was decided."""

    status: str
    method: str


def _arb_ball(diff: sp.Expr, dps: int):
    """An arb ball of the difference, or ``None`` (python-flint missing, or a function arb
    evaluation here does not cover, e.g. Bessel functions)."""
    try:
        from ..certify import available, to_arb
        from ..errors import CertificationError
    except ImportError:  # pragma: no cover - symdyn.certify is part of symdyn
        return None
    if not available():
        return None
    try:
        return to_arb(diff, int(3.33 * 2 * dps) + 64)
    except (CertificationError, ValueError, ZeroDivisionError):
        return None


def _evalf_nonzero(diff: sp.Expr, dps: int) -> mp.mpf | None:
    """The difference if strict ``evalf`` gives the same nonzero leading digits at two precisions."""
    try:
        low = sp.N(diff, 15, strict=True, maxn=2 * dps + 50)
        high = sp.N(diff, 30, strict=True, maxn=2 * dps + 50)
    except sp.core.evalf.PrecisionExhausted:
        return None
    if low == 0 or high == 0:
        return None
    if abs(sp.N(high - low, 15) / high) > sp.Rational(1, 10**12):
        return None
    with mp.workdps(15):
        return mp.mpf(abs(sp.re(low))._mpf_) if sp.re(low) != 0 else mp.mpf(abs(sp.im(low))._mpf_)


def compare(claim: sp.Expr, exact: sp.Expr, dps: int, budget: Budget) -> Comparison:
    """Decide whether the closed-form numbers *claim* and *exact* are equal (see the module docstring)."""
    try:
        return budget.run(lambda: _compare(claim, exact, dps, budget))
    except BudgetExceeded:
        return Comparison(UNDECIDED, f"symbolic time budget of {budget.seconds:g} s spent")
    except (RecursionError, MemoryError, OverflowError):  # pathological closed forms
        return Comparison(UNDECIDED, "SymPy could not process the difference")


def _compare(claim: sp.Expr, exact: sp.Expr, dps: int, budget: Budget) -> Comparison:
    diff = sp.Add(claim, -exact)
    if diff == 0:
        return Comparison(EQUAL, "the difference cancels exactly")
    if diff.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return Comparison(UNDECIDED, "the difference is not a finite number")
    ball = _arb_ball(diff, dps)
    tiny = mp.mpf(10) ** (-dps)
    if ball is not None and ball.is_finite():
        if not ball.contains(0):
            return Comparison(DIFFERENT, "arb ball evaluation of the difference excludes 0 (python-flint)")
        from ..certify import arb_bounds

        lower, upper = arb_bounds(ball)
        if upper - lower > tiny:
            return Comparison(UNDECIDED, "the arb ball of the difference is too wide to conclude")
        confirmation = f"arb ball of the difference contains 0 with radius < 1e-{dps}"
    else:
        if _evalf_nonzero(diff, dps) is not None:
            return Comparison(DIFFERENT, "strict evalf gives the same nonzero difference at 15 and 30 digits")
        confirmation = f"strict evalf cannot separate the difference from 0 at {2 * dps + 50} digits"
    if is_algebraic_form(diff):
        x = sp.Dummy("x")
        try:
            poly = sp.minimal_polynomial(diff, x)
        except (NotImplementedError, sp.polys.polyerrors.PolynomialError, ValueError):
            poly = None
        if poly is not None:
            if poly == x:
                return Comparison(EQUAL, f"minimal polynomial of the difference is x; {confirmation}")
            return Comparison(DIFFERENT, f"minimal polynomial of the difference is {sp.sstr(poly.subs(x, sp.Symbol('x')))[:60]}, "
                                         "not x: a nonzero algebraic number")
    if sp.simplify(diff) == 0:
        return Comparison(EQUAL, f"simplify gives 0; {confirmation}")
    if diff.equals(0) is True:
        return Comparison(EQUAL, f"equals(0) is True; {confirmation}")
    return Comparison(UNDECIDED, f"SymPy could not prove the difference zero ({confirmation})")
