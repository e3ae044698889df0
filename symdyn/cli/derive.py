"""``symdyn derive MODEL [--latex FILE] [--json] [--dps D] [--seed S] [--step KEY ...]``.

Builds the model's derivation, verifies every step and prints a table (or JSON
with ``--json``); ``--latex FILE`` writes a complete LaTeX document with the
verification results.  Exit status 0 if every step verifies, 1 if a step
fails (the failing steps are named on stderr), 2 for bad input.
"""

from __future__ import annotations

import click

from ..derive import format_table
from ..errors import ParameterError
from ..outputs import check_output_file
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
@JSON_OPTION
@DPS_OPTION
@click.option("--seed", default="0", show_default=True, help="Root seed of the random exact parameter points.")
@click.option("--step", "steps", multiple=True, metavar="KEY",
              help="Verify only this step (repeatable); default: every step.")
@click.pass_context
def derive_cmd(ctx: click.Context, model_name: str, latex_file: str | None, as_json: bool, dps: int,
               seed: str, steps: tuple[str, ...]) -> None:
    """Verify MODEL's derivation step by step; print a table, JSON or LaTeX.

    Every step carries a statement, LaTeX and a check that can fail: symbolic
    (a residual simplifies to zero), numeric at seeded random exact parameter
    points at --dps digits, or two independent routes that must agree.
    Exit status 1 if any step fails.
    """
    model = load_model(model_name)
    root = _seed(seed)
    derivation = model.derivation()
    known = [s.key for s in derivation]
    for key in steps:
        if key not in known:
            raise ParameterError(f"unknown step {key!r} of {model.name}: steps are " + ", ".join(known))
    if latex_file is not None:
        check_output_file(latex_file, "--latex")
    result = derivation.verify(dps=dps, seed=root, keys=list(steps) or None, progress=progress_meter())
    if latex_file is not None:
        with open(latex_file, "w", encoding="utf-8") as fh:
            fh.write(result.to_latex())
    if as_json:
        emit_json({"model": model.name, **result.to_json(), "latex_file": latex_file})
    else:
        click.echo(f"{derivation.title} ({model.name})")
        click.echo(format_table(result, width=_terminal_width()))
        if latex_file is not None:
            click.echo(f"LaTeX written to {latex_file}")
    if not result.passed:
        click.echo("symdyn: derive: step(s) not verified: " + ", ".join(
            f"{s.step.key} ({s.result.status}: {s.result.evidence})" for s in result.steps if not s.passed),
            err=True)
        ctx.exit(1)


def _terminal_width() -> int:
    import shutil

    return max(80, min(200, shutil.get_terminal_size((120, 24)).columns))
