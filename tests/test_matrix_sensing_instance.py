"""matrix-sensing: validated arguments, the contract's initialization and the init constants c_k."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symdyn.errors import ParameterError
from symdyn.models.matrix_sensing.instance import draw_ubar, init_constants
from symdyn.models.matrix_sensing.setting import Setting, parse_sigma

Q = sp.Rational


def test_ubar_is_the_contract_draw():
    u = draw_ubar(7, 3, 11)
    ref = np.random.default_rng(11).standard_normal((7, 3)) / np.sqrt(7)
    assert np.array_equal(u, ref) and not u.flags.writeable


@pytest.mark.parametrize("text, fragment", [
    ("1,2", "not strictly decreasing"),
    ("3,3,1", "not strictly decreasing"),
    ("3,-1", "non-positive"),
    ("3,0", "non-positive"),
    ("", "empty entry"),
    ("3,,1", "empty entry"),
    ("3,x", "entry 2"),
])
def test_bad_sigma_is_refused_with_one_line(text, fragment):
    with pytest.raises(ParameterError) as exc:
        parse_sigma(text)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_sigma_keeps_every_digit():
    assert parse_sigma("2,1.999999999999999999") == (2, Q(1999999999999999999, 10 ** 18))


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(d=2), "smaller than len(sigma)"),
    (dict(r=0), "too small"),
    (dict(r="2.5"), "not a whole number"),
    (dict(r=40), "exceeds d"),
    (dict(alpha=0), "must be > 0"),
    (dict(alpha="-1e-3"), "must be > 0"),
    (dict(level=1), "outside (0, 1)"),
    (dict(level=0), "outside (0, 1)"),
    (dict(loss_scale=0), "must be > 0"),
])
def test_bad_settings_are_refused(kwargs, fragment):
    base = dict(sigma="3,2,1", d=30, r=5, alpha="1e-8")
    base.update(kwargs)
    with pytest.raises(ParameterError) as exc:
        Setting(**base)
    assert fragment in str(exc.value)


def test_regimes_and_the_time_unit():
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-300")
    assert s.alpha == Q(1, 10 ** 300) and s.regime == "over-parameterized" and s.rate == 1
    assert Setting.of(sigma="3,2,1", d=30, r=3, alpha=1).regime == "exactly-parameterized"
    assert Setting.of(sigma="3,2,1", d=30, r=2, alpha=1, loss_scale="1/2").rate == 2


def test_unstable_step_is_refused_with_the_bound():
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-8")
    assert s.step("1/4") == Q(1, 4)
    with pytest.raises(ParameterError, match=r"eta < 1/3"):
        s.step("1/3")
    with pytest.raises(ParameterError, match=r"eta < 1/6"):
        Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-8", loss_scale="1/2").step("1/6")


def test_k_range():
    s = Setting.of(sigma="3,2,1", d=30, r=2, alpha="1e-8")
    assert s.check_k(3) == 3
    for bad in (0, 4, "1.5"):
        with pytest.raises(ParameterError):
            s.check_k(bad)


def _gram_schmidt_fractions(rows, r):
    """c_k by exact Gram-Schmidt in fractions (a third route, independent of both library routes)."""
    basis, out = [], []
    for b in rows:
        v = list(b)
        for q, qq in basis:
            coef = sum(x * y for x, y in zip(v, q)) / qq
            v = [x - coef * y for x, y in zip(v, q)]
        nrm = sum(x * x for x in v)
        out.append(nrm)
        if nrm != 0 and len(basis) < r:
            basis.append((v, nrm))
    return out


def test_init_constants_agree_with_exact_fractions():
    d, r, rs = 9, 4, 3
    c = init_constants(d, r, rs, init_seed=5, dps=40)
    rows = [[Fraction(float(x)) for x in draw_ubar(d, r, 5)[i]] for i in range(rs)]
    exact = _gram_schmidt_fractions(rows, r)
    for k in range(rs):
        assert c.exact[k] == sp.Rational(exact[k].numerator, exact[k].denominator)
        with mp.workdps(50):
            assert abs(c.values[k] - mp.mpf(exact[k].numerator) / exact[k].denominator) < mp.mpf(10) ** -38
    assert c.error < mp.mpf(10) ** -38


def test_c_k_is_exactly_zero_beyond_r():
    c = init_constants(12, 2, 4, init_seed=3, dps=30)
    assert c.exact[2:] == (0, 0) and c.values[2] == 0 and c.exact[1] > 0
    assert "k > r = 2" in c.notes[0]
    rows = [[Fraction(float(x)) for x in draw_ubar(12, 2, 3)[i]] for i in range(4)]
    assert _gram_schmidt_fractions(rows, 2)[2:] == [0, 0]


@settings(max_examples=12, deadline=None)
@given(d=st.integers(3, 25), r=st.integers(1, 6), seed=st.integers(0, 10 ** 6))
def test_product_of_c_k_is_the_gram_determinant(d, r, seed):
    r = min(r, d)
    rs = min(3, d)
    c = init_constants(d, r, rs, init_seed=seed, dps=30)
    u = draw_ubar(d, r, seed)
    for k in range(1, rs + 1):
        G = u[:k] @ u[:k].T
        det = np.linalg.det(G)
        prod = float(np.prod([float(x) for x in c.exact[:k]]))
        if k <= r:
            assert prod > 0 and abs(prod - det) <= 1e-9 * max(det, 1e-300) + 1e-14
        else:
            assert prod == 0
