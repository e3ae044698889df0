"""A report a referee can read: the compiled PDF's text (pdftotext) holds no raw ``^``, ``_``, ``\\texttt``,
accents made of ``^`` or ``~``, or command-line messages outside the reproducibility section (where the command
line belongs); figures and tables are numbered and referenced."""

from __future__ import annotations

import copy
import re
import subprocess

import pytest
from cli_helpers import require_tools

import symdyn as sd
from symdyn.report import report


def _pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _referee_problems(text: str) -> list[str]:
    body = text.split("Reproducibility")[0]   # the command line is code, on purpose
    problems = []
    for pattern, what in [(r"\^", "raw ^"), (r"_", "raw _"), (r"texttt|\\", "LaTeX source"), ("\u02c6", "^ accent"),
                          ("\u02dc", "~ accent"), (r"\*\*", "Python power"), (r"e\.g\. \w+=", "CLI hint"),
                          (r"=VALUE|missing parameter", "CLI message"), (r"(?<![\w-])--[a-z]", "CLI option"),
                          (r"(?<![\w-])(alpha|beta|theta|lambda0?|sigma|zeta|kappa|eta|tau|eps)(?![\w-])", "ASCII Greek")]:
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
    require_tools("pdflatex", "pdftotext")


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


def _long_tables(tex: str, rows: int) -> list[int]:
    """The row counts of the tables longer than *rows* (a tabular does not break across pages)."""
    return [n for n in (t.count("\\\\") - 1 for t in re.findall(r"\\begin\{tabular\}.*?\\end\{tabular\}", tex, re.S))
            if n > rows]


@pytest.mark.parametrize("name", ["matrix-sensing", "deep-factorization"])
def test_built_in_report_of_the_factorization_models_reads_clean(tmp_path, name):
    """The built-in example (with the model's own sections: learning steps, staircases, intervals, the perturbed
    target, the phase diagram, the preset) reads as mathematics; every figure is numbered, labelled and referenced,
    and no table is longer than a page."""
    from symdyn.report import TABLE_ROWS

    _require_tools()
    rep = report(_without_derivation(sd.model(name)), None, out=tmp_path / "r")
    assert rep.pdf is not None, rep.notes
    text = _pdf_text(rep.pdf)
    assert not _referee_problems(text), "\n".join(_referee_problems(text)[:10])
    tex = (tmp_path / "r" / "report.tex").read_text()
    assert not _escaped_ascii_math(tex), _escaped_ascii_math(tex)[:5]
    figures = re.findall(r"\\begin\{figure\}.*?\\end\{figure\}", tex, re.S)
    labels = [re.search(r"\\label\{(fig:[\w-]+)\}", f) for f in figures]
    assert len(figures) >= 3 and all(labels), "every figure has a label"
    assert all(r"\ref{" + m.group(1) + "}" in tex for m in labels), "every figure is referenced in the text"
    assert len(re.findall(r"Figure \d+:", text)) == len(figures)
    body = text.split("Reproducibility")[0]
    assert all(f"Figure {i}:" in body for i in range(1, len(figures) + 1)), "the figures come before Reproducibility"
    assert not _long_tables(tex, TABLE_ROWS), _long_tables(tex, TABLE_ROWS)


def test_long_tables_are_found():
    tex = "\\begin{tabular}{l}\na \\\\\n" + "x \\\\\n" * 5 + "\\end{tabular}"
    assert _long_tables(tex, 4) == [5] and not _long_tables(tex, 5)


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
    for what in ("raw ^", "raw _", "LaTeX source", "Python power", "CLI hint", "CLI message", "CLI option",
                 "ASCII Greek"):
        assert what in found
    assert not _referee_problems("A well-typeset line: θ⁴ > c, p × n, e−t(s1 −s+ ), 95% (n = 2000). Reproducibility "
                                 "--out a_b")


def test_escaped_ascii_math_is_found_in_the_source():
    src = r"\begin{document} a\_b and $x_1$ or x\textasciicircum{}2 \section{Reproducibility} c\_d"
    assert len(_escaped_ascii_math(src)) == 2
