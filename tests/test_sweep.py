"""Parameter sweeps: exact axes, targets, certified points, CSV that numpy and pandas read,
the same numbers serially, on joblib and on Dask, and every input error before the first point."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symdyn as sd
from symdyn.sweep import parse_axis, sweep

from cli_helpers import run_cli, run_json
import sweep_toy
from sweep_toy import toy  # noqa: F401  (the fixture registering toy-sweep)

ROD = "rank-one-denoising"
pytestmark = pytest.mark.usefixtures("toy")


def _frac(text: str) -> Fraction:
    return Fraction(text)


# ----------------------------------------------------------------------------- axes

def test_linear_axis_is_exact_and_inclusive():
    assert list(parse_axis("theta", "1/2:2:4")) == [sp.Rational(1, 2), 1, sp.Rational(3, 2), 2]
    assert list(parse_axis("c", "1:1:1")) == [1]
    assert parse_axis("c", "2:1:3").texts == ("2", "3/2", "1")


def test_log_axis_with_a_rational_ratio_has_exact_points_both_ends_included():
    ax = parse_axis("epsilon", "1e-20:1e-1:20:log")
    assert list(ax) == [sp.Rational(1, 10**k) for k in range(20, 0, -1)]
    assert ax.texts[0] == "1e-20" and ax.texts[-1] == "0.1" and ax.scale == "log"
    assert list(parse_axis("c", "1/4:4:5:log")) == [sp.Rational(1, 4), sp.Rational(1, 2), 1, 2, 4]
    for text in ax.texts:
        assert sd.parse_number(text) in ax.values


@pytest.mark.parametrize("dps", [15, 40])
def test_log_axis_inner_points_are_decimals_at_the_working_precision(dps):
    ax = parse_axis("alpha", "1e-30:1e-2:8:log", dps=dps)  # ratio 10^(28/7) = 10^4: exact
    assert list(ax) == [sp.Rational(1, 10 ** (30 - 4 * k)) for k in range(8)]
    ax = parse_axis("c", "1:10:5:log", dps=dps)
    assert ax.values[0] == 1 and ax.values[-1] == 10
    with mp.workdps(dps + 30):
        for i, (v, text) in enumerate(zip(ax.values, ax.texts)):
            assert sd.parse_number(text) == v  # printed exactly
            exact = mp.mpf(10) ** (mp.mpf(i) / 4)
            assert abs(mp.mpf(int(v.p)) / int(v.q) - exact) <= exact * mp.mpf(10) ** (1 - dps)
            digits = re.sub(r"[^0-9]", "", text.split("e")[0]).lstrip("0")
            assert len(digits) <= dps
    assert all(a < b for a, b in zip(ax.values, ax.values[1:]))


@pytest.mark.parametrize("bad, fragment", [
    ("1:2", "START:STOP:COUNT"), ("a:2:3", "not a number"), ("1:2:0", "COUNT"), ("1:2:x", "COUNT"),
    ("0:1:3:log", "START > 0"), ("1:2:3:lin", "'log'"), ("1:1:3", "coincide"), ("1:2:100001", "COUNT"),
])
def test_bad_axes_are_refused(bad, fragment):
    with pytest.raises(sd.ParameterError, match=re.escape(fragment)):
        parse_axis("c", bad)


# ----------------------------------------------------------------------------- values

def test_sweep_values_equal_direct_calls_and_failures_are_data(rank_one):
    res = sweep(ROD, "critical-ratio", {"c": "1/2"}, {"theta": "1/2:2:4"}, dps=25)
    assert [p.status for p in res.points] == ["failed", "ok", "ok", "ok"]
    assert "no critical ratio" in res.points[0].message and res.failed == 1
    for p in res.points[1:]:
        direct = rank_one.boundary("critical-ratio", rank_one.params(c="1/2", theta=p.params["theta"]), dps=25)
        assert p.values["ratio"] == sd.mp_to_decimal(direct.value, 25)


def test_certified_sweep_points_lie_in_their_enclosures_and_equal_single_boundary_certify_calls():
    status, out, err = run_cli("sweep", ROD, "critical-ratio", "c=1/2", "epsilon=1e-20:1e-1:5:log", "--certify",
                               "--dps", "40", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert len(data["points"]) == 5
    for p in data["points"]:
        enc = p["enclosures"]["ratio"]
        assert _frac(enc["lower"]) <= _frac(p["values"]["ratio"]) <= _frac(enc["upper"])
        assert _frac(enc["lower"]) < _frac(enc["upper"])
        single = run_json("boundary", ROD, "critical-ratio", "c=1/2", f"epsilon={p['params']['epsilon']}",
                          "--certify", "--dps", "40")
        assert single["values"] == p["values"] and single["enclosures"] == p["enclosures"]
    # an independent closed form lies in every enclosure: ratio = -sqrt((theta^2 + c)/(theta^2 + 1))
    with mp.workdps(80):
        for p in data["points"]:
            theta = mp.mpf(1) / 2 ** mp.mpf(0.25) * (1 + mp.mpf(_frac(p["params"]["epsilon"]).numerator)
                                                      / _frac(p["params"]["epsilon"]).denominator)
            exact = -mp.sqrt((theta**2 + mp.mpf(1) / 2) / (theta**2 + 1))
            enc = p["enclosures"]["ratio"]
            assert mp.mpf(enc["lower"]) <= exact <= mp.mpf(enc["upper"])


def test_certified_observable_points_equal_eval_certify():
    args = ("c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10")
    res = sweep(ROD, "m_u@5", {"theta": "6/5", "alpha": "1/10", "beta": "1/10"}, {"c": "1/2:1/2:1"}, dps=30,
                certify=True)
    single = run_json("eval", ROD, *args, "--t", "5", "--observables", "m_u", "--certify")
    p = res.points[0]
    assert p.values["m_u"] == single["observables"]["m_u"][0]["value"]
    assert p.enclosures["m_u"] == {k: single["observables"]["m_u"][0][k] for k in ("lower", "upper")}


def test_a_point_that_cannot_be_certified_is_a_failed_point_with_its_reason():
    res = sweep("toy-sweep", "square", {"w": "3,2,1"}, {"x": "1:9:3"}, dps=20, certify=True)
    assert [p.status for p in res.points] == ["ok", "ok", "failed"]
    assert "cannot be certified beyond x = 5" in res.points[2].message
    for p in res.points[:2]:  # exact value x^2 * 6 inside the printed enclosure
        exact = sweep_toy.square(sd.parse_number(p.params["x"]), (3, 2, 1))
        enc = p.enclosures["square"]
        assert _frac(enc["lower"]) <= Fraction(int(exact.p), int(exact.q)) <= _frac(enc["upper"])


def test_vector_parameters_are_fixed_and_every_target_kind_runs_on_a_new_model():
    res = sweep("toy-sweep", "square", {"w": "3,2,1", "mode": "b"}, {"x": "1:2:2"}, dps=20)
    assert [p.values["square"] for p in res.points] == ["6.0000000000000000000", "24.000000000000000000"]
    assert res.points[0].params["w"] == "3,2,1"
    res = sweep("toy-sweep", "z@1", {"w": "2,1"}, {"half": "1/2:1:2"}, dps=20)
    with mp.workdps(40):
        assert mp.mpf(res.points[1].values["z"]) == pytest.approx(4 * 3 * (1 - mp.exp(-1)), rel=1e-18)


def test_limit_of_one_observable_is_a_scalar_target(rank_one):
    res = sweep(ROD, "limit:m_u", {"c": "1/2", "alpha": "1/10", "beta": "1/10"}, {"theta": "1/2:3/2:3"}, dps=25)
    for p in res.points:
        lim = rank_one.limit(rank_one.params(c="1/2", alpha="1/10", beta="1/10", theta=p.params["theta"]),
                             dps=25, check=False)
        assert p.values == {"m_u": sd.mp_to_decimal(lim.values["m_u"], 25)}
        assert p.regime == str(lim.regime)


def test_several_axes_give_the_product_grid_first_axis_slowest():
    res = sweep(ROD, "outlier", {}, {"c": "1/4:1:2", "theta": "1:2:3"}, dps=20)
    assert [(p.params["c"], p.params["theta"]) for p in res.points] == [
        ("1/4", "1"), ("1/4", "3/2"), ("1/4", "2"), ("1", "1"), ("1", "3/2"), ("1", "2")]


def test_joblib_and_dask_give_identical_results():
    axes = {"theta": "1/2:2:3", "c": "1/4:1:2"}
    fixed = {"alpha": "1/10", "beta": "1/5"}
    serial = sweep(ROD, "m_u@5", fixed, axes, dps=20)
    procs = sweep(ROD, "m_u@5", fixed, axes, dps=20, n_jobs=2)
    dask = sweep(ROD, "m_u@5", fixed, axes, dps=20, n_jobs=2, scheduler="local")
    assert len(serial.points) == 6
    assert serial.points == procs.points == dask.points
    assert procs.backend.startswith("joblib") and dask.backend.startswith("dask")


def test_the_other_registered_model_sweeps_too():
    res = sweep("spiked-wigner", "overlap", {}, {"epsilon": "1e-10:1:3:log"}, dps=30, certify=True)
    assert all(p.ok for p in res.points)
    for p in res.points:  # overlap = 1 - theta^-2 with theta = 1 + epsilon
        eps = sd.parse_number(p.params["epsilon"])
        exact = 1 - 1 / (1 + eps) ** 2
        enc = p.enclosures["zeta"] if "zeta" in p.enclosures else next(iter(p.enclosures.values()))
        assert _frac(enc["lower"]) <= Fraction(int(exact.p), int(exact.q)) <= _frac(enc["upper"])


# ----------------------------------------------------------------------------- CSV

def test_csv_loads_with_numpy_and_pandas_as_floats(tmp_path):
    out = tmp_path / "ratio.csv"
    status, _, err = run_cli("sweep", ROD, "critical-ratio", "c=9/16", "theta=1/2:2:4", "--certify", "--out", str(out))
    assert status == 1, err  # theta = 1/2 is below threshold: one failed point
    text = out.read_text()
    assert '"' not in text
    arr = np.genfromtxt(out, delimiter=",", names=True, dtype=None, encoding="utf-8")
    for col in ("theta", "ratio", "ratio_lower", "ratio_upper"):
        assert arr[col].dtype.kind == "f", col
    assert np.isnan(arr["ratio"][0]) and arr["status"][0] == "failed" and "threshold" in arr["message"][0]
    assert list(arr["theta_exact"]) == ["1/2", "1", "3/2", "2"]
    assert (arr["ratio_lower"][1:] <= arr["ratio"][1:]).all() and (arr["ratio"][1:] <= arr["ratio_upper"][1:]).all()
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(out)
    for col in ("theta", "ratio", "ratio_lower", "ratio_upper"):
        assert frame[col].dtype.kind == "f", col
    assert frame["ratio"].isna().sum() == 1 and len(frame) == 4
    df = sd.sweep(ROD, "critical-ratio", {"c": "9/16"}, {"theta": "1/2:2:4"}, dps=30).to_pandas()
    assert df["theta_exact"].tolist() == [sp.Rational(1, 2), 1, sp.Rational(3, 2), 2]
    assert df["theta_exact"].dtype == object and df["ratio"].dtype.kind == "f"
    assert df["ratio_decimal"][1] == sd.sweep(ROD, "critical-ratio", {"c": "9/16"}, {"theta": "1:1:1"},
                                              dps=30).points[0].values["ratio"]


def test_csv_cells_never_hold_the_delimiter():
    res = sweep("toy-sweep", "square", {"w": "3,2,1"}, {"x": "1:9:2"}, dps=20, certify=True)
    lines = res.to_csv().splitlines()
    n = len(lines[0].split(","))
    assert all(len(ln.split(",")) == n for ln in lines)
    assert "w=3%2C2%2C1" in lines[1]


def test_cli_sweep_writes_csv_and_json(tmp_path):
    out = tmp_path / "lim.csv"
    status, stdout, err = run_cli("sweep", ROD, "limit", "c=1/2", "theta=1/2:2:3", "alpha=1/10", "beta=1/10",
                                  "--out", str(out))
    assert status == 0, err
    lines = out.read_text().splitlines()
    assert lines[0].startswith("theta,theta_exact,m_u,m_v") and len(lines) == 4
    assert "3 computed, 0 reused, 0 failed" in stdout
    data = run_json("sweep", ROD, "threshold", "c=1/16:1:2")
    assert data["points"][0]["values"]["theta_c"].startswith("0.5000000")
    assert (data["computed"], data["reused"], data["failed"]) == (2, 0, 0)


# ----------------------------------------------------------------------------- progress

def test_progress_lines_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setenv("SYMDYN_PROGRESS_INTERVAL", "0")
    status, _, err = run_cli("sweep", ROD, "critical-ratio", "c=1/2", "theta=1/2:2:4", "--n-jobs", "2")
    assert status == 1
    lines = [ln for ln in err.splitlines() if "points/s" in ln]
    assert len(lines) >= 4
    assert re.search(r"4/4 points, 1 failed, [0-9.e+]+ points/s, ETA 0 s", lines[-1])


# ----------------------------------------------------------------------------- input errors

BAD = [
    (("threshold", "c=1"), "no sweep axis"),
    (("nothing", "c=1:2:2"), "unknown quantity"),
    (("m_w@1", "c=1:2:2"), "unknown observable"),
    (("m_u@-1", "c=1:2:2", "theta=2", "alpha=0", "beta=0"), "negative"),
    (("m_u@abc", "c=1:2:2", "theta=2", "alpha=0", "beta=0"), "not a number"),
    (("m_u@10", "c=1:2:2", "theta=2", "beta=1/10"), "missing parameter alpha"),
    (("critical-ratio", "c=1:2:2"), "missing parameter theta"),
    (("threshold", "c=0:1:2"), "c=0 is outside"),
    (("threshold", "c=1:2:0"), "COUNT"),
    (("threshold", "c=1:2:2", "--n-jobs", "0"), "n_jobs"),
    (("threshold", "c=1:2:2", "--out", "x.txt"), ".csv, .json or .jsonl"),
    (("threshold", "c=1:2:2", "--out", "/no/such/dir/x.csv"), "does not exist"),
    (("threshold", "c=1:2:2", "--out", "/proc/x.csv"), "cannot write in /proc"),  # os.access says yes to root
    (("threshold", "c=1:2:2", "--plot", "/proc/x.png"), "cannot write in /proc"),
    (("threshold", "c=1:2:2", "--n-jobs", "100000"), "worker processes"),
    (("threshold", "c=1:2:2", "--plot", "x.gif"), ".png, .pdf or .svg"),
    (("threshold", "c=1:2:2", "--resume"), "--resume needs --out"),
    (("threshold", "c=1:2:2", "d=1"), "unknown parameter 'd'"),
    (("threshold", "q=1:2:2"), "unknown parameter 'q'"),
    (("critical-ratio", "c=1/2", "theta=threshold:3:11"), "sweep epsilon instead"),
    (("critical-ratio", "c=1/2", "theta=1:3:3", "theta=2"), "given twice"),
    (("threshold", "c=1:2:2", "flow=F1:F2:2"), "flow is a choice"),
    (("limit", "c=1:2:2", "theta=2", "alpha=0", "beta=0", "--certify"), "no certified limit"),
    (("limit", "c=1:2:2", "theta=2", "alpha=0", "beta=0", "--solve", "theta=1:2", "--equals", "0"), "several"),
    (("critical-ratio", "c=1:2:2", "--solve", "theta=1:3"), "--equals"),
    (("critical-ratio", "c=1:2:2", "theta=2", "--equals", "1"), "--solve"),
    (("critical-ratio", "c=1:2:2", "--solve", "c=1:3", "--equals", "1"), "also an axis"),
    (("critical-ratio", "c=1:2:2", "--solve", "theta=3:1", "--equals", "1"), "LO < HI"),
    (("critical-ratio", "c=1:2:2", "--solve", "theta=0:1", "--equals", "1"), "outside the domain"),
    (("critical-ratio", "c=1:2:2", "--solve", "flow=1:2", "--equals", "1"), "not a continuous"),
    (("threshold", "c=1:2:2", "--dps", "5"), "dps=5"),
    (("c=1:2:2",), "the target comes first"),
]


@pytest.mark.parametrize("args, fragment", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_every_input_error_exits_2_before_the_first_point(args, fragment, tmp_path, monkeypatch):
    monkeypatch.setenv("SYMDYN_PROGRESS_INTERVAL", "0")  # a computed point would print a progress line
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli("sweep", ROD, *args)
    assert status == 2, err
    assert fragment in err and len(err.strip().splitlines()) == 1, err
    assert out == "" and list(Path(tmp_path).iterdir()) == []


def test_model_capabilities_are_checked_before_the_first_point():
    status, _, err = run_cli("sweep", "toy-sweep", "limit", "x=1:2:2")
    assert status == 2 and "model toy-sweep has no limit" in err
    status, _, err = run_cli("sweep", "toy-sweep", "z@1", "x=1:2:2", "--certify")
    assert status == 2 and "has no certified evaluation" in err
    status, _, err = run_cli("sweep", "toy-sweep", "square", "x=one:2:2")
    assert status == 2 and "sweep half instead" in err
    status, _, err = run_cli("sweep", "toy-sweep", "square", "w=1:2:2", "x=1")
    assert status == 2 and "w is a list" in err


def _code_words(path: Path) -> list[str]:
    """String constants (docstrings excluded: their examples need a model) and identifiers of a module."""
    import ast

    tree = ast.parse(path.read_text())
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append(node.value)
        elif isinstance(node, ast.Name):
            out.append(node.id)
        elif isinstance(node, ast.Attribute):
            out.append(node.attr)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out += [a.name for a in node.names] + [getattr(node, "module", None) or ""]
    return out


def test_nothing_in_sweep_names_a_model():
    root = Path(sd.__file__).parent
    sources = [*(root / "sweep").glob("*.py"), root / "cli" / "sweep.py", root / "cli" / "plot.py"]
    names = [n for n in sd.available_models() if n != "toy-sweep"] + ["rank_one", "spiked", "wigner", "denoising"]
    assert len(sources) >= 9
    for src in sources:
        words = " ".join(_code_words(src))
        for n in names:
            assert n not in words, f"{src.name} names {n}"
