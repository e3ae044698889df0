"""``symdyn derive MODEL [--latex FILE [--pdf]] [--json] [--dps D] [--seed S] [--step KEY ...]``.

Builds the model's derivation, verifies every step and prints a table (or JSON
with ``--json``); ``--latex FILE`` writes a complete LaTeX document with the
verification results, and ``--pdf`` also compiles it to a PDF next to FILE.
Exit status 0 if every step verifies, 1 if a step fails (the failing steps are
named on stderr) or pdflatex fails, 2 for bad input.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import click

from ..derive import format_table
from ..errors import ParameterError, UnsupportedError
from ..outputs import check_output_file
from ..tex import LatexError, compile_pdf
from .common import DPS_OPTION, JSON_OPTION, emit_json, load_model, progress_meter

__all__ = ["derive_cmd"]


def _seed(text: str) -> int:
    text = str(text).strip()
    if not text.isdigit():
        raise ParameterError(f"--seed {text!r} is not a whole number: use an integer >= 0 (e.g. --seed 7)")
    return int(text)


@click.command("derive")
@click.argument("model_name", metavar="MODEL")
@click.option("--latex", "latex_file", default=None, metavar="FILE",
              help="Write the derivation as a complete LaTeX document (compiles with pdflatex).")
@click.option("--pdf", "pdf", is_flag=True, help="Also compile the --latex document to a PDF next to FILE (needs pdflatex).")
@JSON_OPTION
@DPS_OPTION
@click.option("--seed", default="0", show_default=True, help="Root seed of the random exact parameter points.")
@click.option("--step", "steps", multiple=True, metavar="KEY",
              help="Verify only this step (repeatable); default: every step.")
@click.pass_context
def derive_cmd(ctx: click.Context, model_name: str, latex_file: str | None, pdf: bool, as_json: bool, dps: int,
               seed: str, steps: tuple[str, ...]) -> None:
    """Verify MODEL's derivation step by step; print a table, JSON or LaTeX.

    Every step carries a statement, LaTeX and a check that can fail: symbolic
    (a residual simplifies to zero), numeric at seeded random exact parameter
    points at --dps digits, or two independent routes that must agree.
    --pdf compiles the --latex document next to FILE.  Exit status 1 if any
    step fails (or pdflatex fails).
    """
    if pdf and latex_file is None:
        raise ParameterError("--pdf needs --latex FILE: the PDF is compiled from that document, next to it")
    model = load_model(model_name)
    root = _seed(seed)
    derivation = model.derivation()
    known = [s.key for s in derivation]
    for key in steps:
        if key not in known:
            raise ParameterError(f"unknown step {key!r} of {model.name}: steps are " + ", ".join(known))
    if latex_file is not None:
        check_output_file(latex_file, "--latex")
    if pdf and shutil.which("pdflatex") is None:
        raise UnsupportedError("--pdf: pdflatex is not installed (Debian: apt-get install texlive-latex-base)")
    result = derivation.verify(dps=dps, seed=root, keys=list(steps) or None, progress=progress_meter())
    pdf_file, pdf_error = None, None
    if latex_file is not None:
        tex = result.to_latex()
        with open(latex_file, "w", encoding="utf-8") as fh:
            fh.write(tex)
        if pdf:
            pdf_file, pdf_error = _compile_next_to(tex, latex_file)
    if as_json:
        emit_json({"model": model.name, **result.to_json(), "latex_file": latex_file,
                   **({"pdf_file": pdf_file} if pdf else {})})
    else:
        click.echo(f"{derivation.title} ({model.name})")
        click.echo(format_table(result, width=_terminal_width()))
        if latex_file is not None:
            click.echo(f"LaTeX written to {latex_file}" + (f", PDF to {pdf_file}" if pdf_file else ""))
    if pdf_error is not None:
        click.echo(f"symdyn: derive: --pdf: {pdf_error}", err=True)
    if not result.passed:
        click.echo("symdyn: derive: step(s) not verified: " + ", ".join(
            f"{s.step.key} ({s.result.status}: {s.result.evidence})" for s in result.steps if not s.passed),
            err=True)
    if pdf_error is not None or not result.passed:
        ctx.exit(1)


def _compile_next_to(tex: str, latex_file: str) -> tuple[str | None, str | None]:
    """Compile *tex* in a temporary directory and copy the PDF to FILE's stem + ``.pdf``.

    Returns ``(pdf path, None)``, or ``(None, pdflatex's error)`` if it failed.
    """
    target = os.path.splitext(latex_file)[0] + ".pdf"
    with tempfile.TemporaryDirectory(prefix="symdyn-derive-") as tmp:
        try:
            built = compile_pdf(tex, tmp)
        except (LatexError, OSError, subprocess.TimeoutExpired) as exc:
            return None, " ".join(str(exc).split())
        shutil.copyfile(built, target)
    return target, None


def _terminal_width() -> int:
    return max(80, min(200, shutil.get_terminal_size((120, 24)).columns))
