"""Convention presets: each literal definition maps exactly onto the canonical model."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import sympy as sp

import symdyn as sd

P, N = 24, 40  # c = 3/5


def _instance(seed: int):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(P, N)) / np.sqrt(N)   # canonical noise, variance 1/n
    u = rng.normal(size=P); u /= np.linalg.norm(u)
    v = rng.normal(size=N); v /= np.linalg.norm(v)
    ga = rng.normal(size=P); ga -= (ga @ u) * u; ga /= np.linalg.norm(ga)
    gb = rng.normal(size=N); gb -= (gb @ v) * v; gb /= np.linalg.norm(gb)
    return Z, u, v, ga, gb


def _overlaps(X, a0, b0, t, u, v):
    p, n = X.shape
    H = np.block([[np.zeros((p, p)), X], [X.T, np.zeros((n, n))]])
    w = sla.expm(t * H) @ np.concatenate([a0, b0])
    a, b = w[:p], w[p:]
    return (u @ a) / np.linalg.norm(a), (v @ b) / np.linalg.norm(b), (a @ X @ b) / (np.linalg.norm(a) * np.linalg.norm(b))


def _literal(conv: str, Z, u, v, theta_user: float, sigma: float):
    """X as the convention defines it, built from the same canonical noise draw."""
    if conv in ("canonical", "spheres-sqrt", "signal-sqrt-pn"):
        if conv == "signal-sqrt-pn":  # (theta'/sqrt(pn)) u' v'^T with |u'|^2 = p, |v'|^2 = n
            return theta_user / np.sqrt(P * N) * np.outer(np.sqrt(P) * u, np.sqrt(N) * v) + Z
        return theta_user * np.outer(u, v) + Z
    if conv == "noise-sigma":
        return theta_user * np.outer(u, v) + sigma * Z
    if conv == "balanced":  # noise variance 1/sqrt(p n)
        return theta_user * np.outer(u, v) + Z * np.sqrt(N) / (P * N) ** 0.25
    if conv == "noise-1/p":
        return theta_user * np.outer(u, v) + Z * np.sqrt(N / P)
    if conv == "bgn":  # variance 1/max(p, n); here p < n
        return theta_user * np.outer(u, v) + Z * np.sqrt(N / max(P, N))
    if conv == "signal-over-n":  # (theta'/n) u' v'^T with |u'|^2 = p, |v'|^2 = n
        return theta_user / N * np.outer(np.sqrt(P) * u, np.sqrt(N) * v) + Z
    raise AssertionError(conv)


@pytest.mark.parametrize("conv", ["canonical", "noise-sigma", "balanced", "noise-1/p", "bgn",
                                  "signal-sqrt-pn", "signal-over-n", "spheres-sqrt"])
def test_preset_maps_the_literal_model_onto_the_canonical_one(rank_one, conv):
    Z, u, v, ga, gb = _instance(7)
    alpha, beta, theta_user, t_user, sigma = 0.3, -0.4, 1.7, 2.5, 1.5
    kw = dict(c=f"{P}/{N}", theta=str(theta_user), alpha=str(alpha), beta=str(beta))
    if conv != "canonical":
        kw["convention"] = conv
    if conv == "noise-sigma":
        kw["sigma"] = str(sigma)
    if conv == "spheres-sqrt":
        kw["flow"] = "F2"
    can = rank_one.canonical(rank_one.params(**kw))
    # the literal convention: its own X, its own initial vectors, its own time
    a_hat = alpha * u + np.sqrt(1 - alpha**2) * ga
    b_hat = beta * v + np.sqrt(1 - beta**2) * gb
    if conv == "spheres-sqrt":
        a0, b0 = np.sqrt(P) * a_hat, np.sqrt(N) * b_hat
    else:
        a0, b0 = a_hat, b_hat
    lit = _overlaps(_literal(conv, Z, u, v, theta_user, sigma), a0, b0, t_user, u, v)
    # the canonical model with the code's mapping
    theta = float(sp.N(can.theta, 20))
    kappa = float(sp.N(can.kappa, 20))
    t = float(sp.N(can.time_factor, 20)) * t_user
    canon = _overlaps(theta * np.outer(u, v) + Z, a_hat, kappa * b_hat, t, u, v)
    np.testing.assert_allclose(lit[:2], canon[:2], rtol=1e-10, atol=1e-12)
    # the energy a^T X b is reported in the user's units: x_scale times the canonical one
    np.testing.assert_allclose(lit[2], float(sp.N(can.x_scale, 20)) * canon[2], rtol=1e-10)


def test_time_scale_parameter_rescales_time_only(rank_one):
    base = rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    scaled = rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", time_scale="2")
    a = rank_one.evaluate(base, ["6"], dps=30)
    b = rank_one.evaluate(scaled, ["3"], dps=30)
    assert sd.mp_to_decimal(a["m_u"][0], 28) == sd.mp_to_decimal(b["m_u"][0], 28)
    assert sd.mp_to_decimal(a["energy"][0], 28) == sd.mp_to_decimal(b["energy"][0], 28)


def test_spheres_sqrt_needs_a_flow_that_allows_unbalanced_norms(rank_one):
    p = rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", convention="spheres-sqrt")
    with pytest.raises(sd.ParameterError, match="flow=F2"):
        rank_one.evaluate(p, ["1"])


# Thresholds in the user's units, by hand from each convention's definition (theta_canonical = c^(1/4)
# at the BBP transition and theta_canonical = scale * theta_user): an independent route to the code's
# division by the theta scale.
_C = sp.Rational(3, 5)
_SIGMA = sp.Rational(3, 2)
_THRESHOLDS = {
    "canonical": _C ** sp.Rational(1, 4),
    "noise-sigma": _SIGMA * _C ** sp.Rational(1, 4),          # theta = theta'/sigma
    "balanced": sp.Integer(1),                                # theta = c^(1/4) theta'
    "noise-1/p": _C ** sp.Rational(-1, 4),                    # theta = sqrt(c) theta'
    "bgn": _C ** sp.Rational(1, 4),                           # c <= 1: canonical
    "signal-sqrt-pn": _C ** sp.Rational(1, 4),
    "signal-over-n": _C ** sp.Rational(-1, 4),                # theta = sqrt(c) theta'
    "spheres-sqrt": _C ** sp.Rational(1, 4),
}


def _conv_params(model, conv, c=_C, **kw):
    extra = {"convention": conv} if conv != "canonical" else {}
    if conv == "noise-sigma":
        extra["sigma"] = str(_SIGMA)
    return model.params(c=str(c), **extra, **kw)


@pytest.mark.parametrize("conv", sorted(_THRESHOLDS))
def test_threshold_in_each_convention_is_its_closed_form(rank_one, conv):
    b = rank_one.boundary("threshold", _conv_params(rank_one, conv), dps=30)
    assert sp.simplify(b.exact["theta_c"] - _THRESHOLDS[conv]) == 0
    assert sd.mp_to_decimal(b.value, 25) == sd.mp_to_decimal(sd.to_mp(_THRESHOLDS[conv], 40), 25)
    # theta=threshold and epsilon resolve to the same user value, and to c^(1/4) in canonical units
    p = _conv_params(rank_one, conv, theta="threshold")
    assert sp.simplify(p["theta"] - _THRESHOLDS[conv]) == 0
    assert sp.simplify(rank_one.canonical(p, dynamics=False).theta - _C ** sp.Rational(1, 4)) == 0
    q = _conv_params(rank_one, conv, epsilon="1/10")
    assert sp.simplify(q["theta"] - _THRESHOLDS[conv] * sp.Rational(11, 10)) == 0


def test_bgn_threshold_switches_to_noise_1_over_p_above_c_1(rank_one):
    for c, expected in ((sp.Integer(3), sp.Integer(3) ** sp.Rational(-1, 4)), (sp.Rational(1, 3),
                                                                             sp.Rational(1, 3) ** sp.Rational(1, 4))):
        b = rank_one.boundary("threshold", _conv_params(rank_one, "bgn", c=c), dps=30)
        assert sp.simplify(b.exact["theta_c"] - expected) == 0, c


@pytest.mark.parametrize("conv,kw", [("canonical", {"time_scale": "2"}), ("balanced", {}),
                                     ("noise-sigma", {}), ("noise-1/p", {"time_scale": "3/2"})])
def test_relaxation_time_is_in_the_user_time_units(rank_one, conv, kw):
    """t_canonical = time_factor t_user, so the relaxation time in user units is the canonical one divided by
    the time factor; the canonical one is 1/(s1 - s+) computed here by hand."""
    p = _conv_params(rank_one, conv, theta="2", alpha="1/5", beta="1/5", **kw)
    can = rank_one.canonical(p)
    assert can.time_factor != 1
    th, c = can.theta, can.c
    s1 = sp.sqrt((1 + th**2) * (c + th**2)) / th
    expected = 1 / ((s1 - 1 - sp.sqrt(c)) * can.time_factor)
    got = rank_one.boundary("relaxation-time", p, dps=30)
    assert abs(float(got.value) - float(expected)) < 1e-12 * float(expected)
    lim = rank_one.limit(p, dps=30, check=False)
    assert abs(float(lim.decay.time_scale) - float(expected)) < 1e-12 * float(expected)


def test_relaxation_time_is_the_decay_rate_of_the_trajectory_in_user_units(rank_one):
    """Independent of the formula: -d/dt log|m_u(t) - m_u(oo)| = 1/tau + 3/(2t) + O(t^-2); Richardson in 1/t."""
    p = rank_one.params(c="2", theta="2", alpha="1/5", beta="1/5", convention="balanced", time_scale="3/2")
    tau = float(rank_one.boundary("relaxation-time", p, dps=30).value)
    m_inf = rank_one.limit(p, dps=40, check=False).values["m_u"]
    h = tau / 8

    def rate(t):
        tr = rank_one.evaluate(p, [str(sp.Rational(t).limit_denominator(10**6)),
                                   str(sp.Rational(t + h).limit_denominator(10**6))], dps=40, observables=["m_u"])
        import mpmath as mp
        with mp.workdps(40):
            d0, d1 = abs(tr["m_u"][0] - m_inf), abs(tr["m_u"][1] - m_inf)
            return float((mp.log(d0) - mp.log(d1)) / (sp.Rational(t + h).limit_denominator(10**6)
                                                      - sp.Rational(t).limit_denominator(10**6)))

    T = 20 * tau
    r1, r2 = rate(T), rate(2 * T)
    est = 2 * r2 - r1   # removes the 1/t term
    assert abs(est - 1 / tau) < 0.02 / tau, (est, 1 / tau)
