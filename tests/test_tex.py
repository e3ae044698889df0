"""LaTeX output: printer settings, text helpers, bibliography, documents that compile with pdflatex."""

from __future__ import annotations

import os
import shutil

import pytest
import sympy as sp

import symdyn as sd
from symdyn import tex as ltx
from symdyn.laws import marchenko_pastur as mpl
from symdyn.models.rank_one_denoising import spectral as spikes
from symdyn.symbols import c, kappa, lam, theta, z
from symdyn.verify import parse


def _require_pdflatex() -> None:
    """Skip without pdflatex, unless SYMDYN_REQUIRE_PDFLATEX=1 makes its absence a failure."""
    if shutil.which("pdflatex") is None:
        if os.environ.get("SYMDYN_REQUIRE_PDFLATEX", "") not in ("", "0"):
            pytest.fail("pdflatex is required (SYMDYN_REQUIRE_PDFLATEX is set) but not installed")
        pytest.skip("pdflatex is not installed")


# ------------------------------------------------------------------------- expressions


def test_printer_reads_like_handwriting():
    assert ltx.latex(theta) == r"\theta" and ltx.latex(lam) == r"\lambda" and ltx.latex(kappa) == r"\kappa"
    assert ltx.latex(sp.Symbol("lambda_+") - lam) == r"\lambda_{+} - \lambda"
    assert ltx.latex(theta**4 - c) == r"\theta^{4} - c"
    assert ltx.latex(c ** sp.Rational(1, 4)) == r"\sqrt[4]{c}"
    assert ltx.latex(sp.log(theta)) == r"\ln{\left(\theta \right)}"
    assert ltx.latex((theta**4 - c) / theta**2) == r"\frac{\theta^{4} - c}{\theta^{2}}"
    assert ltx.latex(spikes.zeta_u()) == r"\frac{\theta^{4} - c}{\theta^{2} \left(c + \theta^{2}\right)}"
    assert ltx.latex("already \\LaTeX") == "already \\LaTeX"


def test_hypergeometric_functions_print_as_papers_write_them_and_parse_back():
    x = sp.Symbol("x")
    h = sp.hyper((1, sp.Rational(2, 3)), (sp.Rational(5, 3),), x)
    assert ltx.latex(h) == r"{}_{2}F_{1}\left(\frac{2}{3}, 1; \frac{5}{3}; x\right)"
    assert ltx.latex(h**2) == r"{{}_{2}F_{1}\left(\frac{2}{3}, 1; \frac{5}{3}; x\right)}^{2}"
    assert ltx.latex(sp.hyper((), (2,), x)) == r"{}_{0}F_{1}\left(; 2; x\right)"
    for expr in (h, h**2, 3 * h / x - x ** sp.Rational(-1, 3), sp.hyper((1, 1, x), (2, 2), x / (1 + x))):
        assert parse(ltx.latex(expr), {"x": x}) == expr  # the verify parser reads symdyn's notation


def test_json_latex_of_quantities_and_limits_is_symdyns_printer():
    m = sd.model("deep-factorization")
    q = m.boundary("time-to-reach", m.params(N="3", s="2", level="1/2", alpha="1/10"), dps=20)
    tex = q.to_json()["latex"]["time"]
    assert tex == ltx.latex(q.exact["time"]) and "{}_{2}F_{1}\\left(" in tex and "matrix" not in tex
    m = sd.model("rank-one-denoising")
    lim = m.limit(m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10"), dps=20, check=False)
    assert lim.to_json()["latex"] == {k: ltx.latex(v) for k, v in lim.exact.items()}


def test_floats_are_refused():
    with pytest.raises(ValueError, match="float"):
        ltx.latex(sp.Float("0.25") * c)
    with pytest.raises(ValueError, match="float"):
        ltx.equation(c, sp.Float("1.5"))


def test_equation_mixes_sympy_and_latex():
    eq = ltx.equation(sp.Function("m_1")(z), mpl.m1(z, sp.Function("R")(z)))
    assert eq.startswith(r"m_{1}{\left(z \right)} = \frac{")
    assert ltx.equation(r"\lambda_\pm", 1, r"\ne") == r"\lambda_\pm \ne 1"


# ------------------------------------------------------------------------- text


@pytest.mark.parametrize("text,expected", [
    (r"$\theta^4 > c$", "θ⁴ > c"),
    (r"$T'(\lambda_*) = -\frac{1}{\theta^4 - c}$", "T'(λ_*) = -1/(θ⁴ - c)"),
    (r"$\lambda_\pm = (1 \pm \sqrt{c})^2$", "λ_± = (1 ± √c)²"),
    (r"$\zeta_u = \frac{\theta^4 - c}{\theta^2(\theta^2 + c)}$", "ζ_u = (θ⁴ - c)/(θ²(θ² + c))"),
    (r"$m \sim K t^{-3/4}$ and $\mathrm{sgn}(A+B)\sqrt{\zeta_u}$", "m ~ K t^(-3/4) and sgn(A+B)√ζ_u"),
    (r"\emph{Stated} $c^{1/4}$, $\sqrt[4]{c}$", "Stated c^(1/4), ∜c"),
    (r"$\nu_{uv}(\mathbb R) = \theta$", "ν_uv(R) = θ"),
])
def test_plain_text(text, expected):
    assert ltx.plain_text(text) == expected


def test_escape_makes_plain_text_safe():
    assert ltx.escape("a_b & 50% #1 {x} ~ ^") == r"a\_b \& 50\% \#1 \{x\} \textasciitilde{} \textasciicircum{}"
    assert ltx.escape("θ ≤ √c") == r"$\theta$ $\le$ $\surd$c"
    assert ltx.escape("\\") == r"\textbackslash{}"


# ------------------------------------------------------------------------- bibliography


def test_bibtex_of_the_model_is_parsed():
    bib = sd.model("rank-one-denoising").cite()
    entries = ltx.parse_bibtex(bib)
    keys = [e.key for e in entries]
    assert keys == ["rankone_gd_2026", "bodin_macris_2021", "bbp_2005", "bgn_2012", "marchenko_pastur_1967"]
    bgn = entries[3]
    assert bgn.kind == "article" and bgn.fields["year"] == "2012"
    text = bgn.format()
    assert "Benaych-Georges" in text and r"\emph{The singular values" in text and "111" in text
    assert r"Mar{\v{c}}enko" in entries[4].format()
    bm = entries[1].format()
    assert "arXiv:2105.12257" in bm


def test_bibtex_edge_cases():
    e, = ltx.parse_bibtex('@book{k, title = "Quoted", year = 1999, note = {unbalanced } brace}}')
    assert e.fields["title"] == "Quoted" and e.fields["year"] == "1999"
    assert e.format().count("{") == e.format().count("}")


# ------------------------------------------------------------------------- documents


def test_document_structure():
    tex = ltx.document(
        "A & B", [ltx.Section("First $x$", "Body $y^2$.", (ltx.Section("Sub", "Deeper."),))],
        author="me", abstract="Abstract.", bibliography="@misc{k1, title = {T}, year = {2020}}",
        preamble=[r"\newcommand{\R}{\mathbb{R}}"],
    )
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert r"\title{A \& B}" in tex and r"\section{First $x$}" in tex and r"\subsection{Sub}" in tex
    assert r"\begin{abstract}" in tex and r"\bibitem{k1}" in tex and r"\newcommand{\R}" in tex
    for package in ltx.PREAMBLE_PACKAGES:
        assert package in tex


def test_small_document_compiles(tmp_path):
    _require_pdflatex()
    tex = ltx.document("Title with _ and %", [ltx.Section("S", "Text $\\theta^4 > c$ \\cite{k}.\n\n"
                                                           "\\begin{equation}" + ltx.equation(theta, c) + "\\end{equation}")],
                       bibliography="@misc{k, title = {T}, author = {A. B{\\'e}}, year = {2021}}")
    pdf = ltx.compile_pdf(tex, tmp_path)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_hypergeometric_closed_forms_compile_in_a_document(tmp_path):
    """A deep-factorization time (2F1) as the report's table cell and as a displayed equation."""
    _require_pdflatex()
    m = sd.model("deep-factorization")
    q = m.boundary("time-to-reach", m.params(N="3", s="2", level="1/2", lambda0="1/100"), dps=20)
    body = ("Cell: " + ltx.inline(q.exact["time"]) + "\n\n\\begin{equation}"
            + ltx.equation(sp.Symbol("T"), q.exact["time"]) + "\\end{equation}")
    pdf = ltx.compile_pdf(ltx.document("2F1", [ltx.Section("S", body)]), tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_broken_latex_raises(tmp_path):
    _require_pdflatex()
    with pytest.raises(ltx.LatexError, match="pdflatex failed"):
        ltx.compile_pdf("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}", tmp_path)


def test_rank_one_derivation_compiles_with_pdflatex(tmp_path):
    """Every equation of the rank-one derivation, plus verification blocks, through pdflatex."""
    _require_pdflatex()
    d = sd.model("rank-one-denoising").derivation()
    full = d.to_latex()   # every step's statement and equations, verification "not run"
    assert full.count("\\label{step:") == len(d)
    pdf = ltx.compile_pdf(full, tmp_path / "full")
    assert pdf.stat().st_size > 20_000
    res = d.verify(dps=20, keys=["mp-equation", "residues", "pole-subtraction", "decay-amplitudes"])
    tex = res.to_latex()
    assert "4 of 4 steps verified at 20 digits" in tex and "\\emph{Stated result.}" in tex
    pdf = ltx.compile_pdf(tex, tmp_path / "verified")
    assert pdf.exists()
    log = (tmp_path / "verified" / "document.log").read_text(errors="replace")
    assert not [ln for ln in log.splitlines() if "Citation" in ln and "undefined" in ln]  # every \cite resolves


def test_cli_latex_output_compiles(tmp_path):
    _require_pdflatex()
    from cli_helpers import run_cli

    out = tmp_path / "derivation.tex"
    status, _, err = run_cli("derive", "rank-one-denoising", "--step", "T-identity", "--step", "outlier-factored",
                             "--latex", str(out))
    assert status == 0, err
    assert ltx.compile_pdf(out.read_text(), tmp_path / "build").exists()


def test_prose_keeps_text_commands_and_escaped_specials_once():
    src = r"the routes \texttt{mpmath.expm}$(tH)$ and \texttt{spikes.threshold\_amplitudes}, 50\% or 50% & $x_1$"
    out = ltx.prose(src)
    assert r"\texttt{mpmath.expm}$(tH)$" in out and r"\texttt{spikes.threshold\_amplitudes}" in out
    assert r"\textbackslash" not in out and r"\\_" not in out
    assert "50\\% or 50\\% \\&" in out and "$x_1$" in out
    assert ltx.prose("a_b ^ c") == r"a\_b \textasciicircum{} c"   # plain text is still escaped
    assert ltx.plain_text(r"by \texttt{mpmath.expm}") == "by mpmath.expm"


def test_prose_strings_are_plain_text_with_a_latex_form():
    import json
    import pickle

    p = ltx.Prose("sigma^2/n", r"$\sigma^2/n$")
    assert p == "sigma^2/n" and isinstance(p, str) and json.dumps({"m": p}) == '{"m": "sigma^2/n"}'
    q = pickle.loads(pickle.dumps(p))
    assert q == p and q.latex == p.latex
    assert ltx.typeset(p) == ltx.prose(p) == r"$\sigma^2/n$" and ltx.typeset("a_b") == r"a\_b"
    assert ltx.Prose.from_latex(r"$\zeta_u$").latex == r"$\zeta_u$"
