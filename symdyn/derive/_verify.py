"""Verification strategies and their results: ``Symbolic``, ``Numeric``, ``Agree``, ``AllOf``."""

from __future__ import annotations

import enum
import random
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Any, Callable, ClassVar, Mapping, Sequence, Union

import mpmath as mp
import sympy as sp

from ..exact import mp_to_decimal
from ..tex import latex as _latex
from ..tex import plain_text
from ._points import Point, Points, _check_exact, _point_json, _regions

__all__ = [
    "Status", "PointResult", "VerificationResult", "Verification", "Symbolic", "Numeric", "Agree", "AllOf",
    "factor_radicands", "reduce_modulo",
]

#: A route or residual: a SymPy expression in the sampled symbols, or a function
#: ``f(point, dps)`` returning a number (mpmath, Python or SymPy) or a mapping of
#: named numbers (each checked).
Route = Union[sp.Expr, Callable[[Point, int], Any]]


class Status(str, enum.Enum):
    """Outcome of a verification."""

    PASSED = "passed"
    FAILED = "failed"   # the check ran and the identity does not hold (or could not be shown)
    ERROR = "error"     # the check itself crashed

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PointResult:
    """One evaluation at one exact parameter point (decimal strings throughout)."""

    point: Mapping[str, str]
    residual: str
    passed: bool
    values: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"point": dict(self.point), "residual": self.residual, "passed": self.passed,
                **({"values": dict(self.values)} if self.values else {})}


@dataclass(frozen=True)
class VerificationResult:
    """What a verification found.

    Attributes
    ----------
    status : Status
    method : str
        ``"symbolic"``, ``"numeric"``, ``"two-routes"`` or ``"all-of"``.
    description : str
        What was checked (LaTeX-flavoured prose).
    evidence : str
        One line: why it passed or failed (plain text).
    residual : str or None
        The symbolic residual after simplification (``"0"`` when passed) or the
        largest numeric residual as a decimal string.
    tolerance : str or None
        Numeric tolerance (absolute, or relative to ``max(1, |value|)`` for two routes).
    dps : int or None
        Working precision of numeric checks (decimal digits).
    points : tuple of PointResult
        The exact parameter points used, with their residuals.
    seconds : float
    parts : tuple of VerificationResult
        Sub-results of :class:`AllOf`.
    """

    status: Status
    method: str
    description: str
    evidence: str
    residual: str | None = None
    tolerance: str | None = None
    dps: int | None = None
    points: tuple[PointResult, ...] = ()
    seconds: float = 0.0
    parts: tuple["VerificationResult", ...] = ()

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": str(self.status),
            "method": self.method,
            "description": self.description,
            "description_text": plain_text(self.description),
            "evidence": self.evidence,
            "residual": self.residual,
            "tolerance": self.tolerance,
            "dps": self.dps,
            "seconds": f"{self.seconds:.3f}",
            "points": [p.to_json() for p in self.points],
        }
        if self.parts:
            out["parts"] = [p.to_json() for p in self.parts]
        return out


# --------------------------------------------------------------------------- helpers


def factor_radicands(expr: sp.Expr) -> sp.Expr:
    """Factor the argument of every square root (and other ``1/q`` powers).

    With positive symbols this lets SymPy pull perfect squares out of roots,
    e.g. ``sqrt(p**2 + 4*p + 4) -> p + 2`` for ``p > 0``.

    >>> p = sp.Symbol("p", positive=True)
    >>> factor_radicands(sp.sqrt(p**2 + 4*p + 4))
    p + 2
    """
    return sp.sympify(expr).replace(
        lambda e: e.is_Pow and e.exp.is_Rational and e.exp.q > 1 and not e.base.is_Number,
        lambda e: sp.factor(e.base) ** e.exp,
    )


def reduce_modulo(expr: sp.Expr, relations: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """The numerator of *expr* reduced modulo ``sym**2 = value`` for each relation.

    *expr* is put over a common denominator; its numerator, a polynomial in
    each relation symbol, is divided by ``sym**2 - value``.  The remainder is
    zero iff the numerator vanishes on the relation (a rational identity then
    holds wherever its denominator does not vanish).

    >>> R, y = sp.symbols("R y")
    >>> reduce_modulo(R**3 - y*R, {R: y})
    0
    """
    num = sp.numer(sp.together(sp.sympify(expr)))
    for sym, value in relations.items():
        num = sp.rem(sp.expand(num), sp.expand(sym**2 - value), sym)
    return sp.expand(num)


_SIMPLIFIERS: tuple[tuple[str, Callable[[sp.Expr], sp.Expr]], ...] = (
    ("simplify", lambda e: sp.simplify(e)),
    ("simplify after factoring radicands", lambda e: sp.simplify(factor_radicands(sp.simplify(e)))),
    ("exponential rewrite", lambda e: sp.simplify(sp.expand(e.rewrite(sp.exp)))),
    ("radsimp", lambda e: sp.simplify(sp.radsimp(sp.expand(factor_radicands(e))))),
)


def guarded_dps(dps: int, guard: int) -> int:
    """The precision a route evaluates at: *guard* digits beyond the check's *dps*, but never beyond the
    library's :data:`~symdyn.params.MAX_DPS` (a route at ``--dps 1000`` then works at 1000 digits, and
    the check's own tolerance says whether that was enough).

    >>> guarded_dps(30, 60), guarded_dps(1000, 60)
    (90, 1000)
    """
    from ..params import MAX_DPS

    return min(int(dps) + int(guard), MAX_DPS)


def _num(value: Any, dps: int) -> mp.mpc | mp.mpf:
    """An mpmath number from a SymPy/Python/mpmath value at *dps* digits."""
    if isinstance(value, (mp.mpf, mp.mpc)):
        return value
    if isinstance(value, (int, float, complex)):
        return mp.mpmathify(value)
    v = sp.sympify(value)
    _check_exact(v, "route value")
    n = sp.N(v, dps + 10)
    if not n.is_number:
        raise ValueError(f"route value {sp.sstr(v)[:120]} is not a number (free symbols {v.free_symbols})")
    re_, im_ = n.as_real_imag()
    re_m = mp.mpf(sp.Float(re_, dps)._mpf_)
    if im_ == 0:
        return re_m
    return mp.mpc(re_m, mp.mpf(sp.Float(im_, dps)._mpf_))


def _dec(x: Any, digits: int = 6) -> str:
    if isinstance(x, mp.mpc):
        if x.imag == 0:
            x = x.real
        else:
            return f"{mp_to_decimal(x.real, digits)}{'+' if x.imag >= 0 else '-'}{mp_to_decimal(abs(x.imag), digits)}i"
    return mp_to_decimal(mp.mpf(x), digits)


def _evaluate_route(route: Route, point: Point, dps: int) -> dict[str, Any]:
    """Evaluate a route at *point*; always returns a mapping name -> mp number."""
    with mp.workdps(dps):
        if isinstance(route, sp.Basic):
            value: Any = route.subs(dict(point))
        else:
            value = route(point, dps)
        items = value.items() if isinstance(value, Mapping) else (("value", value),)
        return {k: _num(v, dps) for k, v in items}


# --------------------------------------------------------------------------- strategies


class Verification(ABC):
    """Interface of verification strategies (abstract; concrete strategies are final).

    Subclasses implement :meth:`_run` and :attr:`description`; callers use
    :meth:`verify`, which times the check and turns an exception into a result
    with status ``error``.
    """

    method: ClassVar[str]

    @property
    @abstractmethod
    def description(self) -> str:
        """What is checked, as LaTeX-flavoured prose."""

    @abstractmethod
    def _run(self, *, dps: int, rng: random.Random) -> VerificationResult:
        """Perform the check."""

    def verify(self, *, dps: int = 50, seed: int | str = 0, rng: random.Random | None = None) -> VerificationResult:
        """Run the check at *dps* digits with random points drawn from *seed* (or *rng*).

        Never raises for a failing identity; a crash gives status ``error``.
        """
        if isinstance(dps, bool) or not isinstance(dps, int) or dps < 10:
            raise ValueError(f"dps={dps!r}: use a whole number of at least 10 digits")
        rng = rng if rng is not None else random.Random(str(seed))
        start = time.perf_counter()
        try:
            result = self._run(dps=dps, rng=rng)
        except Exception as exc:  # a crashing check is reported, not raised
            result = VerificationResult(
                Status.ERROR, self.method, self.description,
                f"the check raised {type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
            )
        return replace(result, seconds=time.perf_counter() - start)


class Symbolic(Verification):
    """A residual that must simplify to zero (final).

    Parameters
    ----------
    residual : sympy.Expr, sequence of Expr, Matrix, or callable
        ``lhs - rhs`` of the identity; several residuals (or a matrix) must all
        vanish.  A function of no arguments returning them is called when the
        check runs (for residuals that are costly to build, e.g. integrals).
    modulo : mapping Symbol -> Expr, optional
        Quadratic relations ``sym**2 = value``; the numerator of the residual is
        reduced modulo them (:func:`reduce_modulo`) before simplifying.
    substitute : mapping, optional
        A substitution applied first, e.g. a parametrisation of a regime
        (``c -> theta**4/(1 + p)**2`` with ``p > 0`` puts ``theta`` above the
        BBP threshold, so that principal square roots simplify).
    regime : str
        LaTeX-flavoured description of the substitution / assumptions.
    modulo_text : str
        LaTeX-flavoured display of the relations (default: printed from *modulo*).

    The residual is tried with several simplifiers (``simplify``; after
    factoring radicands; after rewriting in exponentials; ``radsimp``).  If none
    reaches 0 the status is ``failed`` and the evidence carries the residual's
    value at a random point, which tells a false identity from a weak simplifier.

    Examples
    --------
    >>> z, R, c = sp.Symbol("z"), sp.Symbol("R"), sp.Symbol("c", positive=True)
    >>> m = (1 - c - z + R) / (2 * c * z)
    >>> lm, lp = (1 - sp.sqrt(c))**2, (1 + sp.sqrt(c))**2
    >>> Symbolic(c*z*m**2 + (z + c - 1)*m + 1, modulo={R: (z - lm)*(z - lp)}).verify().passed
    True
    >>> Symbolic(c*z*m**2 + (z - c - 1)*m + 1, modulo={R: (z - lm)*(z - lp)}).verify().passed
    False
    """

    method = "symbolic"

    def __init__(
        self,
        residual: sp.Expr | Sequence[sp.Expr] | sp.MatrixBase | Callable[[], Any],
        *,
        modulo: Mapping[sp.Symbol, sp.Expr] | None = None,
        substitute: Mapping[sp.Symbol, sp.Expr] | None = None,
        regime: str = "",
        modulo_text: str = "",
    ) -> None:
        self.modulo_text = modulo_text
        self._lazy = residual if callable(residual) and not isinstance(residual, sp.Basic) else None
        self._residuals = None if self._lazy is not None else self._as_residuals(residual)
        self.modulo = dict(modulo or {})
        self.substitute = dict(substitute or {})
        self.regime = regime
        for v in (*self.modulo.values(), *self.substitute.values()):
            _check_exact(sp.sympify(v), "a relation or substitution")

    @staticmethod
    def _as_residuals(residual: Any) -> tuple[sp.Expr, ...]:
        if isinstance(residual, (sp.MatrixBase, list, tuple)):
            parts = tuple(residual)
        else:
            parts = (residual,)
        if not parts:
            raise ValueError("Symbolic needs at least one residual")
        out = tuple(sp.sympify(r) for r in parts)
        for r in out:
            _check_exact(r, "the residual")
        return out

    @property
    def residuals(self) -> tuple[sp.Expr, ...]:
        """The residuals (a lazy residual, given as a function, is built on first use)."""
        if self._residuals is None:
            self._residuals = self._as_residuals(self._lazy())
        return self._residuals

    @property
    def description(self) -> str:
        text = "symbolic: the residual simplifies to $0$"
        if self.modulo:
            rel = self.modulo_text or ", ".join(f"${_latex(s)}^{{2}} = {_latex(v)}$" for s, v in self.modulo.items())
            text += f" modulo {rel}"
        if self.substitute:
            subs = ", ".join(f"${_latex(s)} = {_latex(v)}$" for s, v in self.substitute.items())
            text += f" after substituting {subs}"
        if self.regime:
            text += f" ({self.regime})"
        return text

    def _run(self, *, dps: int, rng: random.Random) -> VerificationResult:
        how = []
        for i, residual in enumerate(self.residuals):
            ok, name, last = self._reduce(residual)
            label = f"residual {i + 1} of {len(self.residuals)}" if len(self.residuals) > 1 else "the residual"
            if not ok:
                return VerificationResult(
                    Status.FAILED, self.method, self.description,
                    f"{label} does not simplify to 0; " + _probe(last, dps, rng),
                    residual=sp.sstr(last)[:2000],
                )
            how.append(name)
        names = ", ".join(dict.fromkeys(how))
        count = f"all {len(self.residuals)} residuals reduce" if len(self.residuals) > 1 else "the residual reduces"
        return VerificationResult(Status.PASSED, self.method, self.description, f"{count} to 0 ({names})",
                                  residual="0")

    def _reduce(self, expr: sp.Expr) -> tuple[bool, str, sp.Expr]:
        if self.substitute:
            expr = expr.subs(self.substitute)
        if self.modulo:
            expr = reduce_modulo(factor_radicands(expr), self.modulo)
        last = expr
        for name, simplifier in _SIMPLIFIERS:
            try:
                last = simplifier(expr)
            except Exception:  # noqa: BLE001 - a simplifier may give up; try the next one
                continue
            if last == 0:
                return True, name, last
        return False, "", last


def _probe(expr: sp.Expr, dps: int, rng: random.Random) -> str:
    """Value of *expr* at a random positive rational point (diagnostic only)."""
    syms = sorted(expr.free_symbols, key=str)
    point = {s: (sp.Integer(rng.randint(1, 6)) if s.is_integer
                 else sp.Rational(rng.randint(1, 400), rng.randint(100, 300))) for s in syms}
    try:
        with mp.workdps(30):
            value = abs(_num(expr.subs(point), 30))
        where = ", ".join(f"{k}={v}" for k, v in point.items())
        verdict = "the identity is false" if value > mp.mpf(10) ** -20 else "the simplifier may be too weak"
        return f"its value at {where or 'the point'} is {_dec(value, 5)} ({verdict})"
    except Exception:  # noqa: BLE001 - diagnostics must not crash the report
        return "its value at a random point could not be computed"


class _Pointwise(Verification):
    """Shared machinery of point-based strategies (abstract)."""

    def __init__(self, points: Points | Sequence[Points], *, loss: int, label: str,
                 tolerance: Any = None) -> None:
        self.regions = _regions(points)
        if loss < 0:
            raise ValueError("loss must be non-negative (digits allowed to be lost)")
        self.loss = loss
        self.label = label
        self.fixed_tolerance = None if tolerance is None else sp.Rational(tolerance)
        if self.fixed_tolerance is not None and not self.fixed_tolerance > 0:
            raise ValueError("tolerance must be positive")

    def tolerance(self, dps: int) -> mp.mpf:
        """``10**-(dps - loss)``, or the fixed tolerance if one was given."""
        with mp.workdps(dps):
            if self.fixed_tolerance is not None:
                return mp.mpf(int(self.fixed_tolerance.p)) / int(self.fixed_tolerance.q)
            return mp.mpf(10) ** (-(dps - self.loss))

    def _tolerance_text(self) -> str:
        if self.fixed_tolerance is not None:
            return f"${_latex(self.fixed_tolerance)}$"
        return f"$10^{{-(\\mathrm{{dps}} - {self.loss})}}$"

    def _where(self) -> str:
        regions = [r.label for r in self.regions if r.label]
        n = sum(r.count for r in self.regions)
        text = f"at {n} seeded random exact rational point{'s' if n != 1 else ''}"
        if regions:
            text += " (" + "; ".join(regions) + ")"
        return text

    @abstractmethod
    def _compare(self, point: Point, dps: int) -> tuple[mp.mpf, dict[str, str]]:
        """(residual, values to record) at one point."""

    def _run(self, *, dps: int, rng: random.Random) -> VerificationResult:
        tol = self.tolerance(dps)
        results: list[PointResult] = []
        worst = mp.mpf(0)
        for region in self.regions:
            for point in region.sample(rng):
                residual, values = self._compare(point, dps)
                ok = bool(mp.isfinite(residual) and residual <= tol)
                worst = max(worst, residual) if mp.isfinite(residual) else mp.inf
                results.append(PointResult(_point_json(point), _dec(residual, 3), ok, values))
        n_bad = sum(not r.passed for r in results)
        status = Status.PASSED if n_bad == 0 else Status.FAILED
        what = "residual" if self.method == "numeric" else "relative difference"
        evidence = (f"max {what} {_dec(worst, 3)} at {len(results)} points, tolerance {_dec(tol, 2)}, {dps} digits"
                    + ("" if n_bad == 0 else f"; {n_bad} point(s) exceed the tolerance"))
        return VerificationResult(status, self.method, self.description, evidence, residual=_dec(worst, 3),
                                  tolerance=_dec(tol, 2), dps=dps, points=tuple(results))


class Numeric(_Pointwise):
    """A residual that must vanish at random exact points, to a stated tolerance (final).

    Parameters
    ----------
    residual : sympy.Expr or callable
        A SymPy expression in the sampled symbols, or ``f(point, dps)`` returning
        a number or a mapping of named numbers (each must vanish).  The
        absolute value is compared with ``10**-(dps - loss)``.
    points : Points or sequence of Points
    loss : int
        Digits the computation may lose (default 8).
    tolerance : rational, optional
        A fixed tolerance instead of ``10**-(dps - loss)`` (for asymptotic
        statements checked at finite parameters).
    label : str
        What the residual measures (LaTeX-flavoured prose).

    Examples
    --------
    >>> th = sp.Symbol("theta", positive=True)
    >>> pts = Points({th: (1, 2)}, count=2)
    >>> Numeric(sp.sqrt(th**2) - th, pts).verify(dps=30).passed
    True
    >>> Numeric(lambda p, dps: mp.sqrt(p[th]**2) + p[th], pts).verify(dps=30).passed
    False
    """

    method = "numeric"

    def __init__(self, residual: Route, points: Points | Sequence[Points], *, loss: int = 8, label: str = "",
                 tolerance: Any = None) -> None:
        super().__init__(points, loss=loss, label=label, tolerance=tolerance)
        if isinstance(residual, sp.Basic):
            _check_exact(residual, "the residual")
        self.residual = residual

    @property
    def description(self) -> str:
        what = self.label or "the residual"
        return f"numeric: {what} vanishes {self._where()}, to {self._tolerance_text()}"

    def _compare(self, point: Point, dps: int) -> tuple[mp.mpf, dict[str, str]]:
        values = _evaluate_route(self.residual, point, dps)
        with mp.workdps(dps):
            residual = max(abs(v) for v in values.values())
        return residual, {k: _dec(v, 6) for k, v in values.items()} if len(values) > 1 else {}


class Agree(_Pointwise):
    """Two independent routes that must agree at random exact points (final).

    The relative difference ``|a - b| / max(1, |b|)`` is compared with
    ``10**-(dps - loss)``.  Routes may return mappings of named numbers; their
    keys must match and every entry is compared.

    Parameters
    ----------
    first, second : sympy.Expr or callable
        The two routes (``f(point, dps)`` or an expression in the sampled symbols).
    points : Points or sequence of Points
    names : (str, str)
        LaTeX-flavoured names of the routes, e.g. ``("closed form", "quadrature")``.
    loss : int
        Digits the routes may lose (default 8).
    tolerance : rational, optional
        A fixed relative tolerance instead of ``10**-(dps - loss)``.

    Examples
    --------
    >>> x = sp.Symbol("x", positive=True)
    >>> quad = lambda p, dps: mp.quad(lambda s: mp.exp(-p[x] * s), [0, mp.inf])
    >>> Agree(1 / x, quad, Points({x: (1, 3)}, count=2), names=("$1/x$", "quadrature")).verify(dps=30).passed
    True
    >>> Agree(2 / x, quad, Points({x: (1, 3)}, count=2)).verify(dps=30).passed
    False
    """

    method = "two-routes"

    def __init__(self, first: Route, second: Route, points: Points | Sequence[Points], *,
                 names: tuple[str, str] = ("first route", "second route"), loss: int = 8,
                 tolerance: Any = None) -> None:
        super().__init__(points, loss=loss, label="", tolerance=tolerance)
        for r in (first, second):
            if isinstance(r, sp.Basic):
                _check_exact(r, "a route")
        self.first, self.second, self.names = first, second, names

    @property
    def description(self) -> str:
        a, b = self.names
        return (f"two routes: {a} and {b} agree {self._where()}, "
                f"to {self._tolerance_text()} relative")

    def _compare(self, point: Point, dps: int) -> tuple[mp.mpf, dict[str, str]]:
        a = _evaluate_route(self.first, point, dps)
        b = _evaluate_route(self.second, point, dps)
        if set(a) != set(b):
            raise ValueError(f"the routes return different quantities: {sorted(a)} vs {sorted(b)}")
        with mp.workdps(dps):
            worst = mp.mpf(0)
            values = {}
            for k in a:
                diff = abs(a[k] - b[k]) / max(mp.mpf(1), abs(b[k]))
                worst = max(worst, diff)
                prefix = "" if k == "value" else f"{k}:"
                values[prefix + "first"] = _dec(a[k], 20)
                values[prefix + "second"] = _dec(b[k], 20)
        return worst, values


class AllOf(Verification):
    """Several strategies that must all pass (final).

    >>> x = sp.Symbol("x", positive=True)
    >>> both = AllOf(Symbolic(sp.exp(sp.log(x)) - x), Numeric(sp.exp(sp.log(x)) - x, Points({x: (1, 2)})))
    >>> res = both.verify(dps=20)
    >>> res.passed, [p.method for p in res.parts]
    (True, ['symbolic', 'numeric'])
    """

    method = "all-of"

    def __init__(self, *parts: Verification) -> None:
        if not parts or not all(isinstance(p, Verification) for p in parts):
            raise TypeError("AllOf needs one or more Verification objects")
        self.parts = parts

    @property
    def description(self) -> str:
        return "; ".join(p.description for p in self.parts)

    def _run(self, *, dps: int, rng: random.Random) -> VerificationResult:
        results = tuple(p.verify(dps=dps, rng=rng) for p in self.parts)
        bad = [i for i, r in enumerate(results) if not r.passed]
        status = Status.PASSED
        if bad:
            status = Status.ERROR if any(results[i].status is Status.ERROR for i in bad) else Status.FAILED
        methods = ", ".join(dict.fromkeys(r.method for r in results))
        if bad:
            evidence = "; ".join(f"part {i + 1} ({results[i].method}) {results[i].status}: {results[i].evidence}"
                                 for i in bad)
        else:
            evidence = "; ".join(r.evidence for r in results)
        return VerificationResult(status, f"all-of({methods})", self.description, evidence, parts=results,
                                  dps=dps)
