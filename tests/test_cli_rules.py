"""Errors classified before the work, one rule per class (docs/CLI.md, "Exit status" and "Options").

Exit 1 only for a disagreeing check or an unprovable certification; everything known before any work
is exit 2 in one line; a failed computation is 3; Ctrl-C is 130.  Output paths are checked before any
computation.  A repeated option is refused.  The Python API raises ParameterError for every bad
parameter.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import symdyn as sd
from cli_helpers import run_cli

M = "rank-one-denoising"
P = ("c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10")
ROOT = Path(__file__).resolve().parents[1]


def _refused(*args: str, fragment: str, seconds: float = 15.0) -> str:
    t0 = time.perf_counter()
    status, out, err = run_cli(*args)
    assert time.perf_counter() - t0 < seconds
    assert status == 2 and out == "", (status, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], err
    return lines[0]


# ----------------------------------------------------------------------------- output paths before the work

@pytest.mark.parametrize("args, fragment", [
    (("check", M, *P, "--n", "100", "--seeds", "3", "--t", "1", "--plot", "/proc/x.png"), "cannot write in /proc"),
    (("check", M, *P, "--n", "100", "--seeds", "3", "--t", "1", "--plot", "/nonexistent/d/x.png"), "does not exist"),
    (("derive", M, "--latex", "/proc/d.tex"), "cannot write in /proc"),
    (("derive", M, "--latex", "/nonexistent/d/d.tex"), "does not exist"),
    (("report", M, "--out", "/proc/r"), "cannot write in /proc"),
])
def test_unwritable_output_paths_are_refused_before_any_computation(args, fragment):
    _refused(*args, fragment=fragment, seconds=10)


def test_report_on_bad_input_leaves_no_directory_behind(tmp_path):
    out = tmp_path / "a" / "b"
    _refused("report", M, "--out", str(out), "--n", "abc", fragment="--n")
    _refused("report", M, "c=0", "--out", str(out), fragment="c=0")
    assert not (tmp_path / "a").exists() and list(tmp_path.iterdir()) == []


def test_the_probe_of_a_writable_directory_leaves_nothing(tmp_path):
    from symdyn.outputs import check_output_dir, check_output_file

    check_output_file(tmp_path / "x.png", "--plot", (".png",))
    check_output_dir(tmp_path / "new" / "dir", "--out")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- unsupported: exit 2 before any proof

def test_a_model_without_certified_trajectories_is_exit_2():
    _refused("eval", "spiked-wigner", "theta=3/2", "alpha=1/5", "--t", "1", "--certify",
             fragment="model spiked-wigner has no certified evaluation")


def test_certified_gd_beyond_its_step_limit_is_exit_2():
    _refused("eval", M, *P, "eta=1/4", "--t", "5000", "--certify", fragment="limited to k <= 4000")


def test_alpha_critical_below_threshold_and_critical_ratio_follow_one_rule():
    a = _refused("eval", M, "c=1/2", "theta=1/2", "alpha=critical", "beta=1/10", "--t", "1",
                 fragment="no critical ratio")
    b = _refused("boundary", M, "critical-ratio", "c=1/2", "theta=1/2", fragment="no critical ratio")
    assert a.split("below threshold", 1)[1] == b.split("below threshold", 1)[1]
    with pytest.raises(sd.ParameterError, match="no critical ratio"):
        sd.model(M).params(c="1/2", theta="1/2", ratio="critical", beta="1/10")
    status, _, err = run_cli("eval", M, "c=1/2", "theta=threshold", "alpha=critical", "beta=1/10", "--t", "1")
    assert status == 0, err  # at threshold both exist


def test_a_failed_computation_is_exit_3_not_1(monkeypatch):
    import symdyn.models.rank_one_denoising.limits as limits

    def fail(*args, **kwargs):
        raise sd.ConvergenceError("Lanczos did not converge")

    monkeypatch.setattr(limits, "limit", fail)
    status, out, err = run_cli("limit", M, *P)
    assert status == 3 and "did not converge" in err
    monkeypatch.setattr(limits, "limit", lambda *a, **k: 1 / 0)
    status, out, err = run_cli("limit", M, *P)
    assert status == 3 and "internal error: ZeroDivisionError" in err


# ----------------------------------------------------------------------------- the command line itself

def test_symdyn_alone_prints_the_normal_help():
    status, out, err = run_cli()
    assert status == 0 and err == ""
    assert out.startswith("Usage: symdyn") and len(out.splitlines()) > 10 and "Commands:" in out


@pytest.mark.parametrize("args", [
    ("eval", M, *P, "--t", "1", "--t", "5"),
    ("eval", M, *P, "--t=1", "--dps", "20", "--dps=30"),
    ("simulate", M, *P, "--n", "100", "--n", "200", "--seeds", "2", "--t", "1"),
    ("check", M, *P, "--n", "100", "--seeds", "3", "--seeds", "5", "--t", "1"),
    ("eval", M, *P, "--t", "1", "--json", "--json"),
])
def test_a_repeated_option_is_refused_never_last_wins(args):
    _refused(*args, fragment="is given more than once")


def test_a_repeatable_option_still_accumulates():
    status, out, err = run_cli("derive", M, "--step", "woodbury", "--step", "residues", "--json")
    assert status == 0, err
    import json

    assert {s["key"] for s in json.loads(out)["steps"]} == {"woodbury", "residues"}


def test_ctrl_c_inside_an_extension_callback_exits_130(monkeypatch):
    """python-flint's acb.integral turns a KeyboardInterrupt raised in its Python integrand into a
    SystemError caused by it (seen on `sweep --certify` under Ctrl-C): still an interruption."""
    def interrupted(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("<cyfunction acb.integral> returned a result with an exception set") from exc

    monkeypatch.setattr(type(sd.model(M)), "limit", interrupted)
    status, out, err = run_cli("limit", M, *P)
    assert status == 130 and err.strip() == "symdyn: error: interrupted", err


def test_ctrl_c_exits_130():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", "from symdyn.cli import main; main()", "simulate", M, *P, "--n",
                             "1000", "--seeds", "1000", "--t", "1,5"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err


# ----------------------------------------------------------------------------- the Python API

_m = sd.model(M)
_p = _m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")


@pytest.mark.parametrize("call", [
    lambda: _m.params(c=[1, 2]),
    lambda: _m.params(c=1j),
    lambda: _m.params(c=float("nan")),
    lambda: _m.params(c=np.array([0.5])),
    lambda: _m.evaluate(_p, 5),
    lambda: _m.evaluate(_p, None),
    lambda: _m.evaluate(_p, "1,5"),
    lambda: _m.evaluate(_p, [1], observables=["m_w"]),
    lambda: _m.evaluate(_p, [1], observables=5),
    lambda: _m.evaluate(_p, [1], rule="simpson"),
    lambda: _m.evaluate(_p, [1], dps="many"),
    lambda: _m.evaluate({"c": "1/2"}, [1]),
    lambda: _m.limit({"c": "1/2"}),
    lambda: _m.boundary("threshold", {"c": "1/2"}),
    lambda: _m.boundary(5, _p),
    lambda: _m.evaluate(sd.model("spiked-wigner").params(theta="3/2", alpha="1/5"), [1]),
    lambda: _m.simulator().run(_p, 5, n=100, trials=2),
    lambda: _m.simulator().run({}, [1], n=100, trials=2),
    lambda: _m.simulator().run(_p, [1], n=100, trials=2, observables=["m_w"]),
    lambda: sd.check(_m, _p, n=100, seeds=3, times=5),
    lambda: sd.check(_m, {"c": "1"}, n=100, seeds=3, times=[1]),
])
def test_every_bad_api_argument_is_a_parameter_error(call):
    with pytest.raises(sd.ParameterError):
        call()


def test_unknown_observables_are_both_parameter_and_unsupported_errors():
    with pytest.raises(sd.ParameterError) as info:
        _m.evaluate(_p, [1], observables=["m_w"])
    assert isinstance(info.value, sd.UnsupportedError)


def test_api_accepts_iterables_of_times_and_option_words():
    a = _m.evaluate(_p, np.array([1.0, 5.0]), dps=20, observables=["m_u"])
    b = _m.evaluate(_p, (t for t in ["1", "5"]), dps=20, observables="m_u", rule="gauss-chebyshev")
    assert a["m_u"] == b["m_u"]


def test_declared_certifiable_quantities_certify_and_others_are_refused_before_any_proof():
    pytest.importorskip("flint")
    m = sd.model("spiked-wigner")
    p = m.params(theta="3/2", alpha="1/5")
    for q in m.quantity_specs:
        assert q.certifiable, q.name  # relaxation-time was declared not certifiable yet certified
        b = m.boundary(q.name, p, dps=20, certify=True)
        assert b.enclosures is not None
    from dataclasses import replace

    import symdyn.models.spiked_wigner.spec as spec

    specs = tuple(replace(q, certifiable=False) if q.name == "edge" else q for q in spec.QUANTITIES)
    try:
        type(m).quantity_specs = specs
        with pytest.raises(sd.UnsupportedError, match="has no certified evaluation"):
            m.boundary("edge", p, dps=20, certify=True)
    finally:
        type(m).quantity_specs = spec.QUANTITIES
