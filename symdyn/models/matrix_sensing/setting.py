"""The validated arguments of one matrix-sensing instance, and the time unit of the loss scale.

The loss is ``f(U) = loss_scale * ||A(UU^T) - y||^2`` (full observation:
``loss_scale * ||UU^T - X*||_F^2``), so ``grad f = 4 loss_scale A*A(UU^T - X*) U``.
The spec's formulas are written for ``loss_scale = 1/4``, where ``grad f =
A*A(UU^T - X*) U``.  A general loss scale only rescales time: the gradient flow
of ``f`` at time ``t`` is the spec's flow at time ``tau = 4 loss_scale t``, and GD
with step ``eta`` on ``f`` is the spec's GD with step ``mu = 4 loss_scale eta``.
Every kernel works in the spec's time ``tau`` (and step ``mu``) and converts at
its boundary (:attr:`Setting.rate`).

>>> import sympy as sp
>>> s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")
>>> s.r_star, s.regime, s.rate
(3, 'over-parameterized', 1)
>>> Setting.of(sigma=(3, 2, 1), d=30, r=5, alpha=1, loss_scale=sp.Rational(1, 2)).rate
2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import sympy as sp

from ...errors import ParameterError
from ...params import parse_number

__all__ = ["Setting", "OVER", "EXACT", "UNDER", "REGIMES", "parse_sigma"]

OVER = "over-parameterized"
EXACT = "exactly-parameterized"
UNDER = "under-parameterized"
REGIMES = (OVER, EXACT, UNDER)

Q = sp.Rational


def parse_sigma(value: Any) -> tuple[sp.Rational, ...]:
    """The target spectrum as exact rationals: positive, strictly decreasing, non-empty.

    Accepts ``"3,2,1"`` or a sequence of numbers (each read by :func:`symdyn.params.parse_number`).

    >>> parse_sigma("3, 2, 0.5")
    (3, 2, 1/2)
    >>> parse_sigma("1,2")
    Traceback (most recent call last):
    ...
    symdyn.errors.ParameterError: sigma=1,2 is not strictly decreasing (entry 2 is 2 >= 1): give sigma_1 > sigma_2 > ... > 0
    """
    if isinstance(value, str):
        parts: Iterable[Any] = [p for p in value.split(",")]
        text = value
    else:
        parts = list(value)
        text = ",".join(str(p) for p in parts)
    entries = []
    for i, p in enumerate(parts, 1):
        if isinstance(p, str) and not p.strip():
            raise ParameterError(f"sigma={text} has an empty entry {i}: give a comma-separated list like 3,2,1")
        try:
            entries.append(parse_number(p))
        except ParameterError as exc:
            raise ParameterError(f"sigma entry {i}: {exc}") from None
    if not entries:
        raise ParameterError("sigma is empty: give the nonzero eigenvalues of X*, e.g. sigma=3,2,1")
    for i, s in enumerate(entries, 1):
        if not s > 0:
            raise ParameterError(f"sigma={text} has a non-positive entry {i} ({s}): all entries must be > 0")
        if i > 1 and not s < entries[i - 2]:
            raise ParameterError(f"sigma={text} is not strictly decreasing (entry {i} is {s} >= {entries[i - 2]}): "
                                 "give sigma_1 > sigma_2 > ... > 0")
    return tuple(entries)


def _whole(value: Any, name: str, lo: int) -> int:
    if isinstance(value, bool):
        raise ParameterError(f"{name}={value!r} is not a whole number")
    if isinstance(value, int):
        n = value
    else:
        try:
            q = parse_number(value)
        except ParameterError:
            raise ParameterError(f"{name}={value!r} is not a whole number: use an integer >= {lo}") from None
        if not q.is_integer:
            raise ParameterError(f"{name}={value} is not a whole number: use an integer >= {lo}")
        n = int(q)
    if n < lo:
        raise ParameterError(f"{name}={n} is too small: use an integer >= {lo}")
    return n


@dataclass(frozen=True)
class Setting:
    """One instance's exact parameters (validated; hashable).

    Attributes
    ----------
    sigma : tuple of sympy.Rational
        Nonzero eigenvalues of ``X* = diag(sigma, 0, ..., 0)``, strictly decreasing.
    d, r : int
        Dimension and number of columns of ``U`` (``len(sigma) <= d``, ``1 <= r <= d``).
    alpha : sympy.Rational
        Initialization scale, ``U0 = alpha * Ubar`` (:func:`.instance.draw_ubar`).
    init_seed : int
    loss_scale : sympy.Rational
        ``f = loss_scale * ||A(UU^T) - y||^2``; the spec uses ``1/4``.
    level : sympy.Rational
        Component k is learned when ``lambda_k >= level * sigma_k``; ``0 < level < 1``.
    """

    sigma: tuple[sp.Rational, ...]
    d: int
    r: int
    alpha: sp.Rational
    init_seed: int = 0
    loss_scale: sp.Rational = Q(1, 4)
    level: sp.Rational = Q(1, 2)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sigma", parse_sigma(self.sigma))
        object.__setattr__(self, "d", _whole(self.d, "d", 1))
        object.__setattr__(self, "r", _whole(self.r, "r", 1))
        object.__setattr__(self, "init_seed", _whole(self.init_seed, "init_seed", 0))
        for name in ("alpha", "loss_scale", "level"):
            v = getattr(self, name)
            try:
                object.__setattr__(self, name, parse_number(v))
            except ParameterError as exc:
                raise ParameterError(f"{name}: {exc}") from None
        if self.d < len(self.sigma):
            raise ParameterError(f"d={self.d} is smaller than len(sigma)={len(self.sigma)}: X* must fit in d dimensions")
        if self.r > self.d:
            raise ParameterError(f"r={self.r} exceeds d={self.d}: U has at most d columns here")
        if not self.alpha > 0:
            raise ParameterError(f"alpha={self.alpha} must be > 0")
        if not self.loss_scale > 0:
            raise ParameterError(f"loss_scale={self.loss_scale} must be > 0")
        if not 0 < self.level < 1:
            raise ParameterError(f"level={self.level} is outside (0, 1)")

    @classmethod
    def of(cls, **kwargs: Any) -> "Setting":
        """Build from loose values (strings, ints, floats read exactly by their shortest repr)."""
        return cls(**kwargs)

    @property
    def r_star(self) -> int:
        return len(self.sigma)

    @property
    def learnable(self) -> int:
        """Number of components that are ever learned: ``min(r, r*)``."""
        return min(self.r, self.r_star)

    @property
    def regime(self) -> str:
        return OVER if self.r > self.r_star else EXACT if self.r == self.r_star else UNDER

    @property
    def rate(self) -> sp.Rational:
        """``4 * loss_scale``: the spec's time is ``tau = rate * t``, its step ``mu = rate * eta``."""
        return 4 * self.loss_scale

    def check_k(self, k: Any) -> int:
        """A component index ``1 <= k <= r*``."""
        try:
            k = _whole(k, "k", 1)
        except ParameterError as exc:
            raise ParameterError(f"{exc} (components are 1..{self.r_star})") from None
        if k > self.r_star:
            raise ParameterError(f"k={k} is out of range: components are 1..{self.r_star} (len(sigma))")
        return k

    def step(self, eta: Any) -> sp.Rational:
        """The spec's step ``mu = 4 loss_scale eta`` of GD with step *eta*, checked for stability.

        GD is refused if ``mu sigma_1 >= 1`` (the scalar map is then not locally stable at
        its fixed point).
        """
        try:
            eta = parse_number(eta)
        except ParameterError as exc:
            raise ParameterError(f"eta: {exc}") from None
        if not eta > 0:
            raise ParameterError(f"eta={eta} must be > 0")
        mu = self.rate * eta
        if not mu * self.sigma[0] < 1:
            bound = 1 / (self.rate * self.sigma[0])
            raise ParameterError(f"eta={eta} makes GD unstable: need 4*loss_scale*eta*sigma_1 < 1, i.e. eta < {bound}")
        return mu
