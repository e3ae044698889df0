"""The rank-one denoising derivation: every step verifies, and its checks can fail."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from symdyn.models.rank_one_denoising import spectral as spikes
from symdyn.derive import Numeric, Points, Status
from symdyn.laws.measure import SpectralMeasure
from symdyn.models.rank_one_denoising import derivation as D
from symdyn.models.rank_one_denoising.derivation import routes
from symdyn.symbols import alpha, beta, c, kappa, theta

ROOT = Path(__file__).resolve().parents[1]
Q = sp.Rational
_KEYS = [s.key for s in D.derivation()]
_CACHE: dict[str, object] = {}


def _verified(key: str):
    if key not in _CACHE:
        _CACHE[key] = D.derivation().verify(dps=20, keys=[key])[key]
    return _CACHE[key]


def test_model_returns_this_derivation():
    d = sd.model("rank-one-denoising").derivation()
    assert d is D.derivation() and d.key == "rank-one-denoising"
    assert "bgn_2012" in d.bibliography and "marchenko_pastur_1967" in d.bibliography


def test_spec_section_7_is_covered_in_reading_order():
    required = ["mp-equation", "T-identity", "outlier-equation", "outlier-derivative", "residues", "densities",
                "masses-moments", "flow-propagators", "gd-propagators", "outlier-factored", "conservation",
                "large-t-regimes", "pole-subtraction", "pole-residues", "decay-amplitudes", "threshold-amplitude"]
    positions = [_KEYS.index(k) for k in required[:8]]
    assert positions == sorted(positions)
    assert set(required) <= set(_KEYS)
    stated = {s.key for s in D.derivation() if s.stated}
    assert stated == {"decay-amplitudes", "threshold-amplitude"}
    for s in D.derivation():
        assert s.statement.strip().endswith(".") and s.equations


@pytest.mark.parametrize("key", _KEYS)
def test_every_step_verifies(key):
    res = _verified(key)
    assert res.passed, f"{key}: {res.evidence}"


def test_methods_are_the_advertised_ones():
    assert [p.method for p in _verified("residues").parts] == ["numeric", "two-routes", "symbolic"]
    assert _verified("masses-moments").method == "two-routes"
    assert [p.method for p in _verified("conservation").parts] == ["symbolic", "numeric"]
    large = _verified("large-t-regimes")
    assert [p.method for p in large.parts] == ["symbolic", "symbolic"] + ["numeric"] * 4
    # the regime checks ran at interior points of c < 1 and c > 1, below, at and above threshold
    assert sum(len(p.points) for p in large.parts) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("dps,seed", [(50, 1), (15, 2)])
def test_whole_derivation_at_other_precisions_and_seeds(dps, seed):
    res = D.derivation().verify(dps=dps, seed=seed)
    assert res.passed, res.failed


# ------------------------------------------------------------------------- the checks can fail


def test_a_wrong_library_density_is_caught(monkeypatch):
    good = spikes.nu_uu

    def wrong():
        m = good()
        return SpectralMeasure(m.name, m.var, m.density * (c + theta**2) / (1 + theta**2), m.lower, m.upper,
                               m.atoms, m.latex_name)

    monkeypatch.setattr(spikes, "nu_uu", wrong)
    res = D.derivation().verify(dps=20, keys=["densities"])["densities"]
    assert res.status is Status.FAILED
    assert [p.passed for p in res.parts] == [True, True, False]


def test_forgetting_the_zero_atoms_breaks_conservation(monkeypatch):
    good = routes.measures

    def without_zero_atoms(point):
        out = good(point)
        return {n: SpectralMeasure(m.name, m.var, m.density, m.lower, m.upper,
                                   tuple(a for a in m.atoms if a.location != 0), m.latex_name)
                for n, m in out.items()}

    monkeypatch.setattr(routes, "measures", without_zero_atoms)
    res = D.derivation().verify(dps=20, keys=["conservation"])["conservation"]
    assert res.status is Status.FAILED
    assert [p.passed for p in res.parts] == [True, False]


def test_a_wrong_decay_exponent_or_limit_sign_is_caught():
    below = Points({c: (Q(1, 5), Q(3)), theta: (Q(1, 4), Q(3, 2)), alpha: (Q(1, 5), 1), beta: (Q(1, 5), 1),
                    kappa: (Q(1, 2), Q(2))}, count=1, where=lambda pt: pt[theta] ** 4 < pt[c] / 2)
    assert Numeric(D.decay_ratio(Q(-3, 4), 1000), below, tolerance=Q(1, 20)).verify(dps=20).passed
    assert not Numeric(D.decay_ratio(Q(-1, 2), 1000), below, tolerance=Q(1, 20)).verify(dps=20).passed

    above = Points({c: (Q(1, 10), Q(9, 10)), theta: (Q(1, 2), Q(5, 2)), alpha: (Q(1, 5), 1),
                    beta: (Q(1, 5), 1), kappa: (Q(1, 2), Q(2))}, count=1,
                   where=lambda pt: pt[theta] ** 4 > 2 * pt[c])

    def wrong_sign(pt, dps):  # claims m -> -sgn(A + B) sqrt(zeta)
        right = D.large_t_above(pt, dps)
        with mp.workdps(dps + 10):
            return {k: v + 2 * mp.sqrt(D.mp_at(spikes.zeta_u() if k == "m_u" else spikes.zeta_v(), pt, dps + 10))
                    * (1 if sd.exact_sign(spikes.amplitude().subs(dict(pt))) > 0 else -1) for k, v in right.items()}

    assert Numeric(D.large_t_above, above).verify(dps=20).passed
    assert not Numeric(wrong_sign, above).verify(dps=20).passed


# ------------------------------------------------------------------------- the independent quadrature route


def test_quadrature_route_meets_the_spec_reference_values():
    pt = {c: Q(1, 2), theta: Q(6, 5), alpha: Q(1, 10), beta: Q(1, 10), kappa: 1}
    ref = {  # spec section 9, 50 digits
        (1, "m_u"): "0.2320476610057535508076492979945085181366891757472",
        (5, "m_v"): "0.53055954995098899144722321268056834463447861679697",
        (20, "m_u"): "0.75142706931353620813809934996610130784780693691375",
    }
    for (tv, name), value in ref.items():
        got = D.observables_by_quadrature(pt, tv, 45)[name]
        with mp.workdps(60):
            assert abs(got - mp.mpf(value)) < mp.mpf(10) ** -43, (tv, name)


def test_quadrature_route_agrees_with_the_model_evaluator(rank_one):
    p = rank_one.params(c="2", theta="3/2", alpha="-2/5", beta="1/2", kappa="3/4", flow="F2")
    traj = rank_one.evaluate(p, ["3"], dps=40)
    pt = {c: Q(2), theta: Q(3, 2), alpha: Q(-2, 5), beta: Q(1, 2), kappa: Q(3, 4)}
    got = D.observables_by_quadrature(pt, 3, 40)
    with mp.workdps(50):
        for name in ("m_u", "m_v"):
            assert abs(got[name] - traj[name][0]) < mp.mpf(10) ** -35, name


def test_quadrature_route_is_exact_at_threshold_and_at_c1():
    # theta = theta_c exactly (c = q^4): the edge pole of the densities is handled in the edge variable
    pt = {c: Q(16, 81), theta: Q(2, 3), alpha: Q(1, 2), beta: Q(1, 3), kappa: 1}
    a, b = D.observables_by_quadrature(pt, 7, 30), D.observables_by_quadrature(pt, 7, 45)
    pt1 = {c: Q(1), theta: Q(1, 2), alpha: Q(1, 2), beta: Q(1, 3), kappa: Q(2)}
    a1, b1 = D.observables_by_quadrature(pt1, 2, 30), D.observables_by_quadrature(pt1, 2, 45)
    with mp.workdps(60):
        assert abs(a["m_u"] - b["m_u"]) < mp.mpf(10) ** -29
        assert abs(a1["Q_a"] - a1["Q_b"] - (1 - 4) * mp.exp(-4 * 2)) < mp.mpf(10) ** -29   # s_+ = 2 at c = 1
        assert abs(a1["m_v"] - b1["m_v"]) < mp.mpf(10) ** -29


# ------------------------------------------------------------------------- the executable script


def _script():
    spec = importlib.util.spec_from_file_location("rank_one_script", ROOT / "derivations" / "rank_one_denoising.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_executable_derivation(tmp_path, capsys):
    script = _script()
    out = tmp_path / "r1.tex"
    assert script.main(["--dps", "20", "--step", "T-identity", "--step", "residues", "--latex", str(out)]) == 0
    text = capsys.readouterr().out
    assert "2/2 steps passed at 20 digits" in text
    assert out.read_text().startswith("\\documentclass")
    assert script.main(["--step", "no-such-step"]) == 2
    assert script.main(["--dps", "3"]) == 2
    assert script.main(["--dps", "20", "--step", "woodbury", "--json"]) == 0
    assert '"passed": true' in capsys.readouterr().out
