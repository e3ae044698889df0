"""The verification itself: draw points, compare the claim with symdyn at each, decide."""

from __future__ import annotations

import random
import time as _time
from typing import Any

import mpmath as mp
import sympy as sp

from ..errors import ConvergenceError, ParameterError, UnsupportedError
from ..params import check_dps
from ..progress import NULL_PROGRESS, Progress
from ._claim import Claim, parse_claim
from ._evaluation import Undefined, Unevaluable, agreeing_digits, numeric, substitute
from ._printing import text as _text
from ._sampling import ListRange, build_plan
from ._symbolic import DIFFERENT, EQUAL, UNDECIDED, Budget, compare
from ._targets import resolve_target
from ._verdict import AGREE, COUNTEREXAMPLE, MARGIN, VerifyPoint, VerifyResult

__all__ = ["verify", "prepare", "MAX_POINTS", "SYMBOLIC_SECONDS"]

MAX_POINTS = 1000
#: Default wall-clock budget of the symbolic comparison (all points together).
SYMBOLIC_SECONDS = 10.0
#: Consecutive failed draws after which sampling gives up.
MAX_FAILED_START = 20
EXTRA_DIGITS = 10


def _whole(value: Any, name: str, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("+").isdigit():
            value = int(value)
        else:
            raise ParameterError(f"{name}={value!r} is not a whole number")
    if value < lo or (hi is not None and value > hi):
        raise ParameterError(f"{name}={value} is outside {lo}..{hi if hi is not None else 'inf'}")
    return value


def prepare(model, target: str, claim: str | Claim, *, t: Any = None, **params: Any):
    """Validate everything before any computation: ``(model, target, plan, claim)``.

    Raises :class:`~symdyn.errors.ParameterError` (one line) for an unknown model,
    target or parameter, a malformed value or range, or a claim outside the subset.
    """
    from ..models import model as get_model

    m = get_model(model) if isinstance(model, str) else model
    tgt = resolve_target(m, target)
    plan = build_plan(m, tgt, params, t)
    if isinstance(claim, Claim):
        parsed = claim
    else:
        parsed = parse_claim(m, claim, time_name=plan.time_name)
    plan = plan.with_claim(parsed.parameters)
    return m, tgt, plan, parsed


def _value_text(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ",".join(_value_text(v) for v in value)
    return _text(value) if isinstance(value, sp.Basic) else str(value)


def verify(model, target: str, claim: str | Claim, *, points: int = 20, seed: int = 0, dps: int = 50,
           t: Any = None, progress: Progress | None = None, symbolic_seconds: float = SYMBOLIC_SECONDS,
           **params: Any) -> VerifyResult:
    r"""Check a formula (LaTeX) against what symdyn computes for *target*.

    Parameters
    ----------
    model : Model or str
    target : str
        A boundary quantity (``"threshold"``, ``"overlaps:zeta_v"``), ``"limit:OBS"``, or an
        observable ``OBS`` as a function of the time.
    claim : str or Claim
        LaTeX math in the model's parameter names (``c^{1/4}``); see ``symdyn verify --help``.
    points : int
        Number of points (default 20); one when nothing is drawn.
    seed : int
        Root of the ``random.Random`` that draws the points.
    dps : int
        Digits of the comparison (default 50); a point agrees with ``dps - 5`` digits.
    t : sequence, str or Range, optional
        Times for a time target: a list (used in turn) or a range ``"LO:HI"``.
    progress : Progress, optional
    symbolic_seconds : float
        Wall-clock budget of the exact comparison.
    **params
        ``NAME=VALUE`` fixes a parameter; ``NAME="LO:HI"`` (or a 2-tuple) draws it uniformly.

    Returns
    -------
    VerifyResult

    Examples
    --------
    >>> import symdyn as sd
    >>> r = sd.verify("spiked-wigner", "outlier", r"\theta+\frac{1}{\theta}", theta="1:4", points=3, dps=30)
    >>> r.verdict, r.symbolic
    ('agree', 'equal')
    >>> sd.verify("spiked-wigner", "outlier", r"\theta-\frac{1}{\theta}", theta="1:4", points=3, dps=30).verdict
    'counterexample'
    """
    start = _time.perf_counter()
    dps = check_dps(dps)
    points = _whole(points, "points", 1, MAX_POINTS)
    seed = _whole(seed, "seed", 0)
    m, tgt, plan, parsed = prepare(model, target, claim, t=t, **params)
    progress = progress or NULL_PROGRESS
    rng = random.Random(seed)
    wanted = points if plan.random else max(1, len(plan.times))
    budget = Budget(symbolic_seconds)
    out: list[VerifyPoint] = []
    skipped, skip_reason = 0, ""
    shown = list(dict.fromkeys([*plan.fixed, *plan.ranges, *parsed.parameters]))
    max_draws = wanted + max(MAX_FAILED_START, 4 * wanted)
    with progress.task(f"verify {m.name} {tgt.label}", total=wanted) as task:
        draw = 0
        while len(out) < wanted and draw < max_draws:
            raw, time = plan.draw(rng, draw)
            draw += 1
            try:
                p = m.params(**raw)
                value = tgt.compute(m, p, time, dps=dps)
            except (ParameterError, UnsupportedError, ConvergenceError) as exc:
                if not plan.random:
                    raise
                skipped += 1
                skip_reason = skip_reason or str(exc)
                if not out and skipped >= MAX_FAILED_START:
                    break
                continue
            values = _claim_values(parsed, p, plan.specs)
            if parsed.time is not None and time is not None:
                values[parsed.time] = time
            record = {n: _value_text(p.values[n]) for n in shown if n in p.values}
            if time is not None:
                record[plan.time_name] = str(time)
            out.append(_point(parsed, values, value, record, dps, budget))
            task.advance()
    if not out:
        raise ParameterError(f"no point where symdyn defines {tgt.label} in {draw} draws (e.g.: {skip_reason}); "
                             "fix or range the parameters (NAME=VALUE, NAME=LO:HI)")
    notes = []
    if not plan.random and points > 1 and len(out) == 1:
        notes.append("every value is fixed: one point (range a parameter, NAME=LO:HI, for more)")
    if len(out) < wanted:
        notes.append(f"only {len(out)} of {wanted} points: the target is undefined at most draws")
    if plan.defaulted:
        notes.append("drawn from their domain: " + ", ".join(
            f"{n}: {plan.ranges[n]}" if isinstance(plan.ranges[n], ListRange) else f"{n} in {plan.ranges[n]}"
            for n in plan.defaulted))
    if plan.from_example:
        notes.append("not drawable, taken from the model's example: "
                     + ", ".join(f"{n}={plan.fixed[n]}" for n in plan.from_example))
    counter = next((q for q in out if q.digits < dps - MARGIN), None)
    symbolic, evidence = _symbolic_verdict(out)
    return VerifyResult(
        model=m.name, target=tgt.label, claim=parsed, dps=dps, seed=seed, points=tuple(out),
        verdict=AGREE if counter is None else COUNTEREXAMPLE, counterexample=counter,
        symbolic=symbolic, symbolic_evidence=evidence, drawn=tuple(plan.ranges), defaulted=plan.defaulted,
        skipped=skipped, skip_reason=skip_reason, notes=tuple(notes), seconds=_time.perf_counter() - start,
    )


def _claim_values(claim: Claim, params, specs) -> dict[sp.Symbol, sp.Expr]:
    """Exact values of the claim's symbols at *params* (entries of list-valued parameters included)."""
    table = claim.table
    values: dict[sp.Symbol, sp.Expr] = {}

    def scalar(name: str) -> sp.Expr:
        spec = specs[name]
        if name not in params.values:
            raise ParameterError(f"the claim uses {spec.latex}, but {name} has no value: give {name}=VALUE"
                                 + (f" (instead of {spec.alternative})" if spec.alternative else ""))
        return params.values[name]

    used = set(claim.expr.free_symbols)
    plain = used | {s for sym in used if sym in table.indexed for s in table.indexed[sym][1].free_symbols}
    for sym in plain:
        if sym in table.parameter:
            v = scalar(table.parameter[sym])
            if not isinstance(v, sp.Basic) or not v.is_number:
                raise ParameterError(f"the claim uses {specs[table.parameter[sym]].latex} as a number, but "
                                     f"{table.parameter[sym]}={_value_text(v)}")
            values[sym] = v
    for sym in used:
        if sym in table.indexed:
            name, index = table.indexed[sym]
            entries = scalar(name)
            i = substitute(index, values)
            if not isinstance(entries, (tuple, list)):
                raise ParameterError(f"{table.latex[sym]}: {name} is not list-valued here")
            if not (i.is_Integer and 1 <= i <= len(entries)):
                raise ParameterError(f"{table.latex[sym]} is {name}[{i}], outside 1..{len(entries)} "
                                     f"({name}={_value_text(entries)})")
            values[sym] = sp.sympify(entries[int(i) - 1])
    return values


def _point(claim: Claim, values, target_value, record, dps: int, budget: Budget) -> VerifyPoint:
    exact_claim = substitute(claim.expr, values)
    try:
        with mp.workdps(dps + EXTRA_DIGITS):
            claim_value = numeric(exact_claim, dps + EXTRA_DIGITS)
    except Undefined as exc:
        if isinstance(exc, Unevaluable) and compare(exact_claim, sp.Integer(0), dps, budget).status == EQUAL:
            claim_value = mp.mpf(0)  # proved exactly zero
        else:
            status = None
            if target_value.exact is not None:  # no value at all is proved different; too large is not
                status = DIFFERENT if exact_claim.has(sp.zoo, sp.nan) else UNDECIDED
            return VerifyPoint(record, None, target_value.value, 0, target_value.regime, status,
                               f"the claim has no value here: {exc}", note=str(exc))
    digits = agreeing_digits(claim_value, target_value.value, dps)
    status, method = None, ""
    if target_value.exact is not None:
        cmp = compare(exact_claim, target_value.exact, dps, budget)
        status, method = cmp.status, cmp.method
    return VerifyPoint(record, claim_value, target_value.value, digits, target_value.regime, status, method)


def _symbolic_verdict(points: list[VerifyPoint]) -> tuple[str | None, str]:
    if any(p.symbolic is None for p in points):
        return None, "symdyn has no exact closed form for this target"
    n = len(points)
    for i, p in enumerate(points, 1):
        if p.symbolic == DIFFERENT:
            return DIFFERENT, f"proved different at point {i} ({p.where()}): {p.symbolic_method}"
    if all(p.symbolic == EQUAL for p in points):
        methods = ", ".join(dict.fromkeys(p.symbolic_method.split(";")[0] for p in points))
        return EQUAL, f"proved equal to symdyn's closed form at {'all ' if n > 1 else ''}{n} point" \
                      f"{'s' if n > 1 else ''}: {methods}"
    first = next(p for p in points if p.symbolic == UNDECIDED)
    undecided = sum(p.symbolic == UNDECIDED for p in points)
    return UNDECIDED, f"not proved at {undecided} of {n} points ({first.symbolic_method})"
