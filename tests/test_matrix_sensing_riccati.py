"""matrix-sensing: the exact flow P(t) = Y K^-1 Y^T at any precision (spec 2.2, 5; prediction A5)."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symdyn.errors import ParameterError
from symdyn.models.matrix_sensing.instance import draw_ubar
from symdyn.models.matrix_sensing.riccati import direct_eigenvalues, flow_point
from symdyn.models.matrix_sensing.setting import Setting
from symdyn.models.matrix_sensing.dynamics import flow_run

Q = sp.Rational


def _f(xs):
    return np.array([float(x) for x in xs])


def test_closed_form_matches_dop853_A5():
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-3")
    times = [1, 2, 4, 6]
    run = flow_run(s, times)
    for i, t in enumerate(times):
        p = flow_point(s, t, dps=20)
        ex = _f(p.eigenvalues)
        assert np.max(np.abs(run.eigenvalues[i] - ex) / ex) < 1e-10
        assert abs(run.loss[i] - float(p.loss)) < 1e-10 * float(p.loss)


def test_a_wrong_loss_scale_is_rejected_by_the_ode_comparison():
    # the ODE run with loss scale 1/2 at time t is the 1/4 flow at time 2t: comparing it with the 1/4
    # closed form at t must fail the 1e-10 tolerance, and pass at 2t
    half = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-3", loss_scale="1/2")
    quarter = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-3")
    run = flow_run(half, [2])
    wrong = _f(flow_point(quarter, 2, dps=20).eigenvalues)
    right = _f(flow_point(quarter, 4, dps=20).eigenvalues)
    assert np.max(np.abs(run.eigenvalues[0] - wrong) / wrong) > 1e-2
    assert np.max(np.abs(run.eigenvalues[0] - right) / right) < 1e-10


def test_loss_scale_rescales_time_exactly():
    a = flow_point(Setting.of(sigma="3,2,1", d=8, r=3, alpha="1e-6", loss_scale="1/2"), Q(7, 2), dps=30)
    b = flow_point(Setting.of(sigma="3,2,1", d=8, r=3, alpha="1e-6"), 7, dps=30)
    with mp.workdps(30):
        assert all(abs(x - y) <= mp.mpf(10) ** -28 * y for x, y in zip(a.eigenvalues, b.eigenvalues))


def test_tiny_alpha_agrees_with_the_textbook_route_at_generous_precision():
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")
    for t in (23, 36, 70):
        p = flow_point(s, t, dps=30)
        ref = direct_eigenvalues(s, t, dps=p.working_dps + 250)
        with mp.workdps(40):
            assert max(abs(a - b) / b for a, b in zip(p.eigenvalues, ref)) < mp.mpf(10) ** -28
            assert all(e < mp.mpf(10) ** -28 * abs(x) for e, x in zip(p.errors, p.eigenvalues))
        assert p.converged


def test_float64_precision_fails_at_alpha_1e30():
    # spec 5: the textbook route cancels about 2 log10(1/alpha) sigma_1/sigma_k digits; with 16 digits the
    # Cholesky factor of K breaks down (or the third eigenvalue is wrong)
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")
    exact = flow_point(s, 69, dps=20).eigenvalues[2]
    try:
        bad = direct_eigenvalues(s, 69, dps=16)[2]
    except (ValueError, ZeroDivisionError):
        return
    assert abs(bad - exact) > mp.mpf("1e-3") * exact


def test_no_overflow_at_large_time_and_tiny_alpha():
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-300")
    p = flow_point(s, 10 ** 4, dps=20)
    assert [mp.nstr(x, 12) for x in p.eigenvalues[:3]] == ["3.0", "2.0", "1.0"]
    assert mp.isfinite(p.loss) and p.loss >= 0 and p.converged
    p0 = flow_point(s, 0, dps=20)
    u = np.array(draw_ubar(30, 5, 0))
    ev = np.sort(np.linalg.eigvalsh(u.T @ u))[::-1]
    with mp.workdps(30):
        assert max(abs(x / mp.mpf(10) ** -600 - e) / e for x, e in zip(p0.eigenvalues, ev)) < 1e-12
    pr = ev / ev.sum()
    assert abs(float(p0.erank) - np.exp(-np.sum(pr * np.log(pr)))) < 1e-12   # scale-invariant: alpha drops out


def test_under_parameterized_flow_converges_to_the_truncation_A6():
    s = Setting.of(sigma="3,2,1", d=30, r=2, alpha="1e-8")
    p = flow_point(s, 200, dps=30)
    with mp.workdps(30):
        assert abs(p.eigenvalues[0] - 3) < mp.mpf(10) ** -25 and abs(p.eigenvalues[1] - 2) < mp.mpf(10) ** -25
        assert abs(p.loss - mp.mpf(1) / 4) < mp.mpf(10) ** -25


def test_error_estimates_are_honest():
    s = Setting.of(sigma="3,2,1", d=12, r=4, alpha="1e-20")
    lo, hi = flow_point(s, 25, dps=20), flow_point(s, 25, dps=60)
    with mp.workdps(70):
        for a, b, e in zip(lo.eigenvalues, hi.eigenvalues, lo.errors):
            assert abs(a - b) <= max(10 * e, mp.mpf(10) ** -19 * abs(b))


def test_negative_time_is_refused():
    with pytest.raises(ParameterError):
        flow_point(Setting.of(sigma="1", d=2, r=1, alpha="1e-3"), -1)


@settings(max_examples=8, deadline=None)
@given(s1=st.fractions(2, 4), s2=st.fractions("1/2", "19/10"), d=st.integers(2, 7), r=st.integers(1, 4),
       seed=st.integers(0, 10 ** 5), e=st.integers(2, 15), t=st.fractions("1/10", 30))
def test_scaled_pencil_equals_textbook_route_on_random_spectra(s1, s2, d, r, seed, e, t):
    s = Setting(sigma=(Q(s1.numerator, s1.denominator), Q(s2.numerator, s2.denominator)), d=d, r=min(r, d),
                alpha=Q(1, 10 ** e), init_seed=seed)
    tq = Q(t.numerator, t.denominator)
    p = flow_point(s, tq, dps=25)
    ref = direct_eigenvalues(s, tq, dps=p.working_dps + int(2 * e * 2 * 4 + 6 * float(tq)) + 30)
    with mp.workdps(40):
        assert max(abs(a - b) / b for a, b in zip(p.eigenvalues, ref)) < mp.mpf(10) ** -22
    bound = max(float(s.sigma[0]), float(s.alpha) ** 2 * float(np.sum(draw_ubar(d, s.r, seed) ** 2)))
    assert all(0 < float(x) <= bound * (1 + 1e-12) for x in p.eigenvalues) and p.loss >= 0
