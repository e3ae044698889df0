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
    c = P / N
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
