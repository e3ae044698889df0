r"""``symdyn verify`` on the command line: output, JSON shape, exit status 0/1/2, hostile claims."""

from __future__ import annotations

import json
import time

import mpmath as mp
import pytest

from cli_helpers import run_cli
from symdyn.cli.verify import DelayedProgress

R1 = "rank-one-denoising"
SW = "spiked-wigner"
RATIO = r"-\kappa\sqrt{\frac{\theta^2+c}{\theta^2+1}}"


def test_agreeing_claim_exits_0_and_echoes_the_parsed_claim():
    status, out, err = run_cli("verify", R1, "critical-ratio", RATIO, "c=1/4:2", "theta=6/5:3", "--points", "4")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == r"claim  - \kappa \sqrt{\frac{c + \theta^{2}}{\theta^{2} + 1}}"
    assert lines[1].strip() == "-kappa*sqrt((c + theta^2)/(theta^2 + 1))"
    assert "verdict: agree (all 4 points to at least 45 digits)" in out
    assert "symbolic: equal" in out
    assert len([ln for ln in lines if ln[:1].isdigit()]) == 4  # one row per point


def test_counterexample_exits_1_and_names_the_point():
    status, out, err = run_cli("verify", R1, "critical-ratio", r"-\kappa\sqrt{\frac{\theta^2+1}{\theta^2+c}}",
                               "c=1/4:2", "theta=6/5:3")
    assert status == 1 and err == ""
    assert "verdict: counterexample at point 1 (c=" in out and "symbolic: different" in out


def test_a_proved_difference_exits_1_even_when_the_digits_agree():
    status, out, _ = run_cli("verify", R1, "threshold", "c^{1/4}+10^{-60}", "--points", "2")
    assert status == 1 and "verdict: agree" in out and "symbolic: different" in out


def test_json_has_the_contract_keys_and_decimal_strings():
    status, out, err = run_cli("verify", SW, "outlier", r"\theta+\frac{1}{\theta}", "theta=1:4", "--points", "3",
                               "--dps", "40", "--seed", "5", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert {"verdict", "symbolic", "claim", "points", "counterexample"} <= set(data)
    assert data["verdict"] == "agree" and data["symbolic"] == "equal" and data["counterexample"] is None
    assert data["claim"]["latex"] == r"\theta + \frac{1}{\theta}" and data["claim"]["text"] == "theta + 1/theta"
    assert data["dps"] == 40 and data["seed"] == 5 and len(data["points"]) == 3
    for p in data["points"]:
        assert set(p) >= {"params", "claim", "value", "digits"} and p["digits"] >= 35
        with mp.workdps(60):
            theta = mp.mpf(p["params"]["theta"].split("/")[0]) / mp.mpf(p["params"]["theta"].split("/")[1])
            assert abs(mp.mpf(p["value"]) - (theta + 1 / theta)) < mp.mpf(10) ** -38
        assert len(p["value"].replace(".", "").lstrip("0")) >= 40


def test_same_seed_same_json():
    args = ("verify", R1, "threshold", "c^{1/4}", "--points", "3", "--json")
    assert run_cli(*args, "--seed", "9")[1] == run_cli(*args, "--seed", "9")[1] != run_cli(*args, "--seed", "8")[1]


def test_claim_file_and_time_options(tmp_path):
    f = tmp_path / "claim.tex"
    f.write_text("$\\frac{I_1(4t)}{2t}$\n", encoding="utf-8")
    status, out, err = run_cli("verify", SW, "Q", "--claim-file", str(f), "theta=3/2", "alpha=0", "--t", "1,5")
    assert status == 0, err
    assert "verdict: agree (all 2 points" in out
    status, out, _ = run_cli("verify", SW, "Q", "--claim-file", str(f), "theta=3/2", "alpha=0", "t=1:3",
                             "--points", "2")
    assert status == 0 and "verdict: agree" in out
    status, _, err = run_cli("verify", SW, "Q", "--claim-file", str(f), "theta=3/2", "alpha=0", "t=1:3", "--t", "1")
    assert status == 2 and "once" in err
    status, _, err = run_cli("verify", SW, "Q", "--claim-file", str(tmp_path / "missing.tex"), "theta=3/2")
    assert status == 2 and "missing.tex" in err
    big = tmp_path / "big.tex"
    big.write_text("c+" * 10**6, encoding="utf-8")
    status, _, err = run_cli("verify", R1, "threshold", "--claim-file", str(big))
    assert status == 2 and "limit" in err


HOSTILE = [
    r"\input{/etc/passwd}",
    r"\def\x{1}\x",
    r"\include{x}",
    "__import__('os').system('true')",
    "eval('1')",
    "os.system",
    r"\frac{1}{c",
    "c}}",
    "{" * 10_000 + "c" + "}" * 10_000,
    "(" * 3_000 + "c" + ")" * 3_000,
    "c+" * 500_000 + "c",
    "2^{2^{2^{2^{2^{2}}}}}",
    r"\gamma",
    "x",
    "",
]


@pytest.mark.parametrize("claim", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_claims_exit_2_with_one_line_before_any_work(claim):
    start = time.perf_counter()
    status, out, err = run_cli("verify", R1, "threshold", claim)
    elapsed = time.perf_counter() - start
    assert status == 2 and out == ""
    assert err.startswith("symdyn: error: ") and err.count("\n") == 1
    assert elapsed < 1.0  # generous bound; measured in milliseconds


@pytest.mark.parametrize("args, words", [
    (("verify", R1, "threshold"), "missing CLAIM"),
    (("verify", R1, "nope", "c"), "unknown target"),
    (("verify", "nope", "threshold", "c"), "unknown model"),
    (("verify", R1, "threshold", "c^{1/4}", "c=-1:1"), "outside the domain"),
    (("verify", R1, "threshold", "c^{1/4}", "c"), "NAME=VALUE"),
    (("verify", R1, "threshold", "c^{1/4}", "--points", "0"), "--points"),
    (("verify", R1, "threshold", "c^{1/4}", "--dps", "7"), "dps"),
    (("verify", R1, "threshold", "c^{1/4}", "--pionts", "3"), "unknown option --pionts"),
    (("verify", R1, "threshold", "c t"), "unknown symbol t"),
])
def test_bad_input_exits_2_with_one_line(args, words):
    status, out, err = run_cli(*args)
    assert status == 2 and out == "" and words in err and err.count("\n") == 1


def test_a_claim_starting_with_a_minus_is_not_an_option():
    # '-\theta...' holds an 'h': it must not be taken for -h (help) or any other option
    status, out, _ = run_cli("verify", SW, "outlier", r"-\theta-\frac{1}{\theta}", "theta=1:4", "--points", "2")
    assert status == 1 and "verdict: counterexample" in out


def test_help_lists_the_latex_subset():
    status, out, _ = run_cli("verify", "--help")
    assert status == 0
    for item in (r"\frac{a}{b}", r"\sqrt[n]{x}", r"\left(", r"I_\nu(x)", r"\operatorname{sgn}", "e = Euler",
                 "imaginary unit", "4000 characters", "Exit status"):
        assert item in out


def test_models_json_lists_the_latex_name_of_each_parameter():
    status, out, _ = run_cli("models", "--json")
    params = {p["name"]: p for m in json.loads(out)["models"] if m["name"] == R1 for p in m["parameters"]}
    assert params["theta"]["latex"] == r"\theta" and params["r0"]["latex"] == "r_0" and params["c"]["latex"] == "c"


def test_progress_goes_to_stderr_after_the_delay_also_without_a_terminal(capsys):
    meter = DelayedProgress(delay=0.0)
    with meter.task("verify x", total=3) as task:
        for _ in range(3):
            task.advance()
    err = capsys.readouterr().err
    assert "verify x: 1/3 points" in err  # throttled to one line a second when not a terminal
    quiet = DelayedProgress(delay=60.0)
    with quiet.task("verify y", total=2) as task:
        task.advance()
    assert capsys.readouterr().err == ""
