"""The run loop shared by the two spectral models' simulators (rank-one denoising, spiked Wigner).

Both draw one random instance per trial from the trial's stream, propagate it exactly (dense
eigendecomposition, Lanczos, expm, the GD recursion or an ODE) and record the observables at
every time; they differ in the instance, the sizes and the notes.  A subclass supplies
``plan(...)`` (returning a setup with ``times``, ``method``, ``observables``, ``memory``, ``notes``
and ``sizes``), ``draw(setup, rng)``, ``_trial(setup, instance, max_steps=, tol=)``,
``_effective(setup)``, ``label(setup)`` and ``unit_notes(setup)``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import ParameterError
from ..params import Params
from ..simulate.driver import check_run_arguments, run_trials
from ..simulate.result import SimulationResult, Simulator

__all__ = ["SpectralSimulator", "MAX_STEPS", "LANCZOS_TOL", "check_cross_check_horizon"]

MAX_STEPS = 1000          # default Lanczos step cap (the memory estimate counts its basis)
LANCZOS_TOL = 1e-13


#: Largest t s_max of the cross-check methods: the ODE's cost grows like t (1e5 took 15 s at p + n = 150)
#: and expm's scaling and squaring returns NaN near t s_max = 1e20.
_CROSS_CHECK_HORIZON = {"ode": 1.0e4, "expm": 1.0e12}


def check_cross_check_horizon(method: str, can: Any, times: Any, s_est: float) -> None:
    """Refuse a cross-check method (ODE, expm) beyond the horizon ``t s_max`` where it is reliable and fast."""
    limit = _CROSS_CHECK_HORIZON.get(method)
    if limit is None or times is None or can.gd:
        return
    horizon = max(times) * s_est
    if not horizon <= limit:
        raise ParameterError(f"method {method} is a cross-check for t s_max <= {limit:g} (here t s_max = "
                             f"{horizon:.3g}): use gram or lanczos, which have no such limit")


class SpectralSimulator(Simulator):
    """A seeded simulator with exact dynamics per instance (the template of ``run``)."""

    options = frozenset({"threads"})

    def __init__(self, model: Any) -> None:
        self.model = model

    def run(
        self,
        params: Params,
        times: Sequence[Any],
        *,
        n: int,
        trials: int,
        seed: int = 0,
        method: str = "auto",
        observables: Sequence[str] | None = None,
        progress: Any = None,
        max_steps: int = MAX_STEPS,
        tol: float = LANCZOS_TOL,
        threads: int | None = None,
    ) -> SimulationResult:
        """Simulate ``trials`` independent instances; trial ``i`` uses ``spawn_streams(seed, trials)[i]``.

        ``max_steps`` and ``tol`` control the Lanczos route; ``threads`` limits the BLAS thread pools
        during the run (``None``: unchanged; see :mod:`symdyn.simulate.threads`).
        """
        check_run_arguments(trials, seed, tol)
        setup = self.plan(params, times, n=n, method=method, observables=observables, max_steps=max_steps)

        def trial(rng: np.random.Generator):
            return self._trial(setup, self.draw(setup, rng), max_steps=int(max_steps), tol=tol)

        out = run_trials(trial, trials=int(trials), seed=int(seed), observables=setup.observables,
                         n_times=len(setup.times), label=self.label(setup), progress=progress, threads=threads,
                         tol=tol, trial_bytes=setup.memory)
        notes = list(setup.notes) + list(out.notes) + list(self.unit_notes(setup))
        return SimulationResult(
            model=self.model.name, params=params, sizes=setup.sizes, trials=int(trials), root_seed=int(seed),
            times=setup.times, time_name=self.model.time_name(params), values=out.values, method=setup.method,
            seconds=out.seconds, memory_bytes=setup.memory, effective=self._effective(setup), extra=out.extra,
            notes=tuple(notes),
        )
