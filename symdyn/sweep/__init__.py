"""Parameter sweeps and phase diagrams: a target over a product grid of exact parameter values.

A sweep evaluates one *target* at every point of a grid:

* a boundary quantity of the model (``threshold``, ``critical-ratio``, ``outlier``, ...);
* ``limit`` (every large-time value and the regime) or ``limit:OBS`` (one of them);
* ``OBS@T``: an observable at one time, e.g. ``m_u@20``.

Axes are ``NAME=START:STOP:COUNT`` (exact rationals, both ends included) or
``NAME=START:STOP:COUNT:log`` (geometric, exact; see :func:`parse_axis`); other parameters
are fixed.  ``certify=True`` gives every point rigorous enclosures; ``solve="NAME=LO:HI"``
with ``equals=VALUE`` finds, at every point, the NAME where the target equals VALUE (a
phase boundary), by a bracketing search, certified with ``certify=True``.  Points run in
this process, on joblib processes (``n_jobs``) or on a Dask cluster (``scheduler``), are
written to ``out`` as they finish, and ``resume=True`` computes only what a file lacks.  A
point that fails for a mathematical reason (a critical ratio below threshold, no sign
change) is recorded with its message, so a phase diagram keeps its holes visible.

>>> import symdyn as sd
>>> res = sd.sweep("rank-one-denoising", "critical-ratio", {"c": "1/2"}, {"theta": "1/2:2:4"}, dps=20)
>>> [p.status for p in res.points], res.points[1].values["ratio"]
(['failed', 'ok', 'ok', 'ok'], '-0.86602540378443864676')
"""

from ._axes import MAX_POINTS, Axis, exact_text, parse_axis
from ._point import SweepPoint
from ._result import SweepResult
from ._solve import Solve, find_root, parse_solve
from ._spec import SweepSpec, build_spec, split_assignments
from ._store import check_out_path, read_file
from ._sweep import sweep
from ._targets import LimitTarget, ObservableTarget, QuantityTarget, Target, parse_target

__all__ = [
    "sweep", "load", "parse_axis", "Axis", "exact_text", "split_assignments", "SweepSpec", "build_spec",
    "SweepPoint", "SweepResult", "Target", "QuantityTarget", "LimitTarget", "ObservableTarget", "parse_target",
    "Solve", "parse_solve", "find_root", "check_out_path", "MAX_POINTS",
]


def load(path) -> SweepResult:
    """A saved sweep (``.csv``, ``.json`` or ``.jsonl``) as a :class:`SweepResult`, in grid order.

    The file's recorded command gives the axes, the target and the fixed parameters; nothing
    is recomputed (points missing from an interrupted file are simply absent).
    """
    spec, points = read_file(path)
    from ._store import _key

    order = {k: i for i, k in enumerate(spec.keys())}
    by_key = {}
    for p in points:
        by_key[_key(spec, p)] = p
    ordered = tuple(sorted(by_key.values(), key=lambda p: order.get(_key(spec, p), len(order))))
    return SweepResult(spec=spec, points=ordered, reused=len(ordered), backend="file", out=str(path))
