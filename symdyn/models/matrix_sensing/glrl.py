"""The greedy low-rank race of GD under Gaussian sensing (GLRL, Li-Luo-Lyu 2021; spec 2.6).

Stage j starts at ``Z_j``, the rank-j minimizer of ``f(Z) = loss_scale <Z - X*, A*A(Z - X*)>``
(``Z_0 = 0``).  The growth rates of the unlearned components during stage j are the top
eigenvalues ``rho^(j)`` of ``M_j = A*A(X* - Z_j)`` (``M_j Z_j = 0`` by first-order optimality,
so the first j eigenvalues are 0).  Component k's log-magnitude grows by
``2 log(1 + mu rho_k^(j))`` per GD step (``2 rho_k^(j)`` per unit of the spec's time), from
``alpha^2 c~_k`` (``c~_k``: init constants in the eigenbasis of ``M_0``), and it is learned
during stage ``k - 1``, where its saturation is followed by the scalar map with rate
``rho_k^(k-1)`` and limit ``zeta_k = lambda_k(Z_k)``:
``lambda <- lambda (1 + mu rho (1 - lambda/zeta))^2``, up to ``level sigma_k``.  So

    n_k = n_(k-1) + N_k,   N_k = steps of that map from alpha^2 c~_k prod_(j < k-1) (1 + mu rho_k^(j))^(2 (n_(j+1) - n_j)),

which is the race ``sum_j ell_k^(j) (n_(j+1) - n_j) = L_k`` of the spec with the saturation
offset ``kappa_k`` taken from the map.  Under full observation ``rho = zeta = sigma`` and the
race is exactly the scalar-map hitting step of :func:`.learning.learning_step` (fractional).

``Z_s`` is found by Newton's method on ``U`` in ``R^(d x s)`` from the truncation of ``X*``
(Hessian assembled exactly, pseudo-inverse for the ``s(s-1)/2`` rotation directions);
its residual ``||grad f||`` is reported, and the smallest Hessian eigenvalue off the
rotation directions shows it is a strict local minimum.

>>> import numpy as np, sympy as sp
>>> from symdyn.models.matrix_sensing.setting import Setting
>>> from symdyn.models.matrix_sensing.measurements import draw_operator
>>> s = Setting.of(sigma="3,2,1", d=8, r=3, alpha="1e-6")
>>> z = sensing_minimizer(s, draw_operator(8, 4000, np.random.default_rng(0)), 2)
>>> z.gradient_norm < 1e-12, z.distance_to_truncation < 0.2
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import ConvergenceError, ParameterError
from .instance import draw_ubar
from .measurements import SensingOperator
from .setting import Setting

__all__ = ["Minimizer", "sensing_minimizer", "Race", "glrl_race", "saturating_map_steps"]


@dataclass(frozen=True)
class Minimizer:
    """The rank-s minimizer ``Z_s`` of the sensing loss.

    Attributes
    ----------
    rank : int
    Z, U : ndarray
        ``Z = U U^T``.
    loss : float
        ``f(Z_s)`` (the loss plateau).
    gradient_norm : float
        ``||grad_U f||_F`` at the returned ``U`` (the residual).
    distance_to_truncation : float
        ``||Z_s - X*_s||_F`` (``X*_s`` the top-s truncation).
    eigenvalues : ndarray
        Nonzero eigenvalues of ``Z_s`` (decreasing).
    M_eigenvalues, M_eigenvectors : ndarray
        Spectrum of ``M_s = A*A(X* - Z_s)`` (decreasing) and its eigenvectors (columns).
    hessian_min : float
        Smallest Hessian eigenvalue after removing the ``s(s-1)/2`` rotation directions.
    iterations : int
    """

    rank: int
    Z: np.ndarray
    U: np.ndarray
    loss: float
    gradient_norm: float
    distance_to_truncation: float
    eigenvalues: np.ndarray
    M_eigenvalues: np.ndarray
    M_eigenvectors: np.ndarray
    hessian_min: float
    iterations: int


def _xstar(setting: Setting) -> np.ndarray:
    x = np.zeros(setting.d)
    x[: setting.r_star] = [float(v) for v in setting.sigma]
    return np.diag(x)


def _hessian(U: np.ndarray, op: SensingOperator, R: np.ndarray, rate: float) -> np.ndarray:
    """Hessian of ``f`` in ``vec(U)`` (row-major), ``f = loss_scale <R, A*A R>``, ``rate = 4 loss_scale``."""
    d, s = U.shape
    n = d * s
    coords = op.coords
    dirs = np.zeros((n, d, d))
    for i in range(d):
        for a in range(s):
            e = i * s + a
            dirs[e, i, :] += U[:, a]
            dirs[e, :, i] += U[:, a]
    dG = coords.mat(op.apply_many(coords.vec(dirs)))                                 # (n, d, d): A*A(dR_e)
    H = rate * np.einsum("eij,ja->eia", dG, U).reshape(n, n)
    G = op.apply(R)
    H += rate * np.kron(G, np.eye(s))
    return (H + H.T) / 2


def sensing_minimizer(setting: Setting, op: SensingOperator, s: int, *, tol: float = 1e-13,
                      max_iter: int = 50) -> Minimizer:
    """The rank-*s* minimizer ``Z_s`` of the sensing loss, by Newton's method on ``U`` from the truncation."""
    if not 0 <= s <= setting.d:
        raise ParameterError(f"rank s={s} must be in 0..d")
    X = _xstar(setting)
    rate = float(setting.rate)
    scale = float(setting.loss_scale)
    d = setting.d
    sig = np.diag(X)
    if s == 0:
        M = op.apply(X)
        ev, V = np.linalg.eigh(M)
        return Minimizer(0, np.zeros((d, d)), np.zeros((d, 0)), scale * op.quadratic(-X), 0.0,
                         0.0, np.zeros(0), ev[::-1], V[:, ::-1], 0.0, 0)
    U = np.zeros((d, s))
    for a in range(s):
        U[a, a] = math.sqrt(sig[a]) if sig[a] > 0 else 1e-3
    it = 0
    gnorm = np.inf
    for it in range(1, max_iter + 1):
        R = U @ U.T - X
        g = rate * op.apply(R) @ U
        gnorm = float(np.linalg.norm(g))
        if gnorm <= tol * max(1.0, float(sig[0])):
            break
        H = _hessian(U, op, R, rate)
        step = np.linalg.lstsq(H, -g.ravel(), rcond=1e-10)[0]
        U = U + step.reshape(d, s)
    else:
        raise ConvergenceError(f"Newton for Z_{s} did not converge (||grad|| = {gnorm:.3g})")
    R = U @ U.T - X
    H = _hessian(U, op, R, rate)
    hev = np.linalg.eigvalsh(H)
    gauge = s * (s - 1) // 2
    hmin = float(hev[gauge]) if hev.size > gauge else 0.0
    Z = U @ U.T
    M = op.apply(X - Z)
    ev, V = np.linalg.eigh(M)
    trunc = np.diag(np.concatenate([sig[:s], np.zeros(d - s)]))
    zev = np.linalg.eigvalsh(Z)[::-1][:s]
    return Minimizer(s, Z, U, scale * op.quadratic(R), gnorm, float(np.linalg.norm(Z - trunc)), zev,
                     ev[::-1], V[:, ::-1], hmin, it)


def saturating_map_steps(lam0: float, rho: float, zeta: float, target: float, mu: float | None,
                         max_steps: int = 100_000_000) -> float:
    """Fractional steps (or spec time, ``mu=None``) for ``lambda`` to go from *lam0* to *target*.

    GD: ``lambda <- lambda (1 + mu rho (1 - lambda/zeta))^2``, interpolated in ``log lambda`` in
    the last step.  Flow: the logistic law ``lambda' = 2 rho lambda (1 - lambda/zeta)``.
    """
    if lam0 >= target:
        return 0.0
    if target >= zeta:
        return math.inf
    if mu is None:
        return (math.log(target / lam0) + math.log((zeta - lam0) / (zeta - target))) / (2 * rho)
    q = 1 + mu * rho
    n = 0
    lam = lam0
    sw = 1e-9 * zeta * min(1.0, mu * rho)
    if lam < sw:
        n = int(math.floor(math.log(sw / lam) / (2 * math.log(q))))
        lam = lam * q ** (2 * n)
    prev = lam
    while lam < target:
        if n > max_steps:
            raise ParameterError(f"the race needs more than {max_steps} steps")
        prev = lam
        f = 1 + mu * rho * (1 - lam / zeta)
        lam = lam * f * f
        n += 1
    return (n - 1) + math.log(target / prev) / math.log(lam / prev)


@dataclass(frozen=True)
class Race:
    """The GLRL race: predicted learning steps (or times) and what went into them.

    Attributes
    ----------
    steps : tuple of float
        Predicted ``n_k`` (GD steps; flow: times in setting units) for ``k = 1..min(r, r*)`` by the
        matrix race (see the module docstring).
    scalar_steps : tuple of float
        The spec's race: one log-magnitude per component, growing at the sorted rates ``rho_k^(j)``
        from ``alpha^2 c~_k``.
    rates : ndarray, shape (L, L)
        ``rates[j, k-1] = rho_k^(j)`` for ``k > j`` (nan elsewhere).
    saturation : ndarray
        ``zeta_k = lambda_k(Z_k)``.
    c_tilde : tuple of float
        Init constants in the eigenbasis of ``M_0``.
    minimizers : tuple of Minimizer
        ``Z_0 .. Z_L``.
    overlaps : ndarray
        ``|<u, e_k>|`` of the eigenvector of ``M_j`` used as component k's direction (identification check).
    starts : tuple of float
        The matrix race's value of component k when its stage (k - 1) starts.
    spec_steps : tuple of float
        ``steps`` in the spec's units (GD steps, or the spec's time ``tau`` for the flow).
    """

    steps: tuple[float, ...]
    scalar_steps: tuple[float, ...]
    rates: np.ndarray
    saturation: np.ndarray
    c_tilde: tuple[float, ...]
    minimizers: tuple[Minimizer, ...]
    overlaps: np.ndarray
    method: str
    notes: tuple[str, ...] = ()
    starts: tuple[float, ...] = ()
    spec_steps: tuple[float, ...] = ()


def _c_tilde(setting: Setting, V: np.ndarray, count: int) -> list[float]:
    ub = np.array(draw_ubar(setting.d, setting.r, setting.init_seed))
    B = V[:, :count].T @ ub             # rows b~_k = Ubar^T v~_k
    out = []
    basis: list[np.ndarray] = []
    for k in range(count):
        v = B[k].copy()
        for _ in range(2):
            for q in basis:
                v -= (q @ v) * q
        c = float(v @ v)
        out.append(c)
        if len(basis) < setting.r:
            basis.append(v / math.sqrt(c))
    return out


def glrl_race(setting: Setting, op: SensingOperator, eta: Any = None) -> Race:
    """Predicted learning steps of GD (or flow times, ``eta=None``) under sensing by the GLRL race.

    Parameters
    ----------
    setting : Setting
    op : SensingOperator
        The measurement operator of the instance (the same one the simulation uses).
    eta : number, optional
        GD step on ``f`` (``mu = 4 loss_scale eta``).
    """
    L = setting.learnable
    mu = None if eta is None else float(setting.step(eta))
    mins = tuple(sensing_minimizer(setting, op, s) for s in range(L + 1))
    rates = np.full((L, L), np.nan)
    overlaps = np.full((L, L), np.nan)
    for j in range(L):
        ev, V = mins[j].M_eigenvalues, mins[j].M_eigenvectors
        for k in range(j + 1, L + 1):
            rates[j, k - 1] = ev[k - j - 1]
            overlaps[j, k - 1] = abs(V[k - 1, k - j - 1])
    zeta = np.array([mins[k].eigenvalues[k - 1] for k in range(1, L + 1)])
    ct = _c_tilde(setting, mins[0].M_eigenvectors, L)
    alpha = float(setting.alpha)
    sig = [float(x) for x in setting.sigma]
    level = float(setting.level)
    notes = []
    # the spec's race: one scalar log-magnitude per component, rates by sorted order
    n = [0.0]
    for k in range(1, L + 1):
        log_lam = math.log(alpha ** 2 * ct[k - 1])
        for j in range(k - 1):
            per = 2 * math.log1p(mu * rates[j, k - 1]) if mu is not None else 2 * rates[j, k - 1]
            log_lam += per * (n[j + 1] - n[j])
        n.append(n[-1] + saturating_map_steps(math.exp(log_lam), rates[k - 1, k - 1], zeta[k - 1],
                                              level * sig[k - 1], mu))
    scalar_steps = tuple(n[1:])
    # the matrix race: the small part of U evolves linearly, U0 -> prod_j (I + mu M_j)^(n_(j+1) - n_j) U0
    ub = alpha * np.array(draw_ubar(setting.d, setting.r, setting.init_seed))
    n = [0.0]
    small = ub.copy()
    starts = []
    for k in range(1, L + 1):
        if k > 1:
            ev, V = mins[k - 2].M_eigenvalues, mins[k - 2].M_eigenvectors
            dn = n[k - 1] - n[k - 2]
            grow = np.exp(dn * np.log1p(mu * ev)) if mu is not None else np.exp(dn * ev)
            small = V @ (grow[:, None] * (V.T @ small))
        ev, V = mins[k - 1].M_eigenvalues, mins[k - 1].M_eigenvectors
        u_new = V[:, 0]
        learned = mins[k - 1].U                    # columns span range(Z_(k-1))
        coef = small.T @ np.column_stack([learned, u_new]) if k > 1 else (small.T @ u_new)[:, None]
        q, _ = np.linalg.qr(coef[:, :-1]) if k > 1 else (np.zeros((setting.r, 0)), None)
        b = coef[:, -1] - q @ (q.T @ coef[:, -1])
        lam_start = float(b @ b)
        starts.append(lam_start)
        target = level * sig[k - 1]
        if lam_start >= target:
            notes.append(f"component {k} reaches the level before stage {k - 1} (the race order is broken)")
        n.append(n[-1] + saturating_map_steps(lam_start, ev[0], zeta[k - 1], target, mu))
    steps = spec_steps = tuple(n[1:])
    if mu is None:
        steps = tuple(x / float(setting.rate) for x in steps)
        scalar_steps = tuple(x / float(setting.rate) for x in scalar_steps)
    if np.nanmin(overlaps) < 0.5:
        notes.append(f"an eigenvector of M_j used as a component direction has overlap {np.nanmin(overlaps):.2f} "
                     "with its e_k (spurious directions may compete)")
    return Race(steps, scalar_steps, rates, zeta, tuple(ct), mins, overlaps,
                "GLRL race: the small part of U evolves by prod_j (I + mu M_j)^(n_(j+1) - n_j), M_j = A*A(X* - Z_j); "
                "component k starts stage k-1 at the squared norm of its coefficient vector orthogonal to the learned "
                "ones and saturates by the scalar map with (rho, zeta)",
                tuple(notes), tuple(starts), spec_steps)
