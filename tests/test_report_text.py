"""A report a referee can read: the compiled PDF's text (pdftotext) holds no raw ``^``, ``_``, ``\\texttt``,
accents made of ``^`` or ``~``, or command-line messages outside the reproducibility section (where the command
line belongs); figures and tables are numbered and referenced."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess

import pytest

import symdyn as sd
from symdyn.report import report


def _pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _referee_problems(text: str) -> list[str]:
    body = text.split("Reproducibility")[0]   # the command line is code, on purpose
    problems = []
    for pattern, what in [(r"\^", "raw ^"), (r"_", "raw _"), (r"texttt|\\", "LaTeX source"), ("\u02c6", "^ accent"),
                          ("\u02dc", "~ accent"), (r"\*\*", "Python power"), (r"e\.g\. \w+=", "CLI hint"),
                          (r"=VALUE|missing parameter", "CLI message"), (r"(?<![\w-])--[a-z]", "CLI option")]:
        for m in re.finditer(pattern, body):
            problems.append(f"{what}: ...{body[max(0, m.start() - 40):m.end() + 40]!r}...")
    return problems


def _escaped_ascii_math(tex: str) -> list[str]:
    """Plain text that went through escape(): an underscore, caret or tilde outside math (pdftotext cannot see an
    escaped underscore, which pdflatex draws as a rule)."""
    body = tex.split(r"\section{Reproducibility}")[0].split(r"\begin{document}")[1]
    text = re.sub(r"\$[^$]*\$", "", body)
    return [text[max(0, m.start() - 40):m.end() + 40] for m in re.finditer(r"\\_|\\textasciicircum|\\textasciitilde", text)]


def _without_derivation(model):
    """The same model without its derivation view (the derivation is verified by its own tests; slow here)."""
    m = copy.copy(model)
    m.capabilities = frozenset(model.capabilities - {"derivation"})
    return m


def _require_tools():
    if shutil.which("pdflatex") is None or shutil.which("pdftotext") is None:
        pytest.skip("pdflatex and pdftotext are needed")


@pytest.mark.parametrize("name", ["rank-one-denoising", "spiked-wigner"])
def test_report_text_has_no_raw_ascii_math_or_cli_messages(tmp_path, name):
    _require_tools()
    model = _without_derivation(sd.model(name))
    rep = report(model, None, out=tmp_path / "r", n=300, seeds=6, sizes=[150, 300], seed=1)
    assert rep.pdf is not None, rep.notes
    text = _pdf_text(rep.pdf)
    assert not _referee_problems(text), "\n".join(_referee_problems(text)[:10])
    tex = (tmp_path / "r" / "report.tex").read_text()
    assert not _escaped_ascii_math(tex), _escaped_ascii_math(tex)[:5]
    # figures are numbered floats with a label that the text references
    labels = re.findall(r"\\label\{(fig:[\w-]+)\}", tex)
    assert labels and r"\begin{figure}" in tex and r"\caption{" in tex
    assert all(r"\ref{" + lab + "}" in tex for lab in labels)
    assert "Figure 1:" in text and "Table 1:" in text
    # the parameter table's last column has a header; the trajectory table says what it shows
    assert "source" in text and "15 shown" not in text


@pytest.mark.slow
def test_full_report_with_the_derivation_reads_clean(tmp_path):
    _require_tools()
    rep = report(sd.model("rank-one-denoising"), None, out=tmp_path / "r", n=400, seeds=8, sizes=[200, 400], seed=1)
    text = _pdf_text(rep.pdf)
    assert not _referee_problems(text), "\n".join(_referee_problems(text)[:10])


def test_the_check_finds_what_it_looks_for():
    bad = ("X = theta u v^T + Z with sigma_n; \\texttt{x}; 2**(3/4); hitting-time: missing parameter level, "
           "e.g. level=VALUE; use --method gram")
    found = " ".join(_referee_problems(bad))
    for what in ("raw ^", "raw _", "LaTeX source", "Python power", "CLI hint", "CLI message", "CLI option"):
        assert what in found
    assert not _referee_problems("A well-typeset line: θ⁴ > c, p × n, e−t(s1 −s+ ), 95% (n = 2000). Reproducibility "
                                 "--out a_b")


def test_escaped_ascii_math_is_found_in_the_source():
    src = r"\begin{document} a\_b and $x_1$ or x\textasciicircum{}2 \section{Reproducibility} c\_d"
    assert len(_escaped_ascii_math(src)) == 2
