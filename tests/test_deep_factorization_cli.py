"""The command line for deep-factorization: every command, its JSON shape and exit codes; bad input exits 2 with
one line before any work."""

from __future__ import annotations

import json

import pytest

from cli_helpers import run_cli

D = ["N=3", "sigma=2,1,1/2", "alpha=1/10"]
GD = D + ["eta=1/40"]
PERT = ["N=3", "sigma=2,1", "d=6", "alpha=1/25", "eta=1/40", "noise=1/20", "noise_seed=2"]


def _json(*args):
    code, out, err = run_cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_models_lists_the_model_with_capabilities_regimes_and_latex_names():
    data = _json("models")
    m = next(x for x in data["models"] if x["name"] == "deep-factorization")
    assert {"derivation", "evaluate", "limit", "boundary", "simulate", "report"} <= set(m["capabilities"])
    assert "exact-recovery" in m["regimes"]
    names = {p["name"]: p for p in m["parameters"]}
    assert names["sigma"]["latex"] == r"\sigma" and names["lambda0"]["alternative"] == "alpha"
    assert {e["name"]: e["relation"] for e in m["events"]}["weyl_T0"] == "<="
    code, out, err = run_cli("models")
    assert code == 0 and "deep-factorization" in out


def test_cite_prints_the_three_papers():
    code, out, err = run_cli("cite", "deep-factorization")
    assert code == 0 and out.count("@") == 3 and "2605.28613" in out and "Arora" in out


def test_derive_verifies_every_step():
    data = _json("derive", "deep-factorization", "--dps", "20", "--step", "scalar-ode", "--step", "elementary-3")
    assert data["passed"] is True and [s["key"] for s in data["steps"]] == ["scalar-ode", "elementary-3"]


def test_eval_json_has_the_family_loss_error_and_error_estimates():
    data = _json("eval", "deep-factorization", *GD, "d=4", "--t", "0,100,300", "--dps", "25")
    assert data["time_variable"] == "k" and data["times"] == ["0", "100", "300"]
    assert set(data["observables"]) == {"lambda_1", "lambda_2", "lambda_3", "lambda_4", "loss", "error",
                                        "layer_asymmetry"}
    assert data["observables"]["lambda_1"][0].startswith("0.00100000000000000000000")
    assert all(float(e) < 1e-24 for e in data["errors"]["lambda_1"])
    flow = _json("eval", "deep-factorization", *D, "--t", "1/2,5", "--observables", "lambda_1,loss")
    assert flow["time_variable"] == "t" and set(flow["observables"]) == {"lambda_1", "loss"}


def test_limit_json_has_the_regime_the_values_and_the_decay_law():
    data = _json("limit", "deep-factorization", *D, "d=4", "--dps", "20")
    assert data["regime"] == "exact-recovery" and data["values"]["lambda_4"] == "0"
    assert data["decay"]["exponent"] == "3/4" and data["check"]["passed"] is True
    pert = _json("limit", "deep-factorization", *PERT, "--no-check")
    assert pert["regime"] in ("overfits-noise", "positive-part") and "loss" in pert["values"]


@pytest.mark.parametrize("quantity, extra", [
    ("time-to-reach", ["N=3", "s=1", "lambda0=1e-30", "level=1/2"]),
    ("T0", GD + ["k=1"]), ("T1", GD + ["k=2"]), ("interval-length", D + ["k=1"]), ("condition", D + ["k=2"]),
    ("step-condition", GD), ("noise-fitting-time", PERT), ("weyl-interval", PERT + ["k=1"]),
    ("early-stopping", PERT), ("T0-shift", PERT + ["k=1"]),
])
def test_boundary_json_of_every_quantity(quantity, extra):
    data = _json("boundary", "deep-factorization", quantity, *extra)
    assert {"model", "quantity", "params", "dps", "value", "values", "method"} <= set(data)
    float(data["value"])


def test_boundary_infinite_T1_approximations_and_certify():
    inf = _json("boundary", "deep-factorization", "T1", *GD, "k=3")
    assert inf["value"] == "inf" and "infinite" in inf["note"]
    t = _json("boundary", "deep-factorization", "T0", *GD, "k=1")
    assert set(t["approximations"]) == {"modified-equation", "flow"}
    assert t["exact"]["T0"] == "201" and t["approximations"]["modified-equation"]["error"].startswith("+-1")
    L = _json("boundary", "deep-factorization", "interval-length", *D, "k=1", "--dps", "20")
    assert L["approximations"]["asymptotic"]["error"] == "O(alpha^2)" and L["check"]["passed"] is True
    pytest.importorskip("flint")
    c = _json("boundary", "deep-factorization", "time-to-reach", "N=3", "s=1", "alpha=1e-10", "level=1/2",
              "--certify")
    assert float(c["lower"]) <= float(c["value"]) <= float(c["upper"])
    code, out, err = run_cli("boundary", "deep-factorization", "T0", *GD, "k=1", "--certify")
    assert code == 2 and "not certifiable" in err and err.count("\n") == 1


def test_simulate_states_the_cost_and_reports_events():
    code, out, err = run_cli("simulate", "deep-factorization", *GD, "--seeds", "1", "--t", "0,200", "--json")
    assert code == 0, err
    assert "memory needed about" in err and "time about" in err
    data = json.loads(out)
    assert data["sizes"] == {"d": 3} and data["time_variable"] == "k"
    assert data["events"]["T0_1"]["values"] == ["201.0"] and data["events"]["T1_3"]["values"] == ["inf"]
    code, out, err = run_cli("simulate", "deep-factorization", *GD, "--seeds", "1", "--t", "0,200")
    assert code == 0 and "T0_1" in out


def test_check_json_has_event_rows_with_null_time_and_tolerances():
    data = _json("check", "deep-factorization", *PERT, "--t", "0,400,800")
    assert data["passed"] is True and data["test"]["method"] == "tolerance" and data["seeds"] == 1
    rows = {r["observable"]: r for r in data["rows"]}
    assert rows["T0_1"]["t"] is None and rows["weyl_T1_1"]["relation"] == ">="
    assert all(k in rows["min_error"] for k in ("observable", "t", "theory", "mean", "passed", "tolerance"))
    code, out, err = run_cli("check", "deep-factorization", *PERT, "--t", "0,400,800", "--compare", "tolerance",
                             "--tolerance", "0,1e-18")
    assert code == 1 and "DISAGREE" in out        # counts meet 1e-18; float64 trajectories (rounding ~1e-16) do not


def test_sweep_of_a_quantity_over_alpha():
    code, out, err = run_cli("sweep", "deep-factorization", "interval-length", "N=3", "sigma=2,1", "k=1",
                             "alpha=1/1000:1/10:3", "--dps", "15", "--json")
    assert code == 0, err
    pts = json.loads(out)["points"]
    vals = [float(p["values"]["length"]) for p in pts]
    assert [p["status"] for p in pts] == ["ok"] * 3 and vals[0] > vals[1] > vals[2]


@pytest.mark.parametrize("args, fragment", [
    (["boundary", "deep-factorization", "T0", "N=1", "sigma=2,1", "alpha=1/20", "k=1"], "N=1 is outside"),
    (["boundary", "deep-factorization", "T0", "N=3", "sigma=1,2", "alpha=1/20", "k=1"], "strictly decreasing"),
    (["boundary", "deep-factorization", "T0", "N=3", "sigma=2,1", "d=1", "alpha=1/20", "k=1"], "d >= r"),
    (["boundary", "deep-factorization", "T0", "N=3", "sigma=2,1", "alpha=-1", "k=1"], "alpha=-1"),
    (["eval", "deep-factorization", "N=3", "sigma=2,1", "alpha=1/20", "lambda0=1e-3", "--t", "1"], "not both"),
    (["limit", "deep-factorization", "N=3", "sigma=2,1", "alpha=1/20", "eps=3/4"], "(0, 1/2)"),
    (["boundary", "deep-factorization", "time-to-reach", "N=3", "s=1", "alpha=1/20", "level=0"], "(0, 1)"),
    (["boundary", "deep-factorization", "T1", "N=3", "sigma=2,1", "alpha=1/20", "k=5"], "out of range"),
    (["simulate", "deep-factorization", "N=3", "sigma=2,1", "alpha=1/20", "eta=1/40", "noise=-1", "--seeds", "1",
      "--t", "1"], "noise=-1"),
    (["check", "deep-factorization", "N=3", "sigma=2,1", "d=3", "alpha=1/20", "eta=1/40", "lam_hat=2,1", "--t", "1"],
     "d = 3"),
    (["simulate", "deep-factorization", "N=3", "sigma=2,1", "alpha=1/20", "eta=1", "--seeds", "1", "--t", "1"],
     "unstable"),
    (["simulate", "deep-factorization", *GD, "--n", "5", "--seeds", "1", "--t", "1"], "drop --n"),
    (["simulate", "deep-factorization", *D, "--seeds", "1", "--t", "1"], "give eta"),
    (["eval", "deep-factorization", *GD, "--t", "1/2"], "whole number"),
    (["eval", "deep-factorization", *GD, "--t", "1", "--observables", "lambda_4"], "lambda_4"),
    (["report", "deep-factorization", "N=3", "sigma=2,1", "alpha=1/20", "eta=1", "--out", "/nonexistent/x"],
     "unstable"),
    (["eval", "deep-factorization", "N=3", "sigma=2,1", "alpha=1/20", "d=100000", "--t", "1"], "at most d = 5000"),
    (["simulate", "deep-factorization", *GD, "d=100000", "--seeds", "1", "--t", "1"], "at most d = 5000"),
])
def test_bad_input_exits_2_with_one_line_before_any_work(args, fragment):
    code, out, err = run_cli(*args)
    assert code == 2 and fragment in err and err.count("\n") == 1, err
    assert "simulating" not in err


@pytest.mark.slow
def test_report_on_the_built_in_example(tmp_path):
    code, out, err = run_cli("report", "deep-factorization", "--out", str(tmp_path), "--json")
    assert code == 0, err
    data = json.loads(out)
    files = set(data["files"])
    assert {"report.tex", "deep-intervals.png", "deep-perturbed.png", "deep-phase.png", "deep-arora2019.png"} <= files
    assert data["check"]["passed"] is True and data["derivation"]["passed"] is True
    assert float(data["seconds"]["total"]) < 240
    tex = (tmp_path / "report.tex").read_text()
    assert "The arora2019 preset" in tex and "Phase diagram" in tex and "The perturbed target" in tex
