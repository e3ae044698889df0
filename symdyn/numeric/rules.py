"""Quadrature rules for the ``sin^2`` weight in the angle variable of a square-root spectral law.

Every bulk integral of the two spectral models is written, after an angle
substitution (``lambda = 1 + c + 2 sqrt(c) cos(phi)`` for the Marchenko-Pastur
laws of the rectangular model, spec 3.4; ``lambda = 2 cos(phi)`` for the
semicircle of the spiked Wigner model), as

    I[F] = (2/pi) * int_0^pi F(phi) sin(phi)^2 dphi

with ``F`` analytic and even/periodic in ``phi``.  The rules know only this
weight, not the law: the model's kernel maps ``phi`` to ``lambda``.  A rule returns
nodes ``phi_j`` and weights ``w_j`` (the factor ``(2/pi) sin^2`` included) so
that a kernel can evaluate many integrands from one exponential per node.

* :class:`GaussChebyshev` - Gauss-Chebyshev of the second kind,
  ``phi_j = j pi/(N + 1)``; exact for polynomials of degree ``<= 2N - 1`` in
  ``cos(phi)`` (the "Gauss-Radau at 0" rule of ``numerics.md`` once the value at
  ``lambda = 0`` is split off).  Nodes in closed form, cached per (N, precision).
* :class:`TanhSinh` - double-exponential nodes from mpmath; an independent rule
  for cross-checks.  Its "order" is the tanh-sinh level.

>>> from symdyn.numeric.arithmetic import MPMATH
>>> rule = GaussChebyshev()
>>> with MPMATH.workdps(30):
...     nodes = rule.nodes(8, MPMATH, 30)
...     total = sum(w for _, _, w in nodes)   # (2/pi) int sin^2 = 1
...     abs(total - 1) < mp.mpf(10) ** -28
True
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any

import mpmath as mp

from .arithmetic import Arithmetic

__all__ = ["AngularRule", "GaussChebyshev", "TanhSinh", "rule", "chebyshev_order"]


def chebyshev_order(rate: float, digits: float, pole_distance: float | None = None) -> int:
    """Node count of :class:`GaussChebyshev` for ``digits`` correct digits.

    ``rate`` bounds the growth of the integrand: ``exp(rate * cos(phi))``-like
    entire functions need ``N ~ sqrt(rate * digits ln 10 / 2)`` nodes (for
    ``exp(2 t sqrt(lambda))`` the rate is ``2 t sqrt(c)/(1 + sqrt(c))``).  An
    unsubtracted pole at ``cos(phi) = 1 + pole_distance`` adds the geometric
    requirement ``digits ln 10 / (2 acosh(1 + pole_distance))``.
    """
    ln_eps = digits * math.log(10.0)
    n_entire = math.sqrt(max(rate, 0.0) * ln_eps / 2.0) + digits / 8.0 + 4.0
    n = n_entire
    if pole_distance is not None:
        # acosh(1 + d) = 2 asinh(sqrt(d/2)), without the rounding of 1 + d for tiny d
        rho = 2.0 * math.asinh(math.sqrt(max(pole_distance, 1e-300) / 2.0))
        n_pole = ln_eps / (2.0 * rho) + 4.0
        n = max(n, n_pole)
    return int(math.ceil(n))


class AngularRule(ABC):
    """Nodes and weights for ``(2/pi) int_0^pi F(phi) sin^2(phi) dphi``."""

    name: str

    @abstractmethod
    def nodes(self, order: int, arith: Arithmetic, dps: int) -> list[tuple[Any, Any, Any]]:
        """List of ``(sin(phi_j/2)^2, cos(phi_j/2)^2, w_j)`` in the backend's numbers.

        Both squares are computed without cancellation, so that
        ``lambda = lambda_+ - 4 sqrt(c) sin^2(phi/2) = lambda_- + 4 sqrt(c) cos^2(phi/2)``
        is accurate at both edges.

        Call inside ``arith.workdps(dps)``.
        """

    @abstractmethod
    def refine(self, order: int) -> int:
        """A larger order for an independent second evaluation."""

    @abstractmethod
    def order(self, rate: float, digits: float, pole_distance: float | None = None,
              polynomial_degree: int | None = None) -> int:
        """Order expected to give ``digits`` digits for an integrand growing like
        ``exp(rate cos(phi))``, with an unsubtracted pole at ``cos(phi) = 1 + pole_distance``,
        or a polynomial in ``cos(phi)`` of the given degree."""

    def node_count(self, order: int) -> int:
        """Number of nodes of the rule of this order (what a kernel's cost is proportional to)."""
        return int(order)

    def describe(self, order: int) -> str:
        return f"{self.name}({order})"


class GaussChebyshev(AngularRule):
    """Gauss-Chebyshev rule of the second kind in ``phi`` (see module docstring)."""

    name = "gauss-chebyshev"

    def nodes(self, order: int, arith: Arithmetic, dps: int):
        return _chebyshev_nodes(order, arith, dps)

    def refine(self, order: int) -> int:
        return int(math.ceil(1.25 * order)) + 2

    def order(self, rate, digits, pole_distance=None, polynomial_degree=None) -> int:
        n = chebyshev_order(rate, digits, pole_distance)
        if polynomial_degree is not None:  # exact for degree <= 2N - 1
            n = min(n, polynomial_degree // 2 + 2)
        return max(n, 3)


@lru_cache(maxsize=256)
def _chebyshev_nodes(order: int, arith: Arithmetic, dps: int):
    n1 = order + 1
    with arith.workdps(dps):
        pi = arith.pi()
        two = arith.num(2)
        # sin^2(phi_j/2); by symmetry phi_{N+1-j} = pi - phi_j, cos^2(phi_j/2) = sin^2(phi_{N+1-j}/2)
        sh2 = []
        for j in range(0, order + 2):
            sh = arith.sin(pi * j / (2 * n1))
            sh2.append(sh * sh)
        out = []
        for j in range(1, order + 1):
            a, b = sh2[j], sh2[n1 - j]
            s2 = 4 * a * b  # sin^2(phi) = 4 sin^2(phi/2) cos^2(phi/2)
            out.append((a, b, two * s2 / n1))
        return tuple(out)


class TanhSinh(AngularRule):
    """Tanh-sinh nodes of mpmath, mapped to ``[0, pi]`` (independent cross-check)."""

    name = "tanh-sinh"

    def nodes(self, order: int, arith: Arithmetic, dps: int):
        return _tanh_sinh_nodes(order, arith, dps)

    def refine(self, order: int) -> int:
        return order + 1

    def node_count(self, order: int) -> int:
        # measured: 73, 145, 291, ..., 4657 nodes at levels 3..9 (50 digits): about 9.1 * 2^level
        return int(9.1 * 2.0 ** min(int(order), 1000))

    def order(self, rate, digits, pole_distance=None, polynomial_degree=None) -> int:
        # the step h = 2^-level must resolve the decay exp(-pi^2/(2h)) to 10^-digits, and
        # shrink with the growth rate and with the distance of a nearby pole
        level = math.log2(max(2.0 * digits * math.log(10) / math.pi**2, 1.0)) + 1
        level += math.log2(1.0 + max(rate, 0.0) / 8.0)
        if pole_distance is not None:
            rho = 2.0 * math.asinh(math.sqrt(max(pole_distance, 1e-300) / 2.0))
            level += max(0.0, math.log2(1.0 / rho))
        return int(math.ceil(level))


@lru_cache(maxsize=64)
def _tanh_sinh_nodes(level: int, arith: Arithmetic, dps: int):
    # mpmath's level-m tanh-sinh sum is 2^-m * sum of w*f over the nodes of
    # degrees 1..m (see TanhSinh.sum_next); map x in [-1, 1] to phi = pi (x + 1)/2,
    # for which (2/pi) int F sin^2 dphi = int_{-1}^{1} F sin^2(phi(x)) dx.
    with mp.workdps(dps + 10):
        ts = mp.calculus.quadrature.TanhSinh(mp.mp)
        prec = mp.mp.prec
        h = mp.ldexp(1, -level)
        out = []
        for deg in range(1, level + 1):
            for x, w in ts.get_nodes(-1, 1, deg, prec):
                sh2 = mp.sin(mp.pi * (1 + x) / 4) ** 2  # sin^2(phi/2), phi = pi (x + 1)/2
                ch2 = mp.sin(mp.pi * (1 - x) / 4) ** 2  # cos^2(phi/2)
                out.append((sh2, ch2, h * w * 4 * sh2 * ch2))
    with arith.workdps(dps):
        return tuple((arith.num(a), arith.num(b), arith.num(c)) for a, b, c in out)


_RULES = {"gauss-chebyshev": GaussChebyshev, "tanh-sinh": TanhSinh}


def rule(name: str) -> AngularRule:
    from ..errors import ParameterError

    try:
        return _RULES[name]()
    except KeyError:
        raise ParameterError(f"unknown rule {name!r}: use one of " + ", ".join(_RULES)) from None
