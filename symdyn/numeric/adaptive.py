"""The adaptive driver shared by every model's evaluator: two independent evaluations per time.

A model supplies a kernel with the :class:`RefinableKernel` interface: ``plan(t, dps)``
chooses a *level* of the method (a node count, a tanh-sinh level, a series length, an ODE
tolerance, or nothing for a closed form) with the guard digits it needs;
``refine(level)`` gives a finer level; ``values(t_exact, level, dps, names)`` evaluates.
For every time the driver evaluates twice, with ``(level, dps + 10 + guard)`` and
``(refine(level), dps + 20 + guard)``: different levels *and* precisions.  The reported error
is their difference; if it exceeds the requested precision the level is refined and both
are recomputed.  A method's own error estimate is never used (a quadrature rule's can be
hundreds of times optimistic near a square-root edge).  A closed form (a Riccati solution, a
hypergeometric function) uses ``refine = identity``: its two evaluations differ in precision.

:class:`QuadratureKernel` adapts the spectral models' quadrature evaluators (a rule, an
arithmetic, pole subtraction) to this interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

import mpmath as mp

from ..progress import NULL_PROGRESS
from ..results import Estimate
from ..tex import Prose

__all__ = ["RefinableKernel", "Plan", "QuadratureKernel", "AdaptiveRun", "evaluate_times", "error_method",
           "two_precision_method", "GUARD_DIGITS", "SECOND_GUARD", "MAX_REFINEMENTS"]

GUARD_DIGITS = 10
SECOND_GUARD = 10
MAX_REFINEMENTS = 6


@dataclass(frozen=True)
class Plan:
    """A method level for one time, the guard digits it needs and an optional flag (reported once)."""

    level: Any
    guard: int = 0
    flag: str | None = None


class RefinableKernel(Protocol):
    """What the driver needs from a model's evaluator.

    ``max_dps`` is ``None`` for arbitrary precision, or the digits of a fixed-precision
    backend (float64: the two evaluations then share its precision).
    """

    max_dps: int | None

    def plan(self, t: float, dps: int) -> Plan: ...

    def refine(self, level: Any) -> Any: ...

    def size(self, level: Any) -> int: ...

    def values(self, t_exact: Any, level: Any, dps: int, names: Sequence[str]) -> dict[str, mp.mpf]: ...


class QuadratureKernel:
    """A quadrature evaluator (``rule``, ``arith``, ``subtract_pole``, ``order``, ``observables``)
    seen as a :class:`RefinableKernel`: the level is ``(nodes, subtract)``.

    ``subtract_pole(t, dps) -> (subtract, guard)`` decides whether a pole is subtracted and
    how many guard digits that costs; a direct integration is flagged ``"direct"``.
    """

    def __init__(self, evaluator: Any) -> None:
        self.ev = evaluator
        self.rule, self.arith = evaluator.rule, evaluator.arith
        self.max_dps = self.arith.max_dps

    def plan(self, t: float, dps: int) -> Plan:
        subtract, loss = self.ev.subtract_pole(t, dps)
        digits = self.max_dps if self.max_dps is not None else dps + GUARD_DIGITS + loss
        return Plan((self.ev.order(t, digits, subtract), subtract), loss, None if subtract else "direct")

    def refine(self, level: Any) -> Any:
        order, subtract = level
        return (self.rule.refine(order), subtract)

    def size(self, level: Any) -> int:
        return int(level[0])

    def values(self, t_exact: Any, level: Any, dps: int, names: Sequence[str]) -> dict[str, mp.mpf]:
        order, subtract = level
        return self.ev.observables(t_exact, order, dps, subtract, names)


@dataclass(frozen=True)
class AdaptiveRun:
    values: dict[str, tuple[Estimate, ...]]
    orders: tuple[int, ...]
    converged: bool
    notes: tuple[str, ...]
    flags: frozenset[str]
    target_digits: int

    @property
    def direct_used(self) -> bool:
        """Some time was evaluated without pole subtraction (quadrature kernels)."""
        return "direct" in self.flags


def error_method(rule: Any, arith: Any) -> str:
    """The sentence that says how the error estimates of a quadrature kernel were obtained (text and LaTeX)."""
    g1, g2 = GUARD_DIGITS, GUARD_DIGITS + SECOND_GUARD
    return Prose(f"{arith.name} arithmetic; error = |v(N, dps+{g1}) - v({rule.name} refinement of N, dps+{g2})|",
                 f"{arith.name} arithmetic; error estimate $|v(N, d + {g1}) - v(N', d + {g2})|$ with $N'$ the "
                 f"{rule.name} refinement of the node count $N$ and $d$ the requested digits")


def two_precision_method() -> str:
    """The sentence for a closed-form kernel (no level to refine: two precisions)."""
    g1, g2 = GUARD_DIGITS, GUARD_DIGITS + SECOND_GUARD
    return Prose(f"error = |v(dps+{g1}) - v(dps+{g2})|",
                 f"error estimate $|v(d + {g1}) - v(d + {g2})|$ with $d$ the requested digits")


def evaluate_times(
    kernel: "RefinableKernel",
    times: Sequence[tuple[Any, Any]],
    names: Sequence[str],
    *,
    dps: int,
    progress=None,
) -> AdaptiveRun:
    """Evaluate ``names`` at every ``(t_user, t_kernel)`` pair with error estimates."""
    fixed = kernel.max_dps
    target = dps if fixed is None else min(dps, fixed - 2)
    progress = NULL_PROGRESS if progress is None else progress
    values: dict[str, list[Estimate]] = {n: [] for n in names}
    orders: list[int] = []
    converged = True
    flags: set[str] = set()
    notes: list[str] = []
    with progress.task("evaluating", total=len(times)) as task:
        for t_user, t_k in times:
            plan = kernel.plan(float(t_k), dps)
            if plan.flag:
                flags.add(plan.flag)
            p1 = dps + GUARD_DIGITS + plan.guard
            p2 = p1 + SECOND_GUARD
            if fixed is not None:
                p1 = p2 = fixed
            level = plan.level
            errs: dict[str, mp.mpf] = {}
            for _ in range(MAX_REFINEMENTS):
                v1 = kernel.values(t_k, level, p1, names)
                level2 = kernel.refine(level)
                v2 = kernel.values(t_k, level2, p2, names)
                ok = True
                with mp.workdps(dps + 5):
                    for n in names:
                        errs[n] = abs(v2[n] - v1[n])
                        scale = abs(v2[n]) if v2[n] != 0 else mp.mpf(1)
                        if not errs[n] <= scale * mp.mpf(10) ** (-target):
                            ok = False
                if ok:
                    break
                level = kernel.refine(level2)
            else:
                converged = False
                notes.append(f"t={t_user}: the two evaluations still differ after {MAX_REFINEMENTS} refinements")
            orders.append(kernel.size(level2))
            with mp.workdps(dps):
                for n in names:
                    values[n].append(Estimate(+v2[n], errs[n]))
            task.advance()
    if fixed is not None:
        notes.append(f"fast path with {fixed}-digit arithmetic: about {target} digits at best; the "
                     "arbitrary-precision path is the reference")
    return AdaptiveRun({n: tuple(v) for n, v in values.items()}, tuple(orders), converged, tuple(notes),
                       frozenset(flags), target)
