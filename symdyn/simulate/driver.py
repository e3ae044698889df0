"""The trial loop shared by every model's simulator.

A model supplies ``trial(rng) -> (observables, diagnostics)`` for one random instance
drawn from ``rng``; :func:`run_trials` spawns one stream per trial from the root seed
(``SeedSequence(seed).spawn(trials)``), applies the BLAS thread limit, reports progress,
collects per-trial arrays and writes the generic notes (overflow, Lanczos steps).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..errors import ParameterError
from ..progress import NULL_PROGRESS
from .result import spawn_streams
from .threads import blas_threads

__all__ = ["check_run_arguments", "TrialsOutput", "run_trials"]

Trial = Callable[[np.random.Generator], tuple[Mapping[str, np.ndarray], Mapping[str, float]]]


def check_run_arguments(trials: Any, seed: Any, tol: Any = None) -> None:
    """Validate the common arguments of ``Simulator.run`` (one-line errors)."""
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ParameterError(f"trials={trials!r} must be a whole number >= 1")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed={seed!r} must be a whole number >= 0")
    if tol is not None and not (isinstance(tol, float) and 0 < tol < 1):
        raise ParameterError(f"tol={tol!r} must be a float in (0, 1)")


@dataclass(frozen=True)
class TrialsOutput:
    values: dict[str, np.ndarray]   # observable -> (trials, times)
    extra: dict[str, np.ndarray]    # diagnostic -> (trials,)
    seconds: float
    notes: tuple[str, ...]


def run_trials(
    trial: Trial,
    *,
    trials: int,
    seed: int,
    observables: Sequence[str],
    n_times: int,
    label: str,
    progress=None,
    threads: int | None = None,
    tol: float | None = None,
) -> TrialsOutput:
    """Run ``trial`` on ``trials`` independent streams and collect the results."""
    progress = NULL_PROGRESS if progress is None else progress
    values = {o: np.empty((trials, n_times)) for o in observables}
    extra: dict[str, np.ndarray] = {}
    overflow: set[str] = set()
    start = time.perf_counter()
    with blas_threads(threads), progress.task(label, total=trials) as task:
        for i, rng in enumerate(spawn_streams(int(seed), int(trials))):
            obs, diag = trial(rng)
            for o in observables:
                values[o][i] = obs[o]
                if np.any(np.isinf(obs[o])):
                    overflow.add(o)
            for key, val in diag.items():
                extra.setdefault(key, np.full(trials, np.nan))[i] = val
            task.advance(1)
    seconds = time.perf_counter() - start
    notes = []
    if overflow:
        names = ", ".join(o for o in observables if o in overflow)
        notes.append(f"{names} overflowed float64 at some times and are reported as inf; they were computed "
                     "scaled, and the normalised observables are unaffected")
    if "lanczos_steps" in extra:
        ks = extra["lanczos_steps"]
        notes.append(f"Lanczos used {int(np.min(ks))}-{int(np.max(ks))} steps"
                     + ("" if tol is None else f" (tol {tol:g})"))
    return TrialsOutput(values, extra, seconds, tuple(notes))
