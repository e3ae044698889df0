"""Parameter sweeps: a quantity over a grid of exact parameter values, in parallel.

A sweep evaluates one *target* at every point of a grid:

* a boundary quantity of the model (``threshold``, ``critical-ratio``, ``outlier``, ...);
* ``limit``: the large-time values and the regime;
* ``OBS@T``: an observable at one time, e.g. ``m_u@20``.

Grid axes are ``NAME=START:STOP:COUNT`` (exact rationals, both ends included); other
parameters are fixed.  Points run on joblib (processes, ``n_jobs``), or on a Dask
cluster (``scheduler=ADDRESS``, or ``"local"`` for an in-process cluster).  A point
that fails (e.g. a critical ratio below threshold) is recorded with its message
instead of stopping the sweep, so a phase diagram keeps its holes visible.

>>> import symdyn as sd
>>> from symdyn.sweep import sweep, parse_axis
>>> res = sweep("rank-one-denoising", "threshold", {}, {"c": parse_axis("c", "1/16:1:3")}, dps=20)
>>> [(pt.params["c"], pt.values["theta_c"][:6]) for pt in res.points]
[('1/16', '0.5000'), ('17/32', '0.8537'), ('1', '1.0000')]
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import sympy as sp

from .errors import ParameterError, SymdynError
from .params import parse_number
from .progress import NULL_PROGRESS

__all__ = ["parse_axis", "SweepPoint", "SweepResult", "sweep", "MAX_POINTS"]

MAX_POINTS = 100_000


def parse_axis(name: str, spec: str) -> list[sp.Rational]:
    """``"START:STOP:COUNT"`` -> COUNT exact values from START to STOP inclusive."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise ParameterError(f"{name}={spec!r}: a sweep axis is START:STOP:COUNT (e.g. theta=1/2:2:16)")
    start, stop = parse_number(parts[0]), parse_number(parts[1])
    try:
        count = int(parts[2])
    except ValueError:
        raise ParameterError(f"{name}={spec!r}: COUNT must be a whole number >= 1") from None
    if count < 1 or count > MAX_POINTS:
        raise ParameterError(f"{name}={spec!r}: COUNT must be in 1..{MAX_POINTS}")
    if count == 1:
        return [start]
    return [start + (stop - start) * sp.Rational(i, count - 1) for i in range(count)]


@dataclass(frozen=True)
class SweepPoint:
    params: Mapping[str, str]
    status: str  # "ok" or "error"
    values: Mapping[str, str] = field(default_factory=dict)
    regime: str | None = None
    message: str = ""


@dataclass(frozen=True)
class SweepResult:
    model: str
    target: str
    dps: int
    axes: Mapping[str, list[str]]
    fixed: Mapping[str, str]
    points: tuple[SweepPoint, ...]
    backend: str
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model, "target": self.target, "dps": self.dps,
            "axes": dict(self.axes), "fixed": dict(self.fixed), "backend": self.backend,
            "seconds": self.seconds,
            "points": [
                {"params": dict(p.params), "status": p.status, "values": dict(p.values),
                 "regime": p.regime, "message": p.message}
                for p in self.points
            ],
        }

    def to_csv(self) -> str:
        value_names: list[str] = []
        for p in self.points:
            for k in p.values:
                if k not in value_names:
                    value_names.append(k)
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(list(self.axes) + value_names + ["regime", "status", "message"])
        for p in self.points:
            writer.writerow([p.params[a] for a in self.axes] + [p.values.get(k, "") for k in value_names]
                            + [p.regime or "", p.status, p.message])
        return buf.getvalue()


def _target_kind(model, target: str) -> tuple[str, str | None, str | None]:
    if target == "limit":
        return "limit", None, None
    if "@" in target:
        obs, _, t = target.partition("@")
        model.observable(obs)
        return "observable", obs, t
    model.quantity(target)
    return "boundary", target, None


def _run_point(model_name: str, target: str, params: dict[str, str], dps: int) -> SweepPoint:
    """Evaluate one grid point; plain, picklable inputs and outputs."""
    from .exact import mp_to_decimal
    from .models import model as get_model

    m = get_model(model_name)
    try:
        kind, name, t = _target_kind(m, target)
        p = m.params(**params)
        if kind == "boundary":
            b = m.boundary(name, p, dps=dps)
            return SweepPoint(params, "ok", {k: mp_to_decimal(v, dps) for k, v in b.values.items()},
                              None if b.regime is None else str(b.regime))
        if kind == "limit":
            lim = m.limit(p, dps=dps, check=False)
            vals = {k: mp_to_decimal(v, dps) for k, v in lim.values.items()}
            if lim.decay is not None:
                vals.update({f"K_{k}": mp_to_decimal(v, dps) for k, v in lim.decay.amplitudes.items()})
            return SweepPoint(params, "ok", vals, str(lim.regime))
        traj = m.evaluate(p, [t], dps=dps, observables=[name])
        return SweepPoint(params, "ok", {name: mp_to_decimal(traj[name][0], dps)}, str(traj.regime))
    except SymdynError as exc:
        return SweepPoint(params, "error", {}, None, str(exc))


def sweep(
    model_name: str,
    target: str,
    fixed: Mapping[str, str],
    axes: Mapping[str, Sequence[sp.Rational]],
    *,
    dps: int = 30,
    n_jobs: int = 1,
    scheduler: str | None = None,
    progress=None,
) -> SweepResult:
    """Evaluate *target* on the cartesian grid of *axes* (see the module docstring)."""
    from .models import model as get_model
    from .params import check_dps

    dps = check_dps(dps)
    m = get_model(model_name)
    _target_kind(m, target)
    if not axes:
        raise ParameterError("no sweep axis: give at least one NAME=START:STOP:COUNT")
    overlap = set(axes) & set(fixed)
    if overlap:
        raise ParameterError(f"parameter {sorted(overlap)[0]} is both fixed and swept")
    names = list(axes)
    grid = [dict(zip(names, combo)) for combo in itertools.product(*(axes[n] for n in names))]
    if len(grid) > MAX_POINTS:
        raise ParameterError(f"the grid has {len(grid)} points; at most {MAX_POINTS} are allowed")
    # validate the fixed parameters and one grid point up front: bad input fails fast
    m.params(**{**fixed, **{k: str(v) for k, v in grid[0].items()}})
    jobs = [{**dict(fixed), **{k: str(v) for k, v in g.items()}} for g in grid]
    if n_jobs == 0 or n_jobs < -1:
        raise ParameterError(f"n_jobs={n_jobs}: use a positive count or -1 (all cores)")
    progress = NULL_PROGRESS if progress is None else progress
    t0 = time.perf_counter()
    with progress.task(f"sweep {target}", total=len(jobs)) as task:
        if scheduler is None and n_jobs == 1:
            points = []
            for job in jobs:
                points.append(_run_point(model_name, target, job, dps))
                task.advance()
            backend = "serial"
        else:
            points, backend = _parallel(model_name, target, jobs, dps, n_jobs, scheduler, task)
    return SweepResult(
        model=model_name, target=target, dps=dps,
        axes={n: [str(v) for v in axes[n]] for n in names}, fixed=dict(fixed),
        points=tuple(points), backend=backend, seconds=time.perf_counter() - t0,
    )


def _parallel(model_name, target, jobs, dps, n_jobs, scheduler, task):
    import joblib

    def run(backend_name: str):
        out = []
        calls = (joblib.delayed(_run_point)(model_name, target, job, dps) for job in jobs)
        with joblib.parallel_config(backend=backend_name, n_jobs=n_jobs):
            for point in joblib.Parallel(return_as="generator")(calls):
                out.append(point)
                task.advance()
        return out

    if scheduler is None:
        return run("loky"), f"joblib/loky (n_jobs={n_jobs})"
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ParameterError(f"--scheduler needs Dask: pip install 'symdyn[dask]' ({exc})") from None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, n_jobs if n_jobs > 0 else 2), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
        label = "dask (local cluster)"
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
        cluster = None
        label = f"dask ({scheduler})"
    try:
        with client:
            return run("dask"), label
    finally:
        if cluster is not None:
            cluster.close()


def write(result: SweepResult, path: str) -> None:
    """Write a sweep as CSV (``.csv``) or JSON (anything else)."""
    text = result.to_csv() if path.endswith(".csv") else json.dumps(result.to_json(), indent=2)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
