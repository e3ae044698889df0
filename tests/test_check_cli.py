"""``symdyn check`` on the command line: JSON shape (CLI.md), --against, --sizes, --plot, exit codes."""

from __future__ import annotations

import json

import pytest

import symdyn as sd
from symdyn.cli import main

BASE = ["check", "rank-one-denoising", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10"]
SMALL = ["--n", "200", "--seeds", "6", "--t", "1,5", "--seed", "3"]


def _run(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_json_shape_and_exit_zero(capsys):
    code, out, err = _run(capsys, BASE + SMALL + ["--json"])
    assert code == 0, err
    data = json.loads(out)  # nothing but JSON on stdout
    assert data["passed"] is True and data["verdict"] == "agree"
    assert data["model"] == "rank-one-denoising" and data["seeds"] == 6 and data["seed"] == 3
    assert data["sizes"] == {"p": 100, "n": 200}
    assert data["test"]["method"] == "holm" and data["test"]["dof"] == 5
    rows = data["rows"]
    assert [(r["observable"], r["t"]) for r in rows] == [(o, t) for o in ("m_u", "m_v", "energy") for t in ("1", "5")]
    for r in rows:
        assert {"observable", "t", "theory", "mean", "stderr", "z", "p", "p_holm", "rejected", "test"} <= set(r)
        for key in ("theory", "mean", "stderr", "z", "p", "p_holm"):
            assert isinstance(r[key], str)  # numbers as decimal strings
            float(r[key])
        assert len(r["theory"].replace("-", "").replace(".", "").split("e")[0]) >= 25  # full precision
        assert float(r["z"]) == pytest.approx((float(r["mean"]) - float(r["theory"])) / float(r["stderr"]), rel=1e-9)
    # the same theory as `symdyn eval`
    m = sd.model("rank-one-denoising")
    ref = m.evaluate(m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10"), ["1"], dps=30)
    assert rows[0]["theory"][:25] == sd.mp_to_decimal(ref["m_u"][0], 30)[:25]


def test_human_output_and_reproducibility(capsys):
    code, out, _ = _run(capsys, BASE + SMALL)
    assert code == 0 and "AGREE" in out and "Holm" in out
    code, a, _ = _run(capsys, BASE + SMALL + ["--json"])
    code, b, _ = _run(capsys, BASE + SMALL + ["--json"])
    ja, jb = json.loads(a), json.loads(b)
    assert [r["mean"] for r in ja["rows"]] == [r["mean"] for r in jb["rows"]]


def _eval_json(capsys, times):
    code, out, err = _run(capsys, ["eval", "rank-one-denoising", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10",
                                   "--t", times, "--json"])
    assert code == 0, err
    return json.loads(out)


def test_against_eval_output_agrees_and_shifted_predictions_fail(capsys, tmp_path):
    data = _eval_json(capsys, "1,5")
    good = tmp_path / "theory.json"
    good.write_text(json.dumps(data))
    args = ["check", "rank-one-denoising", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10", "--n", "400",
            "--seeds", "10", "--against", str(good), "--json"]
    code, out, err = _run(capsys, args)
    assert code == 0, err
    res = json.loads(out)
    assert res["source"] == str(good) and res["times"] == ["1", "5"]
    assert {r["observable"] for r in res["rows"]} == set(data["observables"])
    # a formula "copied from a paper" that is off by 0.05: disagreement, exit status 1
    data["observables"]["m_u"] = [str(float(v) + 0.05) for v in data["observables"]["m_u"]]
    bad = tmp_path / "paper.json"
    bad.write_text(json.dumps(data))
    code, out, err = _run(capsys, args[:-3] + ["--against", str(bad), "--json"])
    assert code == 1
    res = json.loads(out)
    assert res["passed"] is False
    assert {r["observable"] for r in res["rows"] if r["rejected"]} == {"m_u"}


@pytest.mark.parametrize("content, message", [
    ("not json", "not valid JSON"),
    ('{"times": ["1"]}', "observables"),
    ('{"times": ["1"], "observables": {"m_x": ["0.2"]}}', "unknown observable"),
    ('{"times": ["1", "2"], "observables": {"m_u": ["0.2"]}}', "list of 2 values"),
    ('{"times": ["1"], "observables": {"m_u": ["zero"]}}', "not a number"),
])
def test_against_bad_files_exit_two(capsys, tmp_path, content, message):
    f = tmp_path / "p.json"
    f.write_text(content)
    code, out, err = _run(capsys, BASE + ["--n", "100", "--seeds", "3", "--against", str(f)])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


@pytest.mark.parametrize("extra, message", [
    (["--n", "100", "--seeds", "3"], "no times"),
    (["--seeds", "3", "--t", "1"], "--n"),
    (["--n", "100", "--seeds", "1", "--t", "1"], "--seeds"),
    (["--n", "100", "--seeds", "3", "--t", "1", "--level", "1.5"], "--level"),
    (["--n", "100", "--seeds", "3", "--t", "1", "--level", "x"], "--level"),
    (["--n", "100", "--seeds", "3", "--t", "1", "--sizes", "100"], "two different sizes"),
    (["--n", "100", "--seeds", "3", "--t", "1", "--plot", "x.jpg"], ".png"),
    (["--n", "100", "--seeds", "3", "--t", "1", "--against", "/nonexistent/p.json"], "no such file"),
])
def test_bad_input_exit_two(capsys, extra, message):
    code, out, err = _run(capsys, BASE + extra)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_missing_parameter_exit_two(capsys):
    code, out, err = _run(capsys, ["check", "rank-one-denoising", "c=1/2", "theta=6/5", "--n", "100", "--seeds", "3",
                                   "--t", "1"])
    assert code == 2 and "alpha" in err and err.count("\n") == 1


def test_plot_and_sizes(capsys, tmp_path):
    png = tmp_path / "fig.png"
    code, out, err = _run(capsys, BASE + ["--seeds", "5", "--t", "1,5", "--sizes", "100,200", "--plot", str(png),
                                          "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["n"] == 200  # the largest size of the ladder when --n is not given
    conv = data["convergence"]
    assert [p["n"] for p in conv["points"]] == [100, 200]
    assert {"slope", "interval", "stderr"} <= set(conv["fit"])
    for f in (png, tmp_path / "fig-convergence.png"):
        assert f.exists() and f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(data["plots"]) >= {str(png), str(tmp_path / "fig-convergence.png")}
