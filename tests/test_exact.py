"""Exact constants: adaptive evaluation, exact signs, directed decimal rounding."""

from __future__ import annotations

import mpmath as mp
import sympy as sp
from hypothesis import given, strategies as st

from symdyn.exact import exact_sign, is_exact_zero, mp_to_decimal, mp_to_decimal_directed, to_mp


def test_cancellation_near_threshold_keeps_all_digits():
    c = sp.Rational(1, 2)
    for k in (5, 20, 60):
        eps = sp.Rational(1, 10**k)
        theta = c ** sp.Rational(1, 4) * (1 + eps)
        value = to_mp(theta**4 - c, 30)
        # theta^4 - c = c ((1 + eps)^4 - 1), expanded exactly by hand as an independent route
        exact = c * (4 * eps + 6 * eps**2 + 4 * eps**3 + eps**4)
        with mp.workdps(40):
            assert abs(value - to_mp(exact, 40)) / to_mp(exact, 40) < mp.mpf(10) ** -29


def test_exact_zero_and_sign_of_algebraic_numbers():
    c = sp.Rational(3, 7)
    assert exact_sign((c ** sp.Rational(1, 4)) ** 4 - c) == 0
    assert exact_sign(sp.sqrt(2) + sp.sqrt(3) - sp.sqrt(5 + 2 * sp.sqrt(6))) == 0
    assert is_exact_zero(sp.sqrt(8) - 2 * sp.sqrt(2))
    assert exact_sign(sp.sqrt(2) - sp.Rational(141421356237309504880168872420969807, 10**35)) == 1
    assert exact_sign(sp.Rational(-1, 10**40)) == -1


def test_to_mp_does_not_touch_global_precision():
    before = mp.mp.dps
    to_mp(sp.pi, 200)
    assert mp.mp.dps == before


@given(st.fractions(min_value=-10**6, max_value=10**6).filter(lambda f: f != 0), st.integers(5, 40))
def test_directed_rounding_brackets_the_value(fr, digits):
    x = to_mp(sp.Rational(fr.numerator, fr.denominator), 80)
    lo = sp.Rational(mp_to_decimal_directed(x, digits, "down"))
    hi = sp.Rational(mp_to_decimal_directed(x, digits, "up"))
    exact = sp.Rational(fr.numerator, fr.denominator)
    assert lo <= exact <= hi
    assert (hi - lo) <= abs(exact) * sp.Rational(10) ** (2 - digits)


def test_decimal_strings_carry_the_requested_digits():
    with mp.workdps(50):
        third = mp.mpf(1) / 3
    assert mp_to_decimal(third, 40) == "0." + "3" * 40
    assert mp_to_decimal(mp.mpf(0), 30) == "0"


# ----------------------------------------------------------------------------- text of enclosures

from fractions import Fraction  # noqa: E402

from symdyn.exact import enclosure_decimals, enclosure_midpoint  # noqa: E402


def _mpf(man: int, exp: int) -> mp.mpf:
    return mp.make_mpf(mp.libmp.from_man_exp(man, exp))


def _ulp(x: Fraction, digits: int) -> Fraction:
    """One unit in the last of *digits* significant decimal places of x (x != 0)."""
    e = 0
    while Fraction(10) ** e > abs(x):
        e -= 1
    while Fraction(10) ** (e + 1) <= abs(x):
        e += 1
    return Fraction(10) ** (e - digits + 1)


_MANTISSA = st.integers(-(2**200), 2**200).filter(lambda m: m != 0)
_EXPONENT = st.integers(-4000, 4000)  # far outside float range on both sides


@given(_MANTISSA, _EXPONENT, st.integers(1, 60))
def test_each_endpoint_is_rounded_in_its_direction_at_every_magnitude(man, exp, digits):
    x = _mpf(man, exp)
    exact = Fraction(man) * Fraction(2) ** exp
    down = Fraction(mp_to_decimal_directed(x, digits, "down"))
    up = Fraction(mp_to_decimal_directed(x, digits, "up"))
    assert down <= exact <= up                       # lower rounded down, upper rounded up
    ulp = _ulp(exact, digits)
    assert exact - down < ulp and up - exact < ulp   # and by less than one unit: rounding, not slack


@given(_MANTISSA, _EXPONENT, st.integers(0, 2**120), st.integers(1, 60))
def test_printed_value_of_an_enclosure_lies_inside_its_printed_bounds(man, exp, width, digits):
    lo = _mpf(man, exp)
    hi = mp.make_mpf(mp.libmp.mpf_add(lo._mpf_, mp.libmp.from_man_exp(width, exp - 60), 0))
    value, lower, upper = enclosure_decimals(lo, hi, digits)
    a = Fraction(man) * Fraction(2) ** exp
    b = a + Fraction(width) * Fraction(2) ** (exp - 60)
    assert Fraction(lower) <= a <= b <= Fraction(upper)
    assert Fraction(lower) <= Fraction(value) <= Fraction(upper)
    assert len(value.lstrip("-").replace(".", "").split("E")[0].lstrip("0")) <= digits


def test_enclosure_value_crossing_a_power_of_ten_stays_inside():
    # [0.99999..., 1.000...01]: the nearest 3-digit decimal of the midpoint on the coarse side is 1.00
    with mp.workdps(60):
        lo, hi = 1 - mp.mpf(10) ** -40, 1 + mp.mpf(10) ** -50
        for lo_, hi_ in ((lo, hi), (-hi, -lo), (-mp.mpf(1), mp.mpf(10) ** -300)):
            value, lower, upper = enclosure_decimals(lo_, hi_, 3)
            assert Fraction(lower) <= Fraction(value) <= Fraction(upper)


def test_enclosure_midpoint_is_exact():
    lo, hi = _mpf(1, -3000), _mpf(3, 5000)
    mid = enclosure_midpoint(lo, hi)
    assert Fraction(int(mid.man)) * Fraction(2) ** int(mid.exp) == (Fraction(1, 2**3000) + 3 * Fraction(2) ** 5000) / 2
