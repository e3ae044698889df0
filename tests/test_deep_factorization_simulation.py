"""Full-matrix GD of the N layers against the theory (B1, B2, B4, B6, B8) and the arora2019 preset."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symdyn.errors import ParameterError
from symdyn.models.deep_factorization import closed_forms as cf
from symdyn.models.deep_factorization import interval as iv
from symdyn.models.deep_factorization import perturbation as pt
from symdyn.models.deep_factorization import presets
from symdyn.models.deep_factorization import simulation as sm
from symdyn.models.deep_factorization import steps as st_

Q = sp.Rational
CASES = [(2, Q(1, 1000), Q(2, 100)), (3, Q(3, 100), Q(2, 100)), (4, Q(15, 100), Q(15, 1000))]


@pytest.fixture(scope="module")
def perturbed():
    return pt.draw([3, 2, 1], 20, Q(153, 1000), 0)


def _run(P, N, a, eta, n, record, levels=None):
    lam = np.array([float(v) for v in P.lam_hat])
    Ws = np.diag([float(v) for v in P.sigma_padded()])
    return sm.run_gd(P.target(), Ws, N, float(a), float(eta), n, record, Q=P.Q, lam=lam, levels=levels)


@pytest.mark.parametrize("N, a, eta", CASES)
def test_layers_stay_equal_and_eigenvalues_follow_the_recursion(perturbed, N, a, eta):
    """B1: max_j ||W_j - W_1|| and the eigenvalues of the product against the scalar recursion on lam_hat."""
    rec = list(range(0, 1601, 100))
    run = _run(perturbed, N, a, eta, 1600, rec)
    assert run.layer_asymmetry.max() < 1e-12 and run.product_asymmetry.max() < 1e-12
    worst = 0.0
    for i in range(20):
        s = perturbed.lam_hat[i]
        vals = st_.iterate(s, N, eta, rec, alpha=a, dps=25)
        scale = max(abs(float(s)), 1e-3)
        worst = max(worst, max(abs(float(v) - run.eigenvalues[j, i]) / scale for j, v in enumerate(vals)))
    assert worst < 1e-8
    # the eigenbasis is that of W* + E: the recursion on the unperturbed sigma misses by O(||E||)
    miss = st_.iterate(3, N, eta, [1600], alpha=a, dps=25)[0]
    assert abs(float(miss) - run.eigenvalues[-1, 0]) > 1e-3


@pytest.mark.parametrize("N, a, eta", CASES)
def test_simulated_interval_endpoints_equal_the_exact_step_counts(perturbed, N, a, eta):
    """B2 with noise: T0~(k), T1~(k) from the simulation's first-hitting steps, exactly."""
    st = iv.setting(perturbed.lam_hat, N, alpha=a, eta=eta)
    T0 = [iv.T0(st, k).value for k in (1, 2, 3)]
    T1 = [iv.T1(st, k).value for k in (1, 2, 3)]
    n = max(T0[2], T1[1]) + 5
    run = _run(perturbed, N, a, eta, n, [0, n], levels={i: [0.9, 0.1] for i in (1, 2, 3, 4)})
    h = run.hitting
    assert [max(h[(i, 0.9)] for i in range(1, k + 1)) for k in (1, 2, 3)] == T0
    assert [h[(k + 1, 0.1)] for k in (1, 2)] == T1[:2]
    assert run.rayleigh_gap < 1e-12
    # broken on purpose: the unperturbed endpoints are not what the simulation shows
    st0 = iv.setting([3, 2, 1], N, alpha=a, eta=eta)
    assert [iv.T1(st0, k).value for k in (1, 2)] != T1[:2]


@pytest.mark.parametrize("N, a, eta", [CASES[0], CASES[2]])
def test_trajectories_follow_the_flow_at_the_corrected_step(perturbed, N, a, eta):
    """B4: |sim - flow(t_n)| <= 1e-3 lam with n = t/eta + (1/2) log(g(t)/g(0)); the naive t = eta n fails."""
    st = iv.setting(perturbed.lam_hat, N, alpha=a, eta=eta)
    n = iv.T0(st, 3).value + 50
    rec = list(range(0, n + 1, max(1, n // 25)))
    run = _run(perturbed, N, a, eta, n, rec)
    worst = naive = 0.0
    for i in range(3):
        s = perturbed.lam_hat[i]
        for j, k in enumerate(rec):
            sim = run.eigenvalues[j, i]
            worst = max(worst, abs(float(st_.corrected_flow(k, s, N, eta, alpha=a, dps=15)) - sim) / float(s))
            naive = max(naive, abs(float(cf.flow_eigenvalue(eta * k, s, N, alpha=a, dps=15).value) - sim) / float(s))
    assert worst < 1e-3 < naive


@pytest.mark.parametrize("N, a, eta", CASES[:2])
def test_early_stopping_optimum_and_bound(perturbed, N, a, eta):
    """B8: min_n ||W_n - W*||_F equals the decoupled prediction and lies inside [T0~(r), T1~(r));
    it is at most ||W^_r - W*||_F (the spec's value); B6: the early-stopping bound holds inside I_r."""
    st = iv.setting(perturbed.lam_hat, N, alpha=a, eta=eta)
    t0, t1 = iv.T0(st, 3).value, iv.T1(st, 3).value
    n = t0 + 400
    rec = list(range(t0, n + 1, 20))
    run = _run(perturbed, N, a, eta, n, rec)
    es = pt.early_stopping_optimum(perturbed, st, n)
    assert abs(run.min_error - es.minimum) < 1e-9 and run.argmin_error == es.argmin
    assert t0 <= run.argmin_error < t1
    assert run.min_error <= es.truncation + 1e-3
    bnd = pt.early_stopping_bound(perturbed, st.lambda0, st.eps_learn, st.eps_small)
    assert run.error_op.max() <= bnd["bound_with_truncation"] <= bnd["bound"]


def test_fast_and_plain_loops_agree():
    rng = np.random.default_rng(1)
    G = rng.standard_normal((12, 12))
    target = np.diag(np.r_[2.0, 1.0, np.zeros(10)]) + 0.05 * (G + G.T) / 2
    a = sm.run_gd(target, target, 4, 0.3, 0.02, 40, [0, 20, 40])
    b = sm.run_gd_plain(target, target, 4, 0.3, 0.02, 40, [0, 20, 40])
    assert np.max(np.abs(a.eigenvalues - b.eigenvalues)) < 1e-13
    assert np.max(np.abs(a.loss - b.loss)) < 1e-13


def test_too_large_runs_are_refused_with_the_estimate():
    target = np.eye(50)
    with pytest.raises(ParameterError, match="max_seconds"):
        sm.run_gd(target, target, 4, 0.5, 0.01, 10**9, [0])
    with pytest.raises(ParameterError, match="memory"):
        sm.run_gd(target, target, 4, 0.5, 0.01, 10, [0], max_bytes=1000)


def test_bad_simulation_arguments_are_refused():
    with pytest.raises(ParameterError):
        sm.run_gd(np.eye(3), np.eye(3), 1, 0.5, 0.01, 10, [0])
    with pytest.raises(ParameterError):
        sm.run_gd(np.eye(3), np.eye(3), 3, 0.5, 0.01, 10, [11])
    with pytest.raises(ParameterError):
        sm.run_gd(np.eye(3), np.eye(3), 3, 0.5, 0.01, 10, [0], levels={1: [0.5]})


def test_arora2019_preset_intervals_against_the_simulator():
    """The preset's predicted [T0, T1] (steps) against full-matrix GD at d = 100 (full observation)."""
    p = presets.preset("arora2019").params
    sig = list(p["sigma"])
    st = iv.setting(sig + [0] * (p["d"] - len(sig)), p["N"], lambda0=p["lambda0"], eta=p["eta"], eps=p["eps"])
    pred = [(iv.T0(st, k).value, iv.T1(st, k)) for k in range(1, 6)]
    assert all(iv.condition(st, k).nonempty for k in range(1, 6))
    P = pt.draw(sig, p["d"], 0, 0)
    lam = np.array([float(v) for v in P.lam_hat])
    alpha = float(p["lambda0"]) ** (1 / p["N"])
    n = pred[-1][0] + 5
    run = sm.run_gd(P.target(), P.target(), p["N"], alpha, float(p["eta"]), n, [0, n], Q=P.Q, lam=lam,
                    levels={i: [0.9, 0.1] for i in range(1, 6)})
    h = run.hitting
    for k, (t0, t1) in enumerate(pred, 1):
        assert max(h[(i, 0.9)] for i in range(1, k + 1)) == t0
        if t1.finite:
            assert h[(k + 1, 0.1)] == t1.value
        else:
            assert k == 5
