"""Enclosure endpoints that go to text are rounded outward, each on its own: the printed lower end is at
or below the binary lower endpoint, the printed upper end at or above the binary upper endpoint (compared
exactly as fractions), for positive, negative, tiny and huge endpoints.  Containment of the printed value
is a separate property (the certified-output tests)."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symdyn as sd
from symdyn.exact import mp_to_decimal_directed
from symdyn.results import Quantity


def frac_of_mpf(x: mp.mpf) -> Fraction:
    sign, man, exp, _ = x._mpf_
    return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)


def frac_of_text(s: str) -> Fraction:
    return Fraction(sp.Rational(s).p, sp.Rational(s).q)


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-10**8, max_value=10**8).filter(lambda f: f != 0), st.integers(-300, 300),
       st.integers(3, 40))
def test_directed_rounding_goes_down_and_up_for_either_sign(fr, shift, digits):
    with mp.workdps(90):
        x = mp.mpf(fr.numerator) / fr.denominator * mp.mpf(10) ** shift
    exact = frac_of_mpf(x)
    down = frac_of_text(mp_to_decimal_directed(x, digits, "down"))
    up = frac_of_text(mp_to_decimal_directed(x, digits, "up"))
    assert down <= exact <= up
    assert up - down <= abs(exact) * Fraction(10) ** (1 - digits) * 2


def test_directed_rounding_of_representable_numbers_is_exact_and_of_others_strict():
    assert mp_to_decimal_directed(mp.mpf("0.5"), 5, "down") == mp_to_decimal_directed(mp.mpf("0.5"), 5, "up")
    with mp.workdps(30):
        x = -mp.mpf(1) / 3
    assert mp_to_decimal_directed(x, 5, "down") == "-0.33334"
    assert mp_to_decimal_directed(x, 5, "up") == "-0.33333"


def _quantity(lo: mp.mpf, hi: mp.mpf, dps: int) -> Quantity:
    m = sd.model("rank-one-denoising")
    with mp.workdps(dps + 30):
        mid = (lo + hi) / 2
    return Quantity(model=m.name, quantity="threshold", params=m.params(c="1/2"), dps=dps, values={"theta_c": mid},
                    exact={}, method="test", enclosures={"theta_c": (lo, hi)})


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize("dps", [15, 30])
def test_quantity_json_rounds_each_endpoint_outward(sign, dps):
    with mp.workdps(dps + 40):
        a = sign * mp.sqrt(2) / 7
        lo, hi = (a - mp.mpf(10) ** (-dps - 30), a + mp.mpf(10) ** (-dps - 30))
        lo, hi = min(lo, hi), max(lo, hi)
    j = _quantity(lo, hi, dps).to_json()
    for entry in (j, j["enclosures"]["theta_c"]):
        assert frac_of_text(entry["lower"]) < frac_of_mpf(lo)     # strictly: sqrt(2)/7 is not a short decimal
        assert frac_of_text(entry["upper"]) > frac_of_mpf(hi)


@pytest.mark.parametrize("sign", [1, -1])
def test_certified_value_json_rounds_each_endpoint_outward(sign):
    pytest.importorskip("flint")
    from symdyn.certify import from_arb, workprec
    import flint

    with workprec(300):
        x = sign * flint.arb(2).sqrt() / 7
    cv = from_arb("x", x, 20, "test")
    j = cv.to_json()
    assert frac_of_text(j["lower"]) < frac_of_mpf(cv.lower)
    assert frac_of_text(j["upper"]) > frac_of_mpf(cv.upper)
