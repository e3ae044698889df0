"""The matrix-sensing simulator: GD (or the gradient flow by DOP853) on ``U`` in ``R^(d x r)``.

Each trial starts from the contract's ``U0 = alpha Ubar`` (fixed by ``init_seed``); with ``m``
measurements it first draws its own ``A_i = (G_i + G_i^T)/2`` from its seed stream
(``SeedSequence(seed).spawn(trials)[i]``) and keeps the operator as its *instance*, from which
the theory predicts that trial (:mod:`.conditional`).  Under full observation every trial is
the same run (nothing is random), so it is simulated once.

The size is the dimension ``d``: it is fixed by the parameter ``d`` (the instance ``Ubar``
depends on it), so ``--n`` may be omitted and, if given, must equal ``d``.  Methods:
``gd`` (with ``eta``: GD, :func:`.dynamics.gd_run`), ``ode`` (without ``eta``: the gradient flow
by DOP853 with its learning times as integrator events, :func:`.dynamics.flow_run`), ``auto``
(``gd`` with ``eta``, else ``ode``).  Memory and time are estimated before a run (:meth:`plan`);
an operator that does not fit in memory, or a run estimated at more than
:data:`MAX_SECONDS` per trial, is refused with the estimate.

Recorded: ``lambda_1..lambda_r``, ``loss``, ``erank``, ``rank`` and ``truncation_distance``
at the requested times (step counts for GD), and the events ``learning_step_k`` (the first
step, or time, with ``lambda_k >= level sigma_k``; ``inf`` if not within the horizon).
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ...errors import ParameterError
from ...simulate.driver import check_run_arguments
from ...simulate.memory import available_memory, format_bytes
from ...simulate.result import SimulationResult, Simulator, spawn_streams
from .dynamics import MAX_STEPS, MIN_ALPHA, MIN_SENSING_FLOW_ALPHA, estimate, flow_run, gd_run
from .measurements import SensingOperator, draw_operator, operator_bytes

__all__ = ["MatrixSensingSimulator", "TrialInstance", "RunPlan", "MAX_SECONDS"]

#: Runs estimated above this many seconds per trial are refused (with the estimate).
MAX_SECONDS = 3600.0
_FLOP_RATE = 1e9


@dataclass(frozen=True)
class TrialInstance:
    """What the theory of one trial needs: its measurement operator (``None``: full observation)."""

    operator: SensingOperator | None
    horizon: float


@dataclass(frozen=True)
class RunPlan:
    """A validated request (a :class:`~symdyn.simulate.SimulationPlan`): route, sizes, memory (bytes, per trial
    plus what each kept instance holds), whether the sensing operator is applied factored."""

    method: str
    memory: int
    sizes: dict[str, int]
    seconds: float
    factored: bool | None
    instance_bytes: int
    observables: tuple[str, ...]


class MatrixSensingSimulator(Simulator):
    """GD / gradient flow of matrix sensing on the parameters' instance (see the module docstring)."""

    methods = ("auto", "gd", "ode")
    size_name = "d"
    size_help = "the dimension d of X* (fixed by the parameter d; may be omitted, and must equal d if given)"
    deterministic = True
    size_parameter = "d"

    def __init__(self, model) -> None:
        self.model = model

    def observables(self, params) -> tuple[str, ...]:
        return self.model.observable_names(params)

    def memory_estimate(self, params, n: int, method: str = "auto") -> int:
        return self.plan(params, ["0"], n=n, method=method).memory

    def _route(self, can, method: str) -> str:
        if method not in self.methods:
            raise ParameterError(f"unknown method {method!r}: use one of {', '.join(self.methods)}")
        if method == "auto":
            return "gd" if can.gd else "ode"
        if method == "gd" and not can.gd:
            raise ParameterError("method gd needs a step size: give eta=... (without eta the model is the gradient "
                                 "flow, method ode)")
        if method == "ode" and can.gd:
            raise ParameterError("method ode integrates the gradient flow: drop eta (with eta the model is GD, "
                                 "method gd)")
        return method

    def plan(self, params, times: Sequence[Any], *, n: int | None = None, method: str = "auto",
             observables: Sequence[str] | None = None) -> RunPlan:
        """Validate a run and state its cost before it starts."""
        can = self.model.canonical(params)
        s = can.setting
        if n is not None and int(n) != s.d:
            raise ParameterError(f"--n {n}: the size of a matrix-sensing simulation is the dimension d, fixed by the "
                                 f"parameter d = {s.d} (omit --n or give --n {s.d})")
        route = self._route(can, method)
        times = self.model.parse_times(params, list(times))
        if observables is not None:
            self.model.check_observables(params, observables)
        if not float(s.alpha) >= MIN_ALPHA:
            raise ParameterError(f"alpha={float(s.alpha):.6g}: the float64 simulator needs alpha >= {MIN_ALPHA:g} (alpha^2 c_k "
                                 "would leave the float64 range); the closed forms (eval, boundary) handle any alpha")
        if route == "ode" and can.sensing and not float(s.alpha) >= MIN_SENSING_FLOW_ALPHA:
            raise ParameterError(f"alpha={float(s.alpha):.6g}: the gradient flow under sensing (method ode, a cross-check at "
                                 f"moderate alpha) needs alpha >= {MIN_SENSING_FLOW_ALPHA:g}; give eta=... for GD")
        horizon = float(max(times))
        if route == "gd" and horizon > MAX_STEPS:
            raise ParameterError(f"{int(horizon)} GD steps requested: at most {MAX_STEPS} (use the closed forms)")
        D = s.d * (s.d + 1) // 2
        if route == "gd":
            steps = int(horizon)
        else:  # DOP853: a few dozen right-hand sides per unit of sigma_1 tau, plus the start
            steps = int(60 + 40 * float(s.rate * s.sigma[0]) * horizon)
        factored = None
        op_bytes = build = 0
        per_step = None
        if can.sensing:
            m = can.m
            gram_cost = 2 * m * D * D + 2 * D * D * steps
            factored = 4 * m * D * steps < gram_cost
            op_bytes = operator_bytes(s.d, m)["factored" if factored else "gram"]
            build = 12 * m * s.d * s.d + (0 if factored else 2 * m * D * D)
            per_step = 4 * m * D if factored else 2 * D * D
        est = estimate(s, steps, per_step, op_bytes, len(times))
        seconds = est.seconds + build / _FLOP_RATE
        limit = available_memory() // 2
        if est.bytes > limit:
            raise ParameterError(f"the simulation at d={s.d}" + (f", m={can.m}" if can.sensing else "")
                                 + f" needs about {format_bytes(est.bytes)} (more than the {format_bytes(limit)} "
                                   "allowed): use fewer measurements or a smaller d")
        if seconds > MAX_SECONDS:
            raise ParameterError(f"the simulation at d={s.d}" + (f", m={can.m}" if can.sensing else "")
                                 + f" with {steps} steps is estimated at {seconds:.3g} s per trial (more than "
                                   f"{MAX_SECONDS:g} s): use fewer measurements, a smaller d or fewer steps")
        sizes = {"d": s.d, "r": s.r} | ({"m": can.m} if can.sensing else {})
        kept = 0 if not can.sensing else 8 * D * (can.m if factored else D)
        recorded = tuple(observables) if observables is not None else self.observables(params)
        return RunPlan(route, int(est.bytes), sizes, float(seconds), factored, kept, recorded)

    def run(self, params, times: Sequence[Any], *, n: int | None = None, trials: int = 1, seed: int = 0,
            method: str = "auto", observables: Sequence[str] | None = None, progress=None) -> SimulationResult:
        from ...progress import NULL_PROGRESS

        check_run_arguments(trials, seed)
        plan = self.plan(params, times, n=n, method=method, observables=observables)
        kept = plan.instance_bytes * trials
        if kept and plan.memory + kept > available_memory() // 2:
            raise ParameterError(f"{trials} trials keep {format_bytes(kept)} of measurement operators for the theory "
                                 f"(plus {format_bytes(plan.memory)} per run): use fewer seeds")
        can = self.model.canonical(params)
        s = can.setting
        times = self.model.parse_times(params, list(times))
        names = self.model.check_observables(params, observables)
        progress = NULL_PROGRESS if progress is None else progress
        values = {o: np.empty((trials, len(times))) for o in names}
        events = {f"learning_step_{k}": np.full(trials, np.inf) for k in range(1, s.r_star + 1)}
        instances: list[TrialInstance] = []
        horizon = float(max(times))
        start = _time.perf_counter()
        shared = None
        with progress.task(f"simulating {self.model.name}", total=trials) as task:
            for i, rng in enumerate(spawn_streams(int(seed), int(trials))):
                op = None
                if can.sensing:
                    op = draw_operator(s.d, can.m, rng, factored=plan.factored)
                if op is not None or shared is None:
                    out = self._trial(can, times, op, plan.method)
                    if op is None:
                        shared = out
                else:
                    out = shared
                obs, hits = out
                for o in names:
                    values[o][i] = obs[o]
                for k, v in enumerate(hits, 1):
                    events[f"learning_step_{k}"][i] = np.inf if v is None else v
                instances.append(TrialInstance(op, horizon))
                task.advance()
        notes = []
        if not can.sensing and trials > 1:
            notes.append("full observation: nothing is random, every trial is the same run (simulated once)")
        if s.r < s.r_star:
            notes.append(f"components {s.r + 1}..{s.r_star} cannot be learned with r = {s.r} columns")
        if plan.method == "gd":
            what = "GD" + (f" on {can.m} symmetric Gaussian measurements per trial ("
                           + ("factored" if plan.factored else "Gram") + " operator on d(d+1)/2 coordinates)"
                           if can.sensing else ", full observation")
        else:
            what = "gradient flow by DOP853 (rtol 1e-13), learning times as integrator events" + (
                f", {can.m} measurements per trial" if can.sensing else "")
        return SimulationResult(model=self.model.name, params=params, sizes=plan.sizes, trials=trials,
                                root_seed=int(seed), times=tuple(times), time_name=self.model.time_name(params),
                                values=values, method=what, seconds=_time.perf_counter() - start,
                                memory_bytes=plan.memory + kept, notes=tuple(notes), events=events,
                                instances=tuple(instances))

    def _trial(self, can, times, op, route: str) -> tuple[dict[str, np.ndarray], tuple[float | None, ...]]:
        s = can.setting
        if route == "gd":
            steps = [int(t) for t in times]
            run = gd_run(s, can.eta, steps, operator=op, snapshots=True)
            index = {int(n): j for j, n in enumerate(run.steps)}
            order = [index[n] for n in steps]
            hits = tuple(None if v is None else float(v) for v in run.learning_steps)
        else:
            ts = [float(t) for t in times]
            run = flow_run(s, ts, operator=op, learning=True, snapshots=True)
            index = {float(t): j for j, t in enumerate(run.times)}
            order = [index[t] for t in ts]
            hits = run.learning_times + (None,) * (s.r_star - s.learnable)
        lam = run.eigenvalues[order]
        obs: dict[str, np.ndarray] = {f"lambda_{i + 1}": lam[:, i] for i in range(s.r)}
        obs["loss"] = run.loss[order]
        obs["erank"] = run.erank[order]
        sig = np.array([float(x) for x in s.sigma])
        L = s.learnable
        rank = np.sum(lam[:, :L] >= float(s.level) * sig[None, :L], axis=1)
        obs["rank"] = rank.astype(float)
        dist = np.empty(len(order))
        for j, idx in enumerate(order):
            U = run.snapshots[idx]
            R = U @ U.T
            k = int(rank[j])
            R[np.arange(k), np.arange(k)] -= sig[:k]
            dist[j] = float(np.linalg.norm(R))
        obs["truncation_distance"] = dist
        return obs, hits
