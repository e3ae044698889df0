"""Parameter sweeps: the same numbers serially, on joblib processes and on a Dask cluster."""

from __future__ import annotations

import json

import pytest
import sympy as sp

import symdyn as sd
from symdyn.sweep import parse_axis, sweep

from cli_helpers import run_cli


def test_axis_parsing_is_exact_and_inclusive():
    assert parse_axis("theta", "1/2:2:4") == [sp.Rational(1, 2), 1, sp.Rational(3, 2), 2]
    assert parse_axis("c", "1:1:1") == [1]
    for bad in ("1:2", "a:2:3", "1:2:0", "1:2:x"):
        with pytest.raises(sd.ParameterError):
            parse_axis("c", bad)


def test_sweep_values_equal_direct_calls_and_failures_are_data(rank_one):
    axes = {"theta": parse_axis("theta", "1/2:2:4")}
    res = sweep("rank-one-denoising", "critical-ratio", {"c": "1/2"}, axes, dps=25)
    assert [p.status for p in res.points] == ["error", "ok", "ok", "ok"]
    assert "no critical ratio" in res.points[0].message
    for p in res.points[1:]:
        direct = rank_one.boundary("critical-ratio", rank_one.params(c="1/2", theta=p.params["theta"]), dps=25)
        assert p.values["ratio"] == sd.mp_to_decimal(direct.value, 25)


def test_joblib_and_dask_give_identical_results():
    axes = {"theta": parse_axis("theta", "1/2:2:3"), "c": parse_axis("c", "1/4:1:2")}
    fixed = {"alpha": "1/10", "beta": "1/5"}
    serial = sweep("rank-one-denoising", "m_u@5", fixed, axes, dps=20)
    procs = sweep("rank-one-denoising", "m_u@5", fixed, axes, dps=20, n_jobs=2)
    dask = sweep("rank-one-denoising", "m_u@5", fixed, axes, dps=20, n_jobs=2, scheduler="local")
    assert len(serial.points) == 6
    assert serial.points == procs.points == dask.points
    assert procs.backend.startswith("joblib") and dask.backend.startswith("dask")


def test_cli_sweep_writes_csv_and_json(tmp_path):
    out = tmp_path / "lim.csv"
    status, stdout, err = run_cli("sweep", "rank-one-denoising", "limit", "c=1/2", "theta=1/2:2:3",
                                  "alpha=1/10", "beta=1/10", "--out", str(out))
    assert status == 0, err
    lines = out.read_text().splitlines()
    assert lines[0].startswith("theta,m_u,m_v") and len(lines) == 4
    status, stdout, err = run_cli("sweep", "rank-one-denoising", "threshold", "c=1/16:1:2", "--json")
    data = json.loads(stdout)
    assert data["points"][0]["values"]["theta_c"].startswith("0.5000000")


@pytest.mark.parametrize("args, fragment", [
    (("sweep", "rank-one-denoising", "threshold", "c=1"), "no sweep axis"),
    (("sweep", "rank-one-denoising", "nothing", "c=1:2:2"), "unknown quantity"),
    (("sweep", "rank-one-denoising", "m_w@1", "c=1:2:2"), "unknown observable"),
    (("sweep", "rank-one-denoising", "threshold", "c=0:1:2"), "c=0 is outside"),
    (("sweep", "rank-one-denoising", "threshold", "c=1:2:0"), "COUNT"),
    (("sweep", "rank-one-denoising", "threshold", "c=1:2:2", "--n-jobs", "0"), "n_jobs"),
])
def test_sweep_bad_input_exits_2(args, fragment):
    status, out, err = run_cli(*args)
    assert status == 2 and fragment in err and len(err.strip().splitlines()) == 1
