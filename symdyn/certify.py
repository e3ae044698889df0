"""Rigorous enclosures with python-flint (arb ball arithmetic).

Everything here returns intervals ``[lower, upper]`` that *provably* contain the
true value, or raises :class:`~symdyn.errors.CertificationError`; no ball is ever
returned that was not proved.  The module is generic (no model knowledge); models
provide their certified quantities in ``symdyn/models/<model>/certified.py`` and
:func:`certify_trajectory` dispatches to it.

Building blocks
---------------
* :func:`enclose` -- interval evaluation of an exact real SymPy closed form
  (rationals, radicals, pi, exp/log/trig) in arb, with the working precision
  raised until the requested relative width is reached.
* :func:`certify_real_algebraic` -- the certified route for algebraic numbers:
  SymPy's exact minimal polynomial, certified isolation of *all* its complex roots
  (``fmpz_poly.complex_roots``, i.e. arb's ``arb_fmpz_poly_complex_roots``: the
  returned balls are pairwise disjoint, each holds exactly one root, real roots
  are flagged by an exactly zero imaginary part), and identification of the
  right root as the unique root ball that meets an arb interval evaluation of the
  closed form (which provably contains the value).  The root is refined by
  recomputing the isolation at higher precision.
* :func:`integrate` -- ``acb.integral`` with relative tolerance only and an
  optional *subdivision cross-check*: the integral is computed on ``[a, b]`` and
  on ``[a, m] + [m, b]``; two correct enclosures always overlap, so disjoint balls
  prove a defective integrand (typically a branch-cut function that ignores the
  ``analytic`` flag) and raise.  Integrands take ``(z, analytic)`` and must forward
  ``analytic`` to every function with a branch cut: use :func:`sqrt`,
  :func:`log`, :func:`rsqrt`, :func:`power` here, or write the integrand through
  entire functions (such as :func:`cosh_sqrt`).
* :func:`certified_sign`, :func:`refine_crossing` -- sign-certified bisection.
* :class:`CertifiedValue`, :class:`CertifiedTrajectory` -- result objects whose
  JSON carries ``value``, ``lower``, ``upper`` (decimal strings rounded outward).

python-flint is the optional extra ``symdyn[certify]``; it is imported lazily, so
symdyn works without it and every entry point raises CertificationError with an
installation hint when it is missing.  flint's working precision is global
(``flint.ctx.prec``); every function here sets it inside :func:`workprec` and
restores it, so the caller's precision is neither read nor changed.

>>> import sympy as sp
>>> v = certify_real_algebraic(sp.Rational(1, 2) ** sp.Rational(1, 4), 30, name="theta_c")
>>> with mp.workdps(200):  # far beyond the width of the ball
...     ref = mp.root(mp.mpf(1) / 2, 4)
>>> v.contains(ref), mp_to_decimal(v.value, 30)
(True, '0.840896415253714543031125476233')
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterator, Mapping, Sequence

import mpmath as mp
import sympy as sp

from .errors import CertificationError, CertificationUnavailable
from .results import tex_name, tex_number
from .exact import enclosure_decimals, enclosure_midpoint, is_algebraic_form, is_exact_zero, mp_to_decimal  # noqa: F401 (doctest)

__all__ = [
    "flint_module", "available", "workprec", "bits_for_dps",
    "enclose", "to_arb", "arb_bounds", "arb_from_fraction", "mpf_to_fraction", "certified_sign",
    "CertifiedValue", "CertifiedTrajectory", "from_arb",
    "certify_real_algebraic", "certify_closed_form", "certify_algebraic",
    "sqrt", "rsqrt", "log", "power", "cosh_sqrt",
    "integrate", "refine_crossing", "certify_trajectory",
]

GUARD_BITS = 16          # extra relative accuracy beyond the requested digits
MAX_BITS = 200_000       # cap of any working precision (about 60,000 digits)
LOCATOR_BITS = 64        # relative accuracy of the first root locator
SPLIT = Fraction(47, 128)  # asymmetric split point (fraction of [a, b]) of the subdivision cross-check


# ----------------------------------------------------------------------------- flint, precision


def flint_module():
    """The ``flint`` module, or CertificationError with an installation hint."""
    try:
        import flint
    except ImportError as exc:
        raise CertificationUnavailable(
            f"certification needs python-flint, which is not installed ({exc}): pip install 'symdyn[certify]'"
        ) from None
    return flint


def available() -> bool:
    """True iff python-flint can be imported."""
    try:
        flint_module()
    except CertificationError:
        return False
    return True


@contextmanager
def workprec(bits: int) -> Iterator[None]:
    """Set flint's (global) working precision to *bits* inside the block and restore it."""
    ctx = flint_module().ctx
    old = ctx.prec
    ctx.prec = int(bits)
    try:
        yield
    finally:
        ctx.prec = old


def bits_for_dps(dps: int) -> int:
    """Binary digits holding *dps* decimal digits."""
    return int(math.ceil(int(dps) * math.log2(10)))


def _rel_ok(x, bits: int) -> bool:
    """The ball is exact, or its relative radius is at most ``2^-bits``."""
    if not x.is_finite():
        return False
    if x.is_exact():
        return True
    return x.rel_accuracy_bits() >= bits


# ----------------------------------------------------------------------------- conversions


def arb_from_fraction(q: Fraction | int | sp.Rational):
    """An arb holding the rational *q* (exact when it is dyadic and fits the precision)."""
    fl = flint_module()
    if isinstance(q, sp.Rational):
        q = Fraction(int(q.p), int(q.q))
    q = Fraction(q)
    if q.denominator == 1:
        return fl.arb(fl.fmpz(q.numerator))
    return fl.arb(fl.fmpq(q.numerator, q.denominator))


def arb_bounds(x) -> tuple[mp.mpf, mp.mpf]:
    """Exact binary endpoints ``(lower, upper)`` of a finite real ball, as mpf (no rounding)."""
    if not x.is_finite():
        raise CertificationError("the enclosure is not finite")
    mm, me = (int(v) for v in x.mid().man_exp())
    rm, re_ = (int(v) for v in x.rad().man_exp())
    e = min(me, re_)  # exact integer arithmetic on the common exponent: no rounding at all
    mid, rad = mm << (me - e), rm << (re_ - e)
    lo = mp.make_mpf(mp.libmp.from_man_exp(mid - rad, e))
    hi = mp.make_mpf(mp.libmp.from_man_exp(mid + rad, e))
    return lo, hi


def mpf_to_fraction(x: mp.mpf) -> Fraction:
    """The exact value of a finite mpf as a Fraction."""
    sign, man, exp, _ = x._mpf_
    if not man and exp:
        raise ValueError("not a finite number")
    q = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return -q if sign else q


def certified_sign(x) -> int | None:
    """1 or -1 if the real ball provably has that sign, 0 if it is exactly zero, else None."""
    if not x.is_finite():
        return None
    if x > 0:
        return 1
    if x < 0:
        return -1
    if x.is_exact() and x.is_zero():
        return 0
    return None


# ----------------------------------------------------------------------------- closed forms


_FUNCS = {
    sp.exp: "exp", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.sinh: "sinh",
    sp.cosh: "cosh", sp.tanh: "tanh", sp.atan: "atan", sp.asinh: "asinh",
}


def _hyp2f1(e: sp.hyper, memo: dict) -> Any:
    """arb enclosure of a real Gauss function ``hyper((a, b), (c,), z)`` with ``z < 1`` (arb_hypgeom_2f1).

    The parameters are exact SymPy numbers; their balls are inexact when not dyadic, so the flags telling
    arb which of ``a - b``, ``a - c``, ``b - c``, ``a + b - c`` are exact integers (the logarithmic cases of the
    connection formulas) are decided exactly in SymPy and passed on.
    """
    (a, b), (c,) = e.ap, e.bq
    z = e.argument
    A, B, C, Z = (_to_arb(sp.sympify(v), memo) for v in (a, b, c, z))
    if not Z < 1:
        raise CertificationError(f"cannot certify {sp.sstr(e)}: the argument is not provably below 1 (branch cut)")
    flags = {name: bool(sp.sympify(diff).is_integer)
             for name, diff in (("ab", a - b), ("ac", a - c), ("bc", b - c), ("abc", a + b - c))}
    return Z.hypgeom_2f1(A, B, C, **flags)


def _to_arb(expr: sp.Expr, memo: dict) -> Any:
    if expr in memo:
        return memo[expr]
    fl = flint_module()
    arb = fl.arb
    e = expr
    if e.is_Integer:
        out = arb(fl.fmpz(int(e)))
    elif e.is_Rational:
        out = arb(fl.fmpq(int(e.p), int(e.q)))
    elif e is sp.pi:
        out = arb.pi()
    elif e is sp.E:
        out = arb.const_e()
    elif isinstance(e, sp.Float):
        raise CertificationError(f"the closed form contains a float ({e}); exact rationals are required")
    elif e.is_Add:
        out = arb(0)
        for a in e.args:
            out = out + _to_arb(a, memo)
    elif e.is_Mul:
        out = arb(1)
        for a in e.args:
            out = out * _to_arb(a, memo)
    elif e.is_Pow:
        base, ex = e.args
        b = _to_arb(base, memo)
        if ex.is_Integer:
            n = int(ex)
            if n < 0:
                if not (b > 0 or b < 0):
                    raise CertificationError(f"cannot certify {e}: the base may vanish")
                out = 1 / (b ** (-n))
            else:
                out = b ** n
        elif b > 0:
            if ex.is_Rational and ex.q == 2:
                out = b.sqrt() ** int(ex.p) if ex.p > 0 else 1 / (b.sqrt() ** int(-ex.p))
            elif ex.is_Rational:
                r = b.root(int(ex.q))
                out = r ** int(ex.p) if ex.p > 0 else 1 / (r ** int(-ex.p))
            else:
                out = (_to_arb(ex, memo) * b.log()).exp()
        elif b.is_exact() and b.is_zero() and ex.is_positive:
            out = arb(0)
        else:
            raise CertificationError(f"cannot certify {e}: the base of a non-integer power is not provably positive")
    elif isinstance(e, sp.log):
        b = _to_arb(e.args[0], memo)
        if not b > 0:
            raise CertificationError(f"cannot certify {e}: the argument is not provably positive")
        out = b.log()
    elif isinstance(e, sp.Abs):
        out = abs(_to_arb(e.args[0], memo))
    elif isinstance(e, sp.sign):
        b = _to_arb(e.args[0], memo)
        s = certified_sign(b)
        if s is None:
            s = 0 if is_exact_zero(e.args[0]) else None
        if s is None:
            raise CertificationError(f"cannot decide the sign of {e.args[0]}")
        out = arb(s)
    elif isinstance(e, (sp.Max, sp.Min)):
        vals = [_to_arb(a, memo) for a in e.args]
        out = vals[0]
        for v in vals[1:]:
            out = out.max(v) if isinstance(e, sp.Max) else out.min(v)
    elif isinstance(e, sp.atanh):
        b = _to_arb(e.args[0], memo)
        if not abs(b) < 1:
            raise CertificationError(f"cannot certify {e}: the argument is not provably inside (-1, 1)")
        out = b.atanh()
    elif isinstance(e, sp.hyper) and len(e.ap) == 2 and len(e.bq) == 1:
        out = _hyp2f1(e, memo)
    elif type(e) in _FUNCS:
        out = getattr(_to_arb(e.args[0], memo), _FUNCS[type(e)])()
    else:
        raise CertificationError(f"cannot certify {sp.sstr(e)}: no interval evaluation for {type(e).__name__}")
    memo[expr] = out
    return out


def to_arb(expr: sp.Expr, prec: int):
    """arb ball of a real closed form evaluated at *prec* bits (radius as it comes)."""
    expr = sp.sympify(expr)
    if expr.free_symbols:
        raise CertificationError(f"cannot certify {expr}: it has free symbols {sorted(map(str, expr.free_symbols))}")
    with workprec(prec):
        x = _to_arb(expr, {})
    return x


def enclose(expr: sp.Expr, bits: int, *, zero_check: bool = True):
    """An arb ball of the exact real number *expr* with relative radius at most ``2^-bits``.

    The working precision is doubled until the width is reached (cancellations such
    as ``theta^4 - c`` at ``theta = theta_c (1 + 1e-20)`` cost only extra bits).  A value
    that SymPy proves to be exactly zero is returned as the exact ball 0.
    """
    expr = sp.sympify(expr)
    flint = flint_module()
    if expr.is_Rational and expr == 0:
        return flint.arb(0)
    prec = int(bits) + 32
    zero_checked = False
    while True:
        x = to_arb(expr, prec)
        if _rel_ok(x, bits):
            return x
        if zero_check and not zero_checked and x.is_finite() and x.contains(0):
            zero_checked = True
            if is_exact_zero(expr):
                return flint.arb(0)
        prec *= 2
        if prec > MAX_BITS:
            raise CertificationError(
                f"could not enclose {sp.sstr(expr)[:80]} to {bits} bits within {MAX_BITS} bits of working precision")


# ----------------------------------------------------------------------------- result objects


@dataclass(frozen=True)
class CertifiedValue:
    """A real number with a rigorous enclosure ``lower <= true value <= upper``.

    ``lower`` and ``upper`` are the exact binary endpoints of the proved ball;
    ``value`` is its exact midpoint (the best estimate, inside ``[lower, upper]``).  JSON and
    text print the endpoints as decimal strings rounded outward and the value rounded to
    nearest, all with ``dps + 5`` digits (:func:`symdyn.exact.enclosure_decimals`), so the
    printed interval contains the printed value.
    """

    name: str
    value: mp.mpf
    lower: mp.mpf
    upper: mp.mpf
    dps: int
    method: str
    notes: tuple[str, ...] = ()

    def contains(self, x: Any) -> bool:
        """True iff *x* lies in ``[lower, upper]`` (mpf compared exactly; ints and Fractions converted exactly)."""
        if isinstance(x, Fraction):
            return mpf_to_fraction(self.lower) <= x <= mpf_to_fraction(self.upper)
        if not isinstance(x, mp.mpf):
            x = mp.make_mpf(mp.libmp.from_int(int(x)))
        return bool(self.lower <= x <= self.upper)

    @property
    def width(self) -> mp.mpf:
        with mp.workdps(self.dps + 20):
            return self.upper - self.lower

    def relative_width(self) -> mp.mpf:
        with mp.workdps(self.dps + 20):
            scale = max(abs(self.lower), abs(self.upper))
            return mp.mpf(0) if scale == 0 else (self.upper - self.lower) / scale

    def to_json(self) -> dict[str, str]:
        value, lower, upper = enclosure_decimals(self.lower, self.upper, self.dps + 5)
        return {"value": value, "lower": lower, "upper": upper}

    def render(self) -> str:
        j = self.to_json()
        return f"{j['value']}  in [{j['lower']}, {j['upper']}]"

    def __str__(self) -> str:
        return f"{self.name} = {self.render()}"

    def _repr_latex_(self) -> str:
        j = self.to_json()
        return (f"${tex_name(self.name)} = {tex_number(j['value'])} \\in [{tex_number(j['lower'])},\\ "
                f"{tex_number(j['upper'])}]$")


def from_arb(name: str, x, dps: int, method: str, notes: Sequence[str] = ()) -> CertifiedValue:
    """A :class:`CertifiedValue` from a finite real ball."""
    lo, hi = arb_bounds(x)
    return CertifiedValue(name=name, value=enclosure_midpoint(lo, hi), lower=lo, upper=hi, dps=int(dps),
                          method=method, notes=tuple(notes))


@dataclass(frozen=True)
class CertifiedTrajectory:
    """Certified observables along a list of times: ``observables[name][i]`` at ``times[i]``."""

    model: str
    params: Any
    dps: int
    times: tuple[Any, ...]
    time_name: str
    observables: Mapping[str, tuple[CertifiedValue, ...]]
    method: str
    regime: Any = None
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> tuple[CertifiedValue, ...]:
        return tuple(self.observables[name])

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": self.params.to_json() if hasattr(self.params, "to_json") else dict(self.params),
            "params_exact": self.params.exact_json() if hasattr(self.params, "exact_json") else dict(self.params),
            "dps": self.dps,
            "time_variable": self.time_name,
            "times": [str(t) for t in self.times],
            "observables": {k: [v.to_json() for v in vals] for k, vals in self.observables.items()},
            "certified": True,
            "regime": None if self.regime is None else str(self.regime),
            "method": self.method,
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        return self.render()

    def _repr_latex_(self) -> str:
        names = list(self.observables)
        rows = []
        for i, t in enumerate(self.times):
            cells = []
            for n in names:
                j = self.observables[n][i].to_json()
                cells.append(f"{tex_number(j['value'])} \\in [{tex_number(j['lower'])},\\ {tex_number(j['upper'])}]")
            rows.append(" & ".join([str(t)] + cells))
        head = " & ".join([self.time_name] + [f"{tex_name(n)}({self.time_name})" for n in names])
        return (f"$\\begin{{array}}{{r|{'l' * len(names)}}} {head} \\\\ \\hline " + r" \\ ".join(rows)
                + f" \\end{{array}}\\quad \\text{{({self.model}, {self.regime}, certified, {self.dps} digits)}}$")

    def render(self) -> str:
        lines = [f"{self.model}  regime: {self.regime}  ({self.dps} digits, certified enclosures)"]
        for i, t in enumerate(self.times):
            lines.append(f"{self.time_name} = {t}")
            for name, vals in self.observables.items():
                j = vals[i].to_json()
                lines.append(f"  {name} = {j['value']}")
                lines.append(f"  {' ' * len(name)}   in [{j['lower']}, {j['upper']}]")
        lines.append(f"method: {self.method}")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


# ----------------------------------------------------------------------------- algebraic numbers


def _integer_coefficients(poly: sp.Poly) -> list[int]:
    coeffs = poly.all_coeffs()
    den = 1
    for c in coeffs:
        den = sp.ilcm(den, sp.Rational(c).q)
    ints = [int(sp.Rational(c) * den) for c in coeffs]
    g = 0
    for v in ints:
        g = math.gcd(g, v)
    return [v // g for v in ints]


def certify_real_algebraic(expr: sp.Expr, dps: int, *, name: str = "value") -> CertifiedValue:
    """Certified enclosure of a real algebraic closed form to relative width ``< 10^-dps``.

    1. ``p = minimal_polynomial(expr)`` in SymPy (exact algebra), with integer coefficients;
    2. arb isolates all complex roots of ``p`` (``fmpz_poly.complex_roots``): disjoint
       balls, one root each, real roots with an exactly zero imaginary part;
    3. the right root is the unique root ball meeting an arb interval evaluation of
       ``expr`` (a rigorous enclosure of the value itself): the value is a root of ``p``,
       so it lies in some root ball, which then meets the evaluation; uniqueness
       identifies it (the locator is refined until only one ball meets it);
    4. the isolation is recomputed at higher precision until the root ball is narrow enough.
    """
    fl = flint_module()
    expr = sp.sympify(expr)
    dps = int(dps)
    target = bits_for_dps(dps) + GUARD_BITS
    if expr.free_symbols:
        raise CertificationError(f"cannot certify {name}: it depends on {sorted(map(str, expr.free_symbols))}")
    if expr.is_Rational:
        with workprec(target + 16):
            x = arb_from_fraction(expr) + 0
        return from_arb(name, x, dps, f"exact rational {expr}, enclosed at {target + 16} bits")
    X = sp.Dummy("x")
    try:
        poly = sp.minimal_polynomial(expr, X, polys=True)
    except (NotImplementedError, sp.polys.polyerrors.PolynomialError, ValueError) as exc:
        raise CertificationError(f"cannot certify {name}: no minimal polynomial ({exc})") from None
    coeffs = _integer_coefficients(poly)
    deg = len(coeffs) - 1
    if deg == 1:  # a rational number in disguise
        q = sp.Rational(-coeffs[1], coeffs[0])
        with workprec(target + 16):
            x = arb_from_fraction(q) + 0
        return from_arb(name, x, dps, f"minimal polynomial of degree 1: exactly {q}")
    fpoly = fl.fmpz_poly(list(reversed(coeffs)))
    height = max(abs(c) for c in coeffs).bit_length()
    loc_bits = LOCATOR_BITS
    locator = enclose(expr, loc_bits, zero_check=False)
    prec = target + 32
    while True:
        with workprec(prec):
            roots = [r for r, _mult in fpoly.complex_roots()]
        meeting = [r for r in roots if r.overlaps(fl.acb(locator))]
        if not meeting:
            raise CertificationError(
                f"cannot certify {name}: no root of its minimal polynomial meets the enclosure of the closed form")
        if len(meeting) > 1:
            loc_bits *= 2
            if loc_bits > MAX_BITS:
                raise CertificationError(f"cannot certify {name}: the roots could not be separated")
            locator = enclose(expr, loc_bits, zero_check=False)
            continue
        root = meeting[0]
        if not (root.imag.is_exact() and root.imag.is_zero()):
            raise CertificationError(f"cannot certify {name}: the identified root is not certified real")
        x = root.real
        if _rel_ok(x, target):
            break
        prec *= 2
        if prec > MAX_BITS:
            raise CertificationError(f"cannot certify {name} to {dps} digits within {MAX_BITS} bits")
    method = (f"minimal polynomial of degree {deg} (SymPy, exact; coefficients up to {height} bits), "
              f"certified isolation of its complex roots (arb, python-flint fmpz_poly.complex_roots) at "
              f"{prec} bits, root identified as the unique root ball meeting an arb evaluation of the closed form")
    return from_arb(name, x, dps, method)


def certify_closed_form(expr: sp.Expr, dps: int, *, name: str = "value") -> CertifiedValue:
    """Algebraic closed forms by :func:`certify_real_algebraic`; others (pi, exp, ...) by
    arb interval evaluation (:func:`enclose`) to relative width ``< 10^-dps``."""
    expr = sp.sympify(expr)
    if is_algebraic_form(expr):
        return certify_real_algebraic(expr, dps, name=name)
    bits = bits_for_dps(dps) + GUARD_BITS
    x = enclose(expr, bits)
    return from_arb(name, x, dps, "arb interval evaluation of the exact closed form "
                    f"(relative radius <= 2^-{bits})")


def certify_algebraic(exact: Mapping[str, sp.Expr], dps: int) -> tuple[dict[str, tuple[mp.mpf, mp.mpf]], str]:
    """Enclosures ``{name: (lower, upper)}`` of exact closed forms and one method string.

    The contract used by model boundary code: every enclosure is proved (see
    :func:`certify_closed_form`); any failure raises CertificationError.
    """
    enclosures: dict[str, tuple[mp.mpf, mp.mpf]] = {}
    methods: list[str] = []
    for key, expr in exact.items():
        cv = certify_closed_form(expr, dps, name=key)
        enclosures[key] = (cv.lower, cv.upper)
        methods.append(f"{key}: {cv.method}")
    return enclosures, "certified (python-flint/arb): " + "; ".join(methods)


# ----------------------------------------------------------------------------- branch cuts, entire forms


def sqrt(z, analytic: bool):
    """Principal square root forwarding ``analytic`` (non-finite on the branch cut when set)."""
    return z.sqrt(analytic=analytic)


def rsqrt(z, analytic: bool):
    """``1/sqrt(z)`` forwarding ``analytic``."""
    return z.rsqrt(analytic=analytic)


def log(z, analytic: bool):
    """Principal logarithm forwarding ``analytic``."""
    return z.log(analytic=analytic)


def power(z, w, analytic: bool):
    """Principal ``z**w`` forwarding ``analytic``."""
    return z.pow(w, analytic=analytic)


def cosh_sqrt(z):
    """``cosh(sqrt(z)) = 0F1(; 1/2; z/4)``: entire in ``z``, no branch cut."""
    fl = flint_module()
    return (z / 4).hypgeom_0f1(fl.arb(fl.fmpq(1, 2)))


# ----------------------------------------------------------------------------- integrals


def integrate(
    f: Callable[[Any, bool], Any],
    a: Fraction | int,
    b: Fraction | int,
    *,
    prec: int,
    crosscheck: bool = True,
    real: bool = True,
    eval_limit: int | None = None,
    tol_bits: int | None = None,
    what: str = "integral",
):
    """Rigorous enclosure of ``int_a^b f(x) dx`` (``acb.integral``, relative tolerance ``2^-prec``).

    ``f(z, analytic)`` must enclose the integrand on the complex ball ``z`` and, when
    ``analytic`` is true, return a non-finite ball unless it is analytic on ``z``;
    forward the flag to every branch-cut function (:func:`sqrt`, :func:`log`, ...).
    The endpoints are exact rationals; ``tol_bits`` sets a loose relative and absolute
    tolerance ``2^-tol_bits`` (needed when the integrand has wide ball parameters).  With
    ``crosscheck`` the integral is computed again as ``int_a^m + int_m^b`` (``m`` at :data:`SPLIT` of the interval); correct
    enclosures always overlap, so disjoint ones raise CertificationError (this
    catches an ignored ``analytic`` flag), and the result is their intersection.
    """
    fl = flint_module()
    a, b = Fraction(a), Fraction(b)
    kwargs: dict[str, Any] = {}
    abs_tol = None
    if tol_bits is not None:  # e.g. an integrand with ball parameters, whose own width limits the accuracy
        kwargs["rel_tol"] = fl.arb(2) ** (-int(tol_bits))
        abs_tol = kwargs["rel_tol"]
    if eval_limit is not None:
        kwargs["eval_limit"] = int(eval_limit)
    with workprec(prec):
        A, B = arb_from_fraction(a), arb_from_fraction(b)
        zero = fl.arb(0) if abs_tol is None else abs_tol
        first = fl.acb.integral(f, A, B, abs_tol=zero, **kwargs)
        _check_finite(first, what)
        result = first
        if crosscheck:
            M = arb_from_fraction(a + (b - a) * SPLIT)
            second = fl.acb.integral(f, A, M, abs_tol=zero, **kwargs) + fl.acb.integral(f, M, B, abs_tol=zero, **kwargs)
            _check_finite(second, what)
            if not first.overlaps(second):
                raise CertificationError(
                    f"{what}: the enclosures on two subdivisions are disjoint, so the integrand is not what it "
                    "claims (a branch-cut function without the analytic flag?); no enclosure is returned")
            re = first.real.intersection(second.real)
            im = first.imag.intersection(second.imag)
            result = fl.acb(re, im)
    if not real:
        return result
    if not result.imag.contains(0):
        raise CertificationError(f"{what}: the enclosure of a real integral has a nonzero imaginary part")
    return result.real


def _check_finite(x, what: str) -> None:
    if not x.is_finite():
        raise CertificationError(f"{what}: the integral could not be enclosed (non-finite ball: the integrand "
                                 "is not analytic on the path, or the integral does not converge)")


# ----------------------------------------------------------------------------- sign-certified bisection


def _dyadic_mid(lo: Fraction, hi: Fraction) -> Fraction:
    return (lo + hi) / 2


def refine_crossing(
    sign_at: Callable[[Fraction], int | None],
    lo: Fraction,
    hi: Fraction,
    sign_lo: int,
    *,
    width: Fraction,
    guess: Fraction | None = None,
    max_steps: int = 400,
) -> tuple[Fraction, Fraction, int]:
    """Narrow a certified sign change of a continuous function to width <= *width*.

    ``sign_at(t)`` returns the *certified* sign of the function at the exact point
    ``t`` (or None when it cannot be decided).  On entry ``sign(lo) = sign_lo`` and
    ``sign(hi) = -sign_lo`` must hold (certified by the caller).  Returns ``(lo, hi,
    evaluations)`` with the same invariant, so by the intermediate value theorem a
    zero lies in ``[lo, hi]``.  A *guess* (e.g. a non-rigorous root) is tried first
    with a bracket of the target width around it; otherwise (or if that fails) the
    bracket is bisected, each midpoint's sign certified.  Raises CertificationError
    when no certified sign can be obtained near a midpoint.
    """
    lo, hi, width = Fraction(lo), Fraction(hi), Fraction(width)
    if not lo < hi:
        raise CertificationError("refine_crossing needs lo < hi")
    evals = 0
    if guess is not None and lo < guess < hi:
        r = width / 4
        while r > 0 and hi - lo > width:
            a, b = max(lo, guess - r), min(hi, guess + r)
            sa = sign_at(a) if a != lo else sign_lo
            sb = sign_at(b) if b != hi else -sign_lo
            evals += 2
            if sa == sign_lo and sb == -sign_lo:
                lo, hi = a, b
                break
            if sa == -sign_lo:   # the zero is left of the guess bracket: keep [lo, a]
                hi = a
                break
            if sb == sign_lo:
                lo = b
                break
            r *= 64  # undecided (too close to the zero for the precision): widen
            if r > (hi - lo):
                break
    steps = 0
    while hi - lo > width:
        steps += 1
        if steps > max_steps:
            raise CertificationError(f"sign-certified bisection did not reach width {float(width):.3g} "
                                     f"in {max_steps} steps")
        mid = _dyadic_mid(lo, hi)
        s = None
        for shift in (Fraction(0), Fraction(1, 7), Fraction(-1, 5), Fraction(2, 9)):
            m = mid + (hi - lo) * shift / 4
            s = sign_at(m)
            evals += 1
            if s is not None and s != 0:
                break
            if s == 0:  # exact zero found
                return m, m, evals
        if s is None:
            # cannot certify any sign near the midpoint: the bracket is as good as the precision allows
            raise CertificationError("sign-certified bisection: the sign cannot be certified near "
                                     f"t = {float(mid):.17g} (increase the precision)")
        if s == sign_lo:
            lo = m
        else:
            hi = m
    return lo, hi, evals


# ----------------------------------------------------------------------------- dispatch to the models


def certify_trajectory(model, params, times: Sequence[Any], *, dps: int = 30,
                       observables: Sequence[str] | None = None, progress=None) -> CertifiedTrajectory:
    """Certified enclosures of a model's observables at the given times.

    Delegates to :meth:`Model.certify_trajectory`; a model without the capability
    ``certify-trajectory`` raises :class:`~symdyn.errors.UnsupportedError` before any work.
    """
    flint_module()
    return model.certify_trajectory(params, times, dps=dps, observables=observables, progress=progress)
