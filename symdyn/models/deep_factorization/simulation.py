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

import math
import time
from dataclasses import dataclass
from functools import reduce
from typing import Any, Mapping, Sequence

import numpy as np

from ...errors import ParameterError
from ...progress import NULL_PROGRESS
from ...simulate.memory import available_memory, format_bytes
from ...simulate.result import BasicPlan, Simulator as _Base

__all__ = ["GDRun", "Estimate", "estimate", "run_gd", "run_gd_plain", "matmul_rate", "step_seconds",
           "DeepFactorizationSimulator", "default_tolerance", "EVENT_BUDGET_SECONDS"]

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
    singular: np.ndarray | None = None  # (len(steps), d): singular values of the product, decreasing
    last_step: int = 0                 # the last step computed (beyond n_steps while hits were missing)


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
        self.sv = np.empty((k, d))
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
        self.sv[i] = np.linalg.svd(W, compute_uv=False)
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
         plain: bool, extend_to: int | None = None) -> GDRun:
    target = np.asarray(target, dtype=float)
    W_star = np.asarray(W_star, dtype=float)
    N, rec = _validate(target, W_star, N, alpha, eta, n_steps, record)
    d = target.shape[0]
    lv = _levels(levels, lam, d)
    est = estimate(d, N, n_steps, len(rec), hitting=lv is not None, plain=plain)
    _check_limits(est, max_seconds, max_bytes)
    n_last = n_steps if extend_to is None or lv is None else max(n_steps, int(extend_to))
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
        for n in range(n_last + 1):
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
            if n >= n_steps and (n == n_last or hit is None or bool(np.all(hit >= 0))):
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
    notes = () if n <= n_steps else (f"continued to step {n} (beyond {n_steps}) until the requested levels were "
                                     "reached" + ("" if hit is None or np.all(hit >= 0) else
                                                  f"; stopped at the limit of {n_last} steps"),)
    return GDRun(rec, recorder.eig, recorder.ray, recorder.lay, recorder.asym, recorder.loss, recorder.err,
                 recorder.err_op, hitting, best, best_n, recorder.gap, seconds, est, method, notes, recorder.sv, n)


def run_gd(target: np.ndarray, W_star: np.ndarray, N: int, alpha: float, eta: float, n_steps: int,
           record: Sequence[int], *, Q: np.ndarray | None = None, lam: np.ndarray | None = None,
           levels: Mapping[int, Sequence[float]] | None = None, max_seconds: float = MAX_SECONDS,
           max_bytes: int | None = None, progress: Any = None, extend_to: int | None = None) -> GDRun:
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
    extend_to : int, optional
        Continue beyond *n_steps* (up to this step) until every level is reached (records stop at
        *n_steps*; ``min_error`` covers every step computed, ``last_step`` says which).

    >>> import numpy as np
    >>> run = run_gd(np.diag([3., 2., 1.]), np.diag([3., 2., 1.]), 2, 1e-3, 0.02, 160, [0, 160],
    ...              Q=np.eye(3), lam=np.array([3., 2., 1.]), levels={1: [0.9], 2: [0.1]})
    >>> run.hitting[(1, 0.9)], run.hitting[(2, 0.1)]
    (146, 157)
    """
    return _run(target, W_star, N, alpha, eta, n_steps, record, Q=Q, lam=lam, levels=levels,
                max_seconds=max_seconds, max_bytes=max_bytes, progress=progress, plain=False, extend_to=extend_to)


def run_gd_plain(target: np.ndarray, W_star: np.ndarray, N: int, alpha: float, eta: float, n_steps: int,
                 record: Sequence[int], *, Q: np.ndarray | None = None, lam: np.ndarray | None = None,
                 levels: Mapping[int, Sequence[float]] | None = None, max_seconds: float = MAX_SECONDS,
                 max_bytes: int | None = None, progress: Any = None, extend_to: int | None = None) -> GDRun:
    """The baseline: the same dynamics with every layer's prefix and suffix products recomputed per step."""
    return _run(target, W_star, N, alpha, eta, n_steps, record, Q=Q, lam=lam, levels=levels,
                max_seconds=max_seconds, max_bytes=max_bytes, progress=progress, plain=True, extend_to=extend_to)


# ============================================================================ the model's simulator

#: Seconds of extra GD a run may spend after its last requested step to reach the interval endpoints
#: (events); endpoints not reached by then are NaN (excluded from a check, with a note).
EVENT_BUDGET_SECONDS = 120.0
#: Per-step interpreter overhead of the fast loop (seconds per numpy call), for the time estimate.
_CALL_SECONDS = 2.5e-6


def step_seconds(d: int, N: int, *, hitting: bool = True, plain: bool = False) -> float:
    """Estimated seconds per GD step: the products at the measured matmul speed plus the loop's overhead."""
    e = estimate(d, N, 1, 0, hitting=hitting, plain=plain)
    calls = (4 * N + 12) if not plain else (N * N + 3 * N + 12)
    return e.seconds + calls * _CALL_SECONDS


def sp_N(x: Any) -> float:
    from ...exact import to_mp

    return float(to_mp(x, 20))


class DeepFactorizationSimulator(_Base):
    """Full-matrix GD of the ``N`` layers on the parameters' instance ``W^ = W* + E`` (:func:`run_gd`).

    Deterministic: the instance is fixed by the parameters (``noise_seed``), so every trial is the same run
    (computed once); the checker compares it with a tolerance.  The size is the dimension ``d`` (a parameter).
    Recorded: ``lambda_1..lambda_d`` (eigenvalues of the product's symmetric part, decreasing), ``loss``,
    ``error``, ``layer_asymmetry`` at the requested steps; the events (first-hitting steps measured on the
    Rayleigh quotients ``q_i^T W q_i`` in the eigenbasis of ``W^``): ``T0_k``, ``T1_k`` (and their copies
    ``weyl_T0_k``, ``weyl_T1_k`` compared with the Weyl bounds), the early-stopping ``min_error`` over every
    simulated step and its step (copied into ``argmin_after_T0``, ``argmin_before_T1``).  The run continues past
    the last requested step, for at most :data:`EVENT_BUDGET_SECONDS`, until every endpoint is reached.
    """

    methods = ("auto", "plain")
    size_name = "d"
    size_help = "the dimension d of the layers (fixed by the parameter d)"
    deterministic = True
    options = frozenset({"threads"})
    size_parameter = "d"

    def __init__(self, model: Any) -> None:
        self.model = model

    def observables(self, params) -> tuple[str, ...]:
        return self.model.observable_names(params)

    def _setup(self, params, times, n, method, observables):
        from .canonical import canonical

        if method not in self.methods:
            raise ParameterError(f"unknown method {method!r}: use one of {', '.join(self.methods)}")
        can = canonical(params, need=("N", "sigma", "init"))
        if can.eta is None:
            raise ParameterError("the simulator runs gradient descent: give eta=VALUE (the flow has no simulator)")
        d = self.resolve_size(params, n)
        steps = self.model.parse_times(params, list(times))
        names = self.model.check_observables(params, observables)
        return can, d, [int(t) for t in steps], names

    def memory_estimate(self, params, n: int, method: str = "auto") -> int:
        can = self._setup(params, ["0"], n, method, None)[0]
        return estimate(int(can.d), can.N, 0, 1, hitting=True, plain=method == "plain").bytes

    def plan(self, params, times, *, n, method="auto", observables=None):
        can, d, steps, _ = self._setup(params, times, n, method, observables)
        plain = method == "plain"
        e = estimate(d, can.N, max(steps), len(set(steps)), hitting=True, plain=plain)
        limit = available_memory() // 2
        if e.bytes > limit:
            raise ParameterError(f"the run needs about {format_bytes(e.bytes)}: more than the memory limit "
                                 f"{format_bytes(limit)}")
        seconds = max(steps) * step_seconds(d, can.N, plain=plain) + e.seconds
        if seconds > MAX_SECONDS:
            raise ParameterError(f"the run to step {max(steps)} needs about {seconds:.3g} s (d = {d}, N = {can.N}): "
                                 f"more than {MAX_SECONDS:g} s; the closed forms answer such horizons "
                                 "(symdyn eval / boundary)")
        return BasicPlan(method="plain loop" if plain else "prefix products + backward sweep", memory=e.bytes,
                         sizes={"d": d}, seconds=seconds,
                         observables=tuple(observables) if observables is not None else self.observables(params))

    def run(self, params, times, *, n=None, trials=1, seed=0, method="auto", observables=None, progress=None,
            threads=None):
        from ...simulate.driver import check_run_arguments
        from ...simulate.result import SimulationResult
        from ...simulate.threads import blas_threads

        check_run_arguments(trials, seed)
        plan = self.plan(params, times, n=n, method=method, observables=observables)
        can, d, steps, names = self._setup(params, times, n, method, observables)
        P = can.perturbation
        lam = np.array([float(v) for v in P.lam_hat])
        r, N = can.r, can.N
        l0 = float(can.lambda0) if can.lambda0.is_Rational else float(sp_N(can.lambda0))
        lev0, lev1 = float(1 - can.eps_learn), float(can.eps_small)
        levels: dict[int, list[float]] = {}
        for i in range(1, r + 1):
            if lam[i - 1] > 0:
                levels.setdefault(i, []).append(lev0)
            j = i + 1
            if j <= d and can.lam_hat[j - 1] > 0 and can.eps_small * can.lam_hat[j - 1] > can.lambda0:
                levels.setdefault(j, []).append(lev1)
        per_step = step_seconds(d, N, plain=method == "plain")
        extend = max(steps) + int(EVENT_BUDGET_SECONDS / per_step)
        alpha = float(can.alpha) if can.alpha.is_Rational else l0 ** (1.0 / N)
        W_star = np.diag([float(v) for v in P.sigma_padded()])
        runner = run_gd_plain if method == "plain" else run_gd
        with blas_threads(threads):
            g = runner(P.target(), W_star, N, alpha, float(can.eta), max(steps), steps, Q=P.Q, lam=lam,
                       levels=levels or None, max_seconds=MAX_SECONDS + EVENT_BUDGET_SECONDS, progress=progress,
                       extend_to=extend)
        idx = {int(t): j for j, t in enumerate(g.steps)}
        cols = [idx[t] for t in steps]
        one = {f"lambda_{i + 1}": g.eigenvalues[cols, i] for i in range(d)}
        one.update(loss=g.loss[cols], error=g.error[cols], layer_asymmetry=g.layer_asymmetry[cols])
        events = self._events(params, can, g, lam, levels, lev0, lev1)
        notes = list(g.notes) + [
            "deterministic: the instance W^ = W* + E is fixed by the parameters (noise_seed), so "
            + (f"all {trials} trials are the same run (computed once)" if trials > 1 else "one trial is the run"),
            f"hitting steps on q_i^T W q_i in the eigenbasis of W^; largest |sorted Rayleigh quotients - eigvalsh| "
            f"at the recorded steps {g.rayleigh_gap:.2g}"]
        missing = [k for k, v in events.items() if np.isnan(v)]
        if missing:
            notes.append("not reached within the simulated steps (excluded): " + ", ".join(missing))
        values = {o: np.tile(one[o], (trials, 1)) for o in names}
        return SimulationResult(
            model=self.model.name, params=params, sizes={"d": d}, trials=trials, root_seed=seed,
            times=tuple(self.model.parse_times(params, list(times))), time_name="k", values=values,
            method=g.method, seconds=g.seconds, memory_bytes=plan.memory,
            events={k: np.full(trials, v) for k, v in events.items()}, notes=tuple(notes),
            extra={"last_step": np.full(trials, float(g.last_step))})

    def _events(self, params, can, g: GDRun, lam, levels, lev0, lev1) -> dict[str, float]:
        wanted = set(self.model.event_names(params))
        r = can.r

        def hit(i: int, lv: float) -> float:
            v = g.hitting.get((i, lv))
            return float("nan") if v is None or v < 0 else float(v)

        out: dict[str, float] = {}
        for k in range(1, r + 1):
            hits = [hit(i, lev0) if lam[i - 1] > 0 else float("inf") for i in range(1, k + 1)]
            t0 = float("nan") if any(np.isnan(h) for h in hits) else max(hits)
            j = k + 1
            if j in levels and lev1 in levels[j]:
                t1 = hit(j, lev1)
            else:
                t1 = float("inf")   # the convention of T1: nothing to learn at level eps_small lam_(k+1)
            for name, v in ((f"T0_{k}", t0), (f"T1_{k}", t1), (f"weyl_T0_{k}", t0), (f"weyl_T1_{k}", t1)):
                if name in wanted:
                    out[name] = v
        for name, v in (("min_error", g.min_error), ("argmin_error", float(g.argmin_error)),
                        ("argmin_after_T0", float(g.argmin_error)), ("argmin_before_T1", float(g.argmin_error))):
            if name in wanted:
                out[name] = v
        return out


def default_tolerance(model: Any, params: Any) -> Any:
    """The check's tolerances (deterministic GD against the decoupled theory).

    Trajectories (``lambda_i``, ``loss``, ``error``): with ``gd_theory=recursion`` rel ``1e-8`` (the float64
    run against the exact recursion, B1); with ``corrected-flow`` ``1e-3`` of each target's scale
    ``max(|lam_i|, lambda0)`` (B4), of ``sum lam_i^2`` for the loss and of ``||lam||`` for the error.  The layers
    stay equal: ``layer_asymmetry`` within ``1e-8 max(1, lam_1)``.  Interval endpoints within 1 step (B2/B3),
    Weyl bounds and the early-stopping window exact (within half a step), the early-stopping minimum rel
    ``1e-6`` and its step within 1.
    """
    from ...check import Tolerance
    from .canonical import canonical

    can = canonical(params, need=("N", "sigma", "init"))
    lam = [abs(float(v)) for v in can.lam_hat]
    l0 = float(sp_N(can.lambda0))
    norm2 = sum(v * v for v in lam)
    top = max(1.0, lam[0])
    per: dict[str, tuple[float, float]] = {"layer_asymmetry": (0.0, 1e-8 * top), "T0": (0.0, 1.0), "T1": (0.0, 1.0),
                                           "weyl_T0": (0.0, 0.5), "weyl_T1": (0.0, 0.5), "min_error": (1e-6, 1e-12),
                                           "argmin_error": (0.0, 1.0), "argmin_after_T0": (0.0, 0.5),
                                           "argmin_before_T1": (0.0, 0.5)}
    if can.gd_theory == "recursion":
        for i, v in enumerate(lam, 1):
            per[f"lambda_{i}"] = (1e-8, 1e-13 * top)
        per["loss"] = (1e-8, 1e-13 * norm2)
        per["error"] = (1e-8, 1e-13 * math.sqrt(norm2))
    else:
        for i, v in enumerate(lam, 1):
            per[f"lambda_{i}"] = (0.0, 1e-3 * max(v, l0))
        per["loss"] = (0.0, 1e-3 * norm2)
        per["error"] = (0.0, 1e-3 * math.sqrt(norm2))
    return Tolerance(rel=1e-8, abs=1e-12, per_name=per)
