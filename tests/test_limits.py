"""Large-time limits: explicit regimes, each cross-checked numerically."""

from __future__ import annotations

import mpmath as mp
import sympy as sp

import symdyn as sd
from symdyn.models.rank_one_denoising import spectral as spikes

from helpers import assert_digits


def test_sympy_parametric_limit_of_competing_exponentials_is_wrong():
    """Regression: SymPy gives 0 for lim exp(a t)/(exp(a t) + exp(b t)) with a, b > 0 free.

    The true value is 1 (a > b), 1/2 (a = b), 0 (a < b).  symdyn never asks SymPy for such
    a limit; this test documents why (and fails if SymPy changes, so we can revisit).
    """
    a, b, t = sp.symbols("a b t", positive=True)
    expr = sp.exp(a * t) / (sp.exp(a * t) + sp.exp(b * t))
    assert sp.limit(expr, t, sp.oo) == 0
    # the correct, regime-split answers, checked numerically at interior points
    for av, bv, truth in ((2, 1, 1), (1, 1, sp.Rational(1, 2)), (1, 2, 0)):
        with mp.workdps(30):
            val = mp.exp(av * 200) / (mp.exp(av * 200) + mp.exp(bv * 200))
            assert abs(val - mp.mpf(sd.to_mp(truth, 30))) < mp.mpf(10) ** -20


def test_signed_bbp_limit_follows_the_outlier_amplitude(rank_one):
    for alpha, beta, sign in (("1/10", "1/10", 1), ("2/5", "-1/2", -1), ("-9/10", "1/2", -1), ("-1/2", "9/10", 1)):
        p = rank_one.params(c="1/2", theta="6/5", alpha=alpha, beta=beta)
        lim = rank_one.limit(p, dps=40)
        assert lim.regime is sd.Regime.ABOVE
        zu = rank_one.boundary("overlaps", p, dps=40).values["zeta_u"]
        with mp.workdps(40):
            assert_digits(lim.values["m_u"], sign * mp.sqrt(zu), 38, "signed sqrt(zeta_u)")
        assert lim.check.passed is True and lim.check.relative_deviation < mp.mpf(10) ** -12


def test_the_sign_flips_across_the_critical_ratio(rank_one):
    # critical ratio at c = 1/2, theta = 2: -sqrt(9/10); step 1e-25 to either side (the decimal
    # is written with 60 digits, far finer than the step)
    assert sd.exact_sign(rank_one.boundary("critical-ratio", rank_one.params(c="1/2", theta="2")).exact["ratio"]
                         + sp.sqrt(sp.Rational(9, 10))) == 0
    for offset, expected in (("-1e-25", -1), ("1e-25", 1)):
        ratio = str(sp.N(-sp.sqrt(sp.Rational(9, 10)) + sp.Rational(offset), 60))
        lim = rank_one.limit(rank_one.params(c="1/2", theta="2", ratio=ratio, beta="3/10"), dps=30, check=False)
        assert lim.regime is sd.Regime.ABOVE
        assert mp.sign(lim.values["m_u"]) == expected


def test_critical_ratio_regime_decays_like_t_to_minus_three_quarters(rank_one):
    p = rank_one.params(c="1/2", theta="2", alpha="critical", beta="3/10")
    lim = rank_one.limit(p, dps=30)
    assert lim.regime is sd.Regime.CRITICAL_RATIO and lim.values["m_u"] == 0
    assert lim.decay.exponent == sp.Rational(-3, 4)
    assert lim.check.passed is True


def test_below_threshold_amplitude_matches_spec(rank_one):
    lim = rank_one.limit(rank_one.params(c="1/2", theta="3/5", alpha="3/10", beta="1/2"), dps=30)
    assert lim.regime is sd.Regime.BELOW
    assert abs(lim.decay.amplitudes["m_u"] - mp.mpf("3.270")) < mp.mpf("0.0005")  # spec 5.3: K_u = 3.270
    assert lim.check.passed is True and lim.check.relative_deviation < mp.mpf("1e-4")


def test_at_threshold_law_is_t_to_minus_one_quarter_and_checked(rank_one):
    lim = rank_one.limit(rank_one.params(c="1/2", theta="threshold", alpha="1/10", beta="1/10"), dps=30)
    assert lim.regime is sd.Regime.AT and lim.decay.exponent == sp.Rational(-1, 4)
    # the spec quotes t^(1/4) m_u -> 1.013 at c = 1/2 (0.998, 1.012, 1.013 at t = 1e2, 1e3, 1e4)
    assert abs(lim.decay.amplitudes["m_u"] - mp.mpf("1.013")) < mp.mpf("0.001")
    assert lim.check.passed is True


def test_limit_values_are_reached_by_the_trajectory(rank_one):
    p = rank_one.params(c="2", theta="5/2", alpha="-3/10", beta="1/5")
    lim = rank_one.limit(p, dps=30, check=False)
    gap = float(1 / sd.to_mp(spikes.gap().subs({spikes.c: 2, spikes.theta: sp.Rational(5, 2)}), 20))
    tr = rank_one.evaluate(p, [str(int(60 * gap))], dps=30)
    for o in ("m_u", "m_v"):
        assert_digits(tr[o][0], lim.values[o], 20, o)


def test_gd_limits_use_the_effective_time(rank_one):
    p = rank_one.params(c="1/2", theta="3/5", alpha="3/10", beta="1/2", eta="1/4")
    lim = rank_one.limit(p, dps=30)
    assert lim.decay.law == "k^(-3/4)" and lim.check.passed is True
    flow = rank_one.limit(rank_one.params(c="1/2", theta="3/5", alpha="3/10", beta="1/2"), dps=30, check=False)
    # K_gd = K_flow (eta/(1 + eta s+))^(-3/4)
    with mp.workdps(30):
        s_plus = 1 + mp.sqrt(mp.mpf(1) / 2)
        ratio = (mp.mpf(1) / 4 / (1 + s_plus / 4)) ** (-mp.mpf(3) / 4)
        assert_digits(lim.decay.amplitudes["m_u"], flow.decay.amplitudes["m_u"] * ratio, 25, "GD amplitude")


def test_near_threshold_limit_is_reported_without_a_fake_check(rank_one):
    lim = rank_one.limit(rank_one.params(c="1/2", epsilon="1e-6", alpha="1/10", beta="1/10"), dps=30)
    assert lim.regime is sd.Regime.ABOVE
    assert lim.check.passed is None and "relaxation time" in lim.check.description


def test_gd_relaxation_time_is_positive_and_is_the_decay_rate_of_gd(rank_one):
    """Above threshold, GD approaches its limit like ((1 + eta s+)/(1 + eta s1))^k k^(-3/2): the time scale is
    the positive 1/log((1 + eta s1)/(1 + eta s+)) steps, and the trajectory's decay rate (Richardson in 1/k,
    an independent route) is its inverse."""
    p = rank_one.params(c="1/2", theta="2", alpha="1/5", beta="1/5", eta="1/4")
    lim = rank_one.limit(p, dps=40, check=False)
    with mp.workdps(40):
        c, th, eta = mp.mpf(1) / 2, mp.mpf(2), mp.mpf(1) / 4
        s1 = mp.sqrt((1 + th**2) * (c + th**2)) / th
        s_plus = 1 + mp.sqrt(c)
        tau = 1 / mp.log((1 + eta * s1) / (1 + eta * s_plus))
    assert lim.decay.time_scale > 0
    assert_digits(lim.decay.time_scale, tau, 30, "GD relaxation steps")
    m_inf = lim.values["m_u"]
    h = 10

    def rate(k):
        tr = rank_one.evaluate(p, [str(k), str(k + h)], dps=40, observables=["m_u"])
        with mp.workdps(40):
            return (mp.log(abs(tr["m_u"][0] - m_inf)) - mp.log(abs(tr["m_u"][1] - m_inf))) / h

    K = int(20 * tau)
    est = 2 * rate(2 * K) - rate(K)   # removes the 3/(2k) term
    assert abs(est * tau - 1) < 0.02, (est, 1 / tau)
