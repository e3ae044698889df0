"""The command-line contract (docs/CLI.md) for models, eval, limit, boundary and cite."""

from __future__ import annotations

import re

import mpmath as mp
import pytest

from cli_helpers import run_cli, run_json

M = "rank-one-denoising"
P = ["c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10"]
DECIMAL = re.compile(r"^-?\d+(\.\d+)?(e[+-]?\d+)?$")


def test_models_lists_parameters_with_meaning_domain_default():
    data = run_json("models")
    (model,) = [m for m in data["models"] if m["name"] == M]
    params = {p["name"]: p for p in model["parameters"]}
    assert {"c", "theta", "alpha", "beta", "kappa", "eta", "flow", "convention"} <= set(params)
    assert params["kappa"]["default"] == "1" and "> 0" in params["c"]["domain"]
    assert {q["name"] for q in model["quantities"]} >= {"threshold", "critical-ratio", "outlier", "overlaps"}
    status, out, _ = run_cli("models")
    assert status == 0 and M in out


def test_eval_json_has_full_precision_decimal_strings():
    data = run_json("eval", M, *P, "--t", "1,5,20", "--dps", "50")
    assert data["model"] == M and data["dps"] == 50 and data["times"] == ["1", "5", "20"]
    assert data["params"]["theta"] == "6/5"
    m_u = data["observables"]["m_u"]
    assert len(m_u) == 3 and all(isinstance(x, str) and DECIMAL.match(x) for x in m_u)
    assert len(m_u[0].replace("0.", "", 1).lstrip("0")) >= 50
    assert m_u[0].startswith("0.23204766100575355080764929799450851813668917574")
    assert set(data["errors"]) == set(data["observables"]) and data["converged"] is True


def test_eval_human_output_and_options():
    status, out, err = run_cli("eval", M, *P, "--t", "1", "--rule", "tanh-sinh", "--arithmetic", "mpmath",
                               "--observables", "m_u,Q_a")
    assert status == 0, err
    assert "0.23204766100575355080764929799" in out and "Q_a" in out


def test_eval_gd_takes_step_counts():
    data = run_json("eval", M, *P, "eta=1/4", "--t", "0,4,40")
    assert data["time_variable"] == "k"
    with mp.workdps(30):
        assert abs(mp.mpf(data["observables"]["m_u"][0]) - mp.mpf(1) / 10) < mp.mpf(10) ** -28


def test_limit_json_shape_and_regimes():
    data = run_json("limit", M, *P)
    assert data["regime"] == "above-threshold" and set(data["values"]) >= {"m_u", "m_v"}
    assert data["check"]["passed"] is True
    data = run_json("limit", M, "c=1/2", "theta=3/5", "alpha=3/10", "beta=1/2")
    assert data["regime"] == "below-threshold" and data["values"]["m_u"] == "0"
    assert data["decay"]["exponent"] == "-3/4" and DECIMAL.match(data["decay"]["amplitudes"]["m_u"])
    data = run_json("limit", M, "c=1/2", "theta=2", "alpha=critical", "beta=3/10")
    assert data["regime"] == "critical-ratio"
    data = run_json("limit", M, "c=1", "theta=1", "alpha=1/10", "beta=1/10")
    assert data["regime"] == "at-threshold" and data["decay"]["exponent"] == "-1/4"


def test_boundary_json_and_needed_parameters_only():
    data = run_json("boundary", M, "threshold", "c=3", "--dps", "60")
    assert data["quantity"] == "threshold" and data["dps"] == 60
    import decimal

    with decimal.localcontext() as ctx:  # independent route: Python's decimal module
        ctx.prec = 70
        fourth_root = decimal.Decimal(3).sqrt().sqrt()
    assert data["value"][:58] == str(fourth_root)[:58] and data["exact"]["theta_c"] == "3**(1/4)"
    data = run_json("boundary", M, "critical-ratio", "c=1/2", "theta=6/5")
    assert data["value"].startswith("-0.891673688752289446008875191325")
    data = run_json("boundary", M, "overlaps", "c=1/2", "theta=6/5")
    assert set(data["values"]) == {"zeta_u", "zeta_v"}
    data = run_json("boundary", M, "outlier", "c=1/2", "theta=1/2")
    assert data["regime"] == "below-threshold" and "bulk edge" in data["note"]


def test_cite_prints_bibtex():
    status, out, _ = run_cli("cite", M)
    assert status == 0 and out.count("@") >= 3 and "Bodin" in out


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("eval", "nomodel", "c=1", "--t", "1"), "unknown model"),
        (("eval", M, "c=1/2", "theta=6/5", "alpha=1/10", "gamma=1", "--t", "1"), "unknown parameter 'gamma'"),
        (("eval", M, "c=1/2", "theta=6/5", "alpha=1/10", "--t", "1"), "missing parameter beta"),
        (("eval", M, "c=0", "theta=1", "alpha=0", "beta=0", "--t", "1"), "c=0 is outside"),
        (("eval", M, "c=1", "theta=-1", "alpha=0", "beta=0", "--t", "1"), "theta=-1 is outside"),
        (("eval", M, "c=1", "theta=1", "alpha=2", "beta=0", "--t", "1"), "alpha=2 is outside"),
        (("eval", M, "c=1", "theta=1", "alpha=0", "beta=-1.5", "--t", "1"), "beta=-1.5 is outside"),
        (("eval", M, *P, "--t", "-1"), "negative"),
        (("eval", M, *P, "eta=1/4", "--t", "2.5"), "whole number"),
        (("eval", M, *P, "--t", "1", "--dps", "10"), "outside the supported range"),
        (("eval", M, *P, "--t", "1", "--dps", "5000"), "outside the supported range"),
        (("eval", M, *P, "--t", "1", "--dps", "abc"), "not a whole number"),
        (("eval", M, "c=nan", "theta=1", "alpha=0", "beta=0", "--t", "1"), "not a number"),
        (("eval", M, "c=inf", "theta=1", "alpha=0", "beta=0", "--t", "1"), "not a number"),
        (("eval", M, "c=1/2", "theta=__import__('os')", "alpha=0", "beta=0", "--t", "1"), "not a number"),
        (("eval", M, "c=1/2", "theta=1e", "alpha=0", "beta=0", "--t", "1"), "not a number"),
        (("eval", M, *P, "--t", "1,,2"), "empty entry"),
        (("eval", M, *P), "no times given"),
        (("eval", M, "theta", "--t", "1"), "not a NAME=VALUE"),
        (("eval", M, *P, "--t", "1", "--rule", "simpson"), "unknown rule"),
        (("eval", M, *P, "--t", "1", "--observables", "m_w"), "unknown observable"),
        (("eval", M, *P, "flow=F2", "--t", "1", "--observables", "energy"), "not available"),
        (("boundary", M, "nonsense", "c=1"), "unknown quantity"),
        (("boundary", M, "c=1", "threshold"), "QUANTITY comes first"),
        (("boundary", M, "critical-ratio", "c=1/2", "theta=1/2"), "no critical ratio"),
        (("limit", M, "c=1/2", "theta=6/5", "beta=1/10"), "missing parameter alpha"),
        (("eval", M, *P, "--t", "1", "--nonsense"), "No such option"),
        (("eval", M, "c=\u0661", "theta=1", "alpha=0", "beta=0", "--t", "1"), "not a number"),       # Arabic-Indic 1
        (("eval", M, "c=\uff11/\uff12", "theta=1", "alpha=0", "beta=0", "--t", "1"), "not a number"),  # fullwidth 1/2
        (("eval", M, *P, "--t", "\u0665"), "not a number"),
        (("eval", M, "c=" + "7" * 5000 + "x", "theta=1", "alpha=0", "beta=0", "--t", "1"), "(5003 characters)"),
        (("eval", M, *P, "--t", "1", "--observables", "m" * 3000), "unknown observable 'mmmm"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args, fragment):
    status, out, err = run_cli(*args)
    assert status == 2, (status, out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], err
    assert "Traceback" not in err


def test_help_is_available_for_every_command():
    for cmd in ("models", "eval", "limit", "boundary", "cite"):
        status, out, _ = run_cli(cmd, "--help")
        assert status == 0 and "Usage" in out
