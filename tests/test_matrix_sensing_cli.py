"""matrix-sensing on the command line: every command, its JSON shape and exit codes (docs/CLI.md)."""

from __future__ import annotations

import json
import re

import pytest

from cli_helpers import run_cli, run_json

P = ["sigma=3,2,1", "d=12", "r=4", "alpha=1e-12", "init_seed=1"]


def test_models_lists_the_model_with_capabilities_latex_and_families():
    data = run_json("models")
    m = next(x for x in data["models"] if x["name"] == "matrix-sensing")
    assert {"derivation", "evaluate", "limit", "boundary", "simulate", "conditional", "report"} <= set(m["capabilities"])
    assert m["regimes"] == ["over-parameterized", "exactly-parameterized", "under-parameterized"]
    params = {p["name"]: p for p in m["parameters"]}
    assert params["sigma"]["latex"] == r"\sigma" and params["m"]["default"] == "inf"
    assert params["loss_scale"]["default"] == "1/4" and "time" in params["loss_scale"]["meaning"]
    assert m["observables"][0]["names"] == "lambda_1 .. lambda_r"
    assert m["events"][0]["quantity"] == "learning-time"


def test_cite_prints_the_papers():
    status, out, _ = run_cli("cite", "matrix-sensing")
    assert status == 0 and "jin_et_al_2023" in out and "gissin_et_al_2020" in out


def test_derive_json_runs_selected_steps():
    status, out, err = run_cli("derive", "matrix-sensing", "--step", "logistic", "--step", "gram-zero", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["passed"] and [s["key"] for s in data["steps"]] == ["logistic", "gram-zero"]


def test_eval_json_has_every_observable_with_errors_at_tiny_alpha():
    data = run_json("eval", "matrix-sensing", "sigma=3,2,1", "d=12", "r=4", "init_seed=1", "alpha=1e-30", "--t", "1,70", "--dps", "25")
    assert data["times"] == ["1", "70"] and data["regime"] == "over-parameterized"
    assert set(data["observables"]) == {"lambda_1", "lambda_2", "lambda_3", "lambda_4", "loss", "erank", "rank",
                                        "truncation_distance"}
    assert all(isinstance(v, str) for v in data["observables"]["lambda_3"]) and data["errors"]["loss"][1] is not None


def test_limit_json_loss_is_exact():
    data = run_json("limit", "matrix-sensing", "sigma=3,2,1", "d=12", "r=2", "alpha=1e-6")
    assert data["regime"] == "under-parameterized" and data["exact"]["loss"] == "1/4"
    assert data["values"]["loss"].startswith("0.25") and data["check"]["passed"] is True


def test_boundary_json_shapes():
    flow = run_json("boundary", "matrix-sensing", "learning-time", *P, "k=1")
    assert float(flow["value"]) > 0 and "alpha->0" in flow["approximations"]
    gd = run_json("boundary", "matrix-sensing", "learning-time", *P, "eta=1/100", "k=2")
    assert gd["exact"]["step"] == gd["value"].split(".")[0]
    assert {"flow", "modified-equation"} <= set(gd["approximations"])
    never = run_json("boundary", "matrix-sensing", "learning-time", "sigma=3,2,1", "d=12", "r=2", "alpha=1e-6", "k=3")
    assert never["value"] == "inf" and "never" in never["note"]
    for q, extra in [("plateau-length", ["k=1"]), ("init-constants", []), ("plateau-loss", ["k=2"]),
                     ("step-condition", ["eta=1/10"])]:
        data = run_json("boundary", "matrix-sensing", q, *P, *extra)
        assert data["quantity"] == q and data["value"]


def test_simulate_json_has_events_and_states_memory_first():
    status, out, err = run_cli("simulate", "matrix-sensing", *P, "eta=1/50", "m=300", "--seeds", "2", "--t", "0,100",
                               "--json")
    assert status == 0, err
    assert "memory needed about" in err
    data = json.loads(out)
    assert data["sizes"] == {"d": 12, "r": 4, "m": 300} and data["events"]["learning_step_1"]["values"] == ["inf"] * 2
    assert len(data["observables"]["loss"][0]["values"]) == 2


def test_memory_stated_before_a_sensing_run_counts_the_operators_every_trial_keeps():
    status, out, err = run_cli("simulate", "matrix-sensing", *P, "eta=1/50", "m=2000", "--seeds", "4", "--t", "0,10",
                               "--json")
    assert status == 0, err
    stated = re.search(r"memory needed about ([0-9.]+) (MB|GB)", err)
    stated_bytes = float(stated.group(1)) * (1e6 if stated.group(2) == "MB" else 1e9)
    held = int(json.loads(out)["memory_bytes"])   # one trial's peak plus the 4 operators kept for the theory
    assert stated_bytes >= 0.99 * held


def test_check_json_rows_and_exit_codes():
    status, out, err = run_cli("check", "matrix-sensing", *P, "eta=1/50", "--seeds", "1", "--t", "0,300,600", "--json")
    assert status == 0, err
    data = json.loads(out)
    rows = {r["observable"]: r for r in data["rows"] if r["t"] is None}
    assert set(rows) == {"learning_step_1", "learning_step_2", "learning_step_3"}
    assert all(k in r for r in data["rows"] for k in ("observable", "t", "theory", "mean", "passed"))
    assert data["test"]["method"] == "tolerance"
    status, _, _ = run_cli("check", "matrix-sensing", *P, "eta=1/50", "--seeds", "1", "--t", "0,300",
                           "--compare", "tolerance", "--tolerance", "0,1e-300")
    assert status == 1


@pytest.mark.parametrize("args, fragment", [
    (["boundary", "matrix-sensing", "learning-time", "sigma=1,2", "d=12", "r=2", "alpha=1e-6", "k=1"], "decreasing"),
    (["boundary", "matrix-sensing", "learning-time", *P, "k=4"], "out of range"),
    (["eval", "matrix-sensing", *P, "eta=1", "--t", "1"], "unstable"),
    (["eval", "matrix-sensing", "sigma=3,2,1", "d=2", "r=2", "alpha=1e-6", "--t", "1"], "len(sigma)"),
    (["simulate", "matrix-sensing", *P, "eta=1/50", "--n", "13", "--seeds", "1", "--t", "1"], "dimension d"),
    (["simulate", "matrix-sensing", "sigma=3,2,1", "d=300", "r=2", "alpha=1e-6", "eta=1/50", "m=1000000", "--seeds",
      "1", "--t", "10"], "GB"),
    (["check", "matrix-sensing", *P, "eta=1/50", "--seeds", "1", "--t", "1.5"], "whole number"),
    (["limit", "matrix-sensing", *P, "m=0"], "whole number"),
    (["boundary", "matrix-sensing", "step-condition", *P], "missing parameter eta"),
])
def test_bad_input_exits_2_with_one_line(args, fragment):
    status, out, err = run_cli(*args)
    assert status == 2 and err.count("\n") == 1 and fragment in err, err


def test_sweep_over_components():
    status, out, err = run_cli("sweep", "matrix-sensing", "learning-time", "sigma=3,2,1", "d=12", "r=4",
                               "alpha=1e-12", "k=1:3:3", "--dps", "20", "--json")
    assert status == 0, err
    data = json.loads(out)
    values = [float(p["values"]["time"]) for p in data["points"]]
    assert all(p["status"] == "ok" for p in data["points"]) and values == sorted(values)


@pytest.mark.slow
def test_report_on_the_built_in_example(tmp_path):
    status, out, err = run_cli("report", "matrix-sensing", "--out", str(tmp_path), "--strict")
    assert status == 0, err
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["check"]["passed"] and float(summary["seconds"]["total"]) < 240
    assert (tmp_path / "staircase.png").exists() and (tmp_path / "staircase-sensing.png").exists()
    assert any("sensing run" in n and "AGREE" in n for n in summary["notes"])
    tex = (tmp_path / "report.tex").read_text()
    assert "staircase-sensing.png" in tex and r"\lambda" in tex
