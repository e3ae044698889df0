"""``symdyn derive``: table, JSON shape, LaTeX file and exit codes."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from click.testing import CliRunner

from symdyn.cli import cli
from symdyn.derive import Derivation, Numeric, Points, Step, Symbolic
from symdyn.models.rank_one_denoising.model import RankOneDenoising

from cli_helpers import run_cli

FAST = ("--step", "T-identity", "--step", "woodbury")


def test_table_without_flags():
    status, out, err = run_cli("derive", "rank-one-denoising", *FAST)
    assert status == 0, err
    assert "T-identity" in out and "woodbury" in out and "passed" in out
    assert "2/2 steps passed at 30 digits" in out


def test_json_shape():
    status, out, err = run_cli("derive", "rank-one-denoising", *FAST, "--json", "--dps", "25", "--seed", "3")
    assert status == 0, err
    data = json.loads(out)
    assert data["model"] == "rank-one-denoising" and data["passed"] is True and data["failed"] == []
    assert data["dps"] == 25 and data["seed"] == "3" and data["latex_file"] is None
    assert [s["key"] for s in data["steps"]] == ["T-identity", "woodbury"]
    for s in data["steps"]:
        assert s["title"] and s["statement"] and s["statement_text"] and s["latex"]
        v = s["verification"]
        assert v["status"] == "passed" and v["method"].startswith("all-of")
        assert v["evidence"] and isinstance(v["parts"], list)
        for part in v["parts"]:
            assert part["method"] in ("symbolic", "numeric", "two-routes")
            for pr in part["points"]:   # exact points and decimal-string residuals, never floats
                assert all(isinstance(x, str) for x in pr["point"].values()) and isinstance(pr["residual"], str)


def test_click_runner_and_latex_file(tmp_path):
    out = tmp_path / "d.tex"
    result = CliRunner().invoke(cli, ["derive", "rank-one-denoising", "--step", "residues", "--latex", str(out)])
    assert result.exit_code == 0, result.output
    tex = out.read_text()
    assert tex.startswith("\\documentclass") and "\\label{step:residues}" in tex
    assert "1 of 1 steps verified at 30 digits" in tex and "\\begin{thebibliography}" in tex


@pytest.mark.parametrize("args,needle", [
    (("derive", "no-such-model"), "unknown model"),
    (("derive", "rank-one-denoising", "--dps", "7"), "dps"),
    (("derive", "rank-one-denoising", "--dps", "lots"), "dps"),
    (("derive", "rank-one-denoising", "--seed", "x1"), "--seed"),
    (("derive", "rank-one-denoising", "--step", "no-such-step"), "unknown step"),
    (("derive", "rank-one-denoising", "--latex", "/no/such/dir/d.tex"), "does not exist"),
    (("derive",), "Missing argument"),
])
def test_bad_input_exits_2_with_one_line(args, needle):
    status, out, err = run_cli(*args)
    assert status == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_failing_step_exits_1_and_is_named(monkeypatch):
    x = sp.Symbol("x", positive=True)
    broken = Derivation("rank-one-denoising", "Broken", (
        Step("fine", "Fine", "$x = x$.", ("x = x",), Symbolic(x - x)),
        Step("wrong-sign", "Wrong", r"$\sqrt{x^2} = -x$.", (r"\sqrt{x^2} = -x",),
             Numeric(sp.sqrt(x**2) + x, Points({x: (1, 2)}))),
    ))
    monkeypatch.setattr(RankOneDenoising, "derivation", lambda self: broken)
    status, out, err = run_cli("derive", "rank-one-denoising")
    assert status == 1
    assert "wrong-sign" in err and "fine (" not in err
    assert "FAILED: wrong-sign" in out
    status, out, err = run_cli("derive", "rank-one-denoising", "--json")
    assert status == 1 and json.loads(out)["failed"] == ["wrong-sign"]


def test_pdf_without_latex_exits_2_before_any_work(monkeypatch):
    monkeypatch.setattr(RankOneDenoising, "derivation", lambda self: pytest.fail("derivation built"))
    status, out, err = run_cli("derive", "rank-one-denoising", "--pdf")
    assert status == 2 and out == ""
    assert "--pdf needs --latex FILE" in err and len(err.strip().splitlines()) == 1


def test_pdf_without_pdflatex_exits_2(monkeypatch, tmp_path):
    import symdyn.cli.derive as derive_cli

    monkeypatch.setattr(derive_cli.shutil, "which", lambda name: None)
    status, out, err = run_cli("derive", "rank-one-denoising", *FAST, "--latex", str(tmp_path / "d.tex"), "--pdf")
    assert status == 2 and "pdflatex is not installed" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "d.tex").exists()


def test_failing_pdflatex_exits_1_after_writing_the_latex(monkeypatch, tmp_path):
    import symdyn.cli.derive as derive_cli
    from symdyn.tex import LatexError

    def broken(tex, workdir=None):
        raise LatexError("pdflatex failed: ! Undefined control sequence.")

    monkeypatch.setattr(derive_cli.shutil, "which", lambda name: "/usr/bin/pdflatex")
    monkeypatch.setattr(derive_cli, "compile_pdf", broken)
    tex = tmp_path / "d.tex"
    status, out, err = run_cli("derive", "rank-one-denoising", *FAST, "--latex", str(tex), "--pdf", "--json")
    assert status == 1 and "Undefined control sequence" in err
    data = json.loads(out)
    assert data["passed"] is True and data["pdf_file"] is None and tex.read_text().startswith("\\documentclass")


def test_pdf_is_compiled_next_to_the_latex_file(tmp_path):
    import os
    import shutil

    if shutil.which("pdflatex") is None:
        if os.environ.get("SYMDYN_REQUIRE_PDFLATEX"):
            pytest.fail("pdflatex is required (SYMDYN_REQUIRE_PDFLATEX is set) but not installed")
        pytest.skip("pdflatex is not installed")
    tex = tmp_path / "deriv.tex"
    status, out, err = run_cli("derive", "rank-one-denoising", "--step", "T-identity", "--latex", str(tex), "--pdf")
    assert status == 0, err
    pdf = tmp_path / "deriv.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and f"PDF to {pdf}" in out
