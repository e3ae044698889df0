"""matrix-sensing under Gaussian measurements: the operator, the simulator, the greedy race (A6-A9)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symdyn.errors import ParameterError
from symdyn.models.matrix_sensing import glrl
from symdyn.models.matrix_sensing.measurements import SymmetricCoordinates, draw_operator, identity_operator
from symdyn.models.matrix_sensing.presets import compare_steps
from symdyn.models.matrix_sensing.setting import Setting
from symdyn.models.matrix_sensing.dynamics import gd_run
from symdyn.simulate.result import spawn_streams

Q = sp.Rational
ETA = Q(1, 100)
S = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-8")
X = np.diag([3.0, 2.0, 1.0] + [0.0] * 27)


def test_operator_is_the_definition():
    rng = np.random.default_rng(4)
    op = draw_operator(5, 300, rng)
    G = np.random.default_rng(4).standard_normal((300, 5, 5))
    A = (G + np.swapaxes(G, 1, 2)) / 2
    Z = np.random.default_rng(9).standard_normal((5, 5))
    Z = Z + Z.T
    ref = np.einsum("i,ijk->jk", np.einsum("ijk,jk->i", A, Z), A) / 300
    assert np.allclose(op.apply(Z), ref, atol=1e-13)
    assert np.allclose(np.einsum("ijk,jk->i", G, Z), np.einsum("ijk,jk->i", A, Z))   # <A_i, Z> = <G_i, Z>
    fac = draw_operator(5, 300, np.random.default_rng(4), factored=True)
    assert np.allclose(fac.apply(Z), ref, atol=1e-13)
    c = SymmetricCoordinates(5)
    assert np.allclose(c.mat(c.vec(Z)), Z) and np.isclose(c.vec(Z) @ c.vec(Z), np.sum(Z * Z))


def test_near_isotropy():
    op = draw_operator(30, 2500, spawn_streams(0, 1)[0])
    dev = np.linalg.norm(op.apply(X) - X, 2) / np.linalg.norm(X)      # operator norm over Frobenius norm
    assert 0.5 * np.sqrt(60 / 2500) < dev < 2 * np.sqrt(60 / 2500)     # spec 2.1: about sqrt(2d/m)


def test_identity_operator_is_full_observation():
    a = gd_run(S, ETA, [0, 800, 1500])
    b = gd_run(S, ETA, [0, 800, 1500], operator=identity_operator(30))
    assert a.learning_steps == b.learning_steps and np.allclose(a.eigenvalues, b.eigenvalues, rtol=1e-9)
    assert np.allclose(a.loss, b.loss, rtol=1e-9)


def test_memory_and_range_refusals():
    with pytest.raises(ParameterError, match="needs"):
        draw_operator(200, 10, np.random.default_rng(0), memory_limit=10 ** 6)
    with pytest.raises(ParameterError, match="alpha >= 1e-100"):
        gd_run(Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-150"), ETA, [0])
    with pytest.raises(ParameterError, match="at most"):
        gd_run(S, ETA, [10 ** 9])
    with pytest.raises(ParameterError, match="unstable"):
        gd_run(S, Q(1, 2), [0])


@pytest.fixture(scope="module")
def sensing():
    op = draw_operator(30, 2500, spawn_streams(0, 1)[0])
    race = glrl.glrl_race(S, op, ETA)
    run = gd_run(S, ETA, [0], operator=op, horizon=2400)
    return op, race, run


@pytest.fixture(scope="module")
def plateaus():
    # alpha = 1e-20: at 1e-8 the first plateau of this instance lasts ~300 steps, less than the time GD needs
    # to settle on Z_1 (its loss there is still 6.6e-3 off f(Z_1), measured); here the plateaus are long
    s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-20")
    op = draw_operator(30, 2500, spawn_streams(0, 1)[0])
    race = glrl.glrl_race(s, op, ETA)
    n = gd_run(s, ETA, [0], operator=op, horizon=6000).learning_steps
    mids = [(n[0] + n[1]) // 2, (n[1] + n[2]) // 2]
    return race, gd_run(s, ETA, mids, operator=op, snapshots=True), n


def test_glrl_race_predicts_the_learning_steps_A7(sensing, plateaus):
    _, race, run = sensing
    for pred in (race.steps, race.scalar_steps):
        rel = [abs(p - n) / n for p, n in zip(pred, run.learning_steps)]
        assert max(rel) < 0.01
    full = [abs(p - n) / n for p, n in zip((704, 1004, 1931), run.learning_steps)]
    assert max(full) > 0.01          # the full-observation prediction misses: the race is needed
    race20, _, n20 = plateaus
    assert max(abs(p - n) / n for p, n in zip(race20.steps, n20)) < 0.002


def test_a_wrong_loss_scale_is_rejected_by_the_race(sensing):
    op, _, run = sensing
    wrong = glrl.glrl_race(Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-8", loss_scale="1/2"), op, ETA)
    assert min(abs(p - n) / n for p, n in zip(wrong.steps, run.learning_steps)) > 0.01


def test_plateaus_sit_at_the_sensing_minimizers_A8_A9(plateaus):
    race, run, _ = plateaus
    for s, i in ((1, 0), (2, 1)):
        U = run.snapshots[i]
        P = U @ U.T
        Z = race.minimizers[s].Z
        trunc = np.diag([3.0, 2.0, 1.0][:s] + [0.0] * (30 - s))
        assert np.linalg.norm(P - trunc) > 10 * np.linalg.norm(P - Z)                     # A8
        assert abs(run.loss[i] - race.minimizers[s].loss) < 1e-3 * race.minimizers[s].loss  # A9
        assert race.minimizers[s].gradient_norm < 1e-12 and race.minimizers[s].hessian_min > 0


def test_under_parameterized_sensing_converges_to_Z_r_A6():
    s = Setting.of(sigma="3,2,1", d=30, r=2, alpha="1e-8")
    op = draw_operator(30, 2500, spawn_streams(0, 1)[0])
    z2 = glrl.sensing_minimizer(s, op, 2)
    run = gd_run(s, ETA, [4000], operator=op, snapshots=True)
    U = run.snapshots[0]
    assert np.linalg.norm(U @ U.T - z2.Z) < 1e-6
    assert abs(run.loss[0] - z2.loss) < 1e-6 * z2.loss
    assert np.linalg.norm(z2.Z - np.diag([3.0, 2.0] + [0.0] * 28)) > 0.05        # O(delta) from the truncation
    assert run.learning_steps[2] is None


def test_race_reduces_to_the_scalar_map_under_full_observation():
    from symdyn.models.matrix_sensing.learning import learning_step

    race = glrl.glrl_race(S, identity_operator(30), ETA)
    exact = [learning_step(S, k, ETA).value for k in (1, 2, 3)]
    assert all(n - 1 < p <= n for p, n in zip(race.steps, exact))
    assert all(n - 1 < p <= n for p, n in zip(race.scalar_steps, exact))


def test_published_setting_gissin_2020():
    c = compare_steps("gissin-2020")
    assert all(n is not None for n in c.simulated)
    rel = [abs(p - n) / n for p, n in zip(c.race, c.simulated)]
    assert max(rel) < 0.05          # measured 0.7 / 1.3 / 2.9 / 2.9 % (m/(d r*) = 5, far from RIP)
    assert max(abs(p - n) / n for p, n in zip(c.full_observation, c.simulated)) > 0.05
