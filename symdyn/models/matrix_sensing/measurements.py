"""Symmetric Gaussian measurement operators ``A*A`` on ``Sym(d)`` (spec 2.1).

``A_i = (G_i + G_i^T)/2`` with ``G_i`` i.i.d. standard Gaussian d x d, drawn as
``rng.standard_normal((m, d, d))`` (in chunks of the same stream), and
``A*A(Z) = (1/m) sum_i <A_i, Z> A_i``, so ``E[A*A] = Id`` on ``Sym(d)``.

Instead of the ``d^2 x d^2`` matrix ``H = G^T G / m`` of the spec, the operator lives on
the ``D = d(d+1)/2`` coordinates of an orthonormal basis of ``Sym(d)``
(``Z_ii`` and ``sqrt(2) Z_ij``, ``i < j``): ``a_i = vec(A_i)`` and ``A*A = (1/m) a^T a``,
a D x D matrix with a quarter of the entries of ``H`` and the same action.  Two
strategies apply it: :class:`GramOperator` stores the D x D matrix (``D^2`` flops per
application) and :class:`FactoredOperator` stores the m x D measurements (``2 m D``
flops); :func:`draw_operator` picks the cheaper.

>>> import numpy as np
>>> op = draw_operator(4, 200, np.random.default_rng(0))
>>> Z = np.diag([1.0, 0, 0, 0])
>>> bool(np.allclose(op.apply(Z), op.apply(Z).T)), op.dim
(True, 10)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from ...errors import ParameterError
from ...simulate.memory import available_memory, format_bytes

__all__ = ["SymmetricCoordinates", "SensingOperator", "GramOperator", "FactoredOperator", "draw_operator",
           "operator_bytes", "identity_operator"]

_CHUNK_BYTES = 64_000_000


@dataclass(frozen=True)
class SymmetricCoordinates:
    """Orthonormal coordinates of ``Sym(d)``: the diagonal, then ``sqrt(2) Z_ij`` for ``i < j`` (row-major)."""

    d: int

    @property
    def dim(self) -> int:
        return self.d * (self.d + 1) // 2

    def _index(self) -> tuple[np.ndarray, np.ndarray]:
        iu = np.triu_indices(self.d, 1)
        return iu[0], iu[1]

    def vec(self, Z: np.ndarray) -> np.ndarray:
        """Coordinates of symmetric ``Z`` (last two axes), ``<Z, W>_F = vec(Z) . vec(W)``."""
        i, j = self._index()
        diag = np.diagonal(Z, axis1=-2, axis2=-1)
        return np.concatenate([diag, np.sqrt(2.0) * Z[..., i, j]], axis=-1)

    def mat(self, z: np.ndarray) -> np.ndarray:
        """The symmetric matrix with coordinates *z* (inverse of :meth:`vec`)."""
        d = self.d
        i, j = self._index()
        Z = np.zeros(z.shape[:-1] + (d, d))
        idx = np.arange(d)
        Z[..., idx, idx] = z[..., :d]
        off = z[..., d:] / np.sqrt(2.0)
        Z[..., i, j] = off
        Z[..., j, i] = off
        return Z


class SensingOperator(ABC):
    """``A*A`` on ``Sym(d)`` in :class:`SymmetricCoordinates`."""

    def __init__(self, d: int, m: int) -> None:
        self.d, self.m = d, m
        self.coords = SymmetricCoordinates(d)

    @property
    def dim(self) -> int:
        return self.coords.dim

    @abstractmethod
    def apply_vec(self, z: np.ndarray) -> np.ndarray:
        """``vec(A*A(Z))`` from ``z = vec(Z)``."""

    def apply_many(self, zs: np.ndarray) -> np.ndarray:
        """:meth:`apply_vec` on each row of *zs*."""
        return np.stack([self.apply_vec(z) for z in zs])

    @property
    @abstractmethod
    def nbytes(self) -> int:
        """Memory held by the operator."""

    @property
    @abstractmethod
    def flops(self) -> int:
        """Floating-point operations per application."""

    @abstractmethod
    def gram(self) -> np.ndarray:
        """The D x D matrix of ``A*A`` (built on demand for the factored form)."""

    def apply(self, Z: np.ndarray) -> np.ndarray:
        """``A*A(Z)`` for symmetric ``Z``."""
        return self.coords.mat(self.apply_vec(self.coords.vec(Z)))

    def quadratic(self, Z: np.ndarray) -> float:
        """``||A(Z)||^2 = <Z, A*A(Z)>``."""
        z = self.coords.vec(Z)
        return float(z @ self.apply_vec(z))


class GramOperator(SensingOperator):
    """Stores ``(1/m) a^T a`` (D x D)."""

    def __init__(self, d: int, m: int, gram: np.ndarray) -> None:
        super().__init__(d, m)
        self._gram = gram

    def apply_vec(self, z: np.ndarray) -> np.ndarray:
        return self._gram @ z

    def apply_many(self, zs: np.ndarray) -> np.ndarray:
        return zs @ self._gram

    @property
    def nbytes(self) -> int:
        return self._gram.nbytes

    @property
    def flops(self) -> int:
        return 2 * self.dim ** 2

    def gram(self) -> np.ndarray:
        return self._gram


class FactoredOperator(SensingOperator):
    """Stores the measurement coordinates ``a`` (m x D) and applies ``a^T (a z) / m``."""

    def __init__(self, d: int, m: int, a: np.ndarray) -> None:
        super().__init__(d, m)
        self._a = a

    def apply_vec(self, z: np.ndarray) -> np.ndarray:
        return self._a.T @ (self._a @ z) / self.m

    def apply_many(self, zs: np.ndarray) -> np.ndarray:
        return (zs @ self._a.T) @ self._a / self.m

    @property
    def nbytes(self) -> int:
        return self._a.nbytes

    @property
    def flops(self) -> int:
        return 4 * self.m * self.dim

    def gram(self) -> np.ndarray:
        return self._a.T @ self._a / self.m


def identity_operator(d: int) -> GramOperator:
    """``A*A = Id``: full observation written as a sensing operator (``m = 0`` by convention)."""
    D = d * (d + 1) // 2
    return GramOperator(d, 0, np.eye(D))


def operator_bytes(d: int, m: int) -> dict[str, int]:
    """Peak bytes of each strategy while drawing (stored operator plus one chunk of ``G``)."""
    D = d * (d + 1) // 2
    chunk = min(m, max(1, _CHUNK_BYTES // (8 * d * d))) * 8 * (d * d + D)
    return {"gram": 8 * D * D + chunk, "factored": 8 * m * D + chunk}


def draw_operator(d: int, m: int, rng: np.random.Generator, *, factored: bool | None = None,
                  memory_limit: int | None = None) -> SensingOperator:
    """Draw ``m`` symmetric Gaussian measurements from *rng* and build ``A*A``.

    Parameters
    ----------
    d, m : int
    rng : numpy.random.Generator
        The trial's stream; ``G = rng.standard_normal((m, d, d))`` (drawn in chunks).
    factored : bool, optional
        Force a strategy; by default the one with fewer flops per application.
    memory_limit : int, optional
        Bytes allowed (default: half the available memory); larger requests raise
        :class:`ParameterError` with the estimate.
    """
    if d < 1 or m < 1:
        raise ParameterError(f"d={d} and m={m} must be positive whole numbers")
    D = d * (d + 1) // 2
    if factored is None:
        factored = 4 * m * D < 2 * D * D
    need = operator_bytes(d, m)["factored" if factored else "gram"]
    limit = available_memory() // 2 if memory_limit is None else memory_limit
    if need > limit:
        raise ParameterError(f"the measurement operator at d={d}, m={m} needs {format_bytes(need)} "
                             f"(more than the {format_bytes(limit)} allowed)")
    coords = SymmetricCoordinates(d)
    chunk = min(m, max(1, _CHUNK_BYTES // (8 * d * d)))
    acc = np.zeros((D, D)) if not factored else None
    rows = np.empty((m, D)) if factored else None
    done = 0
    while done < m:
        c = min(chunk, m - done)
        G = rng.standard_normal((c, d, d))
        a = coords.vec((G + np.swapaxes(G, 1, 2)) / 2)
        if factored:
            rows[done:done + c] = a
        else:
            acc += a.T @ a
        done += c
    if factored:
        return FactoredOperator(d, m, rows)
    acc /= m
    return GramOperator(d, m, acc)
