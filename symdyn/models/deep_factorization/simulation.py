r"""Full-matrix GD of the ``N`` layers (the real dynamics, no decoupling assumed).

``W_j <- W_j - eta (W_N ... W_{j+1})^T R (W_{j-1} ... W_1)^T``, ``R = W_N ... W_1 - W^``, for all ``j`` at
once, from ``W_j(0) = alpha I`` (d x d, float64), on ``L = (1/2)||W_N ... W_1 - W^||_F^2``.

One step costs ``3N - 3`` matrix products: the prefixes ``P_j = W_j P_{j-1}`` once, then a backward sweep
``B_N = R``, ``G_j = B_j P_{j-1}^T``, ``B_{j-1} = W_j^T B_j`` (:func:`run_gd`).  The baseline
(:func:`run_gd_plain`) recomputes every layer's prefix and suffix product from scratch at each step
(``O(N^2)`` products).

Recorded at the requested steps: the eigenvalues of the product (``eigvalsh`` of its symmetric part, sorted
decreasingly), the layer asymmetry ``max_j ||W_j - W_1||_2``, the product's asymmetry ``||W - W^T||_2``,
``loss``, ``error = ||W - W*||_F`` and ``||W - W*||_2``.  At every step: ``||W - W*||_F`` (its minimum and where),
and, when levels are requested, the first-hitting steps of each component, measured on the diagonal
``q_i^T W q_i`` of the product in the eigenbasis ``Q`` of ``W^`` (one extra product per step).  Those
Rayleigh quotients equal the eigenvalues up to the off-diagonal part, whose size is recorded
(:attr:`GDRun.rayleigh_gap`: the largest difference to the sorted eigenvalues at the recorded steps).

Memory and time are estimated before running (:func:`estimate`); requests above the limits raise
ParameterError with the estimate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, Mapping, Sequence

import numpy as np

from ...errors import ParameterError
from ...progress import NULL_PROGRESS
from ...simulate.memory import available_memory, format_bytes

__all__ = ["GDRun", "Estimate", "estimate", "run_gd", "run_gd_plain", "matmul_rate"]

MAX_SECONDS = 900.0


@dataclass(frozen=True)
class Estimate:
    bytes: int
    seconds: float
    products_per_step: int

    def describe(self) -> str:
        return f"about {format_bytes(self.bytes)} and {self.seconds:.3g} s"


@dataclass(frozen=True)
class GDRun:
    """What a full-matrix GD run measured (arrays indexed by the recorded steps, then by component)."""

    steps: np.ndarray
    eigenvalues: np.ndarray            # (len(steps), d), decreasing
    rayleigh: np.ndarray | None        # (len(steps), d): q_i^T W q_i in the order of Q
    layer_asymmetry: np.ndarray        # max_j ||W_j - W_1||_2
    product_asymmetry: np.ndarray      # ||W - W^T||_2
    loss: np.ndarray
    error: np.ndarray                  # ||W - W*||_F
    error_op: np.ndarray               # ||W - W*||_2
    hitting: Mapping[tuple[int, float], int]   # (component i (1-based), level) -> first step, -1 if not reached
    min_error: float                   # min_n ||W_n - W*||_F over every step 0..n_steps
    argmin_error: int
    rayleigh_gap: float                # max |sorted Rayleigh - eigvalsh| at the recorded steps
    seconds: float
    estimate: Estimate
    method: str
    notes: tuple[str, ...] = ()


_RATE: list[float] = []


def matmul_rate() -> float:
    """Measured float64 matrix-product speed (flop/s) on a 256 x 256 product (cached per process)."""
    if not _RATE:
        a = np.random.default_rng(0).standard_normal((256, 256))
        a @ a
        t = time.perf_counter()
        for _ in range(5):
            a @ a
        dt = (time.perf_counter() - t) / 5
        _RATE.append(2 * 256**3 / max(dt, 1e-6))
    return _RATE[0]


def estimate(d: int, N: int, n_steps: int, n_records: int, *, hitting: bool = False, plain: bool = False) -> Estimate:
    """Memory (bytes) and time (s) of a run: ``(3N + 12) d^2`` numbers plus the records; ``3N - 3`` products
    per step (``+1`` for the hitting steps; plain: ``N - 1 + N (N - 1)``), ``~30 d^3`` flop per record."""
    prods = (3 * N - 3 + (1 if hitting else 0)) if not plain else (N - 1 + N * (N - 1) + (1 if hitting else 0))
    mem = (3 * N + 12) * d * d * 8 + n_records * (3 * d + 8) * 8
    flops = n_steps * max(prods, 1) * 2.0 * d**3 + n_records * (30.0 + 12 * N) * d**3 + n_steps * 6.0 * d * d
    return Estimate(int(mem), flops / matmul_rate(), prods)


def _validate(target: np.ndarray, W_star: np.ndarray, N: int, alpha: float, eta: float, n_steps: int,
              record: Sequence[int]) -> tuple[int, np.ndarray]:
    if isinstance(N, bool) or int(N) != N or N < 2:
        raise ParameterError(f"N={N!r}: the depth is an integer >= 2")
    if target.ndim != 2 or target.shape[0] != target.shape[1] or W_star.shape != target.shape:
        raise ParameterError("the target and W* must be square matrices of the same size")
    if not (alpha > 0 and eta > 0):
        raise ParameterError("alpha and eta must be positive")
    if isinstance(n_steps, bool) or int(n_steps) != n_steps or n_steps < 0:
        raise ParameterError(f"n_steps={n_steps!r} must be a whole number >= 0")
    rec = np.array(sorted(set(int(n) for n in record)), dtype=np.int64)
    if rec.size and (rec[0] < 0 or rec[-1] > n_steps):
        raise ParameterError(f"recorded steps must lie in 0..n_steps={n_steps}")
    return int(N), rec


def _check_limits(est: Estimate, max_seconds: float, max_bytes: int | None) -> None:
    limit = max_bytes if max_bytes is not None else available_memory() // 2
    if est.bytes > limit:
        raise ParameterError(f"the run needs {est.describe()}: more than the memory limit {format_bytes(limit)}")
    if est.seconds > max_seconds:
        raise ParameterError(f"the run needs {est.describe()}: more than max_seconds={max_seconds:g}")


class _Recorder:
    def __init__(self, rec: np.ndarray, d: int, W_star: np.ndarray, target: np.ndarray, Q: np.ndarray | None):
        self.rec = rec
        self.pos = 0
        k = len(rec)
        self.eig = np.empty((k, d))
        self.ray = np.empty((k, d)) if Q is not None else None
        self.lay = np.empty(k)
        self.asym = np.empty(k)
        self.loss = np.empty(k)
        self.err = np.empty(k)
        self.err_op = np.empty(k)
        self.W_star, self.target, self.Q = W_star, target, Q
        self.gap = 0.0

    def wants(self, n: int) -> bool:
        return self.pos < len(self.rec) and self.rec[self.pos] == n

    def take(self, layers: list[np.ndarray], W: np.ndarray) -> None:
        i = self.pos
        S = (W + W.T) / 2
        ev = np.linalg.eigvalsh(S)[::-1]
        self.eig[i] = ev
        if self.Q is not None:
            r = np.einsum("ij,ij->j", self.Q, W @ self.Q)
            self.ray[i] = r
            self.gap = max(self.gap, float(np.max(np.abs(np.sort(r)[::-1] - ev))))
        self.lay[i] = max((np.linalg.norm(Wj - layers[0], 2) for Wj in layers[1:]), default=0.0)
        self.asym[i] = np.linalg.norm(W - W.T, 2)
        R = W - self.target
        self.loss[i] = 0.5 * float(np.sum(R * R))
        D = W - self.W_star
        self.err[i] = float(np.linalg.norm(D))
        self.err_op[i] = float(np.linalg.norm(D, 2))
        self.pos += 1


def _levels(levels: Mapping[int, Sequence[float]] | None, lam: np.ndarray | None, d: int):
    if not levels:
        return None
    if lam is None:
        raise ParameterError("hitting steps need the eigen-decomposition of the target (Q and lam)")
    idx, thr, keys = [], [], []
    for i, levs in levels.items():
        if not 1 <= int(i) <= d:
            raise ParameterError(f"component {i} is out of range 1..{d}")
        for lv in levs:
            idx.append(int(i) - 1)
            thr.append(float(lv) * float(lam[int(i) - 1]))
            keys.append((int(i), float(lv)))
    return np.array(idx), np.array(thr), keys


def _run(target, W_star, N, alpha, eta, n_steps, record, *, Q, lam, levels, max_seconds, max_bytes, progress,
         plain: bool) -> GDRun:
    target = np.asarray(target, dtype=float)
    W_star = np.asarray(W_star, dtype=float)
    N, rec = _validate(target, W_star, N, alpha, eta, n_steps, record)
    d = target.shape[0]
    lv = _levels(levels, lam, d)
    est = estimate(d, N, n_steps, len(rec), hitting=lv is not None, plain=plain)
    _check_limits(est, max_seconds, max_bytes)
    start = time.perf_counter()
    I = np.eye(d)
    layers = [alpha * I.copy() for _ in range(N)]
    recorder = _Recorder(rec, d, W_star, target, Q)
    hit = None
    if lv is not None:
        idx, thr, keys = lv
        hit = np.full(len(keys), -1, dtype=np.int64)
    best, best_n = np.inf, 0
    progress = progress or NULL_PROGRESS
    QT = Q.T.copy() if Q is not None else None
    with progress.task("full-matrix GD", total=n_steps) as task:
        for n in range(n_steps + 1):
            # the product W_n (and, for the fast route, all prefixes)
            if plain:
                W = reduce(np.matmul, layers[::-1])
            else:
                pref = [layers[0]]
                for j in range(1, N):
                    pref.append(layers[j] @ pref[-1])
                W = pref[-1]
            D = W - W_star
            e = float(np.sqrt(np.einsum("ij,ij->", D, D)))
            if e < best:
                best, best_n = e, n
            if hit is not None:
                r = np.einsum("ij,ji->i", QT, W @ Q)
                newly = (hit < 0) & (r[idx] >= thr)
                hit[newly] = n
            if recorder.wants(n):
                recorder.take(layers, W)
            if n == n_steps:
                break
            R = W - target
            if plain:
                grads = []
                for j in range(N):
                    suffix = reduce(np.matmul, layers[j + 1:][::-1], I)
                    prefix = reduce(np.matmul, layers[:j][::-1], I)
                    grads.append(suffix.T @ R @ prefix.T)
            else:
                grads = [None] * N
                B = R
                for j in range(N - 1, -1, -1):
                    grads[j] = B @ pref[j - 1].T if j > 0 else B
                    if j > 0:
                        B = layers[j].T @ B
            for j in range(N):
                layers[j] = layers[j] - eta * grads[j]
            if n % 256 == 255:
                task.advance(256)
    seconds = time.perf_counter() - start
    hitting = {} if hit is None else {k: int(v) for k, v in zip(keys, hit)}
    method = ("full-matrix GD, " + ("plain loop (prefix and suffix products recomputed per layer)" if plain else
                                    f"prefix products and one backward sweep ({3 * N - 3} products per step)"))
    return GDRun(rec, recorder.eig, recorder.ray, recorder.lay, recorder.asym, recorder.loss, recorder.err,
                 recorder.err_op, hitting, best, best_n, recorder.gap, seconds, est, method)


def run_gd(target: np.ndarray, W_star: np.ndarray, N: int, alpha: float, eta: float, n_steps: int,
           record: Sequence[int], *, Q: np.ndarray | None = None, lam: np.ndarray | None = None,
           levels: Mapping[int, Sequence[float]] | None = None, max_seconds: float = MAX_SECONDS,
           max_bytes: int | None = None, progress: Any = None) -> GDRun:
    """Run full-matrix GD for *n_steps* steps, recording at *record* (see the module docstring).

    Parameters
    ----------
    target : (d, d) array
        ``W^ = W* + E``.
    W_star : (d, d) array
        The unperturbed target (for the error).
    N, alpha, eta : depth, initial scale per layer, step
    n_steps : int
    record : steps at which the eigenvalues etc. are recorded
    Q, lam : eigenvectors (columns) and eigenvalues of ``target``, decreasing; needed for *levels*
    levels : {component i (1-based): [levels]}; the first step with ``q_i^T W q_i >= level * lam_i``

    >>> import numpy as np
    >>> run = run_gd(np.diag([3., 2., 1.]), np.diag([3., 2., 1.]), 2, 1e-3, 0.02, 160, [0, 160],
    ...              Q=np.eye(3), lam=np.array([3., 2., 1.]), levels={1: [0.9], 2: [0.1]})
    >>> run.hitting[(1, 0.9)], run.hitting[(2, 0.1)]
    (146, 157)
    """
    return _run(target, W_star, N, alpha, eta, n_steps, record, Q=Q, lam=lam, levels=levels,
                max_seconds=max_seconds, max_bytes=max_bytes, progress=progress, plain=False)


def run_gd_plain(target: np.ndarray, W_star: np.ndarray, N: int, alpha: float, eta: float, n_steps: int,
                 record: Sequence[int], *, Q: np.ndarray | None = None, lam: np.ndarray | None = None,
                 levels: Mapping[int, Sequence[float]] | None = None, max_seconds: float = MAX_SECONDS,
                 max_bytes: int | None = None, progress: Any = None) -> GDRun:
    """The baseline: the same dynamics with every layer's prefix and suffix products recomputed per step."""
    return _run(target, W_star, N, alpha, eta, n_steps, record, Q=Q, lam=lam, levels=levels,
                max_seconds=max_seconds, max_bytes=max_bytes, progress=progress, plain=True)
