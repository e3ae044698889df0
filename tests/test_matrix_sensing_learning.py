"""matrix-sensing: learning times and steps, plateaus, step condition, critical points (A1-A4, A6)."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symdyn.errors import ParameterError
from symdyn.models.matrix_sensing import learning as L
from symdyn.models.matrix_sensing.riccati import flow_point
from symdyn.models.matrix_sensing.setting import Setting
from symdyn.models.matrix_sensing.dynamics import gd_run

Q = sp.Rational
S30 = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")


@pytest.fixture(scope="module")
def times30():
    return {k: L.learning_time(S30, k, dps=40) for k in (1, 2, 3)}


def test_learning_time_is_a_root_of_the_independent_flow_evaluation(times30):
    # flow_point (its own precision control) just below and above the root: lambda_k crosses level sigma_k
    for k, lt in times30.items():
        assert lt.error < mp.mpf(10) ** -38
        target = mp.mpf(S30.sigma[k - 1]) / 2
        with mp.workdps(60):
            h = mp.mpf(10) ** -25
            below = flow_point(S30, sp.Rational(str(mp.nstr(lt.value - h, 50))), dps=40).eigenvalues[k - 1]
            above = flow_point(S30, sp.Rational(str(mp.nstr(lt.value + h, 50))), dps=40).eigenvalues[k - 1]
        assert below < target < above


def test_learning_time_is_the_first_crossing(times30):
    for k, lt in times30.items():
        for frac in (Q(1, 4), Q(1, 2), Q(3, 4), Q(95, 100)):
            t = sp.Rational(str(mp.nstr(lt.value * mp.mpf(frac), 30)))
            assert flow_point(S30, t, dps=20).eigenvalues[k - 1] < mp.mpf(S30.sigma[k - 1]) / 2


def test_exact_minus_limit_has_the_predicted_order_A4(times30):
    # |t_exact - t_limit| ~ alpha^(2 gamma_k): 1e-20, 1e-30, 1e-60 at alpha = 1e-30 (spec: 4.9e-23, 7.2e-33, 6.2e-59)
    for k, lt in times30.items():
        scale = mp.mpf(10) ** (-30 * 2 * float(lt.gamma))
        assert mp.mpf(10) ** -3 < abs(lt.difference) / scale < mp.mpf(10) ** 3   # measured 0.036, 0.093, 80
        assert lt.error < mp.mpf(10) ** -10 * abs(lt.difference)      # the difference is resolved
    # the slope between alpha = 1e-30 and 1e-40 is 2 gamma_k = 2/3, 1, 2
    s40 = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-40")
    for k, lt in times30.items():
        other = L.learning_time(s40, k, dps=40)
        slope = float(mp.log10(abs(lt.difference) / abs(other.difference)) / 10)
        assert abs(slope - 2 * float(lt.gamma)) < 0.02


def test_a_wrong_gamma_is_rejected(times30):
    # swapping the two error terms (gamma = sigma_(k-1)/sigma_k - 1 for k = 1 is infinite; use the other gap)
    wrong = {1: Q(1, 2), 2: Q(1, 3), 3: Q(1, 2)}
    s40 = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-40")
    rejected = 0
    for k, lt in times30.items():
        other = L.learning_time(s40, k, dps=40)
        slope = float(mp.log10(abs(lt.difference) / abs(other.difference)) / 10)
        rejected += abs(slope - 2 * float(wrong[k])) >= 0.02
    assert rejected == 3


def test_loss_scale_divides_learning_times():
    a = L.learning_time(Setting.of(sigma="3,2,1", d=10, r=3, alpha="1e-12", loss_scale="1/2"), 2, dps=30)
    b = L.learning_time(Setting.of(sigma="3,2,1", d=10, r=3, alpha="1e-12"), 2, dps=30)
    with mp.workdps(40):
        assert abs(2 * a.value - b.value) < mp.mpf(10) ** -28


def test_never_learned_beyond_r():
    s = Setting.of(sigma="3,2,1", d=30, r=2, alpha="1e-8")
    lt = L.learning_time(s, 3)
    assert lt.value == mp.inf and not lt.learned and "c_k = 0" in lt.notes[0]
    ls = L.learning_step(s, 3, Q(1, 100))
    assert ls.value == mp.inf and "never grows" in ls.notes[0]
    assert L.plateau_length(s, 2).value == mp.inf
    with pytest.raises(ParameterError):
        L.learning_time(s, 4)


def test_gd_learning_steps_match_simulation_A1():
    s = Setting.of(sigma="3,2,1", d=60, r=5, alpha="1e-8")
    eta = Q(1, 100)
    run = gd_run(s, eta, [0], horizon=2100)
    pred = [L.learning_step(s, k, eta).value for k in (1, 2, 3)]
    assert all(abs(p - n) <= 1 for p, n in zip(pred, run.learning_steps))


def test_gd_learning_steps_under_parameterized_A1_A6():
    s = Setting.of(sigma="3,2,1", d=30, r=2, alpha="1e-8")
    eta = Q(1, 100)
    run = gd_run(s, eta, [0, 3000], horizon=3000)
    pred = [L.learning_step(s, k, eta).value for k in (1, 2)]
    assert all(abs(p - n) <= 1 for p, n in zip(pred, run.learning_steps[:2])) and run.learning_steps[2] is None
    assert np.allclose(run.eigenvalues[-1], [3, 2], rtol=0, atol=1e-6)
    assert abs(run.loss[-1] - float(L.final_state(s).loss)) < 1e-6


def test_a_wrong_loss_scale_is_rejected_by_the_step_comparison():
    sim = gd_run(Setting.of(sigma="3,2,1", d=60, r=5, alpha="1e-8"), Q(1, 100), [0], horizon=2100).learning_steps
    wrong = Setting.of(sigma="3,2,1", d=60, r=5, alpha="1e-8", loss_scale="1/2")
    pred = [L.learning_step(wrong, k, Q(1, 100)).value for k in (1, 2, 3)]
    assert all(abs(p - n) > 1 for p, n in zip(pred, sim))


def test_step_estimates_A2_A3():
    s = Setting.of(sigma="3,2,1", d=60, r=5, alpha="1e-8")
    for k in (1, 2, 3):
        ls = L.learning_step(s, k, Q(1, 100))
        est = {a.name: float(a.value) for a in ls.approximations}
        mu_s = 0.01 * float(s.sigma[k - 1])
        assert abs(est["flow"] - ls.value) / ls.value < mu_s                       # A2
        assert abs(est["leading"] - ls.value) / ls.value < 0.2                     # A3, O(1/log(1/alpha))
        assert abs(est["modified-equation"] - ls.value) <= 1                         # spec 2.4 modified equation
        assert ls.margin > 10 * ls.error_bound


@settings(max_examples=15, deadline=None)
@given(s=st.fractions("1/2", 4), c=st.fractions("1/1000", 1), e=st.integers(1, 12), mus=st.fractions("1/500", "9/10"))
def test_scalar_hitting_step_against_brute_force(s, c, e, mus):
    sq, lam0, mu = Q(s.numerator, s.denominator), Q(c.numerator, c.denominator) / 10 ** e, \
        Q(mus.numerator, mus.denominator) / Q(s.numerator, s.denominator)
    n, *_ = L.scalar_hitting_step(sq, lam0, sq / 2, mu, dps=30)
    with mp.workdps(60):
        lam, k = mp.mpf(lam0.p) / lam0.q, 0
        S, M = mp.mpf(sq.p) / sq.q, mp.mpf(mu.p) / mu.q
        while lam < S / 2:
            lam = lam * (1 + M * (S - lam)) ** 2
            k += 1
    assert n == k


def test_plateaus_and_final_state():
    s = Setting.of(sigma="3,2,1", d=30, r=2, alpha="1e-8")
    assert [L.plateau_loss(s, k).value for k in (0, 1, 2)] == [Q(7, 2), Q(5, 4), Q(1, 4)]
    with pytest.raises(ParameterError):
        L.plateau_loss(s, 3)
    fs = L.final_state(s)
    assert fs.regime == "under-parameterized" and fs.loss == Q(1, 4) and fs.eigenvalues == (3, 2)
    assert L.final_state(Setting.of(sigma="3,2,1", d=30, r=3, alpha=1)).loss == 0
    s5 = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")
    pl = L.plateau_length(s5, 1, dps=30)
    a, b = L.learning_time(s5, 1, dps=30), L.learning_time(s5, 2, dps=30)
    with mp.workdps(40):
        assert abs(pl.value - (b.value - a.value)) < mp.mpf(10) ** -25
        assert abs(pl.leading - mp.log(mp.mpf(10) ** 30) * (mp.mpf(1) / 2 - mp.mpf(1) / 3)) < mp.mpf(10) ** -25


def test_step_condition_is_exact():
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-8")
    sc = L.step_condition(s, Q(1, 6))
    assert (sc.product, sc.stable, sc.monotone, sc.monotone_margin) == (Q(1, 2), True, True, 0)
    sc = L.step_condition(s, Q(1, 3))
    assert (sc.stable, sc.stability_margin, sc.eta_stable_below) == (False, 0, Q(1, 3))
    assert L.step_condition(Setting.of(sigma="3,2,1", d=5, r=2, alpha=1, loss_scale="1/2"), Q(1, 12)).product == Q(1, 2)


def test_critical_points():
    pts = L.critical_points(Setting.of(sigma="3,2,1", d=5, r=2, alpha=1))
    assert len(pts) == 7
    mins = [p for p in pts if p.kind == "minimum"]
    assert len(mins) == 1 and mins[0].support == (1, 2) and mins[0].loss == Q(1, 4)
    by = {p.support: p for p in pts}
    assert by[(1, 3)].escape_rate == 2 and "rotation" in by[(1, 3)].escape     # 2 (sigma_2 - sigma_3)
    assert by[(2,)].escape_rate == 6 and by[()].loss == Q(7, 2)


def test_a_large_initialization_gives_a_clean_answer_or_refusal_never_a_crash():
    """alpha^2 c_k above the level (large alpha, drawn by `symdyn verify`): the GD step is 0 and its two
    time formulas (valid from below the level) are not reported; a pencil too singular to estimate the
    working precision is a ConvergenceError, not a ZeroDivisionError."""
    import symdyn as sd
    from symdyn.errors import ConvergenceError

    m = sd.model("matrix-sensing")
    q = m.boundary("learning-time", m.params(sigma="20403/10000,12459/10000,1131/1000", d="5", r="4",
                                             alpha="1431/625", k="2", eta="1/100"), dps=30)
    assert q.value == 0 and set(q.to_json()["approximations"]) == {"flow", "leading"}
    s = Setting.of(sigma="11679/5000,12381/10000,3/80", d=9, r=7, alpha="5709/2500")
    with pytest.raises(ConvergenceError, match="numerically singular"):
        L.learning_time(s, 3, dps=30)
