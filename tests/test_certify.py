"""Generic rigorous enclosures (symdyn.certify): algebraic numbers, closed forms, integrals, bisection.

Every reference value comes from an independent route (mpmath at a precision beyond the
width of the ball, exact rationals, SymPy's evalf), never from the code under test.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp

flint = pytest.importorskip("flint")

from symdyn.certify import (  # noqa: E402
    CertifiedValue, arb_bounds, certified_sign, certify_algebraic, certify_closed_form,
    certify_real_algebraic, enclose, from_arb, integrate, refine_crossing, workprec,
)
from symdyn.errors import CertificationError  # noqa: E402


def reference(expr, cv: CertifiedValue) -> mp.mpf:
    """``expr`` by SymPy's evalf at 40 digits more than the ball resolves (independent route)."""
    with mp.workdps(30):
        rw = cv.relative_width()
    digits = (int(-mp.log10(rw)) if rw > 0 else cv.dps) + 40
    with mp.workdps(digits):
        return mp.mpf(sp.N(expr, digits, strict=True)._mpf_)


def decimal_bounds_contain(cv: CertifiedValue, x: mp.mpf) -> bool:
    """The printed (outward-rounded) decimal interval contains x, compared exactly."""
    j = cv.to_json()
    lo = Fraction(sp.Rational(j["lower"]))
    hi = Fraction(sp.Rational(j["upper"]))
    sign, man, exp, _ = x._mpf_
    xf = (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)
    return lo <= xf <= hi


ALGEBRAIC = [
    sp.Rational(1, 2) ** sp.Rational(1, 4),                                   # threshold c = 1/2
    sp.Integer(3) ** sp.Rational(1, 4),                                       # threshold c = 3
    -sp.sqrt((sp.Rational(36, 25) + sp.Rational(1, 2)) / (sp.Rational(36, 25) + 1)),   # critical ratio
    1 + sp.sqrt(3),                                                           # edge
    sp.sqrt(2) * (1 + sp.Rational(1, 10**20)) ** 2 - sp.sqrt(2),              # tiny, cancelling
]


@pytest.mark.parametrize("expr", ALGEBRAIC, ids=lambda e: sp.sstr(e)[:30])
def test_algebraic_contains_independent_value_and_is_narrow(expr):
    for dps in (20, 50):
        cv = certify_real_algebraic(expr, dps)
        ref = reference(expr, cv)
        assert cv.contains(ref), (dps, cv.lower, cv.upper, ref)
        assert decimal_bounds_contain(cv, ref)
        assert cv.relative_width() < mp.mpf(10) ** (-dps)
        assert "minimal polynomial" in cv.method


def test_widths_shrink_with_dps():
    expr = sp.Rational(7, 3) ** sp.Rational(1, 4) + sp.sqrt(5)
    widths = [certify_real_algebraic(expr, d).relative_width() for d in (20, 60, 150)]
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] < mp.mpf(10) ** -150


def test_root_identification_with_nearly_equal_conjugates():
    # the minimal polynomial has the two roots 1 +- 10^-40 sqrt(2): a 64-bit locator meets both,
    # so the locator must be refined until exactly one root ball meets it
    expr = 1 - sp.sqrt(2) / 10**40
    cv = certify_real_algebraic(expr, 60)
    ref = reference(expr, cv)
    assert cv.contains(ref)
    with mp.workdps(120):
        other = 1 + mp.sqrt(2) / mp.mpf(10) ** 40
    assert not cv.contains(other)


def test_rationals_and_zero():
    for q in (sp.Rational(5917, 1800), sp.Integer(0), sp.Rational(-1, 3)):
        cv = certify_real_algebraic(q, 40)
        with mp.workdps(80):
            assert cv.contains(mp.mpf(q.p) / q.q)
    disguised = sp.sqrt(8) / sp.sqrt(2)  # = 2, degree-1 minimal polynomial
    assert certify_real_algebraic(disguised, 30).contains(2)


def test_transcendental_closed_forms_use_interval_evaluation():
    expr = 2 ** sp.Rational(3, 2) * sp.pi ** sp.Rational(1, 4) * sp.Rational(1, 2) ** sp.Rational(1, 8)
    cv = certify_closed_form(expr, 40)
    assert "interval evaluation" in cv.method
    assert cv.contains(reference(expr, cv))
    assert cv.relative_width() < mp.mpf(10) ** -40


def test_enclose_survives_catastrophic_cancellation():
    c = sp.Rational(1, 2)
    theta = c ** sp.Rational(1, 4) * (1 + sp.Rational(1, 10**30))
    D = theta**4 - c  # about 2e-30
    x = enclose(D, 100)
    assert x.rel_accuracy_bits() >= 100
    lo, hi = arb_bounds(x)
    with mp.workdps(200):
        ref = mp.mpf(sp.N(sp.expand(D), 150)._mpf_)
        assert lo <= ref <= hi


def test_enclose_rejects_floats_and_unprovable_signs():
    with pytest.raises(CertificationError):
        enclose(sp.Float("0.1") + sp.sqrt(2), 50)
    with pytest.raises(CertificationError):
        enclose(sp.Symbol("x") + 1, 50)


def test_certify_algebraic_contract():
    enc, method = certify_algebraic({"a": sp.sqrt(2), "b": sp.Rational(1, 3)}, 30)
    assert set(enc) == {"a", "b"} and "certified" in method
    with mp.workdps(80):
        assert enc["a"][0] <= mp.sqrt(2) <= enc["a"][1]
        assert enc["b"][0] <= mp.mpf(1) / 3 <= enc["b"][1]


def test_json_endpoints_are_rounded_outward():
    with workprec(200):
        x = flint.arb(1) / 3
    cv = from_arb("third", x, 10, "test")
    j = cv.to_json()
    assert Fraction(sp.Rational(j["lower"])) < Fraction(1, 3) < Fraction(sp.Rational(j["upper"]))


# ----------------------------------------------------------------------------- integrals and the analytic flag


def _contains_rational(ball, q: Fraction) -> bool:
    lo, hi = arb_bounds(ball)
    with mp.workprec(400):
        x = mp.mpf(q.numerator) / q.denominator
    return bool(lo <= x <= hi)


def test_integral_with_analytic_flag_is_correct():
    ball = integrate(lambda z, a: z.sqrt(analytic=a), 1, 4, prec=120)
    assert _contains_rational(ball, Fraction(14, 3))
    assert ball.rel_accuracy_bits() > 100


def test_missing_analytic_flag_gives_a_wrong_ball_and_is_detected():
    def wrong(z, analytic):
        return z.sqrt()  # ignores the flag: arb's error bound assumes analyticity it does not have

    ball = integrate(wrong, 1, 4, prec=120, crosscheck=False)
    assert not _contains_rational(ball, Fraction(14, 3))  # tight and WRONG
    with pytest.raises(CertificationError, match="analytic"):
        integrate(wrong, 1, 4, prec=120)  # the subdivision cross-check catches it


def test_entire_integrand_needs_no_flag():
    # int_0^1 cosh(sqrt(x)) dx = int_0^1 2 s cosh(s) ds = 2 sinh(1) - 2 cosh(1) + 2; the integrand is
    # written through 0F1(;1/2;x/4), which is entire, so there is no branch cut to flag
    from symdyn.certify import cosh_sqrt

    ball = integrate(lambda z, a: cosh_sqrt(z), 0, 1, prec=120)
    lo, hi = arb_bounds(ball)
    with mp.workdps(60):
        ref = 2 * mp.sinh(1) - 2 * mp.cosh(1) + 2
        assert lo <= ref <= hi


def test_non_finite_integral_raises():
    with pytest.raises(CertificationError):
        integrate(lambda z, a: 1 / z, -1, 1, prec=60)


# ----------------------------------------------------------------------------- sign-certified bisection


def _sign_sqrt2(t: Fraction):
    with workprec(200):
        x = flint.arb(flint.fmpq(t.numerator, t.denominator))
        return certified_sign(x * x - 2)


def test_refine_crossing_by_bisection_and_by_guess():
    lo, hi, n = refine_crossing(_sign_sqrt2, Fraction(1), Fraction(2), -1, width=Fraction(1, 10**20))
    with mp.workdps(50):
        r = mp.sqrt(2)
        assert mp.mpf(lo.numerator) / lo.denominator <= r <= mp.mpf(hi.numerator) / hi.denominator
    assert hi - lo <= Fraction(1, 10**20) and n > 50
    guess = Fraction(141421356237309504880168872420969807856967187537694, 10**50)  # sqrt(2), 50 digits
    lo2, hi2, n2 = refine_crossing(_sign_sqrt2, Fraction(1), Fraction(2), -1, width=Fraction(1, 10**40),
                                   guess=guess)
    assert n2 < 10 and hi2 - lo2 <= Fraction(1, 10**40)
    assert lo2 * lo2 < 2 < hi2 * hi2


def test_refine_crossing_with_a_wrong_guess_still_brackets():
    lo, hi, _ = refine_crossing(_sign_sqrt2, Fraction(1), Fraction(2), -1, width=Fraction(1, 10**12),
                                guess=Fraction(3, 2))
    assert lo * lo < 2 < hi * hi and hi - lo <= Fraction(1, 10**12)


# ----------------------------------------------------------------------------- optional dependency


def test_symdyn_works_without_python_flint():
    code = (
        "import sys; sys.modules['flint'] = None\n"
        "import symdyn, symdyn.certify as c\n"
        "from symdyn.errors import CertificationError\n"
        "assert not c.available()\n"
        "m = symdyn.model('rank-one-denoising')\n"
        "b = m.boundary('threshold', m.params(c='1/2'), dps=20)\n"
        "try:\n"
        "    m.boundary('threshold', m.params(c='1/2'), dps=20, certify=True)\n"
        "except CertificationError as e:\n"
        "    assert 'symdyn[certify]' in str(e), e\n"
        "else:\n"
        "    raise SystemExit('no error without flint')\n"
        "from symdyn.cli import main\n"
        "try:\n"
        "    main(['boundary', 'rank-one-denoising', 'threshold', 'c=1/2', '--certify'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 2, e.code  # unsupported, known before any proof\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_contains_compares_exactly():
    cv = certify_real_algebraic(sp.Rational(1, 3), 20)
    assert cv.contains(Fraction(1, 3))
    assert cv.relative_width() < mp.mpf(10) ** -25
    assert not cv.contains(Fraction(1, 3) + Fraction(1, 10**25))
    assert not cv.contains(0)
