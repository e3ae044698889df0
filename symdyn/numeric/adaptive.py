"""The adaptive driver shared by every model's evaluator: two independent evaluations per time.

A model supplies a kernel with three methods (the :class:`TimeKernel` protocol):
``subtract_pole(t, dps) -> (subtract, extra_guard_digits)``, ``order(t, digits,
subtract) -> int`` and ``observables(t_exact, order, dps, subtract, names) -> dict``.
For every time the driver evaluates twice, with ``(N, dps + 10 + guard)`` and
``(refine(N), dps + 20 + guard)``: different node counts *and* precisions.  The
reported error is their difference; if it exceeds the requested precision the node
count grows and both are recomputed.  A quadrature rule's own error estimate is
never used (it can be hundreds of times optimistic near a square-root edge).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

import mpmath as mp

from ..progress import NULL_PROGRESS
from ..results import Estimate
from .arithmetic import Arithmetic
from .rules import AngularRule

__all__ = ["TimeKernel", "AdaptiveRun", "evaluate_times", "error_method", "GUARD_DIGITS", "SECOND_GUARD",
           "MAX_REFINEMENTS"]

GUARD_DIGITS = 10
SECOND_GUARD = 10
MAX_REFINEMENTS = 6


class TimeKernel(Protocol):
    rule: AngularRule
    arith: Arithmetic

    def subtract_pole(self, t: float, dps: int) -> tuple[bool, int]: ...

    def order(self, t: float, digits: int, subtract: bool) -> int: ...

    def observables(self, t_exact: Any, order: int, dps: int, subtract: bool,
                    names: Sequence[str]) -> dict[str, mp.mpf]: ...


@dataclass(frozen=True)
class AdaptiveRun:
    values: dict[str, tuple[Estimate, ...]]
    orders: tuple[int, ...]
    converged: bool
    notes: tuple[str, ...]
    direct_used: bool
    target_digits: int


def error_method(rule: AngularRule, arith: Arithmetic) -> str:
    """The sentence that says how the error estimates were obtained."""
    return (f"{arith.name} arithmetic; error = |v(N, dps+{GUARD_DIGITS}) - "
            f"v({rule.name} refinement of N, dps+{GUARD_DIGITS + SECOND_GUARD})|")


def evaluate_times(
    kernel: TimeKernel,
    times: Sequence[tuple[Any, Any]],
    names: Sequence[str],
    *,
    dps: int,
    progress=None,
) -> AdaptiveRun:
    """Evaluate ``names`` at every ``(t_user, t_canonical)`` pair with error estimates."""
    rule, arith = kernel.rule, kernel.arith
    target = dps if arith.max_dps is None else min(dps, 13)
    progress = NULL_PROGRESS if progress is None else progress
    values: dict[str, list[Estimate]] = {n: [] for n in names}
    orders: list[int] = []
    converged = True
    direct_used = False
    notes: list[str] = []
    with progress.task("evaluating", total=len(times)) as task:
        for t_user, t_can in times:
            tf = float(t_can)
            subtract, loss = kernel.subtract_pole(tf, dps)
            direct_used |= not subtract
            p1 = dps + GUARD_DIGITS + loss
            p2 = p1 + SECOND_GUARD
            if arith.max_dps is not None:
                p1 = p2 = arith.max_dps
            order = kernel.order(tf, p1, subtract)
            errs: dict[str, mp.mpf] = {}
            for _ in range(MAX_REFINEMENTS):
                v1 = kernel.observables(t_can, order, p1, subtract, names)
                order2 = rule.refine(order)
                v2 = kernel.observables(t_can, order2, p2, subtract, names)
                ok = True
                with mp.workdps(dps + 5):
                    for n in names:
                        errs[n] = abs(v2[n] - v1[n])
                        scale = abs(v2[n]) if v2[n] != 0 else mp.mpf(1)
                        if errs[n] > scale * mp.mpf(10) ** (-target):
                            ok = False
                if ok:
                    break
                order = rule.refine(order2)
            else:
                converged = False
                notes.append(f"t={t_user}: the two evaluations still differ after {MAX_REFINEMENTS} refinements")
            orders.append(order2)
            with mp.workdps(dps):
                for n in names:
                    values[n].append(Estimate(+v2[n], errs[n]))
            task.advance()
    if arith.max_dps is not None:
        notes.append(f"{arith.name} fast path: about {target} digits at best; the mpmath/MPFR path is the reference")
    return AdaptiveRun({n: tuple(v) for n, v in values.items()}, tuple(orders), converged, tuple(notes),
                       direct_used, target)
