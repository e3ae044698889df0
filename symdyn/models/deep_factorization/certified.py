"""Certified (python-flint/arb) time to reach: every printed digit inside a proved enclosure.

The time ``T = s^{-p}[F_N(level) - F_N(lambda0/s)]`` is built as an exact SymPy closed form (``F_N`` in its 2F1
form, ``hyper((1, 2/N), (1 + 2/N,), x)``; logarithms for ``N = 2``) and enclosed by
:func:`symdyn.certify.certify_closed_form` (arb interval evaluation with ``arb_hypgeom_2f1``, precision doubled
until the relative width is reached; the singular part and the ``O(1)`` part are added as balls, so a
``10^30`` leading term costs only extra bits).

>>> from symdyn.models.deep_factorization.closed_forms import time_to_reach
>>> v = certify_time_to_reach(1, "1/2", 3, alpha="1e-30", dps=40)
>>> v.contains(time_to_reach(1, "1/2", 3, alpha="1e-30", dps=80).value)
True
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ...certify import CertifiedValue, certify_closed_form
from ...errors import ParameterError
from .closed_forms import initial_eigenvalue
from .inputs import depth, level as _level, p_exponent, rational

__all__ = ["F_exact", "time_to_reach_exact", "certify_time_to_reach"]


def F_exact(x: sp.Expr, N: sp.Rational) -> sp.Expr:
    """``F_N(x)`` as an exact SymPy expression (unevaluated 2F1)."""
    if N == 2:
        return (sp.log(x) - sp.log(1 - x)) / 2
    b = sp.Rational(2) / N
    return -x ** (-(N - 2) / N) / (N - 2) + x**b / 2 * sp.hyper((1, b), (1 + b,), x)


def time_to_reach_exact(s: Any, level: Any, N: Any, *, alpha: Any = None, lambda0: Any = None) -> sp.Expr:
    """The exact closed form of the time from ``lambda0`` to ``level * s`` (growth, ``lambda0 < level s``)."""
    s = rational(s, "s", positive=True)
    lev = _level(level)
    N = depth(N, integer=False)
    l0 = initial_eigenvalue(alpha, lambda0, N)
    if not l0 < lev * s:
        raise ParameterError("lambda0 >= level*s: the time is 0")
    p = p_exponent(N)
    return s ** (-p) * (F_exact(lev, N) - F_exact(l0 / s, N))


def certify_time_to_reach(s: Any, level: Any, N: Any, *, alpha: Any = None, lambda0: Any = None,
                          dps: int = 30) -> CertifiedValue:
    """A proved enclosure of the flow time to reach ``level * s``, relative width ``< 10^-dps``."""
    expr = time_to_reach_exact(s, level, N, alpha=alpha, lambda0=lambda0)
    return certify_closed_form(expr, dps, name="time-to-reach")
