"""Rank-one finite-size knowledge (spec 5.2): sigma_n, wrong-sign probability, the per-trial amplitude
correction, and the checker's treatment of rows at sign risk, against simulation."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy import stats

from symdyn.models.rank_one_denoising import spectral as spikes
from symdyn.check import check
from symdyn.laws.measure import SpectralMeasure
from symdyn.models.rank_one_denoising.finite_size import BulkQuadrature, bbp_window, finite_size, flow_basis
from symdyn.symbols import c as C_, theta as T_


def test_sigma_and_wrong_sign_probability_match_spec_5_2(rank_one):
    """Spec 5.2: c = 0.5, theta = 1.2, (alpha, beta) = (0.4, -0.5): A + B = -0.034, P(wrong) = 0.25, 0.17, 0.09, 0.03."""
    p = rank_one.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    zu, zv = (1.2**4 - 0.5) / (1.44 * 1.94), (1.2**4 - 0.5) / (1.44 * 2.44)
    for n, spec_p in ((500, 0.25), (1000, 0.17), (2000, 0.09), (4000, 0.03)):
        s = finite_size(rank_one, p, {"p": n // 2, "n": n}).sign
        assert s.amplitude == pytest.approx(0.4 * math.sqrt(zu) - 0.5 * math.sqrt(zv), rel=1e-12)
        sig = math.sqrt(zu * 0.84 / (n // 2) + zv * 0.75 / n)
        assert s.sigma == pytest.approx(sig, rel=1e-12)
        assert s.predicted_wrong == pytest.approx(stats.norm.cdf(-abs(s.amplitude) / sig), rel=1e-9)
        assert s.predicted_wrong == pytest.approx(spec_p, abs=0.012)


def test_exactly_critical_amplitude_is_exactly_zero_and_half_the_trials_flip(rank_one):
    p = rank_one.params(c="1/2", theta="6/5", alpha="critical", beta="1/2")
    s = finite_size(rank_one, p, {"p": 500, "n": 1000}).sign
    assert s.amplitude == 0.0 and s.predicted_wrong == 0.5


def test_below_threshold_no_sign_risk_and_bbp_window_note(rank_one):
    below = finite_size(rank_one, rank_one.params(c="1/2", theta="3/5", alpha="3/10", beta="1/2"),
                        {"p": 500, "n": 1000})
    assert below.sign is None and not below.notes
    near = finite_size(rank_one, rank_one.params(c="1/2", epsilon="1/100", alpha="3/10", beta="1/2"),
                       {"p": 500, "n": 1000})
    assert any("BBP window" in n for n in near.notes)
    dist, window = bbp_window(rank_one.canonical(rank_one.params(c="1/2", epsilon="1/100")), 500, 1000)
    assert dist == pytest.approx((1.01**4) - 1, rel=1e-9) and window == pytest.approx(3 * 500 ** (-1 / 3))


@pytest.mark.parametrize("c, theta", [("1/2", "6/5"), ("2", "9/5"), ("1", "3/2"), ("1/4", "9/10")])
def test_bulk_quadrature_against_tanh_sinh(c, theta):
    """The float64 phi-quadrature of the bulk measures against mpmath's tanh-sinh (SpectralMeasure.integrate)
    and the exact masses of spec 3.4 minus the outlier atoms."""
    cf, tf = float(sp.Rational(c)), float(sp.Rational(theta))
    b = BulkQuadrature(cf, tf)
    zu, zv = (tf**4 - cf) / (tf**2 * (tf**2 + cf)), (tf**4 - cf) / (tf**2 * (tf**2 + 1))
    one = np.ones_like(b.s)
    assert b.integrate("uu", one, 1.0) == pytest.approx(1 - zu, abs=1e-13)
    assert b.integrate("vv", one, 1.0) == pytest.approx(1 - zv, abs=1e-13)
    assert b.integrate("uv", one, 0.0) == pytest.approx(tf - (tf**4 - cf) / tf**3, abs=1e-13)
    assert b.integrate("mu1", one, 1.0) == pytest.approx(1.0, abs=1e-13)
    s1 = math.sqrt((1 + tf**2) * (cf + tf**2)) / tf
    vals = {C_: sp.Rational(c), T_: sp.Rational(theta)}
    for name, meas in (("uu", spikes.nu_uu()), ("uv", spikes.nu_uv())):
        m = meas.subs(vals)
        lst = spikes.outlier_eigenvalue().subs(vals)
        bulk = SpectralMeasure(m.name, m.var, m.density, m.lower, m.upper,
                               tuple(a for a in m.atoms if sp.simplify(a.location - lst) != 0))
        for t in (0.5, 5.0, 30.0):
            f = flow_basis(b.s, t, s1)
            f0 = flow_basis(np.zeros(1), t, s1)
            key = "C2" if name == "uu" else "CS"
            ours = b.integrate(name, f[key], float(f0[key][0]))
            if name == "uu":
                ref = bulk.integrate(lambda x: (mp.cosh(t * mp.sqrt(x)) * mp.exp(-t * s1)) ** 2, 20)
            else:
                ref = bulk.integrate(lambda x: mp.cosh(t * mp.sqrt(x)) * mp.sinh(t * mp.sqrt(x)) / mp.sqrt(x)
                                     * mp.exp(-2 * t * s1), 20)
            assert ours == pytest.approx(float(ref), rel=1e-10, abs=1e-300)


def test_corrections_vanish_at_t0_and_at_the_limit_amplitude(rank_one):
    p = rank_one.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    s = finite_size(rank_one, p, {"p": 1000, "n": 2000}).sign
    times = rank_one.parse_times(p, ["0", "1", "10"])
    amps = np.array([-0.1, s.amplitude, 0.05])
    s1 = float(s.s1)
    for obs in ("m_u", "m_v"):
        corr = s.correction(obs, times, {"amplitude": amps})
        assert np.all(np.abs(corr[:, 0]) < 1e-14)         # m(0) = alpha, beta for every trial
        corr = s.correction(obs, times, {"amplitude": amps, "s_max": np.full(3, s1)})
        assert np.all(np.abs(corr[:, 0]) < 1e-14)
        assert np.all(np.abs(corr[1, 1:]) < 0.01)       # only the e-average remains at d = 0
        assert corr[0, 2] * corr[2, 2] < 0             # opposite amplitudes push opposite ways
    # the deterministic value reproduces the model's own trajectory
    for obs in ("m_u", "m_v", "energy"):
        det = s.deterministic(obs, times)
        ref = [float(v) for v in rank_one.evaluate(p, times, observables=[obs])[obs]]
        assert det == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_mixture_bias_quadrature_against_monte_carlo(rank_one):
    """E[f(a_i)] - f(a) by adaptive quadrature against the mean of the per-trial corrections over sampled amplitudes."""
    p = rank_one.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    s = finite_size(rank_one, p, {"p": 500, "n": 1000}).sign
    times = rank_one.parse_times(p, ["3", "20"])
    rng = np.random.default_rng(1)
    amps = s.amplitude + s.sigma * rng.standard_normal(200_000)
    for obs in ("m_u", "energy"):
        quad = s.mixture_bias(obs, times)
        mc = s.correction(obs, times, {"amplitude": amps})
        se = mc.std(axis=0) / math.sqrt(amps.size)
        assert np.all(np.abs(quad - mc.mean(axis=0)) < 4 * se + 1e-6), (obs, quad, mc.mean(axis=0), se)


def test_sign_bias_is_large_only_where_flips_matter(rank_one):
    near = rank_one.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    s = finite_size(rank_one, near, {"p": 1000, "n": 2000}).sign
    t = rank_one.parse_times(near, ["1", "20"])
    b = s.sign_bias("m_u", t)
    assert abs(b[0]) < 0.01 and b[1] > 0.05    # wrong-sign trials pull m_u(20) < 0 towards +
    far = finite_size(rank_one, rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10"),
                      {"p": 1000, "n": 2000}).sign
    assert far.predicted_wrong < 1e-5 and np.all(np.abs(far.sign_bias("m_u", t)) < 1e-6)


@pytest.mark.slow
def test_amplitude_spread_observed_vs_predicted(rank_one):
    """The simulator's per-trial amplitude has mean A + B and a spread within 20% of spec 5.2's sigma_n."""
    p = rank_one.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    sim = rank_one.simulator().run(p, ["1"], n=1000, trials=300, seed=12, method="gram")
    s = finite_size(rank_one, p, sim.sizes).sign
    a = sim.extra["amplitude"]
    assert abs(a.mean() - s.amplitude) < 4 * a.std() / math.sqrt(a.size)
    assert a.std(ddof=1) == pytest.approx(s.sigma, rel=0.2)
    wrong = np.mean(np.sign(a) != np.sign(s.amplitude))
    assert wrong == pytest.approx(s.predicted_wrong, abs=4 * math.sqrt(s.predicted_wrong / a.size) + 0.02)


@pytest.mark.slow
def test_check_near_the_critical_ratio_uses_corrections_and_passes(rank_one):
    """(alpha, beta) = (0.4, -0.5) at n = 2000: raw rows at t = 10, 20 are biased by sign flips (spec 9),
    the corrected rows agree with the theory and are far more precise."""
    p = rank_one.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    res = check(rank_one, p, n=2000, seeds=40, times=[1, 3, 10, 20], seed=3, method="gram")
    assert res.passed, res.summary()
    assert res.sign is not None and res.sign.observed_wrong is not None
    late = [r for r in res.rows if r.observable in ("m_u", "m_v") and float(r.t) >= 10]
    assert all(r.test == "amplitude-corrected" for r in late)
    assert max(abs(r.raw_z) for r in late) > 2.0           # the sign mixture is visible in the raw means
    assert all(abs(r.z) < 3 for r in late)
    assert res.sign.binomial_p > 0.001
    js = res.to_json()
    assert js["sign_risk"]["detected"] and js["sign_risk"]["rows_at_risk"]


@pytest.mark.slow
def test_check_at_the_critical_ratio_passes_where_the_raw_energy_fails(rank_one):
    """Exactly critical: half the trials flip; the raw energy at t = 20 is off by many s.e., the corrected one is not."""
    p = rank_one.params(c="1/2", theta="6/5", alpha="critical", beta="1/2")
    res = check(rank_one, p, n=1000, seeds=30, times=[1, 5, 20], seed=4, method="gram")
    assert res.passed, res.summary()
    e20 = next(r for r in res.rows if r.observable == "energy" and float(r.t) == 20)
    assert e20.test == "amplitude-corrected" and abs(e20.raw_z) > 4 and abs(e20.z) < 3
    assert 0.25 < res.sign.observed_wrong < 0.75


def test_inaccurate_krylov_amplitudes_are_not_used(rank_one):
    """A top Ritz pair that has not converged gives no amplitudes (the rows at risk are then excluded)."""
    p = rank_one.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    s = finite_size(rank_one, p, {"p": 500, "n": 1000}).sign
    amp = np.array([-0.03, -0.05])
    assert s.amplitudes({"amplitude": amp}) is not None
    assert s.amplitudes({"amplitude": amp, "ritz_residual": np.array([1e-12, 1e-11])}) is not None
    assert s.amplitudes({"amplitude": amp, "ritz_residual": np.array([1e-12, 1e-2])}) is None
    assert s.correction("m_u", rank_one.parse_times(p, ["5"]),
                        {"amplitude": amp, "ritz_residual": np.array([1e-2, 1e-2])}) is None
