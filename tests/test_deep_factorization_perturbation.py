"""The perturbation W^ = W* + E: bounds (B6), shifts (B7), the Weyl sandwich, the limit."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from symdyn.errors import ParameterError
from symdyn.models.deep_factorization import closed_forms as cf
from symdyn.models.deep_factorization import interval as iv
from symdyn.models.deep_factorization import perturbation as pt

Q = sp.Rational


def test_the_draw_is_reproducible_and_documented():
    a, b = pt.draw("3,2,1", 10, "1/10", 7), pt.draw("3,2,1", 10, "1/10", 7)
    assert np.array_equal(a.E, b.E) and a.lam_hat == b.lam_hat
    rng = np.random.default_rng(7)
    G = rng.standard_normal((10, 10))
    S = (G + G.T) / 2
    assert np.allclose(a.E, S * 0.1 / np.linalg.norm(S, 2), rtol=0, atol=1e-16)
    assert abs(a.norm_E - 0.1) < 1e-15
    assert not np.array_equal(a.E, pt.draw("3,2,1", 10, "1/10", 8).E)


@pytest.mark.parametrize("seed", range(6))
def test_weyl_and_davis_kahan_hold(seed):
    P = pt.draw([3, 2, 1], 20, Q(153, 1000), seed)
    w = pt.weyl(P)
    assert w.holds and w.worst <= P.norm_E
    dk = pt.davis_kahan(P)
    assert dk.holds and dk.sin_theta <= dk.bound <= dk.bound_simple


def test_a_violated_weyl_bound_is_detected():
    """Broken on purpose: a spectrum moved further than ||E|| allows fails the check."""
    P = pt.given([3, 2, 1], 4, [Q(33, 10), 2, 1, 0], noise=Q(1, 10))
    assert not pt.weyl(P).holds


@pytest.mark.parametrize("seed", range(4))
def test_second_order_shift_beats_first_order(seed):
    P = pt.draw([3, 2, 1], 30, Q(1, 10), seed)
    for k in (1, 2, 3):
        sh = pt.second_order_shift(P, k)
        assert abs(sh["second"] - sh["exact"]) < 8 * P.norm_E**3
        assert abs(sh["second"] - sh["exact"]) < abs(sh["first"] - sh["exact"])


def test_exact_derivative_of_T_in_s_matches_numerical_differentiation():
    for N in (2, 3, 4):
        d = pt.dT_ds(Q(3, 2), Q(9, 10), N, alpha=Q(1, 20), dps=30)
        with mp.workdps(30):
            num = mp.diff(lambda v: cf.time_to_reach(sp.Rational(mp.nstr(v, 40)), Q(9, 10), N, alpha=Q(1, 20),
                                                     dps=40).value, mp.mpf(3) / 2, h=mp.mpf(10) ** -12)
            assert abs(d - num) / abs(d) < 1e-8


@pytest.mark.parametrize("N, a", [(2, Q(1, 10**4)), (3, Q(1, 100)), (4, Q(1, 10))])
def test_first_order_T0_shift_within_ten_percent(N, a):
    """B7 in flow time: (dT/ds)(lam_k - sigma_k) against the exact shift of T0."""
    P = pt.draw([3, 2, 1], 20, Q(153, 1000), 0)
    st = iv.setting([3, 2, 1], N, alpha=a)
    for k in (1, 2, 3):
        sh = pt.T0_shift(st, P.lam_hat, k)
        assert sh.relative_error < Q(1, 10)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("N, a, eta", [(2, Q(1, 1000), Q(2, 100)), (3, Q(3, 100), Q(2, 100)), (4, Q(15, 100), Q(15, 1000))])
def test_guaranteed_weyl_interval_contains_the_perturbed_endpoints(seed, N, a, eta):
    P = pt.draw([3, 2, 1], 20, Q(153, 1000), seed)
    noise = Q(P.norm_E) * (1 + Q(1, 10**12))
    for e in (eta, None):
        st = iv.setting([3, 2, 1], N, alpha=a, eta=e)
        sth = st.with_lam(P.lam_hat)
        for k in (1, 2, 3):
            W = pt.weyl_interval(st, noise, k, dps=20)
            assert iv.T0(sth, k, dps=20).value <= W.T0_upper
            assert iv.T1(sth, k, dps=20).value >= W.T1_lower


def test_T_is_unimodal_in_the_target_with_its_maximum_at_s_star():
    a, lev, N = Q(3, 100), Q(1, 10), 3
    s_star = pt.critical_target(lev, N, alpha=a, dps=30)
    lo = sp.Rational(mp.nstr(s_star * Q(9, 10), 20))
    hi = sp.Rational(mp.nstr(s_star * Q(11, 10), 20))
    assert pt.dT_ds(lo, lev, N, alpha=a) > 0 > pt.dT_ds(hi, lev, N, alpha=a)
    # hence the spec's simpler endpoint T1 at sigma_{k+1} + ||E|| is not a lower bound when the noise
    # eigenvalue sits just above lambda0/eps: T(s) -> 0 there
    tiny = a**3 / lev * (1 + Q(1, 10**8))
    assert cf.time_to_reach(tiny, lev, N, alpha=a).value < cf.time_to_reach(Q(1, 10), lev, N, alpha=a).value


def test_noise_fitting_time_and_its_estimate():
    P = pt.draw([3, 2, 1], 20, Q(153, 1000), 0)
    st = iv.setting(P.lam_hat, 3, alpha=Q(3, 100), eta=Q(2, 100))
    e, est = pt.noise_fitting_time(st, 3)
    assert e.finite and e.value == iv.T1(st, 3).value
    assert abs(e.value - est) * 0.02 < 2 * (float(P.lam_hat[3]) ** (-4 / 3) * 2.05 + 1)


def test_limit_and_final_loss():
    P = pt.given([3, 2, 1], 5, [3, 2, 1, Q(1, 10), Q(-1, 5)])
    L = pt.limit(P)
    assert L.eigenvalues == (3, 2, 1, Q(1, 10), 0)
    assert L.final_loss == Q(1, 50) and L.overfitted == 1


def test_given_spectrum_of_the_wrong_length_is_refused():
    with pytest.raises(ParameterError, match="d = 4"):
        pt.given([3, 2, 1], 4, [3, 2, 1])
    with pytest.raises(ParameterError, match="smaller than r"):
        pt.draw([3, 2, 1], 2, Q(1, 10), 0)
    with pytest.raises(ParameterError, match="noise"):
        pt.draw([3, 2, 1], 5, Q(-1, 10), 0)
