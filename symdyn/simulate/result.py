"""Simulation results and the simulator interface shared by all models.

A :class:`Simulator` runs the actual finite-size dynamics on random instances;
trial ``i`` draws from ``numpy.random.SeedSequence(root).spawn(trials)[i]``, so
the same root seed reproduces every number.  A :class:`SimulationResult` keeps
the per-trial values (``values[obs]`` has shape ``(trials, len(times))``) and
derives the summary statistics.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..params import Params
    from ..progress import Progress

__all__ = ["SimulationResult", "Simulator", "SimulationPlan", "BasicPlan", "spawn_streams", "iter_streams"]


def _num(x: Any) -> str:
    """A float as a decimal string (``"inf"`` for an event that never happened)."""
    x = float(x)
    return repr(x) if np.isfinite(x) else ("nan" if np.isnan(x) else ("inf" if x > 0 else "-inf"))


def spawn_streams(root: int, trials: int) -> list[np.random.Generator]:
    """One independent generator per trial from ``SeedSequence(root).spawn(trials)``."""
    return list(iter_streams(root, trials))


def iter_streams(root: int, trials: int):
    """The generators of :func:`spawn_streams`, made one at a time (``spawn(trials)[i]`` is the
    seed sequence with ``spawn_key = (i,)``), so a million trials never hold a million generators.

    >>> a = [g.random() for g in iter_streams(7, 3)]
    >>> a == [g.random() for g in spawn_streams(7, 3)]
    True
    """
    for i in range(int(trials)):
        yield np.random.default_rng(np.random.SeedSequence(root, spawn_key=(i,)))


@dataclass(frozen=True)
class SimulationResult:
    """Per-trial values of the observables of a finite-size simulation.

    ``sizes`` records the dimensions actually simulated (e.g. ``{"p": 1000,
    "n": 2000}``) and ``effective`` any parameter the finite size changes (e.g.
    ``c = p/n`` after rounding).  ``extra`` holds per-trial diagnostics (shape
    ``(trials,)``) such as a signed amplitude used by the checker's sign analysis;
    ``events[name]`` (shape ``(trials,)``) holds scalar results of each trial such as a
    hitting step (``inf`` when it never happened), compared with the model's quantities;
    ``instances`` holds, per trial, whatever the model's conditional theory needs to
    predict that trial (not written to JSON).
    """

    model: str
    params: "Params"
    sizes: Mapping[str, int]
    trials: int
    root_seed: int
    times: tuple[Any, ...]
    time_name: str
    values: Mapping[str, np.ndarray]
    method: str
    seconds: float
    memory_bytes: int
    effective: Mapping[str, float] = field(default_factory=dict)
    extra: Mapping[str, np.ndarray] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    events: Mapping[str, np.ndarray] = field(default_factory=dict)
    instances: tuple[Any, ...] | None = None

    @property
    def observables(self) -> tuple[str, ...]:
        return tuple(self.values)

    def mean(self, obs: str) -> np.ndarray:
        """Mean over trials: ``inf`` (``-inf``) where values overflowed with one sign, ``nan`` with both."""
        with np.errstate(invalid="ignore"):
            return self.values[obs].mean(axis=0)

    def stderr(self, obs: str) -> np.ndarray:
        """Standard error of the mean over trials; ``nan`` with one trial or where a value is not finite."""
        v = self.values[obs]
        if v.shape[0] < 2:
            return np.full(v.shape[1], np.nan)
        finite = np.all(np.isfinite(v), axis=0)
        with np.errstate(invalid="ignore"):
            se = v.std(axis=0, ddof=1) / np.sqrt(v.shape[0])
        return np.where(finite, se, np.nan)

    def quantiles(self, obs: str, qs: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> np.ndarray:
        """Quantiles over trials (linear interpolation; where a value is infinite, the order statistic
        itself, since interpolating between infinities is undefined)."""
        v = self.values[obs]
        out = np.quantile(np.where(np.isfinite(v), v, 0.0), qs, axis=0)
        bad = ~np.all(np.isfinite(v), axis=0)
        if np.any(bad):
            out[:, bad] = np.quantile(v[:, bad], qs, axis=0, method="inverted_cdf")
        return out

    def to_json(self) -> dict[str, Any]:
        qs = (0.05, 0.25, 0.5, 0.75, 0.95)
        obs_out = {}
        for name in self.values:
            mean, se, qv = self.mean(name), self.stderr(name), self.quantiles(name, qs)
            obs_out[name] = [
                {
                    "t": str(self.times[j]),
                    "mean": repr(float(mean[j])),
                    "stderr": repr(float(se[j])),
                    "quantiles": {str(q): repr(float(qv[i, j])) for i, q in enumerate(qs)},
                    "values": [repr(float(x)) for x in self.values[name][:, j]],
                }
                for j in range(len(self.times))
            ]
        return {
            "model": self.model,
            "params": self.params.to_json(),
            "params_exact": self.params.exact_json(),
            "sizes": dict(self.sizes),
            "effective": {k: repr(float(v)) for k, v in self.effective.items()},
            "trials": self.trials,
            "seed": self.root_seed,
            "time_variable": self.time_name,
            "times": [str(t) for t in self.times],
            "method": self.method,
            "seconds": self.seconds,
            "memory_bytes": self.memory_bytes,
            "observables": obs_out,
            "events": {k: {"values": [_num(x) for x in np.asarray(v, dtype=float).reshape(-1)],
                           "mean": _num(np.mean(v)) if np.all(np.isfinite(v)) else None}
                       for k, v in self.events.items()},
            "extra": {k: [repr(float(x)) for x in np.asarray(v).reshape(-1)] for k, v in self.extra.items()},
            "notes": list(self.notes),
        }


class Simulator(ABC):
    """Finite-size simulator of one model.

    Declarations: ``methods`` (the routes ``run(method=...)`` accepts, ``"auto"`` first),
    ``size_name`` (what the size argument ``n`` of :meth:`run` is, e.g. ``"n"`` columns or
    ``"d"`` the dimension), ``size_help`` (one line for the command line), ``deterministic``
    (a trial is determined by the parameters and its seed stream without sampling noise in
    the compared values, so one trial suffices and comparisons use a tolerance),
    ``options`` (extra keyword arguments of :meth:`run`, e.g. ``"threads"``) and
    ``size_parameter`` (a model parameter that fixes the size, e.g. the dimension ``d`` the
    theory itself depends on: the size may then be omitted, see :meth:`resolve_size`).
    """

    methods: tuple[str, ...] = ("auto",)
    size_name: str = "n"
    size_help: str = "size of the simulated instances"
    deterministic: bool = False
    options: frozenset[str] = frozenset()
    size_parameter: str | None = None

    def resolve_size(self, params: "Params", n: int | None) -> int:
        """The size to simulate: *n*, or the value of :attr:`size_parameter` when the parameters fix it
        (then *n* may be omitted, and another value is refused).

        Raises :class:`~symdyn.errors.ParameterError` (one line) when no size is known or *n* contradicts it.
        """
        from ..errors import ParameterError

        if self.size_parameter is None:
            if n is None:
                raise ParameterError(f"no size given: pass --n N ({self.size_help})")
            return int(n)
        params.require(self.size_parameter, purpose="the simulation's size")
        fixed = int(params[self.size_parameter])
        if n is not None and int(n) != fixed:
            raise ParameterError(f"--n {n} contradicts the parameters: the simulated size {self.size_name} is the "
                                 f"parameter {self.size_parameter} = {fixed} ({self.size_help}); drop --n "
                                 f"(or pass --n {fixed})")
        return fixed

    @abstractmethod
    def observables(self, params: "Params") -> tuple[str, ...]:
        """Names of the observables this simulator can measure for these parameters
        (a subset of the model's ``observable_names(params)``)."""

    @abstractmethod
    def memory_estimate(self, params: "Params", n: int, method: str = "auto") -> int:
        """Bytes needed to simulate at size ``n`` (stated before running)."""

    def plan(self, params: "Params", times: Sequence[Any], *, n: int, method: str = "auto",
             observables: Sequence[str] | None = None) -> Any:
        """Validate a request and state its cost before running (a :class:`SimulationPlan`).

        Raises :class:`~symdyn.errors.ParameterError` for a request that does not fit."""
        return BasicPlan(method=method, memory=int(self.memory_estimate(params, n, method)), sizes={self.size_name: n},
                         observables=tuple(observables) if observables is not None else self.observables(params))

    @abstractmethod
    def run(
        self,
        params: "Params",
        times: Sequence[Any],
        *,
        n: int,
        trials: int,
        seed: int = 0,
        method: str = "auto",
        observables: Sequence[str] | None = None,
        progress: "Progress | None" = None,
    ) -> SimulationResult:
        """Simulate ``trials`` independent instances of size ``n``."""


@runtime_checkable
class SimulationPlan(Protocol):
    """What :meth:`Simulator.plan` states before a run starts (the command line prints it and
    refuses a request whose memory or time does not fit).

    Attributes
    ----------
    method : str
        The route the run will take.
    memory : int
        Bytes of one trial's peak.
    sizes : Mapping[str, int]
        The instance's sizes by name.
    seconds : float or None
        Estimated seconds per trial (``None`` when the simulator has no cost model).
    instance_bytes : int
        Bytes each trial keeps after it has run (what the theory of that trial needs).
    observables : tuple of str
        The observables the run records.
    """

    method: str
    memory: int
    sizes: Mapping[str, int]
    seconds: float | None
    instance_bytes: int
    observables: tuple[str, ...]


@dataclass(frozen=True)
class BasicPlan:
    """A :class:`SimulationPlan` with no time estimate and nothing kept per trial unless given.

    Examples
    --------
    >>> plan = BasicPlan(method="ode", memory=2**20, sizes={"n": 100}, observables=("m",))
    >>> isinstance(plan, SimulationPlan), plan.seconds, plan.instance_bytes
    (True, None, 0)
    """

    method: str
    memory: int
    sizes: Mapping[str, int]
    seconds: float | None = None
    instance_bytes: int = 0
    observables: tuple[str, ...] = ()
