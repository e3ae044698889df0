"""Exact GD step counts of the scalar recursion (B2, B3), their proof, and the step-size condition."""

from __future__ import annotations

import math
import random

import mpmath as mp
import pytest
import sympy as sp

from symdyn.errors import ParameterError
from symdyn.models.deep_factorization import steps as st

Q = sp.Rational

# spec 3.5: sigma = (3, 2, 1), hitting steps of (1 - eps) s and eps s, eps = 1/10, from an independent computation
SPEC = {
    (2, Q(1, 1000), Q(2, 100)): {3: (None, 146), 2: (157, 212), 1: (294, 403)},
    (3, Q(3, 100), Q(2, 100)): {3: (None, 558), 2: (796, 836), 1: (1568, 1668)},
    (4, Q(15, 100), Q(15, 1000)): {3: (None, 501), 2: (710, 752), 1: (1389, 1508)},
}


@pytest.mark.parametrize("case", list(SPEC))
def test_hitting_steps_match_the_reference_table(case):
    N, a, eta = case
    for s, (lo, hi) in SPEC[case].items():
        h = st.hitting_steps(s, [Q(1, 10), Q(9, 10)], N, eta, alpha=a)
        assert h.proved
        assert h.steps[1] == hi
        if lo is not None:
            assert h.steps[0] == lo


@pytest.mark.parametrize("case", list(SPEC))
def test_modified_equation_estimate_within_one_step(case):
    """B3 at the reference endpoints (the spec observed 0 steps off; the tolerance is +-1)."""
    N, a, eta = case
    for s, (lo, hi) in SPEC[case].items():
        for lev, n in ((Q(1, 10), lo), (Q(9, 10), hi)):
            if n is None:
                continue
            e = st.modified_equation_steps(s, lev, N, eta, alpha=a)
            assert abs(e.steps - n) <= 1
            assert e.flow_steps < n  # the uncorrected T/eta is short (pitfall 2)


def test_proved_counts_equal_the_plain_recursion_on_random_problems():
    rng = random.Random(11)
    for _ in range(12):
        N = rng.choice([2, 3, 4, 5])
        s = Q(rng.randint(5, 30), 10)
        a = Q(rng.randint(3, 30), 100)
        eta = Q(1, rng.randint(4, 20)) / (N * math.ceil(float(s) ** 2))
        levs = sorted({Q(rng.randint(1, 19), 20), Q(rng.randint(1, 19), 20)})
        h = st.hitting_steps(s, levs, N, eta, alpha=a)
        assert h.steps == st.hitting_steps_plain(s, levs, N, eta, alpha=a, dps=40)


def test_an_off_by_one_count_is_rejected():
    """Broken on purpose: the comparison with the exact recursion sees a one-step error."""
    h = st.hitting_steps(2, [Q(9, 10)], 3, Q(1, 50), alpha=Q(1, 20))
    n = h.steps[0]
    lam = st.iterate(2, 3, Q(1, 50), [n - 1, n], alpha=Q(1, 20), dps=40)
    with mp.workdps(40):
        assert lam[0] < mp.mpf(9) / 5 <= lam[1]
    assert st.hitting_steps_plain(2, [Q(9, 10)], 3, Q(1, 50), alpha=Q(1, 20))[0] != n + 1


@pytest.mark.parametrize("N", [2, 3, 4, 6])
def test_the_error_bound_holds_along_the_run(N):
    """The float64 iterate stays within the bound e_n of the exact (60-digit) recursion in log w."""
    s, a, eta = Q(3, 2), Q(1, 5), Q(1, 40)
    levels = [Q(1, 10), Q(1, 2), Q(9, 10)]
    w0 = 0.2
    thr = [float((lv * s) ** (1 / sp.Integer(N))) for lv in levels]
    items = st.bounded_run(w0, 1.5, 0.025, N, thr, theta=0.9 * (1 + 1e-12), max_steps=10**6)
    exact = st.iterate(s, N, eta, [it[0] for it in items], alpha=a, dps=60)
    with mp.workdps(60):
        for it, lam in zip(items, exact):
            w_exact = mp.root(lam, N)
            assert abs(mp.log(mp.mpf(it[3])) - mp.log(w_exact)) <= it[4]
            assert it[4] < 1e-5  # and not vacuous


def test_tiny_alpha_runs_in_mpfr_and_matches_the_plain_recursion():
    h = st.hitting_steps(1, [Q(1, 10), Q(9, 10)], 2, Q(1, 100), alpha=Q(1, 10**300))
    assert h.precision.startswith("mpfr")
    assert h.steps == st.hitting_steps_plain(1, [Q(1, 10), Q(9, 10)], 2, Q(1, 100), alpha=Q(1, 10**300))


def test_lambda0_instead_of_alpha():
    a = st.hitting_steps(2, [Q(1, 2)], 3, Q(1, 40), lambda0=Q(1, 1000))
    b = st.hitting_steps(2, [Q(1, 2)], 3, Q(1, 40), alpha=Q(1, 10))
    assert a.steps == b.steps


def test_start_above_the_level_gives_step_zero():
    h = st.hitting_steps(1, [Q(1, 10), Q(1, 2)], 2, Q(1, 10), alpha=Q(1, 2))
    assert h.steps[0] == 0 and h.steps == st.hitting_steps_plain(1, [Q(1, 10), Q(1, 2)], 2, Q(1, 10), alpha=Q(1, 2))


def test_runs_beyond_max_steps_are_refused_with_the_estimate():
    with pytest.raises(ParameterError, match="about .* steps"):
        st.hitting_steps(1, [Q(9, 10)], 4, Q(1, 1000), alpha=Q(1, 10**4))


def test_unstable_step_is_refused():
    with pytest.raises(ParameterError, match="unstable"):
        st.hitting_steps(3, [Q(9, 10)], 2, Q(1, 3), alpha=Q(1, 100))


def test_step_condition_exact_margins():
    c = st.step_condition([3, 2, 1], 2, Q(1, 6), alpha=Q(1, 1000))
    assert c.monotone and c.stable and c.exact == 1 and c.margin_monotone == 0
    c = st.step_condition([3, 2, 1], 2, Q(1, 6) + Q(1, 10**30), alpha=Q(1, 1000))
    assert not c.monotone and c.stable and c.margin_monotone < 0
    c = st.step_condition([8, 1], 3, Q(1, 48), alpha=Q(1, 10))   # 3 * 8^(4/3) / 48 = 1 exactly
    assert c.monotone and c.margin_monotone == 0
    c = st.step_condition([2, -1], 2, Q(1, 4), alpha=Q(1, 10))
    assert c.negative and c.negative[0][2]


@pytest.mark.parametrize("factor, monotone", [(Q(105, 100), False), (Q(95, 100), True)])
def test_step_condition_predicts_overshoot(factor, monotone):
    """Spec 3.4 spot check: beyond eta N s^p = 1 the recursion overshoots the target."""
    N, s = 3, Q(2)
    eta = factor / (N * sp.Rational(sp.N(s ** Q(4, 3), 30)))
    lam = st.iterate(s, N, Q(eta).limit_denominator(10**12), range(0, 400), alpha=Q(9, 10), dps=30)
    with mp.workdps(30):
        assert (max(lam) <= 2 + mp.mpf(10) ** -20) == monotone


def test_corrected_flow_is_closer_than_the_naive_flow():
    from symdyn.models.deep_factorization import closed_forms as cf

    lam = st.iterate(1, 2, Q(1, 50), [300], alpha=Q(1, 1000), dps=30)[0]
    good = st.corrected_flow(300, 1, 2, Q(1, 50), alpha=Q(1, 1000))
    naive = cf.flow_eigenvalue(6, 1, 2, alpha=Q(1, 1000), dps=20).value
    assert abs(good - lam) < 1e-3 < abs(naive - lam)


@pytest.mark.slow
def test_millions_of_steps_are_proved_and_equal_the_plain_recursion():
    """N = 4, alpha = 1e-2, eta = 1e-3: about 5 million steps (the benchmark's case), against mpmath."""
    h = st.hitting_steps(1, [Q(1, 10)], 4, Q(1, 1000), alpha=Q(1, 100))
    assert h.proved and h.steps[0] > 4_000_000
    assert h.steps == st.hitting_steps_plain(1, [Q(1, 10)], 4, Q(1, 1000), alpha=Q(1, 100), dps=30)
