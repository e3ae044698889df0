"""Exact constants: adaptive evaluation, exact signs, directed decimal rounding."""

from __future__ import annotations

import mpmath as mp
import pytest
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
