"""The low-rank interval [T0, T1), its length at any precision, the spectral condition (B2, B9)."""

from __future__ import annotations

import random

import mpmath as mp
import pytest
import sympy as sp

from symdyn.errors import ParameterError
from symdyn.models.deep_factorization import closed_forms as cf
from symdyn.models.deep_factorization import interval as iv

Q = sp.Rational

# spec 3.5 table (sigma = (3, 2, 1), d = 20, eps = 1/10): T0/T1 in steps, from an independent computation
TABLE = {
    (2, Q(1, 1000), Q(2, 100)): [(146, 157), (212, 294), (403, None)],
    (3, Q(3, 100), Q(2, 100)): [(558, 796), (836, 1568), (1668, None)],
    (4, Q(15, 100), Q(15, 1000)): [(501, 710), (752, 1389), (1508, None)],
}


@pytest.mark.parametrize("case", list(TABLE))
def test_interval_endpoints_in_steps_match_the_reference(case):
    N, a, eta = case
    st = iv.setting([3, 2, 1] + [0] * 17, N, alpha=a, eta=eta)
    for k, (t0, t1) in enumerate(TABLE[case], 1):
        assert iv.T0(st, k).value == t0
        b = iv.T1(st, k)
        assert (b.value == t1) if t1 is not None else (not b.finite)


@pytest.mark.parametrize("N, a, exact, asym", [
    (3, Q(1, 1000), "497.970867686", "497.970868061"),
    (4, Q(1, 1000), "249998.4474659", "249998.4474663"),
    (2, Q(1, 10**6), "5.08655005083961", "5.08655005083999"),
])
def test_interval_length_and_its_asymptotics_match_the_spec(N, a, exact, asym):
    st = iv.setting([2, 1], N, alpha=a)
    L = iv.interval_length(st, 1, dps=30)
    A = iv.asymptotic_length(st, 1, dps=30)
    digits = len(exact.replace(".", "")) - 1
    assert mp.nstr(L.value, digits + 1) == exact
    assert mp.nstr(A.value, digits + 1) == asym


@pytest.mark.parametrize("N", [2, 3, 4])
def test_asymptotic_length_error_is_order_alpha_squared(N):
    """B9: the difference is the predicted -(alpha^2/2)(1/s1^2 - 1/s0^2) up to higher order."""
    for a in (Q(1, 10**3), Q(1, 10**5)):
        st = iv.setting([2, 1], N, alpha=a)
        with mp.workdps(50):
            d = iv.interval_length(st, 1, dps=50).value - iv.asymptotic_length(st, 1, dps=50).value
            pred = -(mp.mpf(a) ** 2) / 2 * (1 - mp.mpf(1) / 4)
            assert abs(d / pred - 1) < 50 * mp.mpf(a) ** min(N, 2)


def test_near_degenerate_gap_keeps_its_digits_where_float64_gives_zero():
    st = iv.setting([1, 1 - Q(1, 10**25)], 3, alpha=Q(1, 10**30))
    L = iv.interval_length(st, 1, dps=40)
    assert L.working_dps > 60
    assert mp.nstr(L.value, 9) == "99997.9906"  # the spec's value
    # independent route: the split quadrature at 90 digits
    l0 = Q(1, 10**90)
    with mp.workdps(100):
        r = (cf.flow_time_quad(l0, Q(1, 10) * (1 - Q(1, 10**25)), 1 - Q(1, 10**25), 3, dps=90)
             - cf.flow_time_quad(l0, Q(9, 10), 1, 3, dps=90))
        assert abs(L.value - r) / r < mp.mpf(10) ** -38
    assert (1e30 / (1 - 1e-25)) - 1e30 == 0.0


def test_T1_is_infinite_without_a_next_target_or_below_the_start():
    st = iv.setting([3, 2], 3, alpha=Q(1, 10))
    assert not iv.T1(st, 2).finite                      # absent
    st = iv.setting([3, 2, 0], 3, alpha=Q(1, 10))
    assert not iv.T1(st, 2).finite                      # zero
    st = iv.setting([3, 2, Q(-1, 10)], 3, alpha=Q(1, 10))
    assert not iv.T1(st, 2).finite                      # negative
    st = iv.setting([3, 2, Q(1, 200)], 3, alpha=Q(1, 10))  # eps * lam = 1/2000 <= alpha^3 = 1/1000
    assert not iv.T1(st, 2).finite
    assert iv.interval_length(st, 2).value == mp.inf


def test_T0_reports_the_component_attaining_the_maximum():
    st = iv.setting([3, 2, 1], 3, alpha=Q(1, 100))
    e = iv.T0(st, 3)
    assert e.index == 3
    assert e.value == cf.time_to_reach(1, Q(9, 10), 3, alpha=Q(1, 100), dps=30).value


def test_condition_agrees_with_the_asymptotic_sign_and_detects_empty_intervals():
    st = iv.setting([2, 1], 3, alpha=Q(1, 100))
    c = iv.condition(st, 1)
    assert c.nonempty and c.asymptotic_nonempty and c.margin > 0 and c.lhs > c.rhs
    st = iv.setting([2, Q(19, 10)], 3, alpha=Q(1, 2))     # large init, tiny gap: empty
    c = iv.condition(st, 1)
    assert not c.nonempty and c.margin < 0 and not c.asymptotic_nonempty
    st = iv.setting([2, Q(19, 10)], 3, alpha=Q(1, 2), eta=Q(1, 20))
    c = iv.condition(st, 1)
    assert not c.nonempty and c.step.stable


def test_condition_on_random_spectra_matches_the_exact_sign_for_small_alpha():
    rng = random.Random(5)
    for _ in range(10):
        N = rng.choice([2, 3, 4])
        s0 = Q(rng.randint(11, 40), 10)
        s1 = s0 * Q(rng.randint(10, 95), 100)
        a = Q(1, 10 ** rng.randint(3, 6))
        st = iv.setting([s0, s1], N, alpha=a)
        c = iv.condition(st, 1, dps=20)
        assert c.nonempty == c.asymptotic_nonempty
        assert c.margin == iv.interval_length(st, 1, dps=20).value


def test_a_wrong_endpoint_formula_is_rejected():
    """Broken on purpose: T1 computed at the level 1 - eps instead of eps does not reproduce the steps."""
    st = iv.setting([3, 2, 1], 2, alpha=Q(1, 1000), eta=Q(2, 100))
    good = iv.T1(st, 1).value
    wrong = iv.hitting(st, Q(2), Q(9, 10), dps=20)[0]
    assert good == 157 and wrong != 157


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(lam=[1, 2], N=3, alpha="1/10"), "decreasing"),
    (dict(lam=[2, 1], N=1, alpha="1/10"), "N=1"),
    (dict(lam=[2, 1], N=3, alpha="1/10", eps="1/2"), "eps"),
    (dict(lam=[2, 1], N=3, alpha="1/10", eps_learn="0"), "eps_learn"),
    (dict(lam=[2, 1], N=3), "exactly one"),
    (dict(lam=[2, 1], N=2, alpha="1/10", eta="1/2"), "unstable"),
])
def test_bad_settings_are_refused(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        iv.setting(**kwargs)


def test_k_out_of_range_is_refused():
    st = iv.setting([2, 1, 0], 3, alpha=Q(1, 10))
    for k in (0, 3):
        with pytest.raises(ParameterError, match="out of range"):
            iv.T0(st, k)
