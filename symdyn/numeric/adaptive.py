"""The adaptive driver shared by every model's evaluator: two independent evaluations per time.

A model supplies a kernel with the :class:`RefinableKernel` interface: ``plan(t, dps)``
chooses a *level* of the method (a node count, a tanh-sinh level, a series length, an ODE
tolerance, or nothing for a closed form) with the guard digits it needs;
``refine(level)`` gives a finer level; ``values(t_exact, level, dps, names)`` evaluates.
For every time the driver evaluates twice, with ``(level, dps + 10 + guard)`` and
``(refine(level), dps + 20 + guard)``: different levels *and* precisions.  The reported error
is their difference; if it exceeds the requested precision the level is refined, both
precisions are raised by 10 digits and both are recomputed.  A method's own error estimate is never used (a quadrature rule's can be
hundreds of times optimistic near a square-root edge).  A closed form (a Riccati solution, a
hypergeometric function) uses ``refine = identity``: its two evaluations differ in precision.

:class:`QuadratureKernel` adapts the spectral models' quadrature evaluators (a rule, an
arithmetic, pole subtraction) to this interface.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

import mpmath as mp

from ..progress import NULL_PROGRESS
from ..results import Estimate
from ..tex import Prose

__all__ = ["RefinableKernel", "Plan", "QuadratureKernel", "AdaptiveRun", "evaluate_times", "error_method",
           "two_precision_method", "planned_work", "check_work", "GUARD_DIGITS", "SECOND_GUARD", "MAX_REFINEMENTS",
           "MAX_WORK"]

GUARD_DIGITS = 10
SECOND_GUARD = 10
MAX_REFINEMENTS = 6
#: Largest work (``kernel.work``: quadrature nodes times working digits) of one evaluation.  Measured
#: on the 2-core development machine: 8e6 is 1.3e5 Gauss-Chebyshev nodes at 60 working digits (the
#: rank-one model at t = 3e8, dps 30: 7 s, 350 MB) or 7600 nodes at 1050 digits (dps 1000: about 3 s).
MAX_WORK = 8.0e6


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

    def work(self, level: Any, digits: int) -> float:
        """Nodes times working digits of one evaluation (memory and time grow with it)."""
        return float(self.rule.node_count(level[0])) * digits

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


def _float(t: Any) -> float:
    try:
        return float(t)
    except OverflowError:  # pragma: no cover - sympy gives inf for huge rationals
        return math.inf


def planned_work(kernel: Any, t: float, dps: int) -> tuple[Plan, float]:
    """The plan of the second, finer evaluation at time *t* and its work.

    The work is ``kernel.work(level, digits)`` (quadrature nodes times working digits) of the
    refined level at the second evaluation's precision, the larger of the two; kernels without
    a ``work`` method (closed forms) cost 0.  :func:`check_work` refuses a time whose work
    exceeds :data:`MAX_WORK`.

    Examples
    --------
    >>> import symdyn as sd
    >>> from symdyn.models.rank_one_denoising.evaluation import Evaluator
    >>> from symdyn.models.rank_one_denoising.constants import exact_constants
    >>> from symdyn.numeric.arithmetic import MPFR
    >>> from symdyn.numeric.rules import GaussChebyshev
    >>> m = sd.model("rank-one-denoising")
    >>> can = m.canonical(m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10"))
    >>> kernel = QuadratureKernel(Evaluator(can, exact_constants(can), MPFR, GaussChebyshev()))
    >>> planned_work(kernel, 10.0, 30)[1] < planned_work(kernel, 1e4, 30)[1] <= MAX_WORK
    True
    """
    plan = kernel.plan(t, dps)
    work = getattr(kernel, "work", None)
    if work is None:
        return plan, 0.0
    digits = (kernel.max_dps or dps + GUARD_DIGITS + SECOND_GUARD + plan.guard)
    return plan, float(work(kernel.refine(plan.level), digits))


def _time_text(t: Any) -> str:
    from ..exact import short_text

    return short_text(t)


def check_work(kernel: Any, t_user: Any, t: float, dps: int) -> Plan:
    """The plan for time *t*, or ParameterError when its work exceeds :data:`MAX_WORK`.

    The message gives the estimate and the largest time that fits at these parameters and
    precision (found by bisection on the kernel's own plan, which costs nothing).
    """
    from ..errors import ParameterError

    if not math.isfinite(t):
        raise ParameterError(f"t={_time_text(t_user)} is beyond any direct evaluation: for the large-time "
                             "behaviour see the limit (symdyn limit)")
    plan, work = planned_work(kernel, t, dps)
    if work <= MAX_WORK:
        return plan
    lo, hi = min(1e-6, t), t
    while hi / lo > 1.01:  # geometric bisection: about 20 plans
        mid = math.sqrt(lo * hi)
        if planned_work(kernel, mid, dps)[1] <= MAX_WORK:
            lo = mid
        else:
            hi = mid
    try:  # the same fraction of the user's time (kernel and user times differ by a time factor)
        largest = f"{float(t_user) * (lo / t):.3g}"
    except (TypeError, ValueError, OverflowError):  # pragma: no cover
        largest = "?"
    raise ParameterError(
        f"t={_time_text(t_user)} is beyond the supported range of direct evaluation at {dps} digits: it "
        f"needs about {work:.2g} node-digits (quadrature nodes x working digits; at most {MAX_WORK:.2g}), "
        f"which here allows t up to about {largest}; for larger times see the large-time limit and its decay "
        "law (symdyn limit)")


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
    """Evaluate ``names`` at every ``(t_user, t_kernel)`` pair with error estimates.

    Every time is planned before any evaluation: a time whose evaluation would exceed
    :data:`MAX_WORK` raises :class:`~symdyn.errors.ParameterError` with the estimate and the
    largest time that fits, before any work is done.
    """
    fixed = kernel.max_dps
    target = dps if fixed is None else min(dps, fixed - 2)
    progress = NULL_PROGRESS if progress is None else progress
    values: dict[str, list[Estimate]] = {n: [] for n in names}
    orders: list[int] = []
    converged = True
    flags: set[str] = set()
    notes: list[str] = []
    plans = [check_work(kernel, t_user, _float(t_k), dps) for t_user, t_k in times]
    with progress.task("evaluating", total=len(times)) as task:
        for (t_user, t_k), plan in zip(times, plans):
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
                # refine the level and the precision: a disagreement may come from either (nodes, or
                # a cancellation such as the energy a^T X b far below the scale of its terms)
                level = kernel.refine(level2)
                if fixed is None:
                    p1, p2 = p1 + SECOND_GUARD, p2 + SECOND_GUARD
                work = getattr(kernel, "work", None)
                if work is not None and work(kernel.refine(level), p2) > 4 * MAX_WORK:
                    converged = False
                    notes.append(f"t={t_user}: the two evaluations still differ and refining further would exceed "
                                 "the supported work")
                    break
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
