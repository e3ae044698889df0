"""The initialization of the contract and its init constants ``c_k`` (spec 2.3).

``Ubar = numpy.random.default_rng(init_seed).standard_normal((d, r)) / sqrt(d)``,
written in the eigenbasis of ``X* = diag(sigma_1, ..., sigma_r*, 0, ..., 0)``, and
``U0 = alpha * Ubar``.  The float64 entries of ``Ubar`` are the instance: they are
taken as exact binary (dyadic) rationals, so ``b_k = Ubar^T e_k`` (row k) and

    c_k = det G_k / det G_(k-1),     G_k = [b_i . b_j]_(i, j <= k),

are exact rational numbers.  Two independent routes compute them: exact
determinants of the rational Gram matrices (python-flint ``fmpq_mat``), and
modified Gram-Schmidt in mpmath at working precision (``c_k = ||(I - Pi_(k-1)) b_k||^2``).
For ``k > r`` the ``b_i`` span at most ``R^r``, so ``c_k = 0`` exactly.

>>> c = init_constants(5, 2, 3, init_seed=0, dps=20)
>>> c.exact[2], c.values[2]
(0, mpf('0.0'))
>>> with mp.workdps(20):
...     bool(abs(c.values[0] - mp.mpf(c.exact[0].p) / c.exact[0].q) < mp.mpf(10) ** -19)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import mpmath as mp
import numpy as np
import sympy as sp

from ...errors import ParameterError

__all__ = ["draw_ubar", "InitConstants", "init_constants", "gram_schmidt_rows", "exact_rows", "clear_caches"]


def draw_ubar(d: int, r: int, init_seed: int = 0) -> np.ndarray:
    """The contract's ``Ubar`` (d x r, float64, read-only): ``default_rng(init_seed).standard_normal((d, r)) / sqrt(d)``."""
    if d < 1 or r < 1 or init_seed < 0:
        raise ParameterError(f"draw_ubar needs d >= 1, r >= 1, init_seed >= 0 (got {d}, {r}, {init_seed})")
    u = np.random.default_rng(int(init_seed)).standard_normal((int(d), int(r))) / np.sqrt(d)
    u.setflags(write=False)
    return u


@lru_cache(maxsize=64)
def _ubar_cached(d: int, r: int, init_seed: int) -> np.ndarray:
    return draw_ubar(d, r, init_seed)


def exact_rows(d: int, r: int, init_seed: int, rows: int) -> list[list[Fraction]]:
    """The first *rows* rows of ``Ubar`` as exact fractions (the float64 values)."""
    u = _ubar_cached(d, r, init_seed)
    return [[Fraction(float(x)) for x in u[i]] for i in range(rows)]


@dataclass(frozen=True)
class InitConstants:
    """``c_1, ..., c_r*`` with their evidence.

    Attributes
    ----------
    values : tuple of mpf
        Gram-Schmidt values at ``dps`` digits (``0`` for ``k > r``).
    exact : tuple of sympy.Rational
        Exact values from rational determinants (``0`` for ``k > r``).
    dps : int
    method : str
    error : mpf
        Largest relative difference between the two routes.
    notes : tuple of str
    """

    values: tuple[mp.mpf, ...]
    exact: tuple[sp.Rational, ...]
    dps: int
    method: str
    error: mp.mpf
    notes: tuple[str, ...] = ()


def gram_schmidt_rows(rows: list[list[mp.mpf]], r: int) -> tuple[list[mp.mpf], list[list[mp.mpf]], list[list[mp.mpf]]]:
    """Modified Gram-Schmidt on ``b_1, b_2, ...`` (current mp precision).

    Returns ``(c, L, q)``: ``c_k = ||(I - Pi_(k-1)) b_k||^2`` for ``k <= min(r, len(rows))``
    (later ones 0), the coefficients ``L[k][a] = b_k . q_a`` (lower trapezoidal,
    ``L[k][k]^2 = c_k``) and the orthonormal vectors ``q_1, ..., q_r``; when
    ``len(rows) < r`` the basis is completed from the standard basis.
    """
    n = len(rows)
    q: list[list[mp.mpf]] = []
    c = [mp.mpf(0)] * n
    for k in range(min(n, r)):
        v = list(rows[k])
        for a in range(len(q)):
            proj = mp.fsum(v[i] * q[a][i] for i in range(r))
            v = [v[i] - proj * q[a][i] for i in range(r)]
        nrm2 = mp.fsum(x * x for x in v)
        if nrm2 == 0:
            raise ParameterError("Ubar has linearly dependent rows b_1..b_min(r,r*); draw another init_seed")
        c[k] = nrm2
        nrm = mp.sqrt(nrm2)
        q.append([x / nrm for x in v])
    j = 0
    while len(q) < r:  # complete the basis (over-parameterized case)
        v = [mp.mpf(1) if i == j else mp.mpf(0) for i in range(r)]
        for _ in range(2):
            for a in range(len(q)):
                proj = mp.fsum(v[i] * q[a][i] for i in range(r))
                v = [v[i] - proj * q[a][i] for i in range(r)]
        nrm = mp.sqrt(mp.fsum(x * x for x in v))
        if nrm > mp.mpf("0.1"):
            q.append([x / nrm for x in v])
        j += 1
    L = [[mp.fsum(rows[k][i] * q[a][i] for i in range(r)) if a <= k else mp.mpf(0) for a in range(r)]
         for k in range(n)]
    return c, L, q


def _exact_constants(d: int, r: int, init_seed: int, r_star: int) -> tuple[sp.Rational, ...]:
    import flint

    rows = exact_rows(d, r, init_seed, r_star)
    fq = [[flint.fmpq(x.numerator, x.denominator) for x in row] for row in rows]
    out = []
    prev = flint.fmpq(1)
    for k in range(1, r_star + 1):
        if k > r:
            out.append(sp.Integer(0))
            continue
        g = flint.fmpq_mat(k, k, [sum((fq[i][a] * fq[j][a] for a in range(r)), flint.fmpq(0))
                                  for i in range(k) for j in range(k)])
        det = g.det()
        if det == 0:
            raise ParameterError("Ubar has linearly dependent rows b_1..b_min(r,r*); draw another init_seed")
        ck = det / prev
        out.append(sp.Rational(int(ck.p), int(ck.q)))
        prev = det
    return tuple(out)


@lru_cache(maxsize=256)
def _exact_cached(d: int, r: int, init_seed: int, r_star: int) -> tuple[sp.Rational, ...]:
    return _exact_constants(d, r, init_seed, r_star)


def clear_caches() -> None:
    """Forget the cached initializations and exact init constants (so that a benchmark times a cold start).

    >>> clear_caches()
    """
    _ubar_cached.cache_clear()
    _exact_cached.cache_clear()


def init_constants(d: int, r: int, r_star: int, init_seed: int = 0, *, dps: int = 30) -> InitConstants:
    """The init constants ``c_1..c_r*`` of the contract's ``Ubar`` by two routes.

    Parameters
    ----------
    d, r : int
        Shape of ``Ubar``.
    r_star : int
        ``len(sigma)`` (``<= d``).
    init_seed : int
    dps : int
        Digits of the Gram-Schmidt route (the exact route is exact).

    Examples
    --------
    >>> c = init_constants(30, 5, 3, dps=30)
    >>> [round(float(x), 4) for x in c.values], c.exact[0] == sum(sp.Rational(float(x)) ** 2 for x in draw_ubar(30, 5)[0])
    ([0.0247, 0.108, 0.2025], True)
    """
    if not 1 <= r_star <= d or r < 1 or r > d:
        raise ParameterError(f"init_constants needs 1 <= r_star <= d and 1 <= r <= d (got d={d}, r={r}, r*={r_star})")
    exact = _exact_cached(int(d), int(r), int(init_seed), int(r_star))
    u = _ubar_cached(int(d), int(r), int(init_seed))
    with mp.workdps(dps + 10):
        rows = [[mp.mpf(float(x)) for x in u[i]] for i in range(r_star)]
        gs, _, _ = gram_schmidt_rows(rows, r)
        err = mp.mpf(0)
        for k in range(min(r, r_star)):
            ex = mp.mpf(int(exact[k].p)) / int(exact[k].q)
            err = max(err, abs(gs[k] - ex) / ex)
    with mp.workdps(dps):
        values = tuple(+v for v in gs)
        err = +err
    notes = []
    if r < r_star:
        notes.append(f"c_k = 0 exactly for k > r = {r}: b_1..b_{r_star} lie in R^{r}, so det G_k = 0")
    return InitConstants(values, exact, dps, "exact rational Gram determinants (flint) and modified Gram-Schmidt (mpmath)",
                         err, tuple(notes))
