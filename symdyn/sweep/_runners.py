"""Where the points run: in this process, on joblib worker processes, or on a Dask cluster.

Every runner yields ``(index, point)`` pairs as points finish (in completion order), so the
caller can write and report each one at once.  Worker processes stay alive for the whole
sweep (joblib's reusable loky executor, Dask workers), so a model's imports and compiled
expressions are paid once per worker, not per point.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import Any, Iterator, Mapping, Sequence

from ..errors import ParameterError
from ._point import SweepPoint, Task, compute, compute_indexed, compute_many

__all__ = ["Runner", "Serial", "Joblib", "Dask", "runner_for"]

Jobs = Sequence[tuple[int, Mapping[str, Any]]]
MAX_JOBS_PER_CORE = 4


class Runner(ABC):
    label: str

    @abstractmethod
    def run(self, task: Task, jobs: Jobs) -> Iterator[tuple[int, SweepPoint]]: ...

    def close(self) -> None:
        pass


class Serial(Runner):
    label = "serial"

    def run(self, task, jobs):
        for i, params in jobs:
            yield i, compute(task, params)


class Joblib(Runner):
    def __init__(self, n_jobs: int) -> None:
        self.n_jobs = n_jobs
        self.label = f"joblib/loky (n_jobs={n_jobs})"

    def run(self, task, jobs):
        import joblib

        calls = (joblib.delayed(compute_indexed)(task, i, params) for i, params in jobs)
        parallel = joblib.Parallel(n_jobs=self.n_jobs, backend="loky", return_as="generator_unordered")
        yield from parallel(calls)


class Dask(Runner):
    """Points in chunks of a few (at most ~2000 tasks per sweep) as Dask futures."""

    def __init__(self, address: str, n_jobs: int) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise ParameterError(f"--scheduler needs Dask: pip install 'symdyn[dask]' ({exc})") from None
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=max(1, n_jobs if n_jobs > 0 else 2), threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
            self.label = "dask (local cluster)"
        else:
            try:
                self.client = Client(address, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ParameterError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from None
            self.label = f"dask ({address})"

    def run(self, task, jobs):
        from dask.distributed import as_completed

        jobs = list(jobs)
        size = max(1, -(-len(jobs) // 2000))
        chunks = [jobs[k:k + size] for k in range(0, len(jobs), size)]
        futures = [self.client.submit(compute_many, task, chunk, pure=False) for chunk in chunks]
        try:
            for fut in as_completed(futures):
                yield from fut.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def runner_for(n_jobs: int, scheduler: str | None) -> Runner:
    """The runner for ``--n-jobs`` and ``--scheduler`` (a Dask scheduler is contacted here)."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ParameterError(f"n_jobs={n_jobs}: use a positive count or -1 (all cores)")
    cores = os.cpu_count() or 1
    if n_jobs > MAX_JOBS_PER_CORE * cores:
        raise ParameterError(f"n_jobs={n_jobs}: at most {MAX_JOBS_PER_CORE * cores} worker processes here "
                             f"({MAX_JOBS_PER_CORE} per core, {cores} cores; each imports SymPy and mpmath): "
                             "use -1 for all cores, or --scheduler for a cluster")
    if scheduler is not None:
        if not str(scheduler).strip():
            raise ParameterError("--scheduler is empty: give ADDRESS (tcp://host:8786) or local")
        return Dask(str(scheduler).strip(), n_jobs)
    if n_jobs == 1:
        return Serial()
    return Joblib(n_jobs)
