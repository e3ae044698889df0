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
from .memory import available_memory, format_bytes
from .result import iter_streams
from .threads import blas_threads

__all__ = ["check_run_arguments", "check_request", "request_bytes", "format_duration", "TrialsOutput", "run_trials"]

Trial = Callable[[np.random.Generator], tuple[Mapping[str, np.ndarray], Mapping[str, float]]]


def check_run_arguments(trials: Any, seed: Any, tol: Any = None) -> None:
    """Validate the common arguments of ``Simulator.run`` (one-line errors)."""
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ParameterError(f"trials={trials!r} must be a whole number >= 1")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed={seed!r} must be a whole number >= 0")
    if tol is not None and not (isinstance(tol, float) and 0 < tol < 1):
        raise ParameterError(f"tol={tol!r} must be a float in (0, 1)")


#: Bytes per stored per-trial value (float64), and per value printed in JSON (a decimal string in a list).
VALUE_BYTES = 8
JSON_VALUE_BYTES = 120
_DIAGNOSTICS = 8  # per-trial diagnostics a simulator may record (s_max, amplitude, Lanczos steps, ...)


def request_bytes(trials: int, n_values: int, trial_bytes: int, *, json: bool = False) -> int:
    """Memory of a whole request: one trial's peak plus ``trials x n_values`` stored results (and
    their JSON text when printed)."""
    per_value = VALUE_BYTES + (JSON_VALUE_BYTES if json else 0)
    return int(trial_bytes) + int(trials) * int(n_values) * per_value


def check_request(trials: int, n_values: int, trial_bytes: int, *, json: bool = False,
                  seconds_per_trial: float | None = None, instance_bytes: int = 0) -> int:
    """The memory of the whole request (see :func:`request_bytes`, plus ``trials x instance_bytes`` that
    each trial keeps for the theory), or ParameterError with the estimate when it exceeds the memory
    available; ``n_values`` counts values per trial (times x observables plus diagnostics)."""
    kept = int(trials) * int(instance_bytes)
    need = request_bytes(trials, n_values, trial_bytes, json=json) + kept
    avail = available_memory()
    if need > avail:
        when = "" if seconds_per_trial is None else f", and about {format_duration(trials * seconds_per_trial)}"
        also = f", {format_bytes(kept)} of instances kept for the theory" if kept else ""
        raise ParameterError(
            f"{trials} trial(s) x {n_values} values each need about {format_bytes(need)} of memory (one trial "
            f"{format_bytes(trial_bytes)}{also} plus the results{when}) but {format_bytes(avail)} is available: "
            "use fewer seeds or times")
    return need


def format_duration(seconds: float) -> str:
    """An estimated duration in its largest unit, three digits (``"2.5 min"``, ``"1.2e+03 days"``).

    >>> format_duration(150), format_duration(0.25)
    ('2.5 min', '0.25 s')
    """
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


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
    trial_bytes: int = 0,
) -> TrialsOutput:
    """Run ``trial`` on ``trials`` independent streams and collect the results.

    The memory of the whole request (``trial_bytes`` for one trial plus the results of all) is
    checked first (:func:`check_request`); nothing is allocated for a request that does not fit.
    """
    check_request(trials, n_times * len(observables) + _DIAGNOSTICS, trial_bytes)
    progress = NULL_PROGRESS if progress is None else progress
    values = {o: np.empty((trials, n_times)) for o in observables}
    extra: dict[str, np.ndarray] = {}
    overflow: set[str] = set()
    start = time.perf_counter()
    with blas_threads(threads), progress.task(label, total=trials) as task:
        for i, rng in enumerate(iter_streams(int(seed), int(trials))):
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
