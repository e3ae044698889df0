"""Simulation kernels: GD on ``U`` (full observation or Gaussian sensing) and the gradient flow by DOP853.

GD on ``f = loss_scale ||A(UU^T) - y||^2``: ``U <- U - eta grad f = U - mu A*A(UU^T - X*) U``
with ``mu = 4 loss_scale eta``.  Full observation uses ``(UU^T - X*) U = U (U^T U) - X* U``
(``O(d r^2)`` per step, ``X*`` diagonal); sensing uses a :mod:`.measurements` operator on
the ``d(d+1)/2`` symmetric coordinates (``D^2`` or ``4 m D`` flops per step).  Every step
computes the r x r ``U^T U`` spectrum to catch the first step with ``lambda_k >= level
sigma_k``; at the requested steps the eigenvalues of ``UU^T`` (squared singular values
of ``U``), the loss and the entropy effective rank are recorded.

float64 range: ``lambda ~ alpha^2 c_k`` must stay far above the underflow threshold, so
the GD kernel supports ``alpha >= 1e-100`` (:data:`MIN_ALPHA`); smaller alpha is refused
(use the closed forms).  Eigenvalues far below ``lambda_1`` carry an absolute error of
about ``1e-16 lambda_1`` (the SVD's), which does not affect learning steps.

>>> from symdyn.models.matrix_sensing.setting import Setting
>>> import sympy as sp
>>> s = Setting.of(sigma="3,2,1", d=10, r=3, alpha="1e-4")
>>> run = gd_run(s, sp.Rational(1, 50), [0, 200, 400])
>>> run.learning_steps[:1], run.eigenvalues.shape
((194,), (3, 3))
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ...errors import ParameterError
from ...simulate.memory import available_memory, format_bytes
from .instance import draw_ubar
from .measurements import GramOperator, SensingOperator
from .setting import Setting

__all__ = ["GDRun", "FlowRun", "RunEstimate", "estimate", "gd_run", "flow_run", "MIN_ALPHA", "MAX_STEPS",
           "MIN_SENSING_FLOW_ALPHA",
           "erank_of"]

MIN_ALPHA = 1e-100
#: The gradient flow under sensing is integrated with an absolute tolerance near 1e-15 (see flow_run).
MIN_SENSING_FLOW_ALPHA = 1e-10
MAX_STEPS = 100_000_000


@dataclass(frozen=True)
class RunEstimate:
    """Memory and time a run will take (stated before it starts)."""

    bytes: int
    seconds: float
    steps: int
    description: str


@dataclass(frozen=True)
class GDRun:
    """A GD trajectory.

    Attributes
    ----------
    steps : ndarray of int
        Recorded step counts.
    eigenvalues : ndarray, shape (len(steps), r)
        ``lambda_1 >= ... >= lambda_r`` of ``UU^T``.
    loss, erank : ndarray
    learning_steps : tuple
        First step with ``lambda_k >= level sigma_k`` for ``k = 1..r*`` (``None``: not within the horizon).
    horizon : int
        Steps run.
    snapshots : ndarray or None
        ``U`` at the recorded steps (when asked for).
    """

    steps: np.ndarray
    eigenvalues: np.ndarray
    loss: np.ndarray
    erank: np.ndarray
    learning_steps: tuple[int | None, ...]
    horizon: int
    seconds: float
    memory_bytes: int
    method: str
    snapshots: np.ndarray | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FlowRun:
    """The gradient flow integrated by DOP853 at the requested times."""

    times: np.ndarray
    eigenvalues: np.ndarray
    loss: np.ndarray
    erank: np.ndarray
    seconds: float
    method: str
    nfev: int
    learning_times: tuple[float | None, ...] = ()
    snapshots: np.ndarray | None = None


def erank_of(lams: np.ndarray) -> np.ndarray:
    """Entropy effective rank along the last axis (zeros skipped)."""
    lam = np.clip(np.asarray(lams, dtype=float), 0.0, None)
    p = lam / lam.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0).sum(axis=-1)
    return np.exp(ent)


def _check_alpha(setting: Setting) -> float:
    alpha = float(setting.alpha)
    if not alpha >= MIN_ALPHA:
        raise ParameterError(f"alpha={setting.alpha}: the float64 simulator needs alpha >= {MIN_ALPHA:g} "
                             "(alpha^2 c_k would leave the float64 range); the closed forms handle smaller alpha")
    return alpha


def estimate(setting: Setting, horizon: int, operator_flops: int | None = None, operator_bytes: int = 0,
             records: int = 1) -> RunEstimate:
    """Bytes and seconds of a GD run (rough flop model at 1 GFLOP/s plus 15 us per step of overhead)."""
    d, r = setting.d, setting.r
    if operator_flops is None:
        flops = 6 * d * r * r + 4 * d * r + 10 * r ** 3
        desc = "full observation"
    else:
        flops = operator_flops + 6 * d * d * r + 10 * r ** 3
        desc = "sensing"
    mem = operator_bytes + 8 * (6 * d * d + records * (d * r + r + 2)) + (1 << 20)
    secs = horizon * (flops / 1e9 + 15e-6)
    return RunEstimate(int(mem), float(secs), int(horizon), desc)


def gd_run(setting: Setting, eta: Any, steps: Sequence[int], *, operator: SensingOperator | None = None,
           horizon: int | None = None, snapshots: bool = False, memory_limit: int | None = None) -> GDRun:
    """Run GD from ``U0 = alpha Ubar`` and record at *steps*.

    Parameters
    ----------
    setting : Setting
    eta : number
        GD step on ``f`` (``mu = 4 loss_scale eta``, refused if ``mu sigma_1 >= 1``).
    steps : sequence of int
        Step counts to record (``>= 0``).
    operator : SensingOperator, optional
        ``A*A`` (:func:`.measurements.draw_operator`); ``None`` is full observation.
    horizon : int, optional
        Steps to run (default ``max(steps)``); learning steps are caught up to it.
    snapshots : bool
        Also return ``U`` at the recorded steps.
    """
    mu = float(setting.step(eta))
    alpha = _check_alpha(setting)
    rec = np.array(sorted({int(n) for n in steps}), dtype=np.int64)
    if rec.size == 0 or rec[0] < 0:
        raise ParameterError("steps must be a non-empty list of step counts >= 0")
    horizon = int(rec[-1] if horizon is None else max(int(horizon), rec[-1]))
    if horizon > MAX_STEPS:
        raise ParameterError(f"{horizon} GD steps requested: at most {MAX_STEPS} (use the closed forms)")
    if operator is not None and operator.d != setting.d:
        raise ParameterError(f"the operator acts on Sym({operator.d}), the setting has d={setting.d}")
    est = estimate(setting, horizon, None if operator is None else operator.flops,
                   0 if operator is None else operator.nbytes, len(rec))
    limit = available_memory() // 2 if memory_limit is None else memory_limit
    if est.bytes > limit:
        raise ParameterError(f"the run needs about {format_bytes(est.bytes)} (more than {format_bytes(limit)})")
    d, r, rs = setting.d, setting.r, setting.r_star
    xdiag = np.zeros(d)
    xdiag[:rs] = [float(x) for x in setting.sigma]
    targets = float(setting.level) * xdiag[:min(r, rs)]
    U = alpha * np.array(draw_ubar(d, r, setting.init_seed))
    scale = float(setting.loss_scale)
    learned: list[int | None] = [None] * rs
    pending = np.arange(min(r, rs))
    out_lam = np.empty((len(rec), r))
    out_loss = np.empty(len(rec))
    snaps = np.empty((len(rec), d, r)) if snapshots else None
    if operator is not None:
        iu, ju = np.triu_indices(d, 1)
        sel = np.concatenate([np.arange(d) * (d + 1), iu * d + ju])
        low = np.concatenate([np.arange(d) * (d + 1), ju * d + iu])
        wts = np.concatenate([np.ones(d), np.full(iu.size, math.sqrt(2.0))])
        xsel = np.zeros(sel.size)
        xsel[:d] = xdiag
        gram = operator.gram() if isinstance(operator, GramOperator) else None
        gram_w = (gram * wts[None, :] / wts[:, None]) if gram is not None else None
        Gm = np.zeros(d * d)

        def grad_dir(U: np.ndarray) -> np.ndarray:
            rsel = (U @ U.T).ravel()[sel] - xsel
            g = gram_w @ rsel if gram_w is not None else operator.apply_vec(rsel * wts) / wts
            Gm[sel] = g
            Gm[low] = g
            return Gm.reshape(d, d) @ U

        def loss_of(U: np.ndarray) -> float:
            z = ((U @ U.T).ravel()[sel] - xsel) * wts
            return scale * float(z @ operator.apply_vec(z))
    else:
        def loss_of(U: np.ndarray) -> float:
            R = U @ U.T
            R[np.diag_indices(d)] -= xdiag
            return scale * float(np.sum(R * R))

    j = 0
    start = time.perf_counter()
    for n in range(horizon + 1):
        UtU = U.T @ U
        if pending.size:
            lam = np.linalg.eigvalsh(UtU)[::-1]
            hit = lam[pending] >= targets[pending]
            if hit.any():
                for k in pending[hit]:
                    learned[k] = n
                pending = pending[~hit]
        if j < rec.size and n == rec[j]:
            sv = np.linalg.svd(U, compute_uv=False)
            out_lam[j] = sv ** 2
            out_loss[j] = loss_of(U)
            if snaps is not None:
                snaps[j] = U
            j += 1
        if n == horizon:
            break
        if operator is None:
            U = U - mu * (U @ UtU - xdiag[:, None] * U)
        else:
            U = U - mu * grad_dir(U)
    secs = time.perf_counter() - start
    notes = []
    if r < rs:
        notes.append(f"components {r + 1}..{rs} cannot be learned with r = {r} columns")
    method = ("GD, full observation, U (U^T U) - X* U" if operator is None else
              f"GD, {operator.m} symmetric Gaussian measurements, {type(operator).__name__} on d(d+1)/2 coordinates")
    return GDRun(rec, out_lam, out_loss, erank_of(out_lam), tuple(learned), horizon, secs, est.bytes, method,
                 snaps, tuple(notes))


def flow_run(setting: Setting, times: Sequence[Any], *, operator: SensingOperator | None = None,
             rtol: float = 1e-13, atol: float | None = None, learning: bool = False,
             snapshots: bool = False) -> FlowRun:
    """The gradient flow ``U' = -grad f`` by DOP853 (scipy), recorded at *times* (setting units).

    A cross-check of the closed form at moderate alpha (spec A5); ``atol`` defaults to
    ``1e-16 * alpha`` under full observation and to ``1e-15 sqrt(sigma_1)`` with an operator
    (whose rounding mixes the large components into the small ones: a smaller ``atol`` cannot be
    met and stalls the step size), which limits sensing runs to :data:`MIN_SENSING_FLOW_ALPHA`.  With ``learning`` the first times with ``lambda_k(U^T U) = level sigma_k``
    (``k <= min(r, r*)``) are located as events of the integrator (``None``: not before the last time).
    """
    from scipy.integrate import solve_ivp

    alpha = _check_alpha(setting)
    ts = np.array(sorted({float(t) for t in times}))
    if ts.size == 0 or ts[0] < 0:
        raise ParameterError("times must be a non-empty list of numbers >= 0")
    d, r, rs = setting.d, setting.r, setting.r_star
    xdiag = np.zeros(d)
    xdiag[:rs] = [float(x) for x in setting.sigma]
    rate = float(setting.rate)
    scale = float(setting.loss_scale)
    U0 = alpha * np.array(draw_ubar(d, r, setting.init_seed))
    if operator is None:
        def fun(_t: float, y: np.ndarray) -> np.ndarray:
            U = y.reshape(d, r)
            return (rate * (xdiag[:, None] * U - U @ (U.T @ U))).ravel()
    else:
        X = np.diag(xdiag)

        def fun(_t: float, y: np.ndarray) -> np.ndarray:
            U = y.reshape(d, r)
            return (-rate * operator.apply(U @ U.T - X) @ U).ravel()
    events = []
    if learning:
        targets = float(setting.level) * xdiag[:setting.learnable]

        def crossing(k: int):
            def event(_t: float, y: np.ndarray) -> float:
                U = y.reshape(d, r)
                return float(np.linalg.eigvalsh(U.T @ U)[::-1][k] / targets[k] - 1.0)
            event.direction = 1.0
            return event

        events = [crossing(k) for k in range(setting.learnable)]
    start = time.perf_counter()
    if atol is None:
        atol = 1e-16 * alpha if operator is None else 1e-15 * math.sqrt(xdiag[0])
    sol = solve_ivp(fun, (0.0, ts[-1]), U0.ravel(), method="DOP853", t_eval=ts, rtol=rtol, atol=atol,
                    events=events or None)
    if not sol.success:  # pragma: no cover - DOP853 on this smooth flow does not fail
        raise ParameterError(f"DOP853 failed: {sol.message}")
    lam = np.empty((ts.size, r))
    loss = np.empty(ts.size)
    snaps = np.empty((ts.size, d, r)) if snapshots else None
    for i in range(ts.size):
        U = sol.y[:, i].reshape(d, r)
        lam[i] = np.linalg.svd(U, compute_uv=False) ** 2
        R = U @ U.T - np.diag(xdiag)
        loss[i] = scale * (float(np.sum(R * R)) if operator is None else operator.quadratic(R))
        if snaps is not None:
            snaps[i] = U
    hits: tuple[float | None, ...] = ()
    if learning:
        hits = tuple(float(te[0]) if te.size else (0.0 if lam[0][k] >= targets[k] else None)
                     for k, te in enumerate(sol.t_events))
    return FlowRun(ts, lam, loss, erank_of(lam), time.perf_counter() - start,
                   f"DOP853 (scipy solve_ivp), rtol={rtol:g}", int(sol.nfev), hits, snaps)
