"""The Lanczos iteration shared by the chiral (``H = [[0, X], [X^T, 0]]``) and symmetric routes.

Full reorthogonalisation (classical Gram-Schmidt with one conditional second pass,
"twice is enough") keeps ``Q_k`` orthonormal to machine precision; ``T_k = S diag(theta) S^T``.
The iteration stops at the first ``k`` where Saad's estimate of the error of
``f_t(T_k) e_1`` is below ``tol`` at every requested time, when the Krylov space is
exhausted, or (with ``refine_top``) only once the top Ritz pair is also converged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.linalg as sla

from ..errors import ConvergenceError

__all__ = ["Krylov", "lanczos", "ritz", "coefficients", "saad_estimate", "top_pair_bound", "TOP_PAIR_TOL"]

#: Error bound ``residual/gap`` below which the top Ritz vector's diagnostics are trusted.
TOP_PAIR_TOL = 1e-8


def ritz(alphas: list[float], betas: list[float], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``theta`` and eigenvectors ``S`` of the ``k x k`` tridiagonal ``T_k``."""
    if k == 1:
        return np.array([alphas[0]]), np.ones((1, 1))
    return sla.eigh_tridiagonal(np.asarray(alphas[:k]), np.asarray(betas[: k - 1]), check_finite=False)


def coefficients(prop, theta: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``c_j(t) = e^{-L} f_t(theta_j) z_j`` (shape ``(T, k)``) and ``L`` (``(T,)``)."""
    lf, sg = prop.log_f(theta)
    L = np.max(lf, axis=1)
    L = np.where(np.isfinite(L), L, 0.0)
    return sg * np.exp(lf - L[:, None]) * z[None, :], L


def saad_estimate(prop, theta: np.ndarray, S: np.ndarray, beta_k: float) -> float:
    """``max_t beta_k |e_k^T f_t(T_k) e_1| / |f_t(T_k) e_1|`` (Saad 1992), scale-free."""
    c, _ = coefficients(prop, theta, S[0, :])
    last = c @ S[-1, :]
    norm = np.linalg.norm(c, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(norm > 0, np.abs(last) / norm, 0.0)
    return float(beta_k * np.max(rel))


def top_pair_bound(theta: np.ndarray, S: np.ndarray, beta: float) -> float:
    """Error bound of the top Ritz vector: residual ``beta |S[-1, top]|`` over the Ritz gap."""
    order = np.argsort(theta)
    top = order[-1]
    gap = float(theta[top] - theta[order[-2]]) if len(theta) > 1 else np.inf
    res = float(beta * abs(S[-1, top]))
    return res / gap if gap > 0 else np.inf


@dataclass(frozen=True)
class Krylov:
    """The converged Lanczos decomposition: basis ``Q`` (``k x size``), Ritz pairs, diagnostics."""

    Q: np.ndarray
    theta: np.ndarray
    S: np.ndarray
    norm0: float
    estimate: float
    beta_last: float

    @property
    def steps(self) -> int:
        return self.Q.shape[0]

    def top_pair(self) -> tuple[int, float, float]:
        """``(index of the top Ritz value, its residual, the residual/gap bound)``; exact if the space is full."""
        top = int(np.argmax(self.theta))
        full = self.steps == self.Q.shape[1]
        res = 0.0 if full else float(self.beta_last * abs(self.S[-1, top]))
        bound = 0.0 if full else top_pair_bound(self.theta, self.S, self.beta_last)
        return top, res, bound


def lanczos(
    matvec: Callable[[np.ndarray, np.ndarray], None], w0: np.ndarray, prop, *,
    tol: float = 1e-13, max_steps: int = 1000, refine_top: bool = False, fallback: str = "gram",
) -> Krylov:
    """Lanczos from ``w0`` with ``matvec(q, out)`` writing the product into ``out``.

    Raises :class:`ConvergenceError` (naming the ``fallback`` method) if ``tol`` is not
    reached within ``max_steps`` steps.  ``w0`` must be nonzero.
    """
    size = w0.size
    nrm0 = float(np.linalg.norm(w0))
    kmax = min(size, int(max_steps))
    Q = np.empty((kmax + 1, size))
    Q[0] = w0 / nrm0
    alphas: list[float] = []
    betas: list[float] = []
    w = np.empty(size)
    k = 0
    estimate = np.inf
    theta = S = None
    for j in range(kmax):
        q = Q[j]
        matvec(q, w)
        a = float(q @ w)
        w -= a * q
        if j > 0:
            w -= betas[-1] * Q[j - 1]
        basis = Q[: j + 1]
        norm_before = float(np.linalg.norm(w))
        for _ in range(2):  # CGS with one conditional repetition ("twice is enough", Kahan-Parlett)
            h = basis @ w
            w -= h @ basis
            a += float(h[j])
            b = float(np.linalg.norm(w))
            if b > 0.7071 * norm_before:
                break
            norm_before = b
        alphas.append(a)
        betas.append(b)
        k = j + 1
        # the stopping check costs O(k^2 + k T): every step early, every 2nd step from 20, every 4th from 100
        if k <= 20 or (k % 2 == 0 and k <= 100) or k % 4 == 0 or k == kmax or b == 0.0:
            theta, S = ritz(alphas, betas, k)
            estimate = saad_estimate(prop, theta, S, b)
            if k == size or b == 0.0:
                break
            if estimate < tol and (not refine_top or top_pair_bound(theta, S, b) < TOP_PAIR_TOL):
                break
        Q[k] = w / b
    if not (estimate < tol or k == size or betas[k - 1] == 0.0):
        raise ConvergenceError(
            f"Lanczos did not reach tol={tol:g} in {k} steps (estimate {estimate:.2e}): "
            f"raise max_steps or use method={fallback}"
        )
    return Krylov(Q[:k], theta, S, nrm0, float(estimate), float(betas[k - 1]))
