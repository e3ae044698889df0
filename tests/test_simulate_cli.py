"""``symdyn simulate`` on the command line: JSON shape, human table, exit codes."""

from __future__ import annotations

import json

import pytest

from symdyn.cli import main

BASE = ["simulate", "rank-one-denoising", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10"]


def _run(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_json_shape(capsys):
    code, out, err = _run(capsys, BASE + ["--n", "60", "--seeds", "3", "--t", "1,5/2", "--seed", "7", "--json"])
    assert code == 0
    data = json.loads(out)  # nothing but JSON on stdout
    assert data["model"] == "rank-one-denoising"
    assert data["sizes"] == {"p": 30, "n": 60}
    assert data["trials"] == 3 and data["seed"] == 7
    assert data["times"] == ["1", "5/2"]
    assert set(data["observables"]) == {"m_u", "m_v", "energy"}
    for rows in data["observables"].values():
        assert [r["t"] for r in rows] == ["1", "5/2"]
        for r in rows:
            assert isinstance(r["mean"], str) and isinstance(r["stderr"], str)
            assert len(r["values"]) == 3 and all(isinstance(v, str) for v in r["values"])
            vals = [float(v) for v in r["values"]]
            assert float(r["mean"]) == pytest.approx(sum(vals) / 3, rel=1e-12, abs=1e-15)
    assert "memory" in err  # the memory needed is stated before running


def test_json_is_reproducible_and_methods_agree(capsys):
    argv = BASE + ["--n", "40", "--seeds", "2", "--t", "1,3", "--json", "--observables", "m_u,m_v"]
    _, out1, _ = _run(capsys, argv + ["--method", "gram"])
    _, out2, _ = _run(capsys, argv + ["--method", "gram"])
    _, out3, _ = _run(capsys, argv + ["--method", "lanczos"])
    a, b, c = (json.loads(o) for o in (out1, out2, out3))
    assert a["observables"] == b["observables"]
    for name in ("m_u", "m_v"):
        for ra, rc in zip(a["observables"][name], c["observables"][name]):
            assert [float(x) for x in ra["values"]] == pytest.approx([float(x) for x in rc["values"]], abs=1e-12)
    assert set(a["observables"]) == {"m_u", "m_v"}


def test_gd_steps(capsys):
    code, out, _ = _run(capsys, BASE + ["eta=1/4", "--n", "40", "--seeds", "2", "--t", "0,4", "--json"])
    assert code == 0
    data = json.loads(out)
    assert data["time_variable"] == "k"
    assert float(data["observables"]["m_u"][0]["mean"]) == pytest.approx(0.1, abs=1e-14)


def test_human_table(capsys):
    code, out, _ = _run(capsys, BASE + ["--n", "40", "--seeds", "2", "--t", "1", "--threads", "1"])
    assert code == 0
    assert "mean" in out and "stderr" in out and "m_u" in out and "energy" in out


@pytest.mark.parametrize(
    "extra,needle",
    [
        (["--n", "40", "--seeds", "2", "--t", "1", "--method", "bogus"], "method"),
        (["--n", "forty", "--seeds", "2", "--t", "1"], "--n"),
        (["--n", "40", "--seeds", "0", "--t", "1"], "--seeds"),
        (["--n", "40", "--seeds", "2", "--t", "1,,2"], "empty"),
        (["--n", "40", "--seeds", "2", "--t", "-1"], "negative"),
        (["--n", "40", "--seeds", "2", "--t", "1", "--observables", "m_u,nope"], "nope"),
        (["--n", "40", "--seeds", "2", "--t", "1", "--seed", "-3"], "--seed"),
        (["--n", "40", "--seeds", "2", "--t", "1", "--method", "gd-iterate"], "eta"),
        (["--n", "40", "--seeds", "2"], "--t"),
        (["--seeds", "2", "--t", "1"], "--n"),
        (["--n", "5000000", "--seeds", "1", "--t", "1"], "needs about"),
        (["bogus=1", "--n", "40", "--seeds", "2", "--t", "1"], "bogus"),
        (["--n", "40", "--seeds", "2", "--t", "1", "--threads", "0"], "--threads"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, extra, needle):
    code, out, err = _run(capsys, BASE + extra)
    assert code == 2
    assert out == ""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], err


def test_unknown_model_exits_2(capsys):
    code, _, err = _run(capsys, ["simulate", "no-such-model", "--n", "10", "--seeds", "1", "--t", "1"])
    assert code == 2 and "unknown model" in err
