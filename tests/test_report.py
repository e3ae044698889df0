"""The report: files, LaTeX that compiles, JSON summary, and the command line."""

from __future__ import annotations

import json
import os
import shutil

import pytest

import symdyn as sd
from symdyn.cli import main
from symdyn.errors import ParameterError
from symdyn.report import default_example, report

from test_check_toy import TOY

NEED_PDF = bool(os.environ.get("SYMDYN_REQUIRE_PDFLATEX")) or shutil.which("pdflatex") is not None


def test_generic_report_has_only_the_sections_of_the_declared_capabilities(tmp_path):
    # the toy model declares evaluate and simulate only: no derivation, quantity or limit section
    rep = report(TOY, {"mu": "2"}, out=tmp_path / "r", n=200, seeds=5, times=["1/2", "1", "2"], sizes=[100, 200],
                 seed=4, pdf=NEED_PDF)
    names = {f.name for f in rep.files}
    assert {"report.tex", "summary.json", "trajectory.png", "convergence.png"} <= names
    tex = (tmp_path / "r" / "report.tex").read_text()
    for heading in ("Model and parameters", "Trajectory", "Theory against simulation", "Convergence in $n$",
                    "Reproducibility"):
        assert "{" + heading + "}" in tex
    for heading in ("Derivation", "Large-time limit", "Boundaries and constants"):
        assert "{" + heading + "}" not in tex
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["check"]["passed"] is rep.check.passed
    assert summary["check"]["rows"][0]["theory"].startswith("1.21306131942526")   # 2 exp(-1/2)
    assert summary["derivation"] is None and summary["limit"] is None
    assert summary["settings"]["sizes"] == "100,200"
    if NEED_PDF:
        assert rep.pdf is not None and rep.pdf.read_bytes()[:4] == b"%PDF"
        assert "report.pdf" in names


def test_no_example_and_bad_out(tmp_path):
    with pytest.raises(ParameterError, match="no built-in example"):
        report(TOY, None, out=tmp_path / "x")
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(ParameterError, match="not a directory"):
        report(TOY, {"mu": "1"}, out=f, n=100, seeds=3, times=["1"], sizes="none", pdf=False)


def test_rank_one_example_is_the_spec_reference_point(rank_one):
    ex = default_example(rank_one)
    p = rank_one.params(**ex["params"])
    assert (p["c"], p["theta"], p["alpha"], p["beta"]) == (sd.parse_number("1/2"), sd.parse_number("6/5"),
                                                           sd.parse_number("1/10"), sd.parse_number("1/10"))
    assert ex["n"] in ex["sizes"] and ex["seeds"] >= 10


@pytest.mark.slow
def test_rank_one_report_reduced(tmp_path, rank_one):
    """The full report (derivation verified, limits, boundaries, check, ladder) at reduced sizes."""
    rep = report(rank_one, None, out=tmp_path / "r", n=400, seeds=8, sizes=[200, 400], seed=1, pdf=NEED_PDF)
    s = rep.summary
    assert s["derivation"]["passed"] is True
    assert s["limit"]["regime"] == "above-threshold"
    assert s["boundaries"]["threshold"]["value"].startswith("0.84089641525371454303")   # spec 9
    assert s["trajectory"]["observables"]["m_u"][0].startswith("0.2320476610057535508")  # m_u(1), spec 9
    assert rep.check.passed, rep.check.summary()
    tex = (tmp_path / "r" / "report.tex").read_text()
    assert "\\includegraphics" in tex and "\\bibitem{bbp_2005}" in tex
    if NEED_PDF:
        assert rep.pdf is not None and rep.pdf.stat().st_size > 50_000


@pytest.mark.slow
def test_report_command_line(tmp_path, capsys):
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as info:
        main(["report", "rank-one-denoising", "c=1/2", "theta=3/5", "alpha=3/10", "beta=1/2", "--out", str(out),
              "--n", "300", "--seeds", "6", "--t", "1,5", "--sizes", "none", "--no-pdf", "--json"])
    stdout, err = capsys.readouterr()
    assert info.value.code == 0, err
    data = json.loads(stdout)
    assert data["model"] == "rank-one-denoising" and data["limit"]["regime"] == "below-threshold"
    assert "convergence" not in data["check"] and (out / "report.tex").exists() and not (out / "report.pdf").exists()
    with pytest.raises(SystemExit) as info:
        main(["report", "rank-one-denoising", "c=1/2", "--out", str(out)])
    assert info.value.code == 2
