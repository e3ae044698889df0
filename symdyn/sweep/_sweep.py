"""The sweep driver: validate, reuse finished points, compute the rest, write as they finish."""

from __future__ import annotations

import time
from typing import Any, Mapping

from ..errors import ParameterError
from ..progress import NULL_PROGRESS
from ._point import SweepPoint, Task, compute
from ._result import SweepResult
from ._runners import runner_for
from ._solve import Solve
from ._spec import build_spec
from ._store import store_for
from ._targets import Target

__all__ = ["sweep"]


def _advance(task: Any, point: SweepPoint) -> None:
    task.advance(1)
    if not point.ok:
        fail = getattr(task, "fail", None)
        if fail is not None:
            fail(1)


def sweep(model: Any, target: str | Target, fixed: Mapping[str, Any] | None = None,
          axes: Mapping[str, Any] | None = None, *, dps: int = 30, certify: bool = False,
          solve: Solve | str | None = None, equals: Any = None, n_jobs: int = 1, scheduler: str | None = None,
          out: str | None = None, resume: bool = False, progress: Any = None) -> SweepResult:
    """Evaluate *target* at every point of the product grid of *axes* (see :mod:`symdyn.sweep`).

    Parameters
    ----------
    model : str or Model
    target : str or Target
        A boundary quantity, ``"limit"``, ``"limit:OBS"`` or ``"OBS@T"``.
    fixed : mapping
        Fixed parameters as text (``{"alpha": "1/5", "sigma": "3,2,1"}``).
    axes : mapping
        ``{NAME: "START:STOP:COUNT"}`` or ``"START:STOP:COUNT:log"`` (or :class:`Axis` objects).
    dps : int
        Decimal digits of every value.
    certify : bool
        Rigorous enclosures at every point (a point that cannot be certified fails).
    solve, equals
        ``solve="NAME=LO:HI"`` and ``equals=VALUE``: at every point, the NAME in [LO, HI] where
        the scalar target equals VALUE (bracketing search; certified enclosure with ``certify``).
    n_jobs, scheduler
        joblib worker processes (``-1``: all cores); or a Dask scheduler address (``"local"``:
        an in-process cluster of ``n_jobs`` workers).
    out, resume
        Write points to ``.csv``, ``.json`` or ``.jsonl`` as they finish; with ``resume`` keep
        the finished points of an existing file of the same sweep and compute only the others.
    progress : Progress
        Told of every finished point (``advance``) and, if it has ``fail``, of every failed one.

    Every input error raises :class:`~symdyn.errors.ParameterError` (or ``UnsupportedError``)
    before any point runs; the first point to compute runs in this process, so that errors
    only an evaluation reveals (a missing parameter) also stop the sweep before it writes.

    Examples
    --------
    >>> res = sweep("rank-one-denoising", "threshold", {}, {"c": "1/16:1:3"}, dps=20)
    >>> [(p.params["c"], p.values["theta_c"][:6]) for p in res.points]
    [('1/16', '0.5000'), ('17/32', '0.8537'), ('1', '1.0000')]
    """
    from ..models import Model, model as get_model

    t0 = time.perf_counter()
    m = model if isinstance(model, Model) else get_model(model)
    spec = build_spec(m, target, dict(fixed or {}), dict(axes or {}), dps=dps, certify=certify, solve=solve,
                      equals=equals)
    if resume and out is None:
        raise ParameterError("--resume needs --out FILE: the file to complete")
    store = store_for(out, spec) if out is not None else None
    existing = store.existing() if (store is not None and resume) else {}
    runner = runner_for(n_jobs, scheduler)
    progress = NULL_PROGRESS if progress is None else progress
    grid, keys = spec.grid(), spec.keys()
    task = Task(m, spec.target.text, spec.dps, spec.certify, spec.solve)
    points: list[SweepPoint | None] = [existing.get(k) for k in keys]
    missing = [i for i, p in enumerate(points) if p is None]

    def params_of(i: int) -> dict[str, str]:
        return {**spec.fixed, **grid[i]}

    try:
        if missing:
            first = missing[0]
            points[first] = compute(task, params_of(first), strict=True)
        with progress.task(f"sweep {spec.target.text}", total=len(missing)) as bar:
            if store is not None:
                store.begin([p for p in points if p is not None])
            if missing:
                _advance(bar, points[first])
            for i, point in runner.run(task, [(i, params_of(i)) for i in missing[1:]]):
                points[i] = point
                if store is not None:
                    store.add(point)
                _advance(bar, point)
        done = tuple(p for p in points if p is not None)
        if store is not None:
            store.finish(done)
    finally:
        runner.close()
        if store is not None:
            store.close()
    return SweepResult(spec=spec, points=done, computed=len(missing), reused=len(points) - len(missing),
                       backend=runner.label, seconds=time.perf_counter() - t0,
                       out=None if out is None else str(out))
