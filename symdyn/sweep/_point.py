"""One sweep point, computed where a worker runs it.

:class:`Task` is the picklable description shared by all points of a sweep (the model object,
the target, dps, ``certify``, the solve); :func:`compute` evaluates one point and returns a
:class:`SweepPoint`.  A worker process prepares a task once (target parsing; the model's own
caches of compiled expressions and quadrature nodes live in the process) and reuses it for
every point it receives.  A point that fails for a mathematical reason (a
:class:`~symdyn.errors.SymdynError`: below threshold, no sign change, not certifiable) is a
failed point carrying its message; anything else is a bug and propagates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import mpmath as mp

from ..errors import ParameterError, SymdynError
from ..exact import mp_to_decimal, mp_to_decimal_directed
from ._axes import exact_text
from ._solve import GUARD_DIGITS, Solve, certify_root, find_root
from ._targets import Target, parse_target

__all__ = ["SweepPoint", "Task", "compute", "compute_many"]


@dataclass(frozen=True)
class SweepPoint:
    """The result at one grid point.

    ``params`` are the exact texts of the parameters the sweep sets (fixed and axes);
    ``status`` is ``"ok"`` or ``"failed"``; ``values`` maps names to decimal strings;
    ``enclosures`` (certified sweeps) maps names to ``{"lower", "upper"}`` containing the value;
    ``message`` says why a point failed.
    """

    params: Mapping[str, str]
    status: str
    values: Mapping[str, str] = field(default_factory=dict)
    regime: str | None = None
    message: str = ""
    enclosures: Mapping[str, Mapping[str, str]] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"params": dict(self.params), "status": self.status, "values": dict(self.values),
                               "regime": self.regime, "message": self.message}
        if self.enclosures is not None:
            out["enclosures"] = {k: dict(v) for k, v in self.enclosures.items()}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "SweepPoint":
        enc = data.get("enclosures")
        return cls(params=dict(data["params"]), status=str(data["status"]), values=dict(data.get("values") or {}),
                   regime=data.get("regime"), message=str(data.get("message") or ""),
                   enclosures=None if enc is None else {k: dict(v) for k, v in enc.items()})


@dataclass(frozen=True)
class Task:
    """Everything a worker needs besides the point's parameters (small and picklable)."""

    model: Any
    target: str
    dps: int
    certify: bool = False
    solve: Solve | None = None

    @property
    def key(self) -> tuple:
        return (self.model.name, type(self.model).__qualname__, self.target, self.dps, self.certify, self.solve)


_PREPARED: dict[tuple, Target] = {}


def _target(task: Task) -> Target:
    """The parsed target of *task*, once per process."""
    t = _PREPARED.get(task.key)
    if t is None:
        t = _PREPARED[task.key] = parse_target(task.model, task.target)
    return t


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def compute(task: Task, params: Mapping[str, Any], *, strict: bool = False) -> SweepPoint:
    """Evaluate *task* at one point (raw parameter texts).

    With ``strict=True`` a :class:`ParameterError` (an input error, e.g. a missing
    parameter) propagates instead of becoming a failed point: the sweep's first point is
    computed this way so that such errors stop the sweep before it starts.
    """
    texts = {k: str(v) for k, v in params.items()}
    target = _target(task)
    model = task.model
    try:
        if task.solve is None:
            out = target.evaluate(model, model.params(**params), dps=task.dps, certify=task.certify)
            return SweepPoint(texts, "ok", dict(out.values), out.regime, "", out.enclosures)
        return _solve_point(task, target, params, texts)
    except ParameterError as exc:
        if strict:
            raise
        return SweepPoint(texts, "failed", message=_one_line(exc))
    except SymdynError as exc:
        return SweepPoint(texts, "failed", message=_one_line(exc))


def _solve_point(task: Task, target: Target, params: Mapping[str, Any], texts: dict[str, str]) -> SweepPoint:
    model, solve, dps = task.model, task.solve, task.dps
    work = dps + GUARD_DIGITS

    def at(x):
        return model.params(**{**params, solve.name: x})

    def f(x):
        with mp.workdps(work):
            try:
                return target.scalar(model, at(x), dps=work) - mp.mpf(int(solve.equals.p)) / int(solve.equals.q)
            except SymdynError as exc:
                if x in (solve.lo, solve.hi):  # say which end of the bracket could not be evaluated
                    raise type(exc)(f"at the bracket end {solve.name}={exact_text(x)}: {exc}") from None
                raise

    root = find_root(f, solve.lo, solve.hi, dps=dps)
    if not task.certify:
        return SweepPoint(texts, "ok", {solve.name: mp_to_decimal(root.x, dps)})
    a, b = certify_root(lambda x: target.enclose(model, at(x), dps=dps + 10), root.x, solve, dps=dps)
    digits = dps + 5
    with mp.workdps(digits + 20):
        mid = (a + b) / 2
    return SweepPoint(texts, "ok", {solve.name: mp_to_decimal(mid, digits)}, None, "",
                      {solve.name: {"lower": mp_to_decimal_directed(a, digits, "down"),
                                    "upper": mp_to_decimal_directed(b, digits, "up")}})


def compute_many(task: Task, jobs: Sequence[tuple[int, Mapping[str, Any]]]) -> list[tuple[int, SweepPoint]]:
    """Several points in one call (a Dask task): ``[(index, point), ...]``."""
    return [(i, compute(task, p)) for i, p in jobs]


def compute_indexed(task: Task, index: int, params: Mapping[str, Any]) -> tuple[int, SweepPoint]:
    return index, compute(task, params)
