"""``symdyn boundary ... --certify`` and ``symdyn eval ... --certify``: JSON shape, exactness of the
printed enclosures (checked with exact rational arithmetic), exit statuses 0, 1 and 2."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import sympy as sp

pytest.importorskip("flint")

from cli_helpers import run_cli, run_json  # noqa: E402


def frac(text: str) -> Fraction:
    return Fraction(sp.Rational(text))


def test_boundary_threshold_json_encloses_c_to_the_quarter():
    out = run_json("boundary", "rank-one-denoising", "threshold", "c=3", "--dps", "60", "--certify")
    assert {"value", "lower", "upper", "method", "enclosures"} <= set(out)
    assert "certified" in out["method"] and "minimal polynomial" in out["method"]
    lo, hi = frac(out["lower"]), frac(out["upper"])
    assert lo ** 4 < 3 < hi ** 4                       # exact: theta_c^4 = c
    assert (hi - lo) / lo < Fraction(1, 10**60)


def test_boundary_critical_ratio_json_exact_check():
    out = run_json("boundary", "rank-one-denoising", "critical-ratio", "c=1/2", "theta=6/5", "--dps", "50",
                   "--certify")
    lo, hi = frac(out["lower"]), frac(out["upper"])
    r2 = (Fraction(36, 25) + Fraction(1, 2)) / (Fraction(36, 25) + 1)  # ratio^2, ratio < 0
    assert lo < hi < 0 and hi ** 2 < r2 < lo ** 2
    assert (hi - lo) / abs(lo) < Fraction(1, 10**50)


def test_boundary_critical_ratio_exactly_at_threshold_cli():
    out = run_json("boundary", "rank-one-denoising", "critical-ratio", "c=2", "theta=threshold", "--certify")
    lo, hi = frac(out["lower"]), frac(out["upper"])
    assert hi ** 4 < 2 < lo ** 4  # the ratio is -c^(1/4) there
    assert out["regime"] == "at-threshold"


def test_boundary_overlaps_has_one_enclosure_per_value():
    out = run_json("boundary", "rank-one-denoising", "overlaps", "c=1/2", "theta=6/5", "--certify")
    assert set(out["enclosures"]) == {"zeta_u", "zeta_v"}
    zu = (Fraction(36, 25) ** 2 - Fraction(1, 2)) / (Fraction(36, 25) * (Fraction(36, 25) + Fraction(1, 2)))
    e = out["enclosures"]["zeta_u"]
    assert frac(e["lower"]) <= zu <= frac(e["upper"])


def test_eval_certify_json_shape_and_values():
    out = run_json("eval", "rank-one-denoising", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10", "--t", "1,5",
                   "--observables", "m_u,m_v", "--certify")
    assert out["times"] == ["1", "5"] and out["certified"] is True and "certified" in out["method"]
    for name in ("m_u", "m_v"):
        assert len(out["observables"][name]) == 2
        for entry in out["observables"][name]:
            assert set(entry) == {"value", "lower", "upper"}
            assert frac(entry["lower"]) < frac(entry["upper"])
    # spec section 9: m_u(1) = 0.2320476610057535508076492979945085181366891757472 (to its last digit)
    e = out["observables"]["m_u"][0]
    ref = Fraction(2320476610057535508076492979945085181366891757472, 10**49)
    assert frac(e["lower"]) - Fraction(1, 10**49) <= ref <= frac(e["upper"]) + Fraction(1, 10**49)


def test_eval_certify_text_output():
    status, out, err = run_cli("eval", "rank-one-denoising", "c=1/2", "theta=6/5", "alpha=critical", "beta=3/10",
                               "--t", "2", "--observables", "m_u", "--certify")
    assert status == 0, err
    assert "certified" in out and "in [" in out and "critical ratio" in out


def test_hitting_time_cli():
    out = run_json("boundary", "rank-one-denoising", "hitting-time", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10",
                   "level=1/2", "--dps", "20", "--certify")
    assert frac(out["lower"]) < frac(out["upper"]) and "first crossing proved" in out["method"]
    status, text, err = run_cli("boundary", "rank-one-denoising", "hitting-time", "c=1/2", "theta=6/5",
                                "alpha=1/10", "beta=1/10", "level=1/2", "--dps", "20")
    assert status == 0, err
    assert "time =" in text


@pytest.mark.parametrize("args", [
    # certification impossible after the work: a level that is never reached ("never" is not certified);
    # GD beyond the polynomial limit is known before any proof: exit 2 (tests/test_cli_rules.py)
    ("boundary", "rank-one-denoising", "hitting-time", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10",
     "level=99/100", "--certify"),
])
def test_certification_failure_exits_1_with_one_line(args):
    status, out, err = run_cli(*args)
    assert status == 1, (out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("symdyn: error:")


@pytest.mark.parametrize("args", [
    ("boundary", "rank-one-denoising", "hitting-time", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10",
     "level=3/2", "--certify"),
    ("boundary", "rank-one-denoising", "hitting-time", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10", "--certify"),
    ("boundary", "rank-one-denoising", "critical-ratio", "c=1/2", "theta=1/2", "--certify"),
    ("eval", "rank-one-denoising", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10", "--t", "1", "--dps", "5",
     "--certify"),
])
def test_bad_input_exits_2(args):
    status, out, err = run_cli(*args)
    assert status == 2, (out, err)
    assert err.count("\n") == 1


def test_json_is_the_only_stdout():
    status, out, err = run_cli("boundary", "rank-one-denoising", "edge", "c=1/2", "--certify", "--json")
    assert status == 0
    json.loads(out)
